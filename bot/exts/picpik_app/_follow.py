"""Following an app action until its apps settle: the ``JobFollower`` the poller uses for ``JobKind.APP_ACTION``.

An action (create, start, stop, restart, delete) is a row in the job table like a picture job, so a restart of
the bot does not lose it. Its handle names the apps to watch and the states the action wants; the poller asks
``poll_many`` here instead of the provider's, and this module words the message. A few apps are asked for one by
one (``ListPicpikApps`` with ``AppId``); more, and the account's whole list (every page) answers for all of them.

An action is over when every one of its apps is in a stable state (running, shut down, deleted, or a failure);
the row is ``delivered`` when each reached a state the action wanted, else ``failed`` with ``APP_FAILED``. What was
seen (``_models.Observation``: the last state code of each app, and which apps were seen on their way) is kept in
the row's observation after every look that changes it, so the final message, a time-out's included, is written
from it, and a restart of the bot does not forget that a restarting app was seen restarting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Final

from pydantic import ValidationError

from bot.exts.picpik_app import _render
from bot.exts.picpik_app._models import APP_FAILED, AppAction, AppWatch, Observation, job_id_of
from bot.poller import MessagePayload
from providers.core.base import Provider
from providers.core.errors import DecodeError, NotFoundError, ProviderError, UnsupportedError
from providers.core.models import JobFailure, JobHandle, JobState, JobStatus
from providers.picpik.app_models import AppState
from providers.picpik.apps import AppActions
from storage.jobs import JobNotFound, JobRecord, JobStore

#: at most this many apps are asked for one by one (the seed's ``AppId``: "查询具体实例详情时，传此参数"); more, and one
#: read of the whole list answers for all of them
BY_ID_MAX: Final = 5

#: an app's state code, None when Picpik does not list it, or the error that kept it from being read
Looked = int | None | ProviderError


def observe(
    watch: AppWatch,
    listed: Mapping[str, int | None],
    age_seconds: float,
    grace_seconds: float,
    earlier: Observation | None = None,
) -> JobState:
    """Where an action is, from its apps' states now (app id → code; missing or None: not listed) and what was seen
    of them before (``earlier``)."""
    seen: dict[str, int | None] = {app: listed.get(app) for app in watch.apps}
    moved = set(earlier.moved if earlier is not None else ()) & set(watch.apps)
    moved |= {app for app, code in seen.items() if watch.shows_moving(app, code)}
    raw = Observation(apps=seen, moved=sorted(moved)).raw()
    young = age_seconds < grace_seconds
    if not all(_settled(watch, app, code, young, app in moved) for app, code in seen.items()):
        return JobState(status=JobStatus.RUNNING, raw_status=raw)
    astray = [app for app, code in seen.items() if not _reached(watch, app, code, app in moved)]
    if watch.apps and not astray:  # creates that failed were reported when they did; the rest are fine
        return JobState(status=JobStatus.SUCCEEDED, raw_status=raw)
    words = [f"{app}: {_astray_words(watch, app, seen[app], app in moved)}" for app in astray]
    if not watch.apps:
        words = [item.message or f"RetCode {item.code}" for item in watch.not_created] or ["No app was created."]
    failure = JobFailure(kind=APP_FAILED, message="; ".join(words))
    return JobState(status=JobStatus.FAILED, raw_status=raw, failure=failure)


def _state(watch: AppWatch, code: int | None) -> AppState | None:
    if code is None:
        # Inference: a deleted app may drop out of the list instead of showing state 8
        return AppState.DELETED if watch.action is AppAction.DELETE else None
    return AppState.parse(code)


def _reached(watch: AppWatch, app: str, code: int | None, moved: bool) -> bool:
    # an app that was in the wanted state all along (a restart of a running app) shows nothing until it moved
    return _state(watch, code) in watch.wanted and (moved or not watch.starts_where_it_ends(app))


def _astray_words(watch: AppWatch, app: str, code: int | None, moved: bool) -> str:
    """Why an app counts as not where the action wanted it, in English for the row (the message has its own)."""
    state = _render.state_name(code, watch.action, None)
    if _state(watch, code) in watch.wanted and not moved:
        return f"never seen on its way, still {state}"
    return state


def _settled(watch: AppWatch, app: str, code: int | None, young: bool, moved: bool) -> bool:
    """Whether this look is the app's last: a stable state believed. ``young``: within the grace after the action
    (``FRONTEND_APP_SETTLE_GRACE_SECONDS``), when a stable state it did not ask for, the state the app was already
    in, or an app missing from the list is not yet believed: the service may not have begun the change."""
    if code is None:
        # not listed: gone, or not shown this time; believed after the grace, or for a delete once the app was seen
        # on its way (deleting)
        return not young or (watch.action is AppAction.DELETE and moved)
    state = AppState.parse(code)
    if state is None or not state.is_stable:
        return False  # on its way, or a state the documents do not list: never guessed as an end
    if state in watch.wanted and watch.starts_where_it_ends(app) and not moved:
        # it rests where it started (a restart begins running): only once the grace is over, as an action that
        # never showed
        return not young
    if not young:
        return True
    if code == watch.start_code(app) and not moved:
        # early on, the state the app was in before the action (a failed start being retried …) is no outcome
        return False
    if state.is_failure and watch.start_unknown(app) and not moved:
        # early on, with the state before not read, a failure may be the one the app was already in: believed once
        # the app was seen on its way, or after the grace
        return False
    # early on, only a wanted state or a failure is believed
    return state.is_failure or state in watch.wanted


async def _app_states(actions: AppActions, apps: Collection[str]) -> dict[str, Looked]:
    """Each app's state now: a few asked for by id, more from the account's whole list."""
    if len(apps) <= BY_ID_MAX:
        looked = await asyncio.gather(*(_app_state(actions, app) for app in apps))
        return dict(zip(apps, looked, strict=True))
    try:
        listed = {app.AppId: app.State for app in await actions.list_all_apps()}
    except ProviderError as error:
        return dict.fromkeys(apps, error)
    return {app: listed.get(app) for app in apps}


async def _app_state(actions: AppActions, app_id: str) -> Looked:
    try:
        listed = (await actions.list_apps(app_id=app_id)).Apps
    except NotFoundError:
        return None
    except ProviderError as error:
        return error
    return next((app.State for app in listed if app.AppId == app_id), None)


class AppActionFollower:
    """The poller's ``JobFollower`` for app actions. ``grace_seconds``: how long after an action a state is judged
    as in ``observe``; ``timeout_seconds``: how long an action is followed at most (its own setting, not the picture
    jobs' ``PICPIK_JOB_TIMEOUT_SECONDS``); ``store``: where each action's observation is kept between looks."""

    def __init__(
        self,
        *,
        grace_seconds: float,
        timeout_seconds: float,
        store: JobStore,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.grace_seconds = grace_seconds
        self.timeout_seconds = timeout_seconds
        self._store = store
        self._clock = clock

    async def poll_many(
        self, provider: Provider, handles: Sequence[JobHandle]
    ) -> Mapping[str, JobState | ProviderError]:
        actions = getattr(provider, "client", None)
        if not isinstance(actions, AppActions):
            error = UnsupportedError(f"{provider.display_name} has no app instances.", provider=provider.name)
            return dict.fromkeys((handle.job_id for handle in handles), error)
        watches: dict[str, AppWatch] = {}
        outcomes: dict[str, JobState | ProviderError] = {}
        for handle in handles:
            try:
                watches[handle.job_id] = AppWatch.model_validate(handle.meta)
            except ValidationError:
                outcomes[handle.job_id] = DecodeError("The action's app ids were lost.", provider=provider.name)
        apps = list(dict.fromkeys(app for watch in watches.values() for app in watch.apps))
        looked = await _app_states(actions, apps)
        now = self._clock()
        for handle in handles:
            watch = watches.get(handle.job_id)
            if watch is None:
                continue
            errors = [found for app in watch.apps if isinstance(found := looked[app], ProviderError)]
            if errors:
                outcomes[handle.job_id] = errors[0]
                continue
            listed = {app: code for app in watch.apps if not isinstance(code := looked[app], ProviderError)}
            job_id = job_id_of(handle.job_id)
            earlier = await self._earlier(job_id)
            age = now - handle.submitted_at.timestamp()
            outcomes[handle.job_id] = state = observe(watch, listed, age, self.grace_seconds, earlier)
            if job_id is not None and not state.status.is_terminal and Observation.of(state) != earlier:
                # a finished observation is the poller's to store (``mark_result``)
                await self._store.record_observation(job_id, state)
        return outcomes

    async def _earlier(self, job_id: int | None) -> Observation:
        """What was seen of the action before this look (kept in its row)."""
        if job_id is None:
            return Observation()
        try:
            record = await self._store.get(job_id)
        except JobNotFound:
            return Observation()
        return Observation.of(record.result)

    def progress_text(self, record: JobRecord, service: str, state: JobState) -> str:
        return _render.action_text(record, AppWatch.of(record), Observation.of(state))

    def final_payload(self, record: JobRecord, service: str) -> MessagePayload:
        watch = AppWatch.of(record)
        content = _render.action_text(record, watch, Observation.of(record.result), service, final=True)
        return MessagePayload(content=content, final=True, buttons=_render.final_buttons(record, watch))
