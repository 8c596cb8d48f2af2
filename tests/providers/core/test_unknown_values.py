"""Unknown service values: one WARNING per process and value, every sighting counted."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from providers.core.unknown_values import (
    MAX_DISTINCT_VALUES,
    MAX_VALUE_CHARS,
    OVERFLOW_VALUE,
    UnknownValue,
    forget_unknown_values,
    report_unknown,
    unknown_value_counts,
)


@pytest.fixture(autouse=True)
def fresh_counts() -> Iterator[None]:
    forget_unknown_values()
    yield
    forget_unknown_values()


def test_logged_once_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="providers.unknown_values")
    for _ in range(3):
        report_unknown("picpik", "ListTasksDetails Status", "Succeeded")
    report_unknown("picpik", "ListTasksDetails Status", "Canceled")
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "picpik" in warnings[0] and "Succeeded" in warnings[0] and "Status" in warnings[0]
    counts = unknown_value_counts()
    assert counts[UnknownValue("picpik", "ListTasksDetails Status", "Succeeded")] == 3
    assert counts[UnknownValue("picpik", "ListTasksDetails Status", "Canceled")] == 1


def test_values_are_kept_short_and_on_one_line() -> None:
    seen = report_unknown("ngpu", "result_code", "x" * 500 + "\nmore")
    assert "\n" not in seen.value and len(seen.value) == MAX_VALUE_CHARS
    assert report_unknown("midjourney", "status", 2999).value == "2999"


def test_distinct_values_are_capped(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="providers.unknown_values")
    for number in range(MAX_DISTINCT_VALUES + 50):
        report_unknown("midjourney", "status", number)
    counts = unknown_value_counts()
    assert len(counts) == MAX_DISTINCT_VALUES + 1
    assert counts[UnknownValue("midjourney", "status", OVERFLOW_VALUE)] == 50
    assert len(caplog.records) == MAX_DISTINCT_VALUES
