"""The ``from`` / ``to`` options of the task lists: days as NGPU takes them (YYYY-MM-DD), with a sensible default.

NGPU itself reads a missing start as 1970-01-01 and a missing end as 2099-01-01: everything the workspace ever
ran. The default here is the last week instead (today and the six days before it, UTC), with no end, so a
task NGPU dates by its own clock (likely China time, ahead of UTC) is never left out.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Final

import discord

from bot.i18n import t

#: the days before today the default range starts (a week, today included)
DEFAULT_DAYS_BACK: Final = 6
_DAY: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BadDate(Exception):
    """A date option the member must correct; ``text(locale)`` says how."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def text(self, locale: object) -> str:
        return t(self.key, locale, **self.values)


@dataclass(frozen=True, slots=True)
class DayRange:
    start: datetime.date
    #: None: up to whatever NGPU has (its own default end)
    end: datetime.date | None
    #: the member gave no ``from``: the range is the default week, and its text says so
    default_start: bool = False

    def text(self, locale: object) -> str:
        if self.end is None:
            shown = t("ngpu_admin.range_since", locale, start=self.start.isoformat())
        else:
            shown = t("ngpu_admin.range_between", locale, start=self.start.isoformat(), end=self.end.isoformat())
        if self.default_start:
            shown += t("ngpu_admin.range_default" if self.end is None else "ngpu_admin.range_default_to", locale)
        return shown


def parse_day(value: str, option: str, today: datetime.date) -> datetime.date:
    """``value`` as a day; ``BadDate`` naming the option and an example when it is not ``YYYY-MM-DD``."""
    text = value.strip()
    try:
        if not _DAY.match(text):
            raise ValueError(text)
        return datetime.date.fromisoformat(text)
    except ValueError:
        shown = discord.utils.escape_markdown(discord.utils.escape_mentions(text[:40]))
        raise BadDate("ngpu_admin.bad_date", value=shown, option=option, example=today.isoformat()) from None


def day_range(start: str | None, end: str | None, today: datetime.date) -> DayRange:
    """The range the member asked for. Without ``from``: a week before ``to`` (or before today)."""
    last = parse_day(end, "to", today) if end else None
    first = parse_day(start, "from", today) if start else (last or today) - datetime.timedelta(days=DEFAULT_DAYS_BACK)
    if last is not None and first > last:
        raise BadDate("ngpu_admin.dates_reversed", start=first.isoformat(), end=last.isoformat())
    return DayRange(first, last, default_start=not start)
