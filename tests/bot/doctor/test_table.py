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
            Finding("ngpu.auth_form", "Bearer-less workspace id", Verdict.UNKNOWN, "no task to look at",
                    "NGPU_AUTH_FORM=bearer"),
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


def test_each_finding_has_its_mark_the_setting_when_refuted_the_reading_and_what_was_seen() -> None:
    lines = render(_report(), width=100).splitlines()
    at = lines.index("ngpu:")
    assert lines[at + 1 : at + 4] == [
        "  ✗  ngpu.data_form   → set NGPU_DATA_FORM=string",
        "       reading: data sent as a JSON object",
        "       saw:     refused an object: 400",
    ]
    assert lines[at + 4] == "  ✓  ngpu.result_code"
    assert lines[at + 7] == "  ?  ngpu.auth_form   (if wrong: NGPU_AUTH_FORM=bearer)"
    assert LEGEND in lines
    assert "picpik:" not in lines  # a service without findings has no block


def test_long_sentences_are_wrapped_under_their_label() -> None:
    report = _report()
    long_saw = " ".join(["queryTask answered data as a JSON object"] * 6)
    ngpu = report.configured[1]
    ngpu.findings[0] = Finding("ngpu.data_form", "data sent as a JSON object", Verdict.REFUTED, long_saw, "X=1")
    lines = render(report, width=70).splitlines()
    at = next(index for index, line in enumerate(lines) if line.startswith("       saw:     queryTask"))
    wrapped = [lines[at]]
    while lines[at + len(wrapped)].startswith(" " * 16):
        wrapped.append(lines[at + len(wrapped)])
    assert len(wrapped) > 3
    assert all(len(line) <= 70 for line in wrapped)
    assert " ".join(line.strip() for line in wrapped) == "saw:     " + long_saw


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
