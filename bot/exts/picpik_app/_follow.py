"""Following an app action until its apps settle: the ``JobFollower`` the poller uses for ``JobKind.APP_ACTION``.

An action (create, start, stop, restart, delete) is a row in the job table like a picture job, so a restart of
the bot does not lose it. Its handle names the apps to watch and the states the action wants; the poller asks
``poll_many`` here instead of the provider's, and this module words the message. One ``ListPicpikApps`` call
answers for every action followed on one account.

An action is over when every one of its apps is in a stable state (running, shut down, deleted, or a failure);
the row is ``delivered`` when each reached a state the action wanted, else ``failed`` with ``APP_FAILED``. The
service's state codes of the last look are kept in the observation's ``raw_status`` (JSON ``{app id: code}``),
which is what the final message is written from.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Final

from pydantic import ValidationError

from bot.exts.picpik_app import _render
from bot.exts.picpik_app._models import APP_FAILED, AppAction, AppWatch
from bot.poller import MessagePayload
from providers.core.base import Provider
from providers.core.errors import DecodeError, ProviderError, UnsupportedError
from providers.core.models import JobFailure, JobHandle, JobState, JobStatus
from providers.picpik.app_models import AppState
from providers.picpik.apps import AppActions
from storage.jobs import JobRecord

#: how long after the action a stable state it did not ask for, or the state the app was already in, is not yet
#: believed: the service may not have begun the change. Multiplied by the poll interval scale, like every poll delay.
#: Inference: the documents do not say how soon a state changes after an action (the emulator's ``late_transition``
#: fault makes it late).
SETTLE_GRACE_SECONDS: Final = 10.0


def seen_states(state: JobState | None) -> dict[str, int | None]:
    """The app states of an observation (``raw_status``), by app id; None for an app that was not listed."""
    if state is None or not state.raw_status:
        return {}
    try:
        decoded = json.loads(state.raw_status)
    except ValueError:
        return {}
    if not isinstance(decoded, dict):
        return {}
    return {str(app): code if isinstance(code, int) else None for app, code in decoded.items()}


def observe(watch: AppWatch, listed: Mapping[str, int], age_seconds: float, grace_seconds: float) -> JobState:
    """Where an action is, from the account's app list (app id → state code)."""
    seen: dict[str, int | None] = {app: listed.get(app) for app in watch.apps}
    young = age_seconds < grace_seconds
    raw = json.dumps(seen, separators=(",", ":"))
    if not all(_settled(watch, app, code, young) for app, code in seen.items()):
        return JobState(status=JobStatus.RUNNING, raw_status=raw)
    astray = [app for app, code in seen.items() if not _reached(watch, code)]
    if watch.apps and not astray:  # creates that failed were reported when they did; the rest are fine
        return JobState(status=JobStatus.SUCCEEDED, raw_status=raw)
    words = [f"{app}: {_render.state_name(seen[app], watch.action, None)}" for app in astray]
    if not watch.apps:
        words = [item.message or f"RetCode {item.code}" for item in watch.not_created] or ["No app was created."]
    failure = JobFailure(kind=APP_FAILED, message="; ".join(words))
    return JobState(status=JobStatus.FAILED, raw_status=raw, failure=failure)


def _state(watch: AppWatch, code: int | None) -> AppState | None:
    if code is None:
        # Inference: a deleted app may drop out of the list instead of showing state 8
        return AppState.DELETED if watch.action is AppAction.DELETE else None
    return AppState.parse(code)


def _reached(watch: AppWatch, code: int | None) -> bool:
    return _state(watch, code) in watch.wanted


def _settled(watch: AppWatch, app: str, code: int | None, young: bool) -> bool:
    state = _state(watch, code)
    if state is None:
        # a state the documents do not list, or an app missing from the list: never guessed as an end
        # (missing for longer than the grace means it is gone)
        return code is None and not young
    if not state.is_stable:
        return False
    if not young:
        return True
    before = watch.before.get(app)
    if before is not None and code == before:
        # early on, the state the app was in before the action (a failed start being retried …) is no outcome
        return False
    if state.is_failure:
        return True
    # early on, only a wanted state is believed; for a restart only when the state before it is known (a restart
    # starts out running)
    return state in watch.wanted and (watch.action is not AppAction.RESTART or before is not None)


class AppActionFollower:
    """The poller's ``JobFollower`` for app actions. ``grace_seconds``: how long after an action a state is judged
    as in ``observe``; ``timeout_seconds``: how long an action is followed at most (its own setting, not the picture
    jobs' ``PICPIK_JOB_TIMEOUT_SECONDS``)."""

    def __init__(
        self, *, grace_seconds: float, timeout_seconds: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.grace_seconds = grace_seconds
        self.timeout_seconds = timeout_seconds
        self._clock = clock

    async def poll_many(
        self, provider: Provider, handles: Sequence[JobHandle]
    ) -> Mapping[str, JobState | ProviderError]:
        actions = getattr(provider, "client", None)
        if not isinstance(actions, AppActions):
            error = UnsupportedError(f"{provider.display_name} has no app instances.", provider=provider.name)
            return dict.fromkeys((handle.job_id for handle in handles), error)
        try:
            listed = {app.AppId: app.State for app in (await actions.list_apps()).Apps}
        except ProviderError as error:
            return dict.fromkeys((handle.job_id for handle in handles), error)
        outcomes: dict[str, JobState | ProviderError] = {}
        now = self._clock()
        for handle in handles:
            try:
                watch = AppWatch.model_validate(handle.meta)
            except ValidationError:
                outcomes[handle.job_id] = DecodeError("The action's app ids were lost.", provider=provider.name)
                continue
            age = now - handle.submitted_at.timestamp()
            outcomes[handle.job_id] = observe(watch, listed, age, self.grace_seconds)
        return outcomes

    def progress_text(self, record: JobRecord, service: str, state: JobState) -> str:
        return _render.action_text(record, AppWatch.of(record), seen_states(state))

    def final_payload(self, record: JobRecord, service: str) -> MessagePayload:
        watch = AppWatch.of(record)
        content = _render.action_text(record, watch, seen_states(record.result), service, final=True)
        return MessagePayload(content=content, final=True, buttons=_render.final_buttons(record, watch))
