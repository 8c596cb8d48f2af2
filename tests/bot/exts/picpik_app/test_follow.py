"""When an app action counts as over, and how it ended: ``observe`` over an account's app list."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from bot.exts.picpik_app._follow import BY_ID_MAX, AppActionFollower, observe
from bot.exts.picpik_app._models import APP_FAILED, AppAction, AppWatch, NotCreated, Observation, action_handle_id
from providers.core.errors import NotFoundError, RateLimitedError
from providers.core.models import JobHandle, JobKind, JobState, JobStatus
from providers.picpik.apps import AppActions
from providers.picpik.caller import Send

GRACE = 10.0
LATE = 60.0


def watch(action: AppAction, *apps: str, not_created: tuple[NotCreated, ...] = ()) -> AppWatch:
    return AppWatch(action=action, apps=list(apps), not_created=list(not_created))


def seen_states(state: JobState) -> dict[str, int | None]:
    return Observation.of(state).apps


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
    # a restart starts out running: "running" right after it proves nothing, and never seen restarting it failed
    assert observe(watch(AppAction.RESTART, "app-1"), {"app-1": 1}, 1.0, GRACE).status is JobStatus.RUNNING
    assert observe(watch(AppAction.RESTART, "app-1"), {"app-1": 1}, LATE, GRACE).status is JobStatus.FAILED
    # a failure the app was not in before is believed at once
    known = AppWatch(action=AppAction.RESTART, apps=["app-1"], before={"app-1": 1})
    assert observe(known, {"app-1": -7}, 1.0, GRACE).status is JobStatus.FAILED


@pytest.mark.parametrize(
    ("action", "failure"),
    [(AppAction.START, -4), (AppAction.STOP, -5), (AppAction.RESTART, -9), (AppAction.DELETE, -6)],
)
def test_with_the_state_before_unread_a_failure_is_believed_after_the_grace_or_a_move(
    action: AppAction, failure: int
) -> None:
    # the state before the action could not be read: the failure may be the one the app was already in (a restart
    # is assumed to start running, yet an app at -9 is no restart that failed until the grace is over)
    unread = watch(action, "app-1")
    early = observe(unread, {"app-1": failure}, 1.0, GRACE)
    assert early.status is JobStatus.RUNNING and Observation.of(early).moved == []
    assert observe(unread, {"app-1": failure}, LATE, GRACE).status is JobStatus.FAILED
    # seen on its way first (a state it passes through, kept across looks), the failure is believed at once
    on_its_way = {AppAction.START: 10, AppAction.STOP: 5, AppAction.RESTART: 9, AppAction.DELETE: 7}[action]
    moving = Observation.of(observe(unread, {"app-1": on_its_way}, 0.5, GRACE))
    assert moving.moved == ["app-1"]
    assert observe(unread, {"app-1": failure}, 1.0, GRACE, moving).status is JobStatus.FAILED


def test_a_start_or_stop_finding_the_app_already_there_ends_well_a_restart_does_not() -> None:
    # only a restart has to be seen on its way: a start of a running app (sent when its state could not be read
    # first) or a stop of a shut down one found there is where the admin wanted it
    for action, state in ((AppAction.START, 1), (AppAction.STOP, 6)):
        already = AppWatch(action=action, apps=["app-1"], before={"app-1": state})
        assert observe(already, {"app-1": state}, 1.0, GRACE).status is JobStatus.RUNNING  # the grace first
        assert observe(already, {"app-1": state}, LATE, GRACE).status is JobStatus.SUCCEEDED
        assert observe(watch(action, "app-1"), {"app-1": state}, 1.0, GRACE).status is JobStatus.SUCCEEDED
    restarted = AppWatch(action=AppAction.RESTART, apps=["app-1"], before={"app-1": 1})
    assert observe(restarted, {"app-1": 1}, LATE, GRACE).status is JobStatus.FAILED


def test_an_app_missing_from_the_list_is_deleted_for_a_delete_and_gone_otherwise() -> None:
    # early on, not listed may mean not shown (another page, a slow index): not yet taken as deleted …
    early = observe(watch(AppAction.DELETE, "app-1"), {}, 1.0, GRACE)
    assert early.status is JobStatus.RUNNING and seen_states(early) == {"app-1": None}
    # … unless it was seen deleting first, or once the grace is over
    deleting = AppWatch(action=AppAction.DELETE, apps=["app-1"], before={"app-1": 6})
    seen_deleting = Observation.of(observe(deleting, {"app-1": 7}, 0.5, GRACE))
    assert seen_deleting.moved == ["app-1"]
    assert observe(deleting, {}, 1.0, GRACE, seen_deleting).status is JobStatus.SUCCEEDED
    deleted = observe(watch(AppAction.DELETE, "app-1"), {}, LATE, GRACE)
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


def test_a_restart_ends_running_only_once_it_was_seen_on_its_way_even_across_looks() -> None:
    restart = AppWatch(action=AppAction.RESTART, apps=["app-1"], before={"app-1": 1})
    # Picpik took the restart and never acted on it: still running after the grace is no success
    ignored = observe(restart, {"app-1": 1}, LATE, GRACE)
    assert ignored.status is JobStatus.FAILED and ignored.failure is not None
    assert ignored.failure.message == "app-1: never seen on its way, still running"
    # seen restarting in one look (kept in the observation), running in a later one: done, however late
    first = observe(restart, {"app-1": 9}, 1.0, GRACE)
    assert first.status is JobStatus.RUNNING and Observation.of(first).moved == ["app-1"]
    assert observe(restart, {"app-1": 1}, LATE, GRACE, Observation.of(first)).status is JobStatus.SUCCEEDED
    assert observe(restart, {"app-1": 1}, 1.0, GRACE, Observation.of(first)).status is JobStatus.SUCCEEDED
    # with the state before unknown, a restart still starts out running
    unknown = watch(AppAction.RESTART, "app-1")
    assert observe(unknown, {"app-1": 1}, LATE, GRACE).status is JobStatus.FAILED
    assert observe(unknown, {"app-1": 1}, LATE, GRACE, Observation(moved=["app-1"])).status is JobStatus.SUCCEEDED


def test_a_retried_start_that_fails_again_is_believed_once_it_was_seen_starting() -> None:
    retried = AppWatch(action=AppAction.START, apps=["app-1"], before={"app-1": -4})
    seen_starting = Observation.of(observe(retried, {"app-1": 10}, 0.5, GRACE))
    assert observe(retried, {"app-1": -4}, 1.0, GRACE, seen_starting).status is JobStatus.FAILED


def test_observations_written_before_moved_was_kept_are_still_read() -> None:
    old = JobState(status=JobStatus.RUNNING, raw_status='{"app-1": 10, "app-2": null}')
    assert Observation.of(old) == Observation(apps={"app-1": 10, "app-2": None})
    assert Observation.of(JobState(status=JobStatus.RUNNING, raw_status="not json")) == Observation()


# --- what the follower asks Picpik, and what it keeps ------------------------------------------------------------


class FakeActions(AppActions):
    """Answers ``ListPicpikApps`` from ``states``; every call is noted."""

    def __init__(self, states: dict[str, int], failing: frozenset[str] = frozenset()) -> None:
        self.states = states
        self.failing = failing
        self.calls: list[dict[str, Any]] = []

    async def _call(
        self, action: str, params: Mapping[str, Any], response_model: Any, *, send: Send = Send.QUERY
    ) -> Any:
        self.calls.append({name: value for name, value in params.items() if value is not None})
        app_id = params.get("AppId")
        if app_id in self.failing:
            raise RateLimitedError("slow down", provider="picpik")
        if app_id is not None and app_id not in self.states:
            raise NotFoundError("no such app", provider="picpik")
        chosen = [app_id] if app_id is not None else list(self.states)
        apps = [{"AppId": app, "State": self.states[app]} for app in chosen]
        return response_model.model_validate({"RetCode": 0, "Apps": apps, "TotalCount": len(apps)})


class FakeStore:
    def __init__(self) -> None:
        self.kept: dict[int, JobState] = {}

    async def get(self, job_id: int) -> SimpleNamespace:
        return SimpleNamespace(result=self.kept.get(job_id))

    async def record_observation(self, job_id: int, observation: JobState) -> bool:
        self.kept[job_id] = observation
        return True


def handle(job_id: int, watched: AppWatch, age: float = 1.0) -> JobHandle:
    submitted = datetime.fromtimestamp(NOW - age, UTC)
    return JobHandle(
        provider="picpik",
        kind=JobKind.APP_ACTION,
        job_id=action_handle_id(job_id),
        meta=watched.model_dump(),
        submitted_at=submitted,
    )


NOW = 1_800_000_000.0


async def test_a_few_apps_are_asked_for_by_id_and_what_was_seen_is_kept() -> None:
    actions = FakeActions({"app-1": 9, "app-2": 1})
    store = FakeStore()
    follower = AppActionFollower(grace_seconds=GRACE, timeout_seconds=60, store=store, clock=lambda: NOW)  # type: ignore[arg-type]
    restart = AppWatch(action=AppAction.RESTART, apps=["app-1"], before={"app-1": 1})
    provider = SimpleNamespace(client=actions, name="picpik", display_name="Picpik")

    first = await follower.poll_many(provider, [handle(7, restart)])  # type: ignore[arg-type]

    assert actions.calls == [{"AppId": "app-1"}]
    assert first["app-action-7"].status is JobStatus.RUNNING  # type: ignore[union-attr]
    assert Observation.of(store.kept[7]) == Observation(apps={"app-1": 9}, moved=["app-1"])
    actions.states["app-1"] = 1  # restarted: running again, and seen restarting before (kept in the row)
    second = await follower.poll_many(provider, [handle(7, restart)])  # type: ignore[arg-type]
    assert second["app-action-7"].status is JobStatus.SUCCEEDED  # type: ignore[union-attr]


async def test_many_apps_are_read_from_the_whole_list_and_an_app_that_could_not_be_read_holds_its_action() -> None:
    many = {f"app-{n}": 3 for n in range(BY_ID_MAX + 1)}
    actions = FakeActions(many, failing=frozenset({"app-x"}))
    follower = AppActionFollower(grace_seconds=GRACE, timeout_seconds=60, store=FakeStore(), clock=lambda: NOW)  # type: ignore[arg-type]
    created = AppWatch(action=AppAction.CREATE, apps=list(many))
    provider = SimpleNamespace(client=actions, name="picpik", display_name="Picpik")

    outcomes = await follower.poll_many(provider, [handle(1, created)])  # type: ignore[arg-type]

    assert actions.calls == [{}]  # one read of the list, not one call per app
    assert outcomes["app-action-1"].status is JobStatus.RUNNING  # type: ignore[union-attr]
    actions.calls.clear()
    stop = AppWatch(action=AppAction.STOP, apps=["app-x"], before={"app-x": 1})
    start = AppWatch(action=AppAction.START, apps=["app-0"], before={"app-0": 6})
    outcomes = await follower.poll_many(provider, [handle(2, stop), handle(3, start)])  # type: ignore[arg-type]
    assert isinstance(outcomes["app-action-2"], RateLimitedError)  # asked again next round
    assert isinstance(outcomes["app-action-3"], JobState)
