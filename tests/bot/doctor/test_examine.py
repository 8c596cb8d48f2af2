"""``examine`` in-process against the four emulators over loopback: what it reports; that it sends nothing billed."""

from __future__ import annotations

import json
import time

import pytest

from bot.doctor import UNUSABLE, USABLE, DoctorReport, examine, exit_status, render
from bot.doctor._table import NONE_CONFIGURED
from providers.core.diagnosis import Diagnosis, Finding, Verdict
from providers.core.unknown_values import report_unknown
from providers.jumdata import JumdataProvider
from providers.registry import PROVIDERS
from tests.bot.doctor.emulated import closed_port_url, running, secrets_of, service_settings
from tests.emulators.common import FAULTS_KEY

#: a wrong secret for each service, long enough for the scrubbers to look for
WRONG_SECRETS = {
    "picpik": {"private_key": "Wr0ngPrivateKeyZ7q"},
    "midjourney": {"password": "Wr0ngPasswdZ7q"},
    "jumdata": {"app_secret": "Wr0ngAppSecretZ7q"},
    "ngpu": {"workspace_id": "Wr0ngWorkspaceZ7q"},
}


def _printed(report: DoctorReport) -> str:
    """Everything the doctor would print, both ways."""
    return render(report) + json.dumps(report.as_dict(), ensure_ascii=False)


def _by_service(report: DoctorReport) -> dict[str, Diagnosis]:
    return {diagnosis.service: diagnosis for diagnosis in report.configured}


async def test_every_service_answers_with_its_keys_accepted_and_nothing_billed() -> None:
    async with running() as emulated:
        report = await examine(service_settings(emulated), timeout=20)
    diagnoses = _by_service(report)
    assert set(diagnoses) == set(PROVIDERS)
    for name, diagnosis in diagnoses.items():
        assert diagnosis.reachable and diagnosis.keys_accepted and diagnosis.usable, diagnosis
        assert emulated[name].calls(), f"{name}: the doctor asked nothing"
        assert emulated[name].billed_calls() == [], name
    assert report.usable and exit_status(report) == USABLE
    assert "Every configured service is usable (4 of 4 configured)." in render(report)
    assert all(secret not in _printed(report) for secret in secrets_of(PROVIDERS))


@pytest.mark.parametrize("wrong", sorted(WRONG_SECRETS))
async def test_refused_keys_make_that_service_unusable(wrong: str) -> None:
    async with running() as emulated:
        report = await examine(service_settings(emulated, **{wrong: WRONG_SECRETS[wrong]}), timeout=20)
    diagnoses = _by_service(report)
    assert diagnoses[wrong].reachable is True
    assert diagnoses[wrong].keys_accepted is False
    assert diagnoses[wrong].problem and "refused" in diagnoses[wrong].problem
    assert all(d.usable for name, d in diagnoses.items() if name != wrong)
    assert exit_status(report) == UNUSABLE
    assert f"Unusable: {wrong} (1 of 4 configured)." in render(report)
    printed = _printed(report)
    for secret in [*secrets_of(PROVIDERS), *WRONG_SECRETS[wrong].values()]:
        assert secret not in printed
    assert all(emulator.billed_calls() == [] for emulator in emulated.values())


async def test_a_base_url_nobody_answers_is_not_reachable() -> None:
    async with running(["picpik", "jumdata"]) as emulated:
        settings = service_settings(emulated)
        settings["picpik"] = settings["picpik"].model_copy(update={"base_url": closed_port_url()})
        report = await examine(settings, timeout=20)
    diagnoses = _by_service(report)
    assert diagnoses["picpik"].reachable is False
    assert diagnoses["picpik"].keys_accepted is None
    assert (diagnoses["picpik"].problem or "").startswith("not reachable")
    assert diagnoses["jumdata"].usable
    assert exit_status(report) == UNUSABLE
    assert [r.name for r in report.services if not r.configured] == ["midjourney", "ngpu"]


async def test_hanging_services_are_reported_within_the_timeout_side_by_side() -> None:
    hanging = ("midjourney", "picpik")
    async with running([*hanging, "ngpu"]) as emulated:
        settings = service_settings(emulated)
        for name in hanging:
            emulated[name].app[FAULTS_KEY].arm("hang")
            # the calls' own timeout is longer than the doctor's: the doctor's limit is what ends the wait
            settings[name] = settings[name].model_copy(update={"timeout_seconds": 30.0})
        started = time.monotonic()
        report = await examine(settings, timeout=1.0)
        took = time.monotonic() - started
    diagnoses = _by_service(report)
    assert took < 1.9  # both waited at the same time, not one after the other
    for name in hanging:
        assert diagnoses[name].reachable is False
        assert diagnoses[name].problem == "not reachable: no complete answer within 1 s"
    assert diagnoses["ngpu"].usable
    assert exit_status(report) == UNUSABLE


async def test_a_slow_check_after_the_keys_keeps_what_was_learned() -> None:
    async with running(["jumdata"]) as emulated:
        faults = emulated["jumdata"].app[FAULTS_KEY]
        faults.slow_seconds = 0.7  # the keys check ends in time, the next query does not
        faults.arm("slow")
        settings = service_settings(emulated)
        settings["jumdata"] = settings["jumdata"].model_copy(update={"timeout_seconds": 30.0})
        report = await examine(settings, timeout=1.0)
    diagnosis = _by_service(report)["jumdata"]
    assert diagnosis.reachable and diagnosis.keys_accepted is True and diagnosis.usable
    [late] = [finding for finding in diagnosis.findings if finding.entry == "jumdata.checks"]
    assert late.verdict is Verdict.UNKNOWN and "did not finish within 1 s" in late.saw
    assert exit_status(report) == USABLE


