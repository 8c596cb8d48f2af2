"""Typed Platform API models for generation: requests as the documents spell them, tolerant responses.

Field names are the wire names (``ModelCode``, ``TaskUID``, ``ErrorMassage`` sic) so a model from
``ListModels`` can be passed unchanged as ``GenerateImages.MainModel``, as the Picpik documents suggest.
Ranges are checked in ``generation_rules`` (with messages a member can act on), not here, so building a
request never raises a pydantic error.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator


class _Wire(BaseModel):
    """A nested wire object: unknown fields are kept (and sent back) rather than dropped."""

    model_config = ConfigDict(extra="allow")


class InferenceParameters(_Wire):
    """``InferenceParams``: each field only applies to one kind of parent (see the field comments)."""

    LoraWeight: float | None = None  # Model (LoRA only): -1..2, default 1
    Resolution: int | None = None  # PreProcessor: 64..2048 step 64, default 512
    ControlWeight: float | None = None  # ControlModel: 0..2, default 1
    StartingStep: float | None = None  # ControlModel: 0..1, default 0
    EndingStep: float | None = None  # ControlModel: 0..1, default 1


class PicpikModel(_Wire):
    """``Model``: a main model, LoRA, embedding or hypernetwork."""

    ModelCode: str
    Name: str | None = None
    IsOfficial: bool | None = None
    TriggerWordList: list[str] | None = None
    InferenceParams: InferenceParameters | None = None


class PreProcessorSpec(_Wire):
    ModelCode: str
    InferenceParams: InferenceParameters | None = None


class ControlModelSpec(_Wire):
    ModelCode: str
    InferenceParams: InferenceParameters | None = None


class ControlNetSpec(_Wire):
    """One ``ControlNetList`` entry; the indexes point into ``ImageAndMaskList``."""

    ImageIndex: int
    MaskIndex: int | None = None
    InvertMask: bool | None = None
    PreProcessor: PreProcessorSpec | None = None
    ControlModel: ControlModelSpec


class Image2ImageSpec(_Wire):
    ImageIndex: int
    ReferStrength: float | None = None  # 0..1 step 0.01, default 0.5


class GenerateImagesRequest(BaseModel):
    """The ``GenerateImages`` parameters (Action, keys, signature and request_uuid are added by the client)."""

    model_config = ConfigDict(extra="forbid")

    MainModel: PicpikModel
    SubModelList: list[PicpikModel] | None = None
    PositivePrompts: list[str] = Field(default_factory=list)
    NegativePrompts: list[str] | None = None
    TranslatePrompts: bool | None = None
    Seed: int | None = None
    Width: int | None = None
    Height: int | None = None
    BatchSize: int | None = None
    UseMainModelVAE: bool | None = None
    ControlNetList: list[ControlNetSpec] | None = None
    Image2Image: Image2ImageSpec | None = None
    Tileable: bool | None = None
    #: base64 images and masks that ``Image2Image`` and ``ControlNetList`` refer to by index
    ImageAndMaskList: list[str] | None = None

    def to_params(self) -> dict[str, Any]:
        """JSON-ready parameters; unset fields are left out so the service applies its defaults."""
        return self.model_dump(mode="json", exclude_none=True)

    def __repr__(self) -> str:  # never put base64 images into a log line
        images = len(self.ImageAndMaskList or [])
        return f"GenerateImagesRequest(model={self.MainModel.ModelCode!r}, batch={self.BatchSize}, images={images})"


# --- responses ---------------------------------------------------------------------------------------


class PlatformResponse(BaseModel):
    """The envelope every Platform API reply shares."""

    model_config = ConfigDict(extra="allow")

    RetCode: int
    Action: str | None = None
    Message: str | None = None
    request_uuid: str | None = None


T = TypeVar("T")


def _as_list(value: Any) -> Any:
    """The documents type these fields as ``Map[String]…`` while their examples are arrays: accept both."""
    if isinstance(value, dict):
        return list(value.values())
    return [] if value is None else value


#: a list the service may also send as a map (its values are taken) or as null (empty)
FlexibleList = Annotated[list[T], BeforeValidator(_as_list)]


def _as_model_map(value: Any) -> Any:
    """``ListModels`` groups are maps name → Model; accept an array too (keyed by Name, else ModelCode)."""
    if value is None:
        return {}
    if isinstance(value, list):
        mapped: dict[str, Any] = {}
        for item in value:
            if isinstance(item, dict):
                mapped[str(item.get("Name") or item.get("ModelCode"))] = item
        return mapped
    return value


ModelGroup = Annotated[dict[str, PicpikModel], BeforeValidator(_as_model_map)]


class ListModelsResponse(PlatformResponse):
    MainModels: ModelGroup = Field(default_factory=dict)
    LoraModels: ModelGroup = Field(default_factory=dict)
    EmbeddingModels: ModelGroup = Field(default_factory=dict)
    HypernetworkModels: ModelGroup = Field(default_factory=dict)


class TaskResponse(PlatformResponse):
    """``GenerateImages`` and ``DescribeImages``: the id of the task that was started."""

    TaskUID: str = Field(min_length=1)


class TaskDetail(BaseModel):
    """One ``TaskDetailList`` entry of ``ListTasksDetails``."""

    model_config = ConfigDict(extra="allow")

    TaskUID: str
    Action: str | None = None
    #: may be null, but is always there: an entry without it says nothing about the task and is malformed
    Status: str | None
    ImgList: FlexibleList[str] = Field(default_factory=list)
    Seed: int | None = None
    TxtList: FlexibleList[str] = Field(default_factory=list)
    ConsumeApiPoint: float | None = None
    ErrorCode: int = 0
    ErrorMassage: str | None = None  # sic: the documented spelling

    @field_validator("Status", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        # Inference: "String" is documented, but a service could send its status as a number (``"Status": 2``);
        # as text it meets the word table, which keeps an unknown one open and reports it, instead of making the
        # whole entry unreadable (and the job failed after a few polls) over its type alone
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("ErrorCode", mode="before")
    @classmethod
    def _no_error_when_null(cls, value: Any) -> Any:
        return 0 if value in (None, "") else value

    @field_validator("Seed", mode="before")
    @classmethod
    def _first_seed(cls, value: Any) -> Any:
        # Inference: one seed per task is documented; a per-image list would carry the first image's seed first
        if isinstance(value, list):
            return value[0] if value else None
        return value

    @property
    def error_message(self) -> str | None:
        """``ErrorMassage`` (sic), or ``ErrorMessage`` should the service ever fix the spelling."""
        fixed = (self.model_extra or {}).get("ErrorMessage")
        return self.ErrorMassage or (fixed if isinstance(fixed, str) else None)


class ListTasksDetailsResponse(PlatformResponse):
    """The entries stay raw here and are decoded one by one (``TaskDetail``), so that one malformed entry fails
    only its own job, not every job asked about in the same call."""

    TaskDetailList: FlexibleList[Any] = Field(default_factory=list)

    def by_task(self) -> dict[str, TaskDetail | ValidationError]:
        """Each entry decoded on its own, by its TaskUID (a malformed one as its error). An entry that does not
        even say which task it describes cannot be matched to a job and is left out."""
        decoded: dict[str, TaskDetail | ValidationError] = {}
        for entry in self.TaskDetailList:
            task_uid = entry.get("TaskUID") if isinstance(entry, dict) else None
            if not isinstance(task_uid, str) or not task_uid:
                continue
            try:
                decoded[task_uid] = TaskDetail.model_validate(entry)
            except ValidationError as error:
                decoded[task_uid] = error
        return decoded

    @property
    def details(self) -> list[TaskDetail]:
        """The entries that decode, in the order given."""
        return [detail for detail in self.by_task().values() if isinstance(detail, TaskDetail)]


class ListRunningTasksResponse(PlatformResponse):
    TaskUIDList: FlexibleList[str] = Field(default_factory=list)
