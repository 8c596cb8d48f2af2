"""Typed requests and replies of the two documented endpoints.

Replies ignore fields they do not know (a new field must never break the bot) and accept the loose
typing such services drift into (numbers as strings, ``null`` lists).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator


class JumdataRequest(BaseModel):
    """One business call: where it goes, whether it is billed, and its business fields."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    path: ClassVar[str]
    #: billed calls are sent exactly once; the others are retried
    billed: ClassVar[bool]

    def form(self) -> dict[str, str]:
        return {key: str(value) for key, value in self.model_dump(by_alias=True, exclude_none=True).items()}


class SubmitRequest(JumdataRequest):
    path: ClassVar[str] = "ai/draw/submit"
    billed: ClassVar[bool] = True

    text: str
    resolution: str
    style: str
    num: int = 1


class QueryRequest(JumdataRequest):
    path: ClassVar[str] = "ai/draw/query"
    billed: ClassVar[bool] = False

    task_id: str = Field(alias="taskId")


class _Reply(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Reply(_Reply):
    """The envelope of every reply: ``code``, ``msg``, ``taskNo``, ``charge``, ``data``."""

    code: int
    msg: str = ""
    task_no: str | None = Field(default=None, alias="taskNo")
    charge: bool | None = None
    data: Any = None

    @field_validator("msg", mode="before")
    @classmethod
    def _msg_text(cls, value: object) -> object:
        return "" if value is None else value if isinstance(value, str) else str(value)

    @field_validator("task_no", mode="before")
    @classmethod
    def _task_no_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class SubmitData(_Reply):
    task_id: str = Field(alias="taskId", min_length=1)

    @field_validator("task_id", mode="before")
    @classmethod
    def _id_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class ImageUrl(_Reply):
    image: str | None = None


class QueryData(_Reply):
    #: 0 queued or running, 1 done; kept loose (int or text) so an unknown value is mapped, not rejected. Null is
    #: read as running, but a reply without it (or without ``data``) says nothing about the task: malformed
    status: int | str | None
    img: str | None = None
    img_urls: list[ImageUrl] = Field(default_factory=list, alias="imgUrls")
    create_time: str | None = Field(default=None, alias="createTime")

    @field_validator("img_urls", mode="before")
    @classmethod
    def _no_list(cls, value: object) -> object:
        return [] if value is None else value

    def image_urls(self) -> list[str]:
        """Every result link; ``img`` (the first image) only when the list is missing."""
        urls = [entry.image for entry in self.img_urls if entry.image]
        if not urls and self.img:
            urls = [self.img]
        return urls


class SubmitResult(BaseModel):
    """What a billed submit gave back."""

    model_config = ConfigDict(frozen=True)

    task_id: str
    task_no: str | None = None
    charge: bool | None = None
