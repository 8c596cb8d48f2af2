"""Platform API models for app bundles and app instances (the nodes behind /picpik-app)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import IntEnum
from typing import Annotated, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr

from providers.picpik.models import FlexibleList, PlatformResponse


class AppState(IntEnum):
    """``PicpikAppInfo.State``: where an app instance is in its life."""

    RUNNING = 1
    INITIALISING = 2
    INITIALISING_COMFY_SERVICE = 3
    COMFY_STARTING = 4
    SHUTTING_DOWN = 5
    SHUT_DOWN = 6
    DELETING = 7
    DELETED = 8
    RESTARTING = 9
    STARTING = 10
    INIT_FAILED = -2
    COMFY_SERVICE_INIT_FAILED = -3
    START_FAILED = -4
    SHUTDOWN_FAILED = -5
    DELETE_FAILED = -6
    RESTART_FAILED = -7
    CREATE_FAILED = -8
    COMFY_SERVICE_INTERRUPTED = -9

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]

    @property
    def is_failure(self) -> bool:
        return self.value < 0

    @property
    def is_stable(self) -> bool:
        """Whether the state stays as it is until someone acts (worth stopping a watch on)."""
        return self.is_failure or self in (AppState.RUNNING, AppState.SHUT_DOWN, AppState.DELETED)

    @property
    def can_delete(self) -> bool:
        """Whether ``DeletePicpikApp`` may be sent for an app in this state (see ``DELETABLE_STATES``)."""
        return self in DELETABLE_STATES

    @property
    def can_stop(self) -> bool:
        """Whether ``StopPicpikApp`` may be sent for an app in this state (see ``STOPPABLE_STATES``)."""
        return self in STOPPABLE_STATES

    @classmethod
    def parse(cls, value: int) -> AppState | None:
        """The state for a code, or None for a code the documents do not list."""
        try:
            return cls(value)
        except ValueError:
            return None


_DESCRIPTIONS: dict[AppState, str] = {
    AppState.RUNNING: "running",
    AppState.INITIALISING: "initialising",
    AppState.INITIALISING_COMFY_SERVICE: "initialising the ComfySrv service",
    AppState.COMFY_STARTING: "Comfy starting",
    AppState.SHUTTING_DOWN: "shutting down",
    AppState.SHUT_DOWN: "shut down",
    AppState.DELETING: "deleting",
    AppState.DELETED: "deleted",
    AppState.RESTARTING: "restarting",
    AppState.STARTING: "starting",
    AppState.INIT_FAILED: "initialisation failed",
    AppState.COMFY_SERVICE_INIT_FAILED: "ComfySrv service initialisation failed",
    AppState.START_FAILED: "start failed",
    AppState.SHUTDOWN_FAILED: "shutdown failed",
    AppState.DELETE_FAILED: "delete failed",
    AppState.RESTART_FAILED: "restart failed",
    AppState.CREATE_FAILED: "create failed",
    AppState.COMFY_SERVICE_INTERRUPTED: "ComfySrv service interrupted",
}


#: The seed says only that an app must be shut down (6) before it is deleted. Inference: an app whose creation,
#: initialisation or start failed never came up, and one whose delete failed is to be deleted again, so those can be
#: deleted as they are; an app that is or may still be up (running, a failed shutdown or restart, an interrupted
#: ComfySrv) is stopped first, and so is one on its way up (initialising 2, 3, 4, restarting 9, starting 10), as a
#: cloud host can be shut down while it boots. Should the live service refuse a stop in some of these states, its
#: refusal is shown as it comes. The emulator accepts the same states.
DELETABLE_STATES: frozenset[AppState] = frozenset(
    {
        AppState.SHUT_DOWN,
        AppState.INIT_FAILED,
        AppState.COMFY_SERVICE_INIT_FAILED,
        AppState.START_FAILED,
        AppState.DELETE_FAILED,
        AppState.CREATE_FAILED,
    }
)
STOPPABLE_STATES: frozenset[AppState] = frozenset(
    {
        AppState.RUNNING,
        AppState.SHUTDOWN_FAILED,
        AppState.RESTART_FAILED,
        AppState.COMFY_SERVICE_INTERRUPTED,
        AppState.INITIALISING,
        AppState.INITIALISING_COMFY_SERVICE,
        AppState.COMFY_STARTING,
        AppState.RESTARTING,
        AppState.STARTING,
    }
)


def describe_state(code: int) -> str:
    """A state code in words, including codes the documents do not list."""
    state = AppState.parse(code)
    return state.description if state is not None else f"unknown state {code}"


#: a price of more digits than this (in yuan, decimals included) is garbled, not a price: shown as "?"
MAX_PRICE_DIGITS: Final = 12


def fen_to_yuan(fen: str | int | float | None) -> Decimal | None:
    """A price in fen (1/100 yuan; the service sends strings such as "9.99") as yuan, or None if unreadable: not a
    number, below zero, or longer than ``MAX_PRICE_DIGITS`` digits. Zero stays a price (a free bundle).

    Inference: the seed's table says 单位：分 (fen), yet its example "9.99" reads like yuan (as fen it is ¥0.0999 an
    hour). The table, the one explicit statement, is followed; should the live service send yuan, this one function
    is what changes.
    """
    if fen is None or isinstance(fen, bool):
        return None
    try:
        value = Decimal(str(fen).strip())
    except InvalidOperation:
        return None
    # the size is checked before dividing: "1e2000" would otherwise print as two thousand digits
    if not value.is_finite() or value < 0 or value.adjusted() >= MAX_PRICE_DIGITS:
        return None
    if value == 0:
        return Decimal("0.00")  # "-0" and "0e5" are zero too, and would print as "-0.00" or "0E+3"
    yuan = value / 100
    digits = sum(character.isdigit() for character in _yuan_text(yuan))
    return yuan if digits <= MAX_PRICE_DIGITS else None


def _yuan_text(yuan: Decimal) -> str:
    """Two decimals, more only when fen fractions need them ("0.0999")."""
    return f"{yuan:.2f}" if yuan == yuan.quantize(Decimal("0.01")) else f"{yuan.normalize():f}"


def format_yuan(fen: str | int | float | None) -> str:
    """A fen price for people: "¥0.10"; more decimals only when fen fractions need them; "?" if unreadable."""
    yuan = fen_to_yuan(fen)
    return "?" if yuan is None else f"¥{_yuan_text(yuan)}"


def _price_as_text(value: object) -> str | None:
    """A price as text: the seed types it String, but a number (199, 9.99) means the same and is taken too;
    anything else is no price (None) rather than a reply that cannot be read at all."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    return value if isinstance(value, str) else None


