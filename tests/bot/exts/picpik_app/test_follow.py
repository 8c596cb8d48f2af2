"""When an app action counts as over, and how it ended: ``observe`` over an account's app list."""

from __future__ import annotations

import pytest

from bot.exts.picpik_app._follow import observe, seen_states
from bot.exts.picpik_app._models import APP_FAILED, AppAction, AppWatch, NotCreated
from providers.core.models import JobStatus

GRACE = 10.0
LATE = 60.0


def watch(action: AppAction, *apps: str, not_created: tuple[NotCreated, ...] = ()) -> AppWatch:
    return AppWatch(action=action, apps=list(apps), not_created=list(not_created))


@pytest.mark.parametrize(
    ("action", "state", "status"),
    [
        (AppAction.START, 10, JobStatus.RUNNING),  # starting
        (AppAction.START, 1, JobStatus.SUCCEEDED),
        (AppAction.START, -4, JobStatus.FAILED),  # start failed
        (AppAction.STOP, 5, JobStatus.RUNNING),
        (AppAction.STOP, 6, JobStatus.SUCCEEDED),
        (AppAction.STOP, -5, JobStatus.FAILED),
        (AppAction.CREATE, 3, JobStatus.RUNNING),
        (AppAction.CREATE, -8, JobStatus.FAILED),
        (AppAction.DELETE, 7, JobStatus.RUNNING),
        (AppAction.DELETE, 8, JobStatus.SUCCEEDED),
        (AppAction.START, 99, JobStatus.RUNNING),  # a state no document lists is never taken for an end
    ],
)
def test_an_action_ends_only_in_a_stable_state(action: AppAction, state: int, status: JobStatus) -> None:
    observed = observe(watch(action, "app-1"), {"app-1": state}, LATE, GRACE)
    assert observed.status is status
    assert seen_states(observed) == {"app-1": state}
    if status is JobStatus.FAILED:
        assert observed.failure is not None and observed.failure.kind == APP_FAILED


def test_early_on_only_the_wanted_state_is_believed() -> None:
    # just after a start the app may still show "shut down": the change may not have begun yet
    assert observe(watch(AppAction.START, "app-1"), {"app-1": 6}, 1.0, GRACE).status is JobStatus.RUNNING
    assert observe(watch(AppAction.START, "app-1"), {"app-1": 6}, LATE, GRACE).status is JobStatus.FAILED
    assert observe(watch(AppAction.START, "app-1"), {"app-1": 1}, 1.0, GRACE).status is JobStatus.SUCCEEDED
    # a restart starts out running: "running" right after it proves nothing
    assert observe(watch(AppAction.RESTART, "app-1"), {"app-1": 1}, 1.0, GRACE).status is JobStatus.RUNNING
    assert observe(watch(AppAction.RESTART, "app-1"), {"app-1": 1}, LATE, GRACE).status is JobStatus.SUCCEEDED
    # a failure is believed at once
    assert observe(watch(AppAction.RESTART, "app-1"), {"app-1": -7}, 1.0, GRACE).status is JobStatus.FAILED


def test_an_app_missing_from_the_list_is_deleted_for_a_delete_and_gone_otherwise() -> None:
    deleted = observe(watch(AppAction.DELETE, "app-1"), {}, 1.0, GRACE)
    assert deleted.status is JobStatus.SUCCEEDED and seen_states(deleted) == {"app-1": None}
    assert observe(watch(AppAction.STOP, "app-1"), {}, 1.0, GRACE).status is JobStatus.RUNNING
    gone = observe(watch(AppAction.STOP, "app-1"), {}, LATE, GRACE)
    assert gone.status is JobStatus.FAILED and gone.failure is not None
    assert gone.failure.message == "app-1: not listed by Picpik"


def test_a_create_waits_for_every_app_and_reports_the_ones_astray() -> None:
    created = watch(AppAction.CREATE, "app-1", "app-2", not_created=(NotCreated(code=8004, message="No GPU"),))
    assert observe(created, {"app-1": 1, "app-2": 4}, LATE, GRACE).status is JobStatus.RUNNING
    # the apps that were made are all running: a partial create still succeeded for them
    assert observe(created, {"app-1": 1, "app-2": 1}, LATE, GRACE).status is JobStatus.SUCCEEDED
    half = observe(created, {"app-1": 1, "app-2": -3}, LATE, GRACE)
    assert half.status is JobStatus.FAILED and half.failure is not None
    assert half.failure.message == "app-2: ComfySrv service initialisation failed"


def test_a_create_that_made_nothing_failed_with_the_services_words() -> None:
    nothing = watch(AppAction.CREATE, not_created=(NotCreated(code=8004, message="No GPU left"), NotCreated(code=9)))
    observed = observe(nothing, {}, 0.0, GRACE)
    assert observed.status is JobStatus.FAILED and observed.failure is not None
    assert observed.failure.message == "No GPU left; RetCode 9"


def test_early_on_the_state_an_app_was_in_before_the_action_is_no_outcome() -> None:
    # a start retried on an app whose last start failed: "start failed" just after it is the old state
    retried = AppWatch(action=AppAction.START, apps=["app-1"], before={"app-1": -4})
    assert observe(retried, {"app-1": -4}, 1.0, GRACE).status is JobStatus.RUNNING
    assert observe(retried, {"app-1": -4}, LATE, GRACE).status is JobStatus.FAILED  # never acted on, or failed again
    assert observe(retried, {"app-1": 1}, 1.0, GRACE).status is JobStatus.SUCCEEDED
    # a failure it was not in before is believed at once
    fresh = AppWatch(action=AppAction.START, apps=["app-1"], before={"app-1": 6})
    assert observe(fresh, {"app-1": -4}, 1.0, GRACE).status is JobStatus.FAILED
    # with the state before known, a restart of a failed restart may end early too
    restarted = AppWatch(action=AppAction.RESTART, apps=["app-1"], before={"app-1": -7})
    assert observe(restarted, {"app-1": 1}, 1.0, GRACE).status is JobStatus.SUCCEEDED
    assert observe(restarted, {"app-1": -7}, 1.0, GRACE).status is JobStatus.RUNNING
