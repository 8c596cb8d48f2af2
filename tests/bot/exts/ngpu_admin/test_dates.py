"""The ``from`` / ``to`` options: YYYY-MM-DD only, a week by default, a reversed range refused."""

from __future__ import annotations

import datetime

import pytest

from bot.exts.ngpu_admin._dates import BadDate, DayRange, day_range

TODAY = datetime.date(2024, 4, 20)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, None, DayRange(day("2024-04-14"), None, default_start=True)),
        ("2024-04-01", None, DayRange(day("2024-04-01"), None)),
        (None, "2024-03-10", DayRange(day("2024-03-04"), day("2024-03-10"), default_start=True)),
        (" 2024-04-11 ", "2024-04-11", DayRange(day("2024-04-11"), day("2024-04-11"))),
    ],
)
def test_ranges_and_their_defaults(start: str | None, end: str | None, expected: DayRange) -> None:
    assert day_range(start, end, TODAY) == expected


@pytest.mark.parametrize(
    ("start", "end", "key", "option"),
    [
        ("11/04/2024", None, "ngpu_admin.bad_date", "from"),
        ("2024-4-11", None, "ngpu_admin.bad_date", "from"),
        (None, "2024-02-30", "ngpu_admin.bad_date", "to"),
        (None, "yesterday", "ngpu_admin.bad_date", "to"),
        ("2024-04-12", "2024-04-11", "ngpu_admin.dates_reversed", None),
    ],
)
def test_what_is_refused(start: str | None, end: str | None, key: str, option: str | None) -> None:
    with pytest.raises(BadDate) as refused:
        day_range(start, end, TODAY)
    assert refused.value.key == key and refused.value.values.get("option") == option


def test_the_refusal_names_the_option_and_an_example_in_the_members_language() -> None:
    with pytest.raises(BadDate) as refused:
        day_range("@everyone *soon*", None, TODAY)
    english, chinese = refused.value.text("en-US"), refused.value.text("zh-CN")
    assert english == (
        "“@\u200beveryone \\*soon\\*” is not a date for `from`: write it as YYYY-MM-DD, for example 2024-04-20."
    )
    assert chinese.startswith("“@\u200beveryone \\*soon\\*”不是 `from` 的日期")


def test_a_range_reads_as_since_or_between() -> None:
    assert DayRange(day("2024-04-14"), None).text("en-US") == "since 2024-04-14"
    assert DayRange(day("2024-04-01"), day("2024-04-30")).text("zh-CN") == "（2024-04-01 至 2024-04-30）"


def test_a_default_range_says_it_is_the_default_in_both_languages() -> None:
    week = DayRange(day("2024-04-14"), None, default_start=True)
    assert week.text("en-US") == "since 2024-04-14 (default: last 7 days)"
    assert week.text("zh-CN") == "（2024-04-14 起）（默认：最近 7 天）"
    up_to = DayRange(day("2024-03-04"), day("2024-03-10"), default_start=True)
    assert up_to.text("en-US") == "from 2024-03-04 to 2024-03-10 (default: the 7 days up to `to`)"
