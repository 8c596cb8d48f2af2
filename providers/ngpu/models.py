"""NGPU's own request and response shapes (the scheduler around the pass-through), as pydantic models.

Responses tolerate extra fields. ``result_code`` is documented as a string but sent as a number in
every example; pydantic's lax mode accepts both.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    field_validator,
    model_validator,
)

from providers.core.errors import InvalidInputError
from providers.ngpu.forms import DataForm, form_of_data


class _Response(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Envelope(_Response):
    """What every ``/user/...`` answer starts with."""

    result_code: int
    msg: str = ""


class PassthroughRequest(BaseModel):
    """The body of a sync pass-through and of ``schedulingTask``: the image's own body in ``data``, as the JSON
    value itself (``DataForm.OBJECT``, NGPU's own bot) or as its JSON text (``DataForm.STRING``, the seed)."""

    model_config = ConfigDict(extra="forbid")

    btc_address: str | None = None
    data: Any

    @classmethod
    def wrap(
        cls, data: str | dict[str, Any], btc_address: str | None, form: DataForm = DataForm.OBJECT
    ) -> PassthroughRequest:
        """``data`` in ``form``. A text must be JSON in either form: it is the body of a JSON API, and only then
        can it be sent as the value itself (``InvalidInputError`` before anything is sent)."""
        if isinstance(data, str):
            try:
                value = json.loads(data)
            except json.JSONDecodeError:
                raise InvalidInputError(
                    "The body passed through to the image must be JSON.", field="data", provider="ngpu"
                ) from None
            return cls(btc_address=btc_address, data=data if form is DataForm.STRING else value)
        if form is DataForm.STRING:
            return cls(btc_address=btc_address, data=json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        return cls(btc_address=btc_address, data=data)

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class _CarriesData(Envelope):
    """An envelope whose ``data`` holds the image's own response body. NGPU's own bot reads it as a JSON object,
    the seed's table types it as a string: both are read, and kept here as JSON text so readers see one type;
    ``data_form`` says which form it came in."""

    data: str = ""
    _data_form: DataForm | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _note_data_form(cls, value: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        model = handler(value)
        if isinstance(value, dict) and isinstance(model, _CarriesData):
            model._data_form = form_of_data(value.get("data"))
        return model

    @field_validator("data", mode="before")
    @classmethod
    def _data_as_text(cls, value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        return value

    @property
    def data_form(self) -> DataForm | None:
        """The form ``data`` came in (None when it was empty or absent)."""
        return self._data_form

    def data_json(self) -> Any:
        """``data`` parsed as JSON (``None`` when empty); raises ``ValueError`` when it is not JSON."""
        return json.loads(self.data) if self.data.strip() else None


class PassthroughResponse(_CarriesData):
    """A sync pass-through answer."""


class ScheduledTask(Envelope):
    """``schedulingTask`` answer. The seed writes ``taskID``; NGPU's own bot reads ``taskId``: accept both."""

    task_id: str = Field(validation_alias=AliasChoices("taskID", "taskId"), min_length=1)


class TaskQuery(_CarriesData):
    """``queryTask`` answer: ``data`` is whatever the image has answered so far. The top-level ``result_code`` is
    kept as sent (or None): only ``data`` says how the task is going (``client.NgpuClient.query_task``)."""

    result_code: int | str | None = None  # type: ignore[assignment]  # looser than the envelope's, on purpose

    task_id: str | None = Field(default=None, validation_alias=AliasChoices("taskID", "taskId"))
    #: not in the seed; NGPU's public demo reads it as "result present" (> 0)
    result_size: int | None = None


class TaskList(Envelope):
    result_size: int = 0
    task_ids: list[str] = Field(default_factory=list, validation_alias=AliasChoices("taskIds", "taskIDs"))

    @field_validator("task_ids", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


class Node(_Response):
    node_addr: str = Field(validation_alias="nodeAddr")
    #: distribution (deployment) progress of the workspace image to this node, 0–100
    progress: int = 0
    #: distribution status; the seed shows 1 and 0 without naming them
    status: int = 0


class NodeList(Envelope):
    result_size: int = 0
    nodes: list[Node] = Field(default_factory=list)

    @field_validator("nodes", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


#: ``taskInfo.state`` value the seed names: the task is finished
TASK_STATE_FINISHED = 3


class TaskInfo(_Response):
    """``getDetailed``'s ``taskInfo``; field names (and the ``Dursion`` spelling) exactly as NGPU sends them."""

    id: int | None = None
    userkey: str | None = None
    btcaddress: str | None = None
    workspaceid: str | None = None
    taskid: str
    requrl: str | None = None
    method: str | None = None
    userip: str | None = None
    nodeip: str | None = None
    nodeaddr: str | None = None
    #: "YYYY-MM-DD HH:MM:SS"
    requesttime: str | None = None
    responsetime: str | None = None
    request: str | None = None
    state: int
    response: str | None = None
    recordDursion: int | None = None  # NGPU's spelling, kept so the model reads like the document
    gpudursion: int | None = None
    # deprecated by NGPU, still sent
    videodursion: int | None = None
    watermarktime: str | None = None
    watermarkres: str | None = None

    @property
    def finished(self) -> bool:
        return self.state == TASK_STATE_FINISHED


class TaskDetail(Envelope):
    task_info: TaskInfo = Field(validation_alias="taskInfo")


class Brc20Holdings(_Response):
    """``brc20/checkAddress``: which BRC20 inscriptions an address holds (no result_code in this answer)."""

    exists: bool
    names: list[str] = Field(default_factory=list)
    balances: list[int] = Field(default_factory=list)

    def balance_of(self, name: str) -> int:
        for held, balance in zip(self.names, self.balances, strict=False):
            if held.upper() == name.upper():
                return balance
        return 0

    def holds(self, name: str = "AINN", minimum: int = 1) -> bool:
        return self.exists and self.balance_of(name) >= minimum


class SadTalkerRequest(BaseModel):
    """Photo + text → talking video. ``backGroundName`` is NGPU's spelling."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    image_url: str = Field(min_length=1)
    text: str = Field(min_length=1)
    pronouncer: str
    background_name: str = Field(serialization_alias="backGroundName")
    btc_address: str | None = None

    def body(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


class SadTalkerSubmitted(_CarriesData):
    """The direct ``POST /user/sadTalker`` answer. The seed's sample is a copy of the BRC20 one, so the
    real shape is unknown. Inference: the usual envelope, with a task id when the video is queued."""

    task_id: str | None = Field(default=None, validation_alias=AliasChoices("taskID", "taskId"))


class SadTalkerResult(BaseModel):
    """One reading of a sadTalker task, from ``data`` of queryTask (see ``status.observe_task_data``)."""

    model_config = ConfigDict(frozen=True)

    task_id: str
    finished: bool
    failed: bool
    message: str = ""
    result_code: int | None = None
    progress: float | None = None
    result_url: str | None = None


def format_day(day: date | None) -> str | None:
    return None if day is None else day.strftime("%Y-%m-%d")
