"""``diagnose()`` for Jumdata against the emulator in its default and in each variant (never a submit: it is billed
per image), and its readings of answers the emulator does not give."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from providers.core.diagnosis import Diagnosis, Finding, Verdict
from providers.jumdata.credentials import JumdataCredentials
from providers.jumdata.diagnosis import MALFORMED_TASK_ID, QueryAnswer, key_check_finding, task_id_shape_finding
from providers.jumdata.settings import DEFAULT_KEY_CHECK_TASK_ID
from tests.emulators import jumdata as emulator
from tests.providers.jumdata.conftest import Live, running


def _findings(diagnosis: Diagnosis) -> dict[str, Finding]:
    return {finding.entry: finding for finding in diagnosis.findings}


def _only_free_queries(live: Live) -> None:
    assert live.submits == [], "a diagnosis never sends the billed submit"
    assert {request.path for request in live.app[emulator.REQUESTS_KEY]} == {"/ai/draw/query"}


async def test_default_service_keys_good_and_any_id_taken() -> None:
    async with running() as live:
        diagnosis = await live.provider.diagnose()
        _only_free_queries(live)
    assert diagnosis.usable and diagnosis.keys_accepted is True and diagnosis.problem is None
    found = _findings(diagnosis)
    assert set(found) == {"jumdata.key_check", "jumdata.task_id_shape"}
    assert found["jumdata.key_check"].verdict is Verdict.CONFIRMED
    assert "code 201" in found["jumdata.key_check"].saw and "keys passed" in found["jumdata.key_check"].saw
    shape = found["jumdata.task_id_shape"]
    assert shape.verdict is Verdict.CONFIRMED and "not strict" in shape.saw and MALFORMED_TASK_ID in shape.saw


async def test_strict_service_whose_form_the_check_uses_is_strict_with_nothing_to_change() -> None:
    async with running(("strict_task_id",)) as live:
        diagnosis = await live.provider.diagnose()
        _only_free_queries(live)
    found = _findings(diagnosis)
    assert diagnosis.keys_accepted is True
    assert found["jumdata.key_check"].verdict is Verdict.CONFIRMED and "code 201" in found["jumdata.key_check"].saw
    shape = found["jumdata.task_id_shape"]
    assert shape.verdict is Verdict.REFUTED and shape.setting is None  # strict, but the check's own id fits
    assert "strict" in shape.saw and emulator.TASK_ID_FORM_REFUSED in shape.saw and "passes as well formed" in shape.saw


async def test_strict_service_of_another_form_names_the_setting() -> None:
    async with running(("strict_hex_task_id",)) as live:
        diagnosis = await live.provider.diagnose()
        _only_free_queries(live)
    found = _findings(diagnosis)
    # a refused id form is not refused keys, nor accepted ones: the service said nothing of them
    assert diagnosis.keys_accepted is None and diagnosis.usable
    key_check = found["jumdata.key_check"]
    assert key_check.verdict is Verdict.UNKNOWN and "before anything was said about the keys" in key_check.saw
    assert key_check.setting is not None and key_check.setting.startswith("JUMDATA_KEY_CHECK_TASK_ID=")
    shape = found["jumdata.task_id_shape"]
    assert shape.verdict is Verdict.REFUTED
    assert shape.setting is not None and shape.setting.startswith("JUMDATA_KEY_CHECK_TASK_ID=")
    assert DEFAULT_KEY_CHECK_TASK_ID in shape.saw


async def test_with_the_setting_the_strict_service_of_another_form_is_confirmed() -> None:
    async with running(("strict_hex_task_id",), key_check_task_id="0" * 32) as live:
        diagnosis = await live.provider.diagnose()
        _only_free_queries(live)
    found = _findings(diagnosis)
    assert found["jumdata.key_check"].verdict is Verdict.CONFIRMED and "code 201" in found["jumdata.key_check"].saw
    assert diagnosis.keys_accepted is True
    assert found["jumdata.task_id_shape"].verdict is Verdict.REFUTED  # strict; the setting's id fits its form


@pytest.mark.parametrize("variants", [(), ("strict_task_id",), ("strict_hex_task_id",)], ids=str)
async def test_refused_keys_are_said_so_under_every_reading(variants: tuple[str, ...]) -> None:
    bad = JumdataCredentials(app_id=emulator.TEST_APP_ID, app_secret=SecretStr("not-the-secret"))
    async with running(variants, credentials=bad) as live:
        diagnosis = await live.provider.diagnose()
        _only_free_queries(live)
    assert diagnosis.reachable and diagnosis.keys_accepted is False and not diagnosis.usable
    found = _findings(diagnosis)
    assert found["jumdata.key_check"].verdict is Verdict.CONFIRMED
    assert "sign签名错误" in found["jumdata.key_check"].saw and "refused" in found["jumdata.key_check"].saw
    # with refused keys the id's form cannot be judged
    assert found["jumdata.task_id_shape"].verdict is Verdict.UNKNOWN
    assert all("not-the-secret" not in finding.saw for finding in diagnosis.findings)


async def test_an_unreachable_service_gets_no_findings() -> None:
    async with running() as live:
        live.arm("hang")
        diagnosis = await live.provider.diagnose()
        _only_free_queries(live)
    assert not diagnosis.reachable and diagnosis.keys_accepted is None and diagnosis.findings == []
    assert diagnosis.problem is not None and diagnosis.problem.startswith("not reachable")


async def test_an_answer_about_neither_keys_nor_task_is_unknown_with_what_was_seen() -> None:
    async with running() as live:
        live.arm("other_error", times=3)  # the keys check (retried), then the key_check query
        diagnosis = await live.provider.diagnose()
        _only_free_queries(live)
    finding = _findings(diagnosis)["jumdata.key_check"]
    assert finding.verdict is Verdict.UNKNOWN and "code 999 “其他错误”" in finding.saw


# --- readings of answers, pure ----------------------------------------------------------------------------------


def test_key_check_reads_each_kind_of_answer() -> None:
    probe = DEFAULT_KEY_CHECK_TASK_ID
    cases = [
        (QueryAnswer(probe, 400, "appId不存在"), Verdict.CONFIRMED, "refused"),
        (QueryAnswer(probe, 401, "签名错误"), Verdict.CONFIRMED, "refused"),  # an undocumented code naming the sign
        (QueryAnswer(probe, 999, "签名错误"), Verdict.UNKNOWN, "code 999"),  # "other" is no verdict on the keys
        (QueryAnswer(probe, 201, "taskId不存在"), Verdict.CONFIRMED, "passed"),
        (QueryAnswer(probe, 400, "taskId格式不正确"), Verdict.UNKNOWN, "before anything was said about the keys"),
        (QueryAnswer(probe, 200, "成功"), Verdict.CONFIRMED, "passed"),
        (QueryAnswer(probe, 400, "timestamp已过期"), Verdict.UNKNOWN, "timestamp已过期"),
        (QueryAnswer(probe, 777, ""), Verdict.UNKNOWN, "code 777"),
        (QueryAnswer(probe, failure="timed out"), Verdict.UNKNOWN, "timed out"),
    ]
    for answer, verdict, said in cases:
        finding = key_check_finding(answer)
        assert (finding.verdict, finding.entry) == (verdict, "jumdata.key_check"), answer
        assert said in finding.saw, answer
        assert (finding.setting is not None) is ("before anything" in said), answer


def test_task_id_shape_reads_each_kind_of_answer() -> None:
    unknown = QueryAnswer(DEFAULT_KEY_CHECK_TASK_ID, 201, "taskId不存在")
    refused = QueryAnswer(DEFAULT_KEY_CHECK_TASK_ID, 400, "invalid taskId")
    malformed_refused = QueryAnswer(MALFORMED_TASK_ID, 400, "taskId格式不正确")
    assert task_id_shape_finding(QueryAnswer(MALFORMED_TASK_ID, 201, "taskId不存在"), unknown).verdict is (
        Verdict.CONFIRMED
    )
    assert task_id_shape_finding(malformed_refused, unknown).verdict is Verdict.REFUTED  # strict, the check's id fits
    refuted = task_id_shape_finding(malformed_refused, refused)
    assert refuted.verdict is Verdict.REFUTED and refuted.setting and "JUMDATA_KEY_CHECK_TASK_ID" in refuted.setting
    for odd in (QueryAnswer(MALFORMED_TASK_ID, 500, "系统维护"), QueryAnswer(MALFORMED_TASK_ID, failure="not JSON")):
        finding = task_id_shape_finding(odd, unknown)
        assert finding.verdict is Verdict.UNKNOWN and odd.shown() in finding.saw
