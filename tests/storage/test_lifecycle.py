"""The job lifecycle table and the adaptive poll interval, checked against an independent copy of the rules."""

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from providers.core.models import JobStatus
from storage.lifecycle import (
    MAX_POLL_DELAY,
    MAX_RETRY_AFTER,
    MIN_POLL_DELAY,
    OPEN_STATES,
    SUBMIT_GRACE_SECONDS,
    TERMINAL_STATES,
    TRANSITIONS,
    WAITING_RECHECK_SECONDS,
    IllegalTransition,
    LifecycleEvent,
    LifecycleState,
    StaleEvent,
    apply,
    event_for_status,
    next_poll_delay,
    on_beat,
)

S = LifecycleState
E = LifecycleEvent

# Written out by hand on purpose: a change to the table must be a change to this test too.
ALLOWED = {
    (S.WAITING, E.RELEASED): S.PENDING,
    (S.WAITING, E.FAILED): S.FAILING,
    (S.PENDING, E.SUBMITTED): S.SUBMITTED,
    (S.PENDING, E.SUBMIT_UNKNOWN): S.UNKNOWN,
    (S.PENDING, E.FAILED): S.FAILING,
    (S.UNKNOWN, E.SUBMITTED): S.SUBMITTED,
    (S.UNKNOWN, E.FAILED): S.FAILING,
    (S.UNKNOWN, E.TIMEOUT): S.FAILING,
    (S.SUBMITTED, E.QUEUED): S.SUBMITTED,
    (S.SUBMITTED, E.PROGRESS): S.RUNNING,
    (S.SUBMITTED, E.SUCCEEDED): S.DELIVERING,
    (S.SUBMITTED, E.FAILED): S.FAILING,
    (S.SUBMITTED, E.TIMEOUT): S.FAILING,
    (S.RUNNING, E.QUEUED): S.RUNNING,
    (S.RUNNING, E.PROGRESS): S.RUNNING,
    (S.RUNNING, E.SUCCEEDED): S.DELIVERING,
    (S.RUNNING, E.FAILED): S.FAILING,
    (S.RUNNING, E.TIMEOUT): S.FAILING,
    (S.DELIVERING, E.DELIVERY_DONE): S.DELIVERED,
    (S.DELIVERING, E.UNDELIVERABLE): S.FAILED,
    (S.FAILING, E.DELIVERY_DONE): S.FAILED,
    (S.FAILING, E.UNDELIVERABLE): S.FAILED,
}

# Events that come too early for the state: a caller's bug, refused loudly.
TOO_EARLY = {
    # a waiting job has not been sent: nothing the service says can concern it yet
    (S.WAITING, E.SUBMITTED),
    (S.WAITING, E.SUBMIT_UNKNOWN),
    (S.WAITING, E.QUEUED),
    (S.WAITING, E.PROGRESS),
    (S.WAITING, E.SUCCEEDED),
    (S.WAITING, E.TIMEOUT),
    (S.WAITING, E.DELIVERY_DONE),
    (S.WAITING, E.UNDELIVERABLE),
    (S.PENDING, E.QUEUED),
    (S.PENDING, E.PROGRESS),
    (S.PENDING, E.SUCCEEDED),
    (S.PENDING, E.TIMEOUT),
    (S.PENDING, E.DELIVERY_DONE),
    (S.PENDING, E.UNDELIVERABLE),
    (S.UNKNOWN, E.QUEUED),
    (S.UNKNOWN, E.PROGRESS),
    (S.UNKNOWN, E.SUCCEEDED),
    (S.UNKNOWN, E.DELIVERY_DONE),
    (S.UNKNOWN, E.UNDELIVERABLE),
    (S.SUBMITTED, E.DELIVERY_DONE),
    (S.SUBMITTED, E.UNDELIVERABLE),
    (S.RUNNING, E.DELIVERY_DONE),
    (S.RUNNING, E.UNDELIVERABLE),
}

ALL_PAIRS = list(itertools.product(LifecycleState, LifecycleEvent))