#: ``ActualHourPrice`` / ``OriginalHourPrice``, in fen
PriceText = Annotated[str | None, BeforeValidator(_price_as_text)]


class _Info(BaseModel):
    model_config = ConfigDict(extra="allow")


class PicpikBundle(_Info):
    """``PicpikBundleInfo``: an app that can be bought."""

    BundleId: str
    Name: str | None = None
    Description: str | None = None
    MDText: str | None = None
    ActualHourPrice: PriceText = None
    OriginalHourPrice: PriceText = None
    LogoUrl: str | None = None
    Region: str | None = None
    Version: str | None = None
    CreateTime: int | None = None

    @property
    def hourly_price(self) -> str:
        return format_yuan(self.ActualHourPrice)

    @property
    def original_hourly_price(self) -> str:
        return format_yuan(self.OriginalHourPrice)


class PicpikApp(_Info):
    """``PicpikAppInfo``: an app instance. ``ApiKey`` signs the node's Service API, so it is kept secret."""

    AppId: str
    BundleId: str | None = None
    BundleName: str | None = None
    BundleVersion: str | None = None
    Remark: str | None = None
    IP: str | None = None
    State: int
    ApiKey: SecretStr | None = None
    CreateTime: int | None = None

    @property
    def state(self) -> AppState | None:
        return AppState.parse(self.State)

    @property
    def remark(self) -> str | None:
        """The remark, or None when there is none (a cleared remark is a single space: see ``modify_app_remark``)."""
        return (self.Remark or "").strip() or None

    @property
    def state_text(self) -> str:
        return describe_state(self.State)


class CreateAppResult(_Info):
    """One ``CreatePicpikAppResult``: each created app succeeds or fails on its own."""

    AppId: str | None = None
    RetCode: int = 0
    ErrMsg: str | None = None

    @property
    def ok(self) -> bool:
        return self.RetCode == 0


class ListBundlesResponse(PlatformResponse):
    Bundles: FlexibleList[PicpikBundle] = Field(default_factory=list)
    TotalCount: int | None = None


class CreateAppResponse(PlatformResponse):
    Results: FlexibleList[CreateAppResult] = Field(default_factory=list)

    @property
    def created(self) -> list[CreateAppResult]:
        return [result for result in self.Results if result.ok]

    @property
    def failed(self) -> list[CreateAppResult]:
        return [result for result in self.Results if not result.ok]


class ListAppsResponse(PlatformResponse):
    Apps: FlexibleList[PicpikApp] = Field(default_factory=list)
    TotalCount: int | None = None