async def test_no_keys_in_the_settings_is_said_and_counts_as_unusable() -> None:
    report = await examine({}, timeout=5)
    assert report.configured == []
    assert [r.name for r in report.services] == list(PROVIDERS)
    assert exit_status(report) == UNUSABLE
    text = render(report)
    assert NONE_CONFIGURED in text
    assert "not configured (set PICPIK_PUBLIC_KEY, PICPIK_PRIVATE_KEY)" in text
    assert "not configured (set NGPU_WORKSPACE_ID)" in text
    document = report.as_dict()
    assert document["services"] == [] and document["usable"] is False
    assert {entry["service"] for entry in document["not_configured"]} == set(PROVIDERS)  # type: ignore[union-attr]


async def test_only_the_named_service_is_asked() -> None:
    async with running(["picpik", "ngpu"]) as emulated:
        report = await examine(service_settings(emulated), only=["ngpu"], timeout=20)
    assert [r.name for r in report.services] == ["ngpu"]
    assert report.usable and exit_status(report) == USABLE
    assert emulated["picpik"].calls() == []


async def test_keys_in_the_settings_that_do_not_fit_are_one_line_and_nothing_is_sent() -> None:
    async with running(["ngpu"]) as emulated:
        report = await examine(service_settings(emulated, ngpu={"btc_address": "not an address!"}), timeout=20)
    (diagnosis,) = report.configured
    assert diagnosis.usable is False
    assert "the keys in the settings do not fit NGPU" in (diagnosis.problem or "")
    assert "btc_address" in (diagnosis.problem or "")
    assert emulated["ngpu"].calls() == []
    assert exit_status(report) == UNUSABLE


class _CrashingJumdata(JumdataProvider):
    """A service whose diagnosis breaks in a way nobody planned for, quoting its secret on two lines."""

    async def diagnose(self) -> Diagnosis:
        secret = self.credentials.app_secret.get_secret_value()  # type: ignore[attr-defined]
        raise RuntimeError(f"boom with {secret}\nsecond line")


async def test_a_crash_in_one_service_is_one_scrubbed_line_and_the_others_are_checked() -> None:
    async with running(["jumdata", "ngpu"]) as emulated:
        providers = {**PROVIDERS, "jumdata": _CrashingJumdata}
        report = await examine(service_settings(emulated), providers=providers, timeout=20)
    diagnoses = _by_service(report)
    problem = diagnoses["jumdata"].problem or ""
    assert problem.startswith("the check failed: RuntimeError: boom with ")
    assert "\n" not in problem
    assert all(secret not in _printed(report) for secret in secrets_of(PROVIDERS))
    assert diagnoses["ngpu"].usable
    assert exit_status(report) == UNUSABLE


class _SurprisedNgpu(PROVIDERS["ngpu"]):  # type: ignore[misc, valid-type]
    """A service that meets a value the bot does not know while it is diagnosed."""

    async def diagnose(self) -> Diagnosis:
        report_unknown(self.name, "doctor test field", "value seen during the run")
        return await super().diagnose()


async def test_only_the_unknown_values_of_this_run_are_shown() -> None:
    report_unknown("ngpu", "doctor test field", "value seen before the run")
    async with running(["ngpu"]) as emulated:
        report = await examine(service_settings(emulated), providers={"ngpu": _SurprisedNgpu}, timeout=20)
    shown = [(value.service, value.field, value.value, count) for value, count in report.unknown_values]
    assert shown == [("ngpu", "doctor test field", "value seen during the run", 1)]
    assert "value seen during the run" in render(report)
    assert report.as_dict()["unknown_values"] == [
        {"service": "ngpu", "field": "doctor test field", "value": "value seen during the run", "count": 1}
    ]


_LOGIN_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLXBhcnQ"


class _QuotingNgpu(PROVIDERS["ngpu"]):  # type: ignore[misc, valid-type]
    """A service whose finding quotes the way keys are sent, its workspace id, and a login token."""

    async def diagnose(self) -> Diagnosis:
        diagnosis = await super().diagnose()
        secret = self.credentials.workspace_id.get_secret_value()  # type: ignore[attr-defined]
        diagnosis.findings.append(Finding(
            "doctor.quoting", "the id is sent as `Authorization: Bearer <id>`", Verdict.REFUTED,
            f"Bearer {secret} refused; token {_LOGIN_TOKEN}", "NGPU_AUTH_FORM=bare",
        ))
        return diagnosis


async def test_findings_lose_secrets_and_keep_their_words() -> None:
    async with running(["ngpu"]) as emulated:
        report = await examine(service_settings(emulated), providers={"ngpu": _QuotingNgpu}, timeout=20)
    (finding,) = [f for f in report.configured[0].findings if f.entry == "doctor.quoting"]
    assert finding.reading == "the id is sent as `Authorization: Bearer <id>`"
    assert finding.saw == "Bearer ••• refused; token •••"
    assert finding.setting == "NGPU_AUTH_FORM=bare"
