"""What an app action is, as stored: the admin's request (the row's ``request_json``) and what is watched (the
handle's ``meta``)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from providers.picpik.app_models import AppState
from storage.jobs import JobRecord

#: the failure kind of an action whose apps did not all end where it wanted (or were not created at all)
APP_FAILED: Final = "app_failed"


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

    @classmethod
    def of(cls, record: JobRecord) -> AppWatch | None:
        handle = record.handle
        if handle is None:
            return None
        try:
            return cls.model_validate(handle.meta)
        except ValidationError:
            return None
