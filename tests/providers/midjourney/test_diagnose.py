"""``python -m bot doctor`` for the Midjourney-style API: the login and ONE ``/jobs/find`` page, against the emulator
in its default reading and in each variant; the findings say what the page showed, and nothing billed is sent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from providers.core.diagnosis import Finding, Verdict
from providers.core.unknown_values import forget_unknown_values, unknown_value_counts
from providers.midjourney.diagnose import (
    BLEND_AR,
    DESCRIBE_FIELD,
    PAGE_CAP,
    STATUS_VALUES,
    describe_finding,
    page_cap_finding,
)
from providers.midjourney.models import FindPage, Job
from tests.emulators import midjourney as emulator
from tests.emulators import midjourney_jobs
from tests.providers.midjourney.conftest import Emulator, running_emulator

#: the calls a diagnosis may make: none of them creates a job
FREE_CALLS = ["/auth/login", "/jobs/find"]

#: variant → (what the page-cap finding saw, the field the describe prompts were found in)
EXPECTED = {
    "": ("got a full page of 100", "`description`"),
    "page_cap_20": ("caps its pages at 20", "`description`"),
    "page_cap_10": ("caps its pages at 10", "`description`"),
    "blend_reads_ar": ("got a full page of 100", "`description`"),
    "describe_in_translation": ("got a full page of 100", "`description_translation`"),
    "describe_in_msg_content": ("got a full page of 100", "`msg_content`"),
}


@pytest.fixture(autouse=True)
def fresh_counts() -> Iterator[None]:
    forget_unknown_values()
    yield
    forget_unknown_values()


def _by_entry(findings: list[Finding]) -> dict[str, Finding]:
    assert len({finding.entry for finding in findings}) == len(findings)
    return {finding.entry: finding for finding in findings}


def _calls(emu: Emulator) -> list[str]:
    return [request["path"] for request in emu.app[emulator.REQUESTS_KEY]]


def test_every_variant_has_an_expectation() -> None:
    assert set(EXPECTED) == {"", *emulator.VARIANTS}


@pytest.mark.parametrize("variant", list(EXPECTED), ids=lambda variant: variant or "default")
async def test_one_free_page_tells_each_reading(variant: str) -> None:
    async with running_emulator([variant] if variant else [], filler_jobs=150) as emu:
        emulator.add_jobs(emu.app, 1, job_type="describe")  # the newest job: a finished describe
        diagnosis = await emu.provider().diagnose()

        assert diagnosis.usable and diagnosis.keys_accepted and diagnosis.problem is None
        findings = _by_entry(diagnosis.findings)
        assert set(findings) == {PAGE_CAP, STATUS_VALUES, DESCRIBE_FIELD, BLEND_AR}
        page_saw, describe_field = EXPECTED[variant]
        assert findings[PAGE_CAP].verdict is Verdict.CONFIRMED and page_saw in findings[PAGE_CAP].saw
        assert findings[STATUS_VALUES].verdict is Verdict.CONFIRMED
        assert "2000 ×" in findings[STATUS_VALUES].saw
        assert findings[DESCRIBE_FIELD].verdict is Verdict.CONFIRMED
        assert f"prompts found in {describe_field} on 1 of 1" in findings[DESCRIBE_FIELD].saw
        blend = findings[BLEND_AR]
        assert (blend.verdict, blend.setting) == (Verdict.UNKNOWN, "MIDJOURNEY_BLEND_READS_AR=true")
        assert _calls(emu) == FREE_CALLS  # one login, one page: nothing billed, no second page


async def test_with_the_blend_setting_on_the_finding_names_how_to_turn_it_off() -> None:
    async with running_emulator(["blend_reads_ar"], filler_jobs=3) as emu:
        diagnosis = await emu.provider(blend_reads_ar=True).diagnose()
        blend = _by_entry(diagnosis.findings)[BLEND_AR]
        assert blend.verdict is Verdict.UNKNOWN and "--ar" in blend.reading
        assert blend.setting == "MIDJOURNEY_BLEND_READS_AR=false"
        assert _calls(emu) == FREE_CALLS


async def test_too_few_jobs_to_see_a_cap_and_no_describe_job_cannot_tell() -> None:
    async with running_emulator(["page_cap_20"], filler_jobs=12) as emu:
        findings = _by_entry((await emu.provider().diagnose()).findings)
        assert findings[PAGE_CAP].verdict is Verdict.UNKNOWN and "lists 12 jobs" in findings[PAGE_CAP].saw
        assert findings[DESCRIBE_FIELD].verdict is Verdict.UNKNOWN
        assert _calls(emu) == FREE_CALLS


async def test_status_values_the_bot_does_not_know_are_named_and_reported() -> None:
    async with running_emulator(filler_jobs=5) as emu:
        # a job still queued, as the emulator marks it (a value no document names)
        midjourney_jobs.new_job(emu.app, emulator.TEST_USERNAME, "main", "a fresh job", cell=(64, 64))
        findings = _by_entry((await emu.provider().diagnose()).findings)
        status = findings[STATUS_VALUES]
        assert status.verdict is Verdict.UNKNOWN
        assert f"not known to the bot: {emulator.QUEUED_STATUS}" in status.saw and "2000 ×5" in status.saw
        assert {v.value for v in unknown_value_counts() if v.field == "job status"} == {str(emulator.QUEUED_STATUS)}
        assert _calls(emu) == FREE_CALLS


async def test_refused_keys_stop_the_diagnosis_before_any_job_call(emu: Emulator) -> None:
    emu.app[emulator.STATE_KEY].users[emulator.TEST_USERNAME] = "changed"
    diagnosis = await emu.provider().diagnose()
    assert diagnosis.keys_accepted is False and not diagnosis.usable and diagnosis.findings == []
    assert _calls(emu) == ["/auth/login"]


async def test_a_failing_find_is_a_problem_and_every_page_reading_unknown(emu: Emulator) -> None:
    emu.arm("general_error", times=5)  # job endpoints answer 501; the login still works
    diagnosis = await emu.provider().diagnose()
    assert diagnosis.problem is not None and "/jobs/find" in diagnosis.problem
    findings = _by_entry(diagnosis.findings)
    assert {findings[entry].verdict for entry in (PAGE_CAP, STATUS_VALUES, DESCRIBE_FIELD)} == {Verdict.UNKNOWN}
    assert "/jobs/create" not in _calls(emu)


# --- the findings read from a page, without a service ------------------------------------------------------------


def _page(count: int, total: int | None) -> FindPage:
    entries = [{"hash": f"{n:064x}", "timestamp": str(1_700_000_000_000 - n), "status": 2000} for n in range(count)]
    return FindPage.model_validate({"res": entries, "total": total})


def test_a_page_without_total_cannot_tell_a_cap() -> None:
    finding = page_cap_finding(100, _page(20, None))
    assert finding.verdict is Verdict.UNKNOWN and "no `total`" in finding.saw


def test_finished_describe_jobs_without_prompts_where_the_bot_reads_refute_the_reading() -> None:
    lost = Job(status=2000, job_type="describe", msg_content="https://cdn.example/1.png", prompt="a fox")
    finding = describe_finding([lost, lost.model_copy(update={"hash": "2"})])
    assert finding.verdict is Verdict.REFUTED
    assert "2 finished describe job(s)" in finding.saw and "msg_content" in finding.saw
    found = Job(status=2000, job_type="describe", description="1️⃣ a fox\n2️⃣ a cub")
    partly = describe_finding([found, lost])
    assert partly.verdict is Verdict.CONFIRMED and "1 had them in no field" in partly.saw
