"""A server's queue as a plan: which waiting jobs may go now, and each other one's place in line. Pure: no I/O.

Two limits (``ServerSettings``): a member's jobs running at once in the server (``max_running_per_member``), and
the jobs per UTC day on the server's own keys (``daily_server_key_jobs``). The line is walked oldest job first:
a job goes when neither limit stops it, and the counts grow with every job that goes. A member's jobs keep
their order (one that has to wait holds back that member's later ones), but a job held back only by its
member's limit does not hold back other members' jobs. The day's allowance is never taken back, so once it is
used up every later job on the server's keys waits too.

A waiting job's place is counted among the jobs waiting for the same thing, because only those go before it: held
back by its member's limit, the member's own earlier waiting jobs (other members' jobs never take its slot); held
back by the day's allowance, every earlier job in the server waiting for the allowance.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from bot.i18n import t
from storage.settings import ServerSettings

SECONDS_PER_DAY: Final = 86_400


class WaitReason(StrEnum):
    #: the member has as many jobs running in the server as its limit allows (or older ones of theirs wait)
    MEMBER = "member"
    #: the server's keys have run the day's allowance
    DAILY = "daily"


@dataclass(frozen=True, slots=True)
class Limits:
    max_running_per_member: int | None = None
    daily_server_key_jobs: int | None = None

    @classmethod
    def of(cls, settings: ServerSettings) -> Limits:
        return cls(settings.max_running_per_member, settings.daily_server_key_jobs)

    def apply_to(self, on_server_keys: bool) -> bool:
        """Whether a job (on the server's keys or not) can be held back at all."""
        return self.max_running_per_member is not None or (on_server_keys and self.daily_server_key_jobs is not None)


@dataclass(frozen=True, slots=True)
class InLine:
    """A waiting job as the plan sees it."""

    job_id: int
    owner_id: int
    on_server_keys: bool
    #: may not go yet (its first answer is still being sent); it keeps its place
    held: bool = False


@dataclass(frozen=True, slots=True)
class Usage:
    #: member → their jobs in the server that are no longer waiting
    running: Mapping[int, int]
    #: jobs sent on the server's keys since the start of the UTC day
    server_key_jobs_today: int = 0


@dataclass(frozen=True, slots=True)
class Place:
    """Where a job that waits is: how many jobs waiting for the same thing go before it (0 = it is next)."""

    ahead: int
    reason: WaitReason
    #: the member's running jobs (what the member's text says)
    running: int


@dataclass(frozen=True, slots=True)
class Plan:
    #: the jobs that go now, oldest first
    release: tuple[int, ...]
    #: every job that still waits
    places: Mapping[int, Place]


def plan_line(line: Sequence[InLine], usage: Usage, limits: Limits) -> Plan:
    """Walk the line (oldest first) and decide, for each job, whether it goes now or where it waits."""
    running = Counter(usage.running)
    used_today = usage.server_key_jobs_today
    waiting_of: Counter[int] = Counter()  # member → their jobs still waiting so far
    daily_waiting = 0
    released: list[int] = []
    places: dict[int, Place] = {}
    for job in line:
        member_full = waiting_of[job.owner_id] > 0 or _at_limit(running[job.owner_id], limits.max_running_per_member)
        daily_full = job.on_server_keys and _at_limit(used_today, limits.daily_server_key_jobs)
        if not (member_full or daily_full or job.held):
            released.append(job.job_id)
            running[job.owner_id] += 1
            used_today += job.on_server_keys
            continue
        if daily_full:
            places[job.job_id] = Place(daily_waiting, WaitReason.DAILY, running[job.owner_id])
            daily_waiting += 1
        else:
            places[job.job_id] = Place(waiting_of[job.owner_id], WaitReason.MEMBER, running[job.owner_id])
        waiting_of[job.owner_id] += 1
    return Plan(tuple(released), places)


def _at_limit(count: int, limit: int | None) -> bool:
    return limit is not None and count >= limit


def day_start(now: float) -> float:
    """The start of the UTC day ``now`` falls in (Unix time has no leap seconds: every day is 86,400 s)."""
    return math.floor(now / SECONDS_PER_DAY) * SECONDS_PER_DAY


def next_reset(now: float) -> int:
    """When the day's allowance starts afresh (the next UTC midnight), for ``<t:…:R>``."""
    return int(day_start(now) + SECONDS_PER_DAY)


# --- texts ------------------------------------------------------------------------------------------------


def waiting_line(place: Place, limits: Limits, now: float, locale: object) -> str:
    """The line under a waiting job's heading: what it waits for, and how many jobs waiting for it go first."""
    if place.reason is WaitReason.DAILY:
        return t(
            "queue.waiting_daily",
            locale,
            ahead=place.ahead,
            limit=limits.daily_server_key_jobs,
            reset=next_reset(now),
        )
    return t(
        "queue.waiting_member",
        locale,
        ahead=place.ahead,
        running=place.running,
        limit=limits.max_running_per_member,
    )


def refusal(place: Place, limits: Limits, queue_cap: int, now: float, locale: object) -> str:
    """Why a job that would have to wait was not accepted: no queue here, or the queue is full."""
    full = "full_" if queue_cap > 0 else ""
    if place.reason is WaitReason.DAILY:
        values: dict[str, object] = {"limit": limits.daily_server_key_jobs, "reset": next_reset(now)}
        return t(f"queue.refused_{full}daily", locale, cap=queue_cap, **values)
    values = {"running": place.running, "limit": limits.max_running_per_member}
    return t(f"queue.refused_{full}member", locale, cap=queue_cap, **values)
