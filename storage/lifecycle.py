"""The life of a job row, as one transition table, and how soon to look at an open job again.

Pure: no I/O, no clock. ``storage.jobs`` applies these rules to every state change, the poller asks
``next_poll_delay`` when to come back.

Exactly-once delivery rests on two in-between states. When the outcome is known the row moves to
``delivering`` (images) or ``failing`` (a reason to show) *before* the final message is sent. Only when
Discord has confirmed the edit does the row become ``delivered`` / ``failed``. A crash in between leaves
the row in ``delivering`` / ``failing``, and the poller finishes it by editing the *same* message again,
which is idempotent, so a member never sees two results for one job.

``unknown`` is for a billed submit whose outcome nobody knows (it timed out, or the process died between
writing the row and recording the service's answer): such a job is never sent again.

``waiting`` comes before all of these: the job was accepted while its server's limits were reached
(``bot.queueing``), and nothing has been sent yet. It is open like any other state, so a restart keeps it
in line; it leaves by ``released`` (its turn came: ``pending``, then sent as usual) or ``failed`` (it can no
longer be sent, e.g. its keys were removed: ``failing``, then the member is told why).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from providers.core.models import JobStatus


class LifecycleState(StrEnum):
    """Where a job row is in its life (not to be confused with ``JobState``, one observation from a service)."""

    #: accepted, waiting in its server's queue for a free slot; the service not yet called
    WAITING = "waiting"
    #: the row is written, the service not yet (or not yet knowingly) called
    PENDING = "pending"
    #: the service accepted the job; its ids are stored
    SUBMITTED = "submitted"
    #: the service reported progress
    RUNNING = "running"
    #: the submit may or may not have reached the service; it is never repeated
    UNKNOWN = "unknown"
    #: the result is stored; the final message is being sent
    DELIVERING = "delivering"
    #: the failure is stored; the message saying why is being sent
    FAILING = "failing"
    #: the member has the result (terminal)
    DELIVERED = "delivered"
    #: the member has been told why it failed, or the message can no longer be reached (terminal)
    FAILED = "failed"

    @property
    def is_open(self) -> bool:
        return self not in TERMINAL_STATES

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATES


class LifecycleEvent(StrEnum):
    """Something that happened to a job."""

    #: a waiting job's turn came: it is sent now
    RELEASED = "released"
    SUBMITTED = "submitted"
    #: the submit raised "outcome unknown", or a pending row outlived its submit after a restart
    SUBMIT_UNKNOWN = "submit_unknown"
    #: a poll says the job is still waiting in the service's queue
    QUEUED = "queued"
    #: a poll says the job is running (with or without a percentage)
    PROGRESS = "progress"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    #: the job took longer than the service's job timeout
    TIMEOUT = "timeout"
    #: Discord confirmed the final message
    DELIVERY_DONE = "delivery_done"
    #: the final message can never be sent (message or channel gone, no token left that works)
    UNDELIVERABLE = "undeliverable"


_S = LifecycleState
_E = LifecycleEvent

#: every allowed (state, event) → new state; anything missing is refused
TRANSITIONS: Mapping[tuple[LifecycleState, LifecycleEvent], LifecycleState] = MappingProxyType(
    {
        (_S.WAITING, _E.RELEASED): _S.PENDING,
        (_S.WAITING, _E.FAILED): _S.FAILING,
        (_S.PENDING, _E.SUBMITTED): _S.SUBMITTED,
        (_S.PENDING, _E.SUBMIT_UNKNOWN): _S.UNKNOWN,
        (_S.PENDING, _E.FAILED): _S.FAILING,
        (_S.UNKNOWN, _E.SUBMITTED): _S.SUBMITTED,  # the job was found at the service after all
        (_S.UNKNOWN, _E.FAILED): _S.FAILING,
        (_S.UNKNOWN, _E.TIMEOUT): _S.FAILING,
        (_S.SUBMITTED, _E.QUEUED): _S.SUBMITTED,
        (_S.SUBMITTED, _E.PROGRESS): _S.RUNNING,
        (_S.SUBMITTED, _E.SUCCEEDED): _S.DELIVERING,
        (_S.SUBMITTED, _E.FAILED): _S.FAILING,
        (_S.SUBMITTED, _E.TIMEOUT): _S.FAILING,
        # services do report "queued" again after "running" (re-queued workers): keep showing it as running
        (_S.RUNNING, _E.QUEUED): _S.RUNNING,
        (_S.RUNNING, _E.PROGRESS): _S.RUNNING,
        (_S.RUNNING, _E.SUCCEEDED): _S.DELIVERING,
        (_S.RUNNING, _E.FAILED): _S.FAILING,
        (_S.RUNNING, _E.TIMEOUT): _S.FAILING,
        (_S.DELIVERING, _E.DELIVERY_DONE): _S.DELIVERED,
        (_S.DELIVERING, _E.UNDELIVERABLE): _S.FAILED,
        (_S.FAILING, _E.DELIVERY_DONE): _S.FAILED,
        (_S.FAILING, _E.UNDELIVERABLE): _S.FAILED,
    }
)

TERMINAL_STATES: frozenset[LifecycleState] = frozenset({_S.DELIVERED, _S.FAILED})
#: in a fixed order: storage writes this very list into SQL so the partial index on open jobs matches it
OPEN_STATES: tuple[LifecycleState, ...] = (
    _S.WAITING,
    _S.PENDING,
    _S.SUBMITTED,
    _S.RUNNING,
    _S.UNKNOWN,
    _S.DELIVERING,
    _S.FAILING,
)


class IllegalTransition(ValueError):
    """The event cannot happen in this state: a bug in the caller (e.g. delivering a job with no result)."""

    def __init__(self, state: LifecycleState, event: LifecycleEvent) -> None:
        super().__init__(f"a job in state {state.value!r} cannot take the event {event.value!r}")
        self.state = state
        self.event = event


class StaleEvent(IllegalTransition):
    """The job has already moved past this event: another poller (or an earlier attempt) got there first.

    Not a bug: callers treat it as "nothing to do".
    """


def _reachable_after(state: LifecycleState) -> frozenset[LifecycleState]:
    """States reachable from ``state`` in one or more steps."""
    seen: set[LifecycleState] = set()
    frontier = [state]
    while frontier:
        current = frontier.pop()
        for (source, _event), target in TRANSITIONS.items():
            if source is current and target not in seen:
                seen.add(target)
                frontier.append(target)
    return frozenset(seen)


_REACHABLE_AFTER: Mapping[LifecycleState, frozenset[LifecycleState]] = MappingProxyType(
    {state: _reachable_after(state) for state in LifecycleState}
)


def apply(state: LifecycleState, event: LifecycleEvent) -> LifecycleState:
    """The state after ``event``; raises ``StaleEvent`` if the job is already past it, else ``IllegalTransition``."""
    target = TRANSITIONS.get((state, event))
    if target is not None:
        return target
    sources = [source for (source, candidate) in TRANSITIONS if candidate is event]
    if any(state in _REACHABLE_AFTER[source] for source in sources):
        raise StaleEvent(state, event)
    raise IllegalTransition(state, event)


def event_for_status(status: JobStatus) -> LifecycleEvent:
    """The event a poll's answer stands for."""
    return {
        JobStatus.QUEUED: _E.QUEUED,
        JobStatus.RUNNING: _E.PROGRESS,
        JobStatus.SUCCEEDED: _E.SUCCEEDED,
        JobStatus.FAILED: _E.FAILED,
    }[status]


