"""Provider-neutral domain models: what the commands and the poller see.

Everything here is plain, JSON-serialisable data (``model_dump(mode="json")``), so a job handle and
its last state can be stored in SQLite and rebuilt after a restart.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator


class Capability(StrEnum):
    """A feature a provider may declare. Commands and buttons read these, never a provider's name."""

    IMAGINE = "imagine"
    UPSCALE = "upscale"
    VARIATION = "variation"
    REMIX = "remix"
    REROLL = "reroll"
    BLEND = "blend"
    DESCRIBE = "describe"
    PROGRESS = "progress"
    #: a photo and a text become a video of the photo saying the text
    TALK = "talk"


class JobKind(StrEnum):
    """What a job was asked to do (the same names as the capabilities that create jobs)."""

    IMAGINE = "imagine"
    UPSCALE = "upscale"
    VARIATION = "variation"
    REMIX = "remix"
    REROLL = "reroll"
    BLEND = "blend"
    DESCRIBE = "describe"
    TALK = "talk"
    #: an action on a service's app instances (Picpik's /picpik-app), followed until the apps settle
    APP_ACTION = "app_action"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def is_terminal(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class BlendDimensions(StrEnum):
    SQUARE = "1:1"
    PORTRAIT = "2:3"
    LANDSCAPE = "3:2"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ImageData(_Frozen):
    """An image given to or returned by a service: a link, the bytes, or both.

    Bytes are serialised as base64 so the model survives a JSON round trip.
    """

    url: str | None = None
    data: bytes | None = None
    content_type: str | None = None
    filename: str | None = None
    width: int | None = None
    height: int | None = None

    @field_validator("data", mode="before")
    @classmethod
    def _decode_base64(cls, value: object) -> object:
        if isinstance(value, str):
            return base64.b64decode(value)
        return value

    @field_serializer("data", when_used="json")
    def _encode_base64(self, value: bytes | None) -> str | None:
        return None if value is None else base64.b64encode(value).decode("ascii")

    def __repr__(self) -> str:  # never dump megabytes of image into a log line
        size = f"{len(self.data)} bytes" if self.data is not None else "no bytes"
        return f"ImageData(url={self.url!r}, {size}, {self.width}x{self.height})"


class ImagineRequest(_Frozen):
    """A text-to-image request in the bot's own terms; each provider maps it onto its API."""

    prompt: str
    negative_prompt: str | None = None
    #: "W:H" (e.g. "16:9"); the provider picks its nearest supported size
    aspect_ratio: str | None = None
    width: int | None = None
    height: int | None = None
    seed: int | None = None
    #: a model (Picpik ModelCode, NGPU checkpoint) or style (Jumdata) name, as the provider lists them
    model: str | None = None
    count: int = 4
    #: provider-specific extras, validated by that provider (e.g. Picpik LoRA codes, NGPU steps)
    options: dict[str, Any] = Field(default_factory=dict)


class JobHandle(_Frozen):
    """Everything needed to follow a submitted job, including after a restart."""

    provider: str
    kind: JobKind
    #: the service's primary id for the job (Picpik TaskUID, MJ hash, Jumdata taskId, NGPU taskID)
    job_id: str
    #: other ids or facts the provider needs later (MJ job_id, NGPU response profile, …)
    meta: dict[str, Any] = Field(default_factory=dict)
    submitted_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class JobFailure(_Frozen):
    kind: str
    message: str
    code: str | None = None


class JobState(_Frozen):
    """One observation of a job."""

    status: JobStatus
    #: 0–100 when the service reports it
    progress: float | None = None
    preview: ImageData | None = None
    images: list[ImageData] = Field(default_factory=list)
    #: True when ``images[0]`` is already a 2×2 grid composed by the service
    is_grid: bool = False
    #: texts such as /describe prompts
    texts: list[str] = Field(default_factory=list)
    seed: int | None = None
    #: a finished video (``JobKind.TALK``) as the service's link; the bot downloads it when it delivers
    video_url: str | None = None
    failure: JobFailure | None = None
    #: the service's own status value, kept for diagnostics
    raw_status: str | None = None


class ParentJob(_Frozen):
    """A finished job that a follow-up (U/V/🔄/remix) starts from."""

    handle: JobHandle
    result: JobState
    request: ImagineRequest | None = None


class ModelOption(_Frozen):
    """A model or style a member may pick: ``value`` is what ``ImagineRequest.model`` takes, ``label`` is shown."""

    value: str
    label: str


class TalkLimits(_Frozen):
    """What a service's talking-video job accepts; the command's choices are built from these."""

    voices: tuple[str, ...]
    backgrounds: tuple[str, ...]
    default_voice: str
    default_background: str
    text_max_chars: int


class TalkRequest(_Frozen):
    """A photo and the words it should say; ``voice`` and ``background`` None for the service's defaults."""

    image: ImageData
    text: str
    voice: str | None = None
    background: str | None = None


class ProviderLimits(_Frozen):
    """Ranges a provider accepts; used for validation and for building command options."""

    prompt_max_chars: int
    min_size: int | None = None
    max_size: int | None = None
    #: fixed sizes (W, H) when the service only accepts a set
    sizes: tuple[tuple[int, int], ...] = ()
    seed_min: int | None = None
    seed_max: int | None = None
    max_count: int = 4
    styles: tuple[str, ...] = ()
    supports_negative_prompt: bool = False
    blend_min_images: int = 2
    blend_max_images: int = 5
    #: set by services that declare ``Capability.TALK``
    talk: TalkLimits | None = None
