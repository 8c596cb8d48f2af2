"""What an app action is, as stored: the admin's request (the row's ``request_json``) and what is watched (the
handle's ``meta``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from providers.core.models import JobState
from providers.picpik.app_models import AppState
from storage.jobs import JobRecord

#: the failure kind of an action whose apps did not all end where it wanted (or were not created at all)
APP_FAILED: Final = "app_failed"
#: an action's handle is ``app-action-<row id>``: the follower finds the row (and what it saw before) by it
_HANDLE_PREFIX: Final = "app-action-"


def action_handle_id(job_id: int) -> str:
    return f"{_HANDLE_PREFIX}{job_id}"


def job_id_of(handle_id: str) -> int | None:
    """The row id in an action's handle id; None for an id that is not one."""
    number = handle_id.removeprefix(_HANDLE_PREFIX)
    return int(number) if number != handle_id and number.isdigit() else None


class AppAction(StrEnum):
    CREATE = "create"
    START = "start"
    STOP = "stop"
    RESTART = "restart"
    DELETE = "delete"


#: the states each action is meant to end in. Inference for create: a new app goes through initialising,
#: ComfySrv and Comfy starting to running (the documents list the states, not their order).
WANTED: Final[Mapping[AppAction, frozenset[AppState]]] = {
    AppAction.CREATE: frozenset({AppState.RUNNING}),
    AppAction.START: frozenset({AppState.RUNNING}),
    AppAction.STOP: frozenset({AppState.SHUT_DOWN}),
    AppAction.RESTART: frozenset({AppState.RUNNING}),
    AppAction.DELETE: frozenset({AppState.DELETED}),
}


class AppActionRequest(BaseModel):
    """What the admin asked (the row's request): an action on one app, or a create."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    action: AppAction
    app_id: str | None = None
    bundle_id: str | None = None
    bundle_name: str | None = None
    region: str | None = None
    count: int | None = None
    remark: str | None = None
    #: a stop asked for on the way to a delete ("Stop it first"): once shut down, its message offers "Delete now"
    then_delete: bool = False


class NotCreated(BaseModel):
    """A ``CreatePicpikApp`` result that failed: its app id (the seed requires one in every result), the service's
    code and words."""

    model_config = ConfigDict(frozen=True)

    code: int
    message: str = ""
    app_id: str | None = None


class AppWatch(BaseModel):
    """The handle's ``meta``: the apps to watch, what the action wants of them, the creates that failed, and the
    state each app was in just before the action (so that, early on, a state it already had is not taken for its
    outcome)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    action: AppAction
    apps: list[str] = Field(default_factory=list)
    not_created: list[NotCreated] = Field(default_factory=list)
    #: app id → state code seen just before the action was sent (missing: not known)
    before: dict[str, int] = Field(default_factory=dict)

    @property
    def wanted(self) -> frozenset[AppState]:
        return WANTED[self.action]

    def start_code(self, app: str) -> int | None:
        """The state ``app`` was in when the action was sent; for a restart whose state before was not read, running
        (where a restart starts out); None when not known."""
        before = self.before.get(app)
        if before is None and self.action is AppAction.RESTART:
            return AppState.RUNNING.value
        return before

    def start_unknown(self, app: str) -> bool:
        """Whether the state ``app`` was in before the action was not read (a create's apps start from nothing)."""
        return self.action is not AppAction.CREATE and app not in self.before

    def shows_moving(self, app: str, code: int | None) -> bool:
        """Whether ``code`` shows ``app`` on its way: a state other than the one it started in. Where that was not
        read (a restart assumes running), only a state on its way or the one wanted counts: a failure, or another
        state it rests in, may be the one it was in all along."""
        if code is None or self.action is AppAction.CREATE:
            return False
        start = self.start_code(app)
        if not self.start_unknown(app):
            return code != start
        state = AppState.parse(code)
        if state is None or state.is_failure or code == start:
            return False
        return not state.is_stable or state in self.wanted

    def starts_where_it_ends(self, app: str) -> bool:
        """Whether ``app`` was already in the state a restart wants (running): reaching it proves nothing until the
        app has been seen somewhere else in between. Only a restart: a start of a running app or a stop of a shut
        down one is answered before it is sent (``_console.Console.act``), and should one be sent all the same, the
        app resting where it was asked to be is its outcome."""
        if self.action is not AppAction.RESTART:
            return False
        start = self.start_code(app)
        return start is not None and AppState.parse(start) in self.wanted

    @classmethod
    def of(cls, record: JobRecord) -> AppWatch | None:
        handle = record.handle
        if handle is None:
            return None
        try:
            return cls.model_validate(handle.meta)
        except ValidationError:
            return None


class Observation(BaseModel):
    """What the follower has seen of an action's apps, kept in the row's observation (``JobState.raw_status``, stored
    after every look that changes it, so a restart of the bot keeps it): each app's last state code (None: not
    listed), and the apps seen on their way (in a state other than ``AppWatch.start_code``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    apps: dict[str, int | None] = Field(default_factory=dict)
    moved: list[str] = Field(default_factory=list)

    @classmethod
    def of(cls, state: JobState | None) -> Observation:
        """The observation in ``state``; an empty one when there is none (or it cannot be read)."""
        if state is None or not state.raw_status:
            return cls()
        try:
            decoded = json.loads(state.raw_status)
        except ValueError:
            return cls()
        if not isinstance(decoded, dict):
            return cls()
        if isinstance(decoded.get("apps"), dict):
            try:
                return cls.model_validate(decoded)
            except ValidationError:
                return cls()
        # rows written before ``moved`` was kept: {app id: code}
        return cls(apps={str(app): code if isinstance(code, int) else None for app, code in decoded.items()})

    def raw(self) -> str:
        return self.model_dump_json()