# --- how soon to look again -------------------------------------------------------------------------------

MIN_POLL_DELAY = 1.0
MAX_POLL_DELAY = 60.0
#: a service's Retry-After is honoured up to this; beyond it the job timeout decides, not the service
MAX_RETRY_AFTER = 900.0
#: a pending row is only looked at once its submit should long have returned (after a crash it is ``unknown``)
SUBMIT_GRACE_SECONDS = 120.0
#: a waiting job is looked at this often (sooner when a job of its server finishes: ``storage.jobs``)
WAITING_RECHECK_SECONDS = 30.0
#: errors double the delay; past this many the cap has long been reached anyway
_MAX_BACKOFF_DOUBLINGS = 16


def next_poll_delay(
    state: LifecycleState,
    age_seconds: float,
    typical_job_seconds: float,
    consecutive_errors: int,
    retry_after: float | None = None,
    *,
    longest_unasked: float | None = None,
) -> float:
    """Seconds until an open job should be looked at again.

    Running jobs are polled sparsely at first, more and more often as the typical duration approaches,
    then gradually less often once they are overdue. Everything scales with the typical duration, so long
    jobs are polled less. ``longest_unasked`` caps that schedule: how late a finished job may be noticed
    (short where one request answers for all of a service's jobs). Each consecutive error doubles the delay;
    a service's ``retry_after`` is a floor. The result lies in [MIN_POLL_DELAY, MAX_POLL_DELAY], or up to
    MAX_RETRY_AFTER when the service asks.
    """
    if state.is_terminal:
        raise ValueError(f"a {state.value} job is not polled")
    if not typical_job_seconds > 0 or math.isinf(typical_job_seconds):
        raise ValueError(f"typical_job_seconds must be a positive number, not {typical_job_seconds!r}")
    age = max(0.0, age_seconds) if math.isfinite(age_seconds) else 0.0
    if state is _S.WAITING:
        base = WAITING_RECHECK_SECONDS
    elif state is _S.PENDING:
        base = SUBMIT_GRACE_SECONDS - age
    elif state in (_S.SUBMITTED, _S.RUNNING):
        base = _running_delay(age, typical_job_seconds)
        if longest_unasked is not None:
            base = min(base, longest_unasked)
    else:  # unknown / delivering / failing: a message is owed now
        base = MIN_POLL_DELAY
    doublings = min(max(0, consecutive_errors), _MAX_BACKOFF_DOUBLINGS)
    delay = min(MAX_POLL_DELAY, max(MIN_POLL_DELAY, base) * 2.0**doublings)
    if retry_after is not None and math.isfinite(retry_after) and retry_after > 0:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def on_beat(at: float, now: float, beat: float, phase: float = 0.0) -> float:
    """When a job due at ``at`` is asked about, where polls fall on a shared beat (``phase`` plus multiples of
    ``beat`` seconds, so that one request asks about all of a service's jobs): the last beat not after ``at`` that
    is still ahead of ``now``, else the first beat after ``now``. Never later than ``at`` or the next beat,
    whichever is later: the beat makes no job wait longer than its schedule says (rounding up would add up to a
    whole beat to every wait). Services on different phases do not all poll in the same instant.
    """
    if not beat > 0 or not math.isfinite(beat):
        raise ValueError(f"beat must be a positive number, not {beat!r}")
    earlier = math.floor((at - phase) / beat) * beat + phase
    if earlier > now:
        return earlier
    return (math.floor((now - phase) / beat) + 1) * beat + phase


def _running_delay(age: float, typical: float) -> float:
    # a quarter of the expected remaining time: geometric steps that land close to the finish
    remaining = typical - age
    wanted = min(remaining / 4, typical / 6) if remaining > 0 else (age - typical) / 4
    # a job that takes ten minutes needs no one-second polls even at its end
    return max(typical / 60, wanted)
