"""The doctor's report as people read it: a row per service, then each service's findings, the unknown values and a
verdict.

A finding's reading and what the service showed are sentences, so they are not table cells (a row would run to
hundreds of columns): each finding is a line with its mark, entry and the setting to change, and the two sentences
below it, wrapped to the terminal's width.
"""

from __future__ import annotations

import shutil
import textwrap
import unicodedata
from collections.abc import Sequence
from typing import Final

from bot.doctor._run import DoctorReport, ServiceReport
from providers.core.diagnosis import Diagnosis, Finding, Verdict

MARKS: Final = {Verdict.CONFIRMED: "✓", Verdict.REFUTED: "✗", Verdict.UNKNOWN: "?"}
LEGEND: Final = "✓ confirmed   ✗ refuted: change the setting named   ? could not tell"
NONE_CONFIGURED: Final = (
    "No service has keys in the settings, so there is nothing to check: set one service's keys "
    "(see .env.example) and run the doctor again."
)
#: the width wrapped to when the output is not a terminal (a pipe, a file)
FALLBACK_WIDTH: Final = 120
_INDENT: Final = " " * 7


def render(report: DoctorReport, *, width: int | None = None) -> str:
    width = width or shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns
    lines = _columns(["service", "reachable", "keys", "usable", "problem"], [_service_row(s) for s in report.services])
    with_findings = [diagnosis for diagnosis in report.configured if diagnosis.findings]
    for diagnosis in with_findings:
        lines += ["", f"{diagnosis.service}:"]
        for finding in diagnosis.findings:
            lines += _finding(finding, width)
    if with_findings:
        lines += ["", LEGEND]
    lines.append("")
    if report.unknown_values:
        lines.append("Values the services sent that the bot does not know (please report them):")
        rows = [[value.service, value.field, value.value, f"×{count}"] for value, count in report.unknown_values]
        lines += _columns(["service", "field", "value", "seen"], rows)
    else:
        lines.append("No value the bot does not know was seen.")
    lines.append(_verdict(report))
    return "\n".join(lines)


def _finding(finding: Finding, width: int) -> list[str]:
    head = f"  {MARKS.get(finding.verdict, '?')}  {finding.entry}"
    if finding.setting and finding.verdict is Verdict.REFUTED:
        head += f"   → set {finding.setting}"
    elif finding.setting:  # not shown to be wrong: the setting is what to change if it turns out to be
        head += f"   (if wrong: {finding.setting})"
    lines = [head]
    for label, text in (("reading:", finding.reading), ("saw:    ", finding.saw)):
        lines += textwrap.wrap(
            text, max(width, 60), initial_indent=f"{_INDENT}{label} ", subsequent_indent=f"{_INDENT}{' ' * 9}",
            break_on_hyphens=False,
        ) or [f"{_INDENT}{label}"]
    return lines


def _service_row(report: ServiceReport) -> list[str]:
    diagnosis = report.diagnosis
    if diagnosis is None:
        needs = ", ".join(report.key_settings) or "its keys"
        return [report.name, "", "", "", f"not configured (set {needs})"]
    reachable, usable = _yes_no(diagnosis.reachable), _yes_no(diagnosis.usable)
    return [report.name, reachable, _keys(diagnosis), usable, diagnosis.problem or ""]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _keys(diagnosis: Diagnosis) -> str:
    if diagnosis.keys_accepted is None:
        return "not known"
    return "accepted" if diagnosis.keys_accepted else "refused"


def _verdict(report: DoctorReport) -> str:
    configured = report.configured
    if not configured:
        return NONE_CONFIGURED
    unusable = [diagnosis.service for diagnosis in configured if not diagnosis.usable]
    if not unusable:
        return f"Every configured service is usable ({len(configured)} of {len(report.services)} configured)."
    return f"Unusable: {', '.join(unusable)} ({len(unusable)} of {len(configured)} configured)."


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _columns(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """``rows`` under ``headers``, each column as wide as its widest cell (the last one left ragged)."""
    table = [list(headers), *(list(row) for row in rows)]
    widths = [max(_width(row[index]) for row in table) for index in range(len(headers))]
    lines = []
    for row in table:
        cells = [cell + " " * (widths[index] - _width(cell)) for index, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines
