"""Images members attach to ``/blend``, ``/describe`` and ``/talk``: a first look, and the requests jobs store.

``checked_image`` judges an attachment by what Discord tells about it (content type, file name, size), so the
plainest refusals cost no download. Then every image is fetched and decoded before anything is sent
(``bot.member_images``). The job row keeps each image as its attachment link: the Midjourney-style API and NGPU's
sadTalker take links, and a job that waits in its server's queue has its checked bytes held apart
(``storage.held_images``) rather than in the row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

import discord
from pydantic import BaseModel, ConfigDict

from bot.i18n import t
from providers.core.models import BlendDimensions, ImageData, TalkRequest

#: what the services take (Discord sets the content type from the file; old clients may leave it out)
IMAGE_CONTENT_TYPES: Final = frozenset({"image/png", "image/jpeg", "image/webp", "image/gif"})
IMAGE_EXTENSIONS: Final = frozenset({"png", "jpg", "jpeg", "webp", "gif"})
#: the largest image accepted; every service takes this much, and Picpik sends it base64-encoded in JSON
MAX_IMAGE_BYTES: Final = 10 * 1024 * 1024
_MIB = 1024 * 1024


class AttachmentRefused(Exception):
    """An attachment the services cannot take; ``text(locale)`` says why, in the member's language."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values: Mapping[str, object] = values

    def text(self, locale: object) -> str:
        return t(self.key, locale, **self.values)


class AttachedImage(BaseModel):
    """One attached image as the job row keeps it (a link, no bytes)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    url: str
    filename: str
    content_type: str | None = None
    size: int | None = None
    width: int | None = None
    height: int | None = None

    def image_data(self) -> ImageData:
        return ImageData(
            url=self.url,
            content_type=self.content_type,
            filename=self.filename,
            width=self.width,
            height=self.height,
        )


class BlendRequest(BaseModel):
    """The stored request of a ``/blend`` job."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    images: list[AttachedImage]
    dimensions: BlendDimensions


class DescribeRequest(BaseModel):
    """The stored request of a ``/describe`` job."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    image: AttachedImage


class TalkJobRequest(BaseModel):
    """The stored request of a ``/talk`` job. The words are kept as ``prompt`` so that the job's message,
    ``/jobs`` and the job autocomplete show them like any prompt."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    image: AttachedImage
    prompt: str
    voice: str
    background: str

    def for_service(self, image: ImageData | None = None) -> TalkRequest:
        """The service's request, with ``image`` (the checked photo) in place of the stored link when given."""
        photo = image if image is not None else self.image.image_data()
        return TalkRequest(image=photo, text=self.prompt, voice=self.voice, background=self.background)


def _is_image(attachment: discord.Attachment) -> bool:
    if attachment.content_type:
        return attachment.content_type.split(";")[0].strip().lower() in IMAGE_CONTENT_TYPES
    _, dot, extension = attachment.filename.rpartition(".")
    return bool(dot) and extension.lower() in IMAGE_EXTENSIONS


def checked_image(attachment: discord.Attachment, max_bytes: int = MAX_IMAGE_BYTES) -> AttachedImage:
    """The attachment as an ``AttachedImage``; ``AttachmentRefused`` when it is no image or too large."""
    name = discord.utils.escape_markdown(attachment.filename)
    if not _is_image(attachment):
        raise AttachmentRefused("attachments.not_an_image", filename=name)
    if attachment.size > max_bytes:
        # rounded up, so a file just over the limit never reads as the limit itself
        size = math.ceil(attachment.size * 10 / _MIB) / 10
        raise AttachmentRefused("attachments.too_large", filename=name, size=f"{size:g}", limit=f"{max_bytes / _MIB:g}")
    return AttachedImage(
        url=attachment.url,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        width=attachment.width,
        height=attachment.height,
    )