def test_the_table_is_exactly_the_allowed_transitions() -> None:
    assert dict(TRANSITIONS) == ALLOWED


@pytest.mark.parametrize(("state", "event"), list(ALLOWED))
def test_allowed_transition(state: LifecycleState, event: LifecycleEvent) -> None:
    assert apply(state, event) is ALLOWED[(state, event)]


@pytest.mark.parametrize(("state", "event"), [pair for pair in ALL_PAIRS if pair not in ALLOWED])
def test_refused_transition(state: LifecycleState, event: LifecycleEvent) -> None:
    with pytest.raises(IllegalTransition) as refused:
        apply(state, event)
    assert refused.value.state is state
    assert refused.value.event is event
    # an event the job is already past is "stale" (nothing to do); one that comes too early is a bug
    assert isinstance(refused.value, StaleEvent) is ((state, event) not in TOO_EARLY)


def test_terminal_states_accept_nothing() -> None:
    for state, event in itertools.product(TERMINAL_STATES, LifecycleEvent):
        with pytest.raises(StaleEvent):
            apply(state, event)


def test_a_second_delivery_is_stale_not_a_new_delivery() -> None:
    delivered = apply(S.DELIVERING, E.DELIVERY_DONE)
    with pytest.raises(StaleEvent):
        apply(delivered, E.DELIVERY_DONE)
    # a late poll answer after the result is known changes nothing either
    with pytest.raises(StaleEvent):
        apply(S.DELIVERING, E.PROGRESS)


def test_every_outcome_passes_through_a_delivery_state() -> None:
    # exactly once: no event jumps straight from a working state to a terminal one
    for (state, _event), target in TRANSITIONS.items():
        if target.is_terminal:
            assert state in (S.DELIVERING, S.FAILING)


def test_a_waiting_job_leaves_the_queue_once() -> None:
    # released twice (two walks of the line racing): the second is stale, the job is sent once
    released = apply(S.WAITING, E.RELEASED)
    assert released is S.PENDING
    for later in (released, S.SUBMITTED, S.RUNNING, S.DELIVERED):
        with pytest.raises(StaleEvent):
            apply(later, E.RELEASED)
    # a waiting job that can no longer be sent is reported like any failure, through "failing"
    assert apply(S.WAITING, E.FAILED) is S.FAILING
    assert S.WAITING.is_open and S.WAITING in OPEN_STATES


def test_waiting_jobs_are_looked_at_again_periodically() -> None:
    assert next_poll_delay(S.WAITING, 0, 60, 0) == WAITING_RECHECK_SECONDS
    assert next_poll_delay(S.WAITING, 10_000, 600, 0) == WAITING_RECHECK_SECONDS


def test_open_and_terminal_states_partition_the_states() -> None:
    assert set(OPEN_STATES) | TERMINAL_STATES == set(LifecycleState)
    assert not set(OPEN_STATES) & TERMINAL_STATES
    assert len(OPEN_STATES) == len(set(OPEN_STATES))
    assert all(state.is_open for state in OPEN_STATES)
    assert all(state.is_terminal and not state.is_open for state in TERMINAL_STATES)


def test_every_open_state_can_still_finish() -> None:
    for state in OPEN_STATES:
        reached, frontier = {state}, [state]
        while frontier:
            current = frontier.pop()
            for (source, _event), target in TRANSITIONS.items():
                if source is current and target not in reached:
                    reached.add(target)
                    frontier.append(target)
        assert reached & TERMINAL_STATES, state


@pytest.mark.parametrize(
    ("status", "event"),
    [
        (JobStatus.QUEUED, E.QUEUED),
        (JobStatus.RUNNING, E.PROGRESS),
        (JobStatus.SUCCEEDED, E.SUCCEEDED),
        (JobStatus.FAILED, E.FAILED),
    ],
)
def test_poll_answers_map_to_events(status: JobStatus, event: LifecycleEvent) -> None:
    assert event_for_status(status) is event


