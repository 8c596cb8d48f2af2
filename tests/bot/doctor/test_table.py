"""The table people read: a row per service, a row per finding with its mark, the unknown values, the verdict."""

from __future__ import annotations

from bot.doctor import DoctorReport, ServiceReport, render
from bot.doctor._table import LEGEND
from providers.core.diagnosis import Diagnosis, Finding, Verdict
from providers.core.unknown_values import UnknownValue


def _report() -> DoctorReport:
    ngpu = Diagnosis(
        service="ngpu",
        reachable=True,
        keys_accepted=True,
        findings=[
            Finding("ngpu.data_form", "data sent as a JSON object", Verdict.REFUTED, "refused an object: 400",
                    "NGPU_DATA_FORM=string"),
            Finding("ngpu.result_code", "100 and 200 are success", Verdict.CONFIRMED, "result_code 100"),
            Finding("ngpu.auth_form", "Bearer-less workspace id", Verdict.UNKNOWN, "no task to look at"),
        ],
    )
    picpik = Diagnosis(service="picpik", reachable=True, keys_accepted=False, problem="the keys were refused: 172")
    return DoctorReport(
        services=[
            ServiceReport("picpik", "Picpik", picpik),
            ServiceReport("jumdata", "Jumdata AI绘画", None, ("JUMDATA_APP_ID", "JUMDATA_APP_SECRET")),
            ServiceReport("ngpu", "NGPU", ngpu),
        ],
        unknown_values=[(UnknownValue("ngpu", "queryTask data.result_code", "103"), 2)],
    )


def test_each_finding_is_a_row_with_its_mark_and_the_setting_when_refuted() -> None:
    lines = render(_report()).splitlines()
    refuted = next(line for line in lines if "ngpu.data_form" in line)
    assert refuted.startswith("✗")
    assert "NGPU_DATA_FORM=string" in refuted and "refused an object: 400" in refuted
    assert next(line for line in lines if "ngpu.result_code" in line).startswith("✓")
    assert next(line for line in lines if "ngpu.auth_form" in line).startswith("?")
    assert LEGEND in lines


def test_services_their_problems_and_the_verdict() -> None:
    text = render(_report())
    lines = text.splitlines()
    assert next(line for line in lines if line.startswith("picpik")).split()[:4] == ["picpik", "yes", "refused", "no"]
    assert next(line for line in lines if line.startswith("ngpu")).split() == ["ngpu", "yes", "accepted", "yes"]
    assert "not configured (set JUMDATA_APP_ID, JUMDATA_APP_SECRET)" in text
    assert any(line.split() == ["ngpu", "queryTask", "data.result_code", "103", "×2"] for line in lines)
    assert lines[-1] == "Unusable: picpik (1 of 2 configured)."


def test_columns_line_up() -> None:
    lines = render(_report()).splitlines()
    header, *rows = lines[:4]
    start = header.index("keys")
    assert [row[start:].split()[0] for row in rows if not row.startswith("jumdata")] == ["refused", "accepted"]
