"""``NgpuProvider.diagnose()`` against the emulator in its default reading and in each variant: each finding says
what this NGPU showed, names the setting when the bot's reading is refuted, and nothing billed is ever sent."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from providers.core.diagnosis import Diagnosis, Finding, Verdict
from providers.core.models import ImagineRequest, JobStatus
from providers.ngpu.credentials import NgpuCredentials
from providers.ngpu.forms import AuthForm, DataForm
from tests.emulators.ngpu import REQUESTS_KEY, STATE_KEY, TEST_WORKSPACE_ID
from tests.providers.contract import run_to_end
from tests.providers.ngpu.conftest import Env, MakeEnv

ENTRIES = ("ngpu.auth_form", "ngpu.brc20_path", "ngpu.data_form", "ngpu.querytask_top_code")


@dataclass(frozen=True)
class Expected:
    variants: tuple[str, ...]
    settings: dict[str, object]
    #: entry → the verdict
    verdicts: dict[str, Verdict]
    #: entry → the setting named (refuted: the one to set; confirmed: the one to set if it turns out wrong)
    named: dict[str, str | None]


#: the settings named when the bot runs on the emulator's default readings (the bare id set): each the way out if
#: the reading turns out wrong
DEFAULT_NAMED = {
    "ngpu.auth_form": "NGPU_AUTH_FORM=bearer",
    "ngpu.brc20_path": "NGPU_BRC20_PATH=brc20/checkAddress",
    "ngpu.data_form": "NGPU_DATA_FORM=string",
    "ngpu.querytask_top_code": None,
}


def expect(variants: tuple[str, ...], settings: dict[str, object], refuted: tuple[str, ...] = (),
           named: dict[str, str | None] | None = None) -> Expected:
    verdicts = {entry: Verdict.REFUTED if entry in refuted else Verdict.CONFIRMED for entry in ENTRIES}
    return Expected(variants, settings, verdicts, {**DEFAULT_NAMED, **(named or {})})


BARE_SET = {"auth_form": AuthForm.BARE}
CASES = {
    "default reading, default settings": expect(
        (), {}, ("ngpu.auth_form",), {"ngpu.auth_form": "NGPU_AUTH_FORM=bare"}
    ),
    "default reading, bare id set": expect((), BARE_SET),
    "data_string": expect(("data_string",), BARE_SET, ("ngpu.data_form",)),
    "data_string, string set": expect(
        ("data_string",), {**BARE_SET, "data_form": DataForm.STRING}, named={"ngpu.data_form": "NGPU_DATA_FORM=object"}
    ),
    "auth_bearer": expect(("auth_bearer",), {}, named={"ngpu.auth_form": "NGPU_AUTH_FORM=bare"}),
    "auth_bearer, bare set": expect(("auth_bearer",), BARE_SET, ("ngpu.auth_form",)),
    "brc20_seed_path": expect(("brc20_seed_path",), BARE_SET, ("ngpu.brc20_path",)),
    "brc20_seed_path, seed path set": expect(
        ("brc20_seed_path",), {**BARE_SET, "brc20_path": "brc20/checkAddress"},
        named={"ngpu.brc20_path": "NGPU_BRC20_PATH=user/brc20/checkAddress"},
    ),
    "querytask_top_code": expect(("querytask_top_code",), BARE_SET, ("ngpu.querytask_top_code",)),
}


def findings(diagnosis: Diagnosis) -> dict[str, Finding]:
    by_entry = {finding.entry: finding for finding in diagnosis.findings}
    assert len(by_entry) == len(diagnosis.findings), "one finding per entry"
    return by_entry


def assert_nothing_billed(env: Env) -> None:
    sent = env.app[REQUESTS_KEY]
    assert sent, "the diagnosis asked nothing"
    assert [r.path for r in sent if r.method != "GET"] == []  # every submit is a POST; no POST at all


def assert_no_secret(diagnosis: Diagnosis) -> None:
    assert TEST_WORKSPACE_ID not in repr(diagnosis.as_dict())


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
async def test_each_reading_is_found_as_the_emulator_plays_it(variant_env: MakeEnv, case: Expected) -> None:
    env = await variant_env(*case.variants, **case.settings)
    diagnosis = await env.provider.diagnose()
    assert diagnosis.usable and diagnosis.keys_accepted, diagnosis.problem
    found = findings(diagnosis)
    assert {entry: f.verdict for entry, f in found.items()} == case.verdicts
    assert {entry: f.setting for entry, f in found.items()} == case.named
    assert all(f.reading and f.saw for f in found.values())
    assert_nothing_billed(env)
    assert_no_secret(diagnosis)


async def test_what_each_finding_saw(env: Env) -> None:
    found = findings(await env.provider.diagnose())
    assert "refused the Bearer-prefixed form" in found["ngpu.auth_form"].saw
    assert "accepted the bare id" in found["ngpu.auth_form"].saw
    assert found["ngpu.brc20_path"].saw == "/user/brc20/checkAddress answered; /brc20/checkAddress does not exist"
    assert "JSON object" in found["ngpu.data_form"].saw
    assert found["ngpu.querytask_top_code"].saw == "result_code 200"


async def test_a_submit_already_taken_in_this_process_settles_the_data_form(variant_env: MakeEnv) -> None:
    env = await variant_env("data_string", auth_form=AuthForm.BARE)
    state, _ = await run_to_end(env.provider, await env.provider.imagine(ImagineRequest(prompt="a kite")))
    assert state.status is JobStatus.SUCCEEDED
    data = findings(await env.provider.diagnose())["ngpu.data_form"]
    assert (data.verdict, data.setting) == (Verdict.REFUTED, "NGPU_DATA_FORM=string")
    assert "a submit in this process" in data.saw


async def test_a_workspace_without_tasks_leaves_the_data_form_unknown(env: Env) -> None:
    env.app[STATE_KEY].tasks.clear()
    found = findings(await env.provider.diagnose())
    assert found["ngpu.data_form"].verdict is Verdict.UNKNOWN
    assert found["ngpu.data_form"].setting == "NGPU_DATA_FORM=string"  # what to set if the first submit is refused
    assert "ngpu.querytask_top_code" not in found  # only said when seen
    assert_nothing_billed(env)


async def test_refused_keys_leave_the_workspace_readings_unknown(env: Env) -> None:
    provider = env.with_credentials(NgpuCredentials(workspace_id="ws-not-known-here"))
    diagnosis = await provider.diagnose()
    assert diagnosis.reachable and diagnosis.keys_accepted is False and not diagnosis.usable
    found = findings(diagnosis)
    assert found["ngpu.auth_form"].verdict is Verdict.UNKNOWN
    assert found["ngpu.data_form"].verdict is Verdict.UNKNOWN
    assert found["ngpu.brc20_path"].verdict is Verdict.CONFIRMED  # a public call: no keys needed
    assert "ngpu.querytask_top_code" not in found
    assert "ws-not-known-here" not in repr(diagnosis.as_dict())
    assert_nothing_billed(env)


async def test_an_unreachable_ngpu_says_so_and_guesses_nothing(env: Env) -> None:
    provider = env.with_settings(base_url="http://127.0.0.1:9")
    diagnosis = await provider.diagnose()
    assert not diagnosis.reachable and diagnosis.problem and "not reachable" in diagnosis.problem
    assert {f.entry: f.verdict for f in diagnosis.findings} == {
        "ngpu.auth_form": Verdict.UNKNOWN, "ngpu.brc20_path": Verdict.UNKNOWN, "ngpu.data_form": Verdict.UNKNOWN,
    }