# --- next_poll_delay ---------------------------------------------------------------------------------------

polled = st.sampled_from([S.SUBMITTED, S.RUNNING])
open_states = st.sampled_from(OPEN_STATES)
typicals = st.floats(min_value=1.0, max_value=3600.0)
fractions = st.floats(min_value=0.0, max_value=5.0)
errors = st.integers(min_value=0, max_value=100)


@given(open_states, st.floats(min_value=-10, max_value=1e6), typicals, errors)
def test_delay_is_bounded(state: LifecycleState, age: float, typical: float, error_count: int) -> None:
    assert MIN_POLL_DELAY <= next_poll_delay(state, age, typical, error_count) <= MAX_POLL_DELAY


@given(polled, typicals, st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=0.0, max_value=1.0))
def test_polls_speed_up_towards_the_expected_finish(
    state: LifecycleState, typical: float, earlier: float, later: float
) -> None:
    earlier, later = sorted((earlier, later))
    assert next_poll_delay(state, later * typical, typical, 0) <= next_poll_delay(state, earlier * typical, typical, 0)


@given(polled, typicals, st.floats(min_value=1.0, max_value=50.0), st.floats(min_value=1.0, max_value=50.0))
def test_overdue_jobs_slow_down_gradually(state: LifecycleState, typical: float, earlier: float, later: float) -> None:
    earlier, later = sorted((earlier, later))
    assert next_poll_delay(state, earlier * typical, typical, 0) <= next_poll_delay(state, later * typical, typical, 0)


@given(polled, fractions, typicals, typicals)
def test_longer_jobs_are_polled_no_more_often(
    state: LifecycleState, fraction: float, short: float, long: float
) -> None:
    short, long = sorted((short, long))
    assert next_poll_delay(state, fraction * short, short, 0) <= next_poll_delay(state, fraction * long, long, 0)


@given(open_states, fractions, typicals, st.integers(min_value=0, max_value=40))
def test_errors_back_off_until_the_cap(state: LifecycleState, fraction: float, typical: float, count: int) -> None:
    before = next_poll_delay(state, fraction * typical, typical, count)
    after = next_poll_delay(state, fraction * typical, typical, count + 1)
    assert after >= before
    if before * 2 <= MAX_POLL_DELAY:
        assert after == pytest.approx(before * 2)
    else:
        assert after == MAX_POLL_DELAY


@given(open_states, fractions, typicals, errors, st.floats(min_value=0.001, max_value=10_000.0))
def test_retry_after_is_honoured(
    state: LifecycleState, fraction: float, typical: float, error_count: int, retry_after: float
) -> None:
    delay = next_poll_delay(state, fraction * typical, typical, error_count, retry_after=retry_after)
    assert delay >= min(retry_after, MAX_RETRY_AFTER)
    assert delay <= max(MAX_POLL_DELAY, MAX_RETRY_AFTER)
    assert delay >= next_poll_delay(state, fraction * typical, typical, error_count)


def test_concrete_schedule_for_a_one_minute_job() -> None:
    # sparse early, about a second near the expected finish, slower again once overdue
    assert next_poll_delay(S.SUBMITTED, 0, 60, 0) == pytest.approx(10.0)
    assert next_poll_delay(S.RUNNING, 40, 60, 0) == pytest.approx(5.0)
    assert next_poll_delay(S.RUNNING, 59, 60, 0) == pytest.approx(MIN_POLL_DELAY)
    assert next_poll_delay(S.RUNNING, 60 + 20, 60, 0) == pytest.approx(5.0)
    assert next_poll_delay(S.RUNNING, 60 * 60, 60, 0) == MAX_POLL_DELAY
    # a ten-minute job is never polled every second
    assert next_poll_delay(S.RUNNING, 599, 600, 0) == pytest.approx(10.0)


def test_owed_messages_are_sent_at_once_and_pending_rows_wait_for_their_submit() -> None:
    for state in (S.DELIVERING, S.FAILING, S.UNKNOWN):
        assert next_poll_delay(state, 500, 60, 0) == MIN_POLL_DELAY
        assert next_poll_delay(state, 500, 60, 3) == MIN_POLL_DELAY * 8
    assert next_poll_delay(S.PENDING, 0, 60, 0) == min(MAX_POLL_DELAY, SUBMIT_GRACE_SECONDS)
    assert next_poll_delay(S.PENDING, SUBMIT_GRACE_SECONDS + 1, 60, 0) == MIN_POLL_DELAY


@pytest.mark.parametrize("state", sorted(TERMINAL_STATES))
def test_finished_jobs_are_not_polled(state: LifecycleState) -> None:
    with pytest.raises(ValueError, match="not polled"):
        next_poll_delay(state, 10, 60, 0)


@pytest.mark.parametrize("typical", [0.0, -5.0, math.nan, math.inf])
def test_typical_duration_must_be_positive(typical: float) -> None:
    with pytest.raises(ValueError, match="typical_job_seconds"):
        next_poll_delay(S.RUNNING, 10, typical, 0)


def test_nonsense_retry_after_is_ignored() -> None:
    plain = next_poll_delay(S.RUNNING, 10, 60, 0)
    for retry_after in (0.0, -3.0, math.nan, math.inf):
        assert next_poll_delay(S.RUNNING, 10, 60, 0, retry_after=retry_after) == plain


@given(
    state=st.sampled_from([S.SUBMITTED, S.RUNNING]),
    fraction=st.floats(min_value=0, max_value=5),
    typical=st.floats(min_value=1, max_value=3600),
    cap=st.floats(min_value=0, max_value=10),
)
def test_longest_unasked_caps_a_followed_jobs_schedule_and_nothing_else(
    state: LifecycleState, fraction: float, typical: float, cap: float
) -> None:
    capped = next_poll_delay(state, fraction * typical, typical, 0, longest_unasked=cap)
    assert capped <= max(MIN_POLL_DELAY, cap) and capped <= next_poll_delay(state, fraction * typical, typical, 0)
    assert next_poll_delay(S.DELIVERING, 0, typical, 0, longest_unasked=cap) == MIN_POLL_DELAY
    assert next_poll_delay(S.WAITING, 0, typical, 0, longest_unasked=cap) == WAITING_RECHECK_SECONDS


@given(
    now=st.floats(min_value=0, max_value=1e9),
    ahead=st.floats(min_value=0, max_value=600),
    beat=st.floats(min_value=0.05, max_value=10),
    phase_share=st.floats(min_value=0, max_value=0.999),
)
def test_a_shared_beat_never_makes_a_job_wait_longer_than_its_schedule_or_one_beat(
    now: float, ahead: float, beat: float, phase_share: float
) -> None:
    at, phase = now + ahead, phase_share * beat
    asked = on_beat(at, now, beat, phase)
    assert asked > now
    beats = (asked - phase) / beat
    assert math.isclose(beats, round(beats), rel_tol=1e-9, abs_tol=1e-6)  # on the beat
    assert asked <= max(at, now + beat) + 1e-6 * max(1.0, now)


def test_a_job_due_one_beat_from_now_is_asked_on_the_next_beat_not_the_one_after() -> None:
    # the poll of a batched service ended 0.2 s after a beat; its jobs are due again one beat later
    assert on_beat(10.2 + 1.0, 10.2, 1.0) == 11.0
    assert on_beat(10.2 + 2.5, 10.2, 1.0) == 12.0
    # already on a beat, or due before the next one: the next beat
    assert on_beat(11.0, 11.0, 1.0) == 12.0
    assert on_beat(10.5, 10.2, 1.0) == 11.0
    # another service's beat, a quarter of a beat later
    assert on_beat(10.2 + 1.0, 10.2, 1.0, 0.25) == 10.25
    assert on_beat(10.2 + 1.1, 10.2, 1.0, 0.25) == 11.25
    with pytest.raises(ValueError, match="beat"):
        on_beat(1.0, 0.0, 0.0)
