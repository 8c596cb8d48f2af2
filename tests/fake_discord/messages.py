"""Messages the bot wrote, every version of each, and their attachments (raw bytes kept for assertions)."""

from __future__ import annotations

import copy
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from PIL import Image, UnidentifiedImageError

from tests.fake_discord.world import FakeUser

EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_EMBEDS = 1 << 2
#: flags a message author may set; Discord ignores the rest (documented "message flags")
SETTABLE_FLAGS = EPHEMERAL | SUPPRESS_EMBEDS | (1 << 12) | (1 << 15)

DEFAULT_MESSAGE = 0
CHAT_INPUT_COMMAND_MESSAGE = 20


class ApiError(Exception):
    """A request Discord would refuse; carries the HTTP status and the documented JSON error code."""

    def __init__(self, status: int, code: int, message: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        #: Discord's nested field errors (``form_errors.error_tree``), for 50035 "Invalid Form Body"
        self.errors = errors


@dataclass(frozen=True)
class UploadedFile:
    """One ``files[n]`` part of a multipart body."""

    index: int
    filename: str
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class StoredAttachment:
    id: int
    filename: str
    data: bytes
    url: str
    content_type: str | None = None
    description: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def image_size(self) -> tuple[int, int] | None:
        try:
            with Image.open(io.BytesIO(self.data)) as image:
                return image.size
        except (UnidentifiedImageError, OSError):
            return None

    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
        }
        if self.description is not None:
            payload["description"] = self.description
        dimensions = self.image_size()
        if dimensions is not None:
            payload["width"], payload["height"] = dimensions
        return payload


@dataclass(frozen=True)
class MessageVersion:
    """The message as it stood after one write (creation or edit)."""

    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    attachments: tuple[StoredAttachment, ...]
    flags: int
    via: str
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    monotonic: float = field(default_factory=time.monotonic)


def walk_components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component, depth first (action rows, sections, labels and containers nest others)."""
    for component in components:
        yield component
        yield from walk_components(component.get("components", []))
        for key in ("component", "accessory"):
            if isinstance(component.get(key), dict):
                yield from walk_components([component[key]])


@dataclass
class StoredMessage:
    id: int
    channel_id: int
    guild_id: int | None
    author: FakeUser
    versions: list[MessageVersion]
    application_id: int | None = None
    #: the interaction whose token wrote this message (original response or followup)
    interaction_id: int | None = None
    interaction_token: str | None = None
    interaction_type: int | None = None
    interaction_user: FakeUser | None = None
    #: the component message an interaction came from (set on responses to buttons and modals)
    interacted_message_id: int | None = None
    is_original_response: bool = False
    deleted: bool = False

    @property
    def current(self) -> MessageVersion:
        return self.versions[-1]

    @property
    def content(self) -> str:
        return self.current.content

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.current.embeds

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.current.components

    @property
    def attachments(self) -> tuple[StoredAttachment, ...]:
        return self.current.attachments

    @property
    def flags(self) -> int:
        return self.current.flags

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """A deferred response still showing "… is thinking"."""
        return bool(self.flags & LOADING)

    @property
    def edits(self) -> list[MessageVersion]:
        return self.versions[1:]

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in walk_components(self.components) if "custom_id" in c]

    def component(self, custom_id: str) -> dict[str, Any] | None:
        return next((c for c in walk_components(self.components) if c.get("custom_id") == custom_id), None)

    @property
    def button_labels(self) -> list[str]:
        return [c.get("label") or c.get("emoji", {}).get("name", "") for c in walk_components(self.components)
                if c.get("type") == 2]

    def attachment(self, filename: str) -> StoredAttachment:
        for attachment in self.attachments:
            if attachment.filename == filename:
                return attachment
        raise LookupError(f"message {self.id} has no attachment {filename!r}: {[a.filename for a in self.attachments]}")

    def payload(self) -> dict[str, Any]:
        """The message object as Discord's REST API and gateway return it."""
        version = self.current
        created = self.versions[0].at
        payload: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": version.content,
            "timestamp": created.isoformat(),
            "edited_timestamp": version.at.isoformat() if len(self.versions) > 1 else None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [a.payload() for a in version.attachments],
            "embeds": copy.deepcopy(version.embeds),
            "components": copy.deepcopy(version.components),
            "pinned": False,
            "type": CHAT_INPUT_COMMAND_MESSAGE if self.interaction_type == 2 else DEFAULT_MESSAGE,
            "flags": version.flags,
        }
        if self.guild_id is not None:
            payload["guild_id"] = str(self.guild_id)
        if self.application_id is not None:
            payload["application_id"] = str(self.application_id)
            if self.interaction_id is not None:
                payload["webhook_id"] = str(self.application_id)
        if self.interaction_id is not None and self.interaction_user is not None:
            metadata: dict[str, Any] = {
                "id": str(self.interaction_id),
                "type": self.interaction_type,
                "user": self.interaction_user.payload(),
                "authorizing_integration_owners": {"0": str(self.guild_id)} if self.guild_id else {},
            }
            if self.interacted_message_id is not None:
                metadata["interacted_message_id"] = str(self.interacted_message_id)
            payload["interaction_metadata"] = metadata
        return payload


AttachmentMaker = Callable[[UploadedFile, str | None, str | None], StoredAttachment]


def build_version(
    previous: MessageVersion | None,
    body: dict[str, Any],
    files: list[UploadedFile],
    *,
    make_attachment: AttachmentMaker,
    via: str,
) -> MessageVersion:
    """The message after applying ``body`` (a create when ``previous`` is None, else a PATCH)."""
    content = body.get("content") if "content" in body else (previous.content if previous else "")
    embeds = body.get("embeds") if "embeds" in body else (previous.embeds if previous else [])
    components = body.get("components") if "components" in body else (previous.components if previous else [])
    attachments = _attachments_after(previous, body, files, make_attachment)
    if previous is None:
        flags = int(body.get("flags") or 0) & SETTABLE_FLAGS
    else:
        flags = previous.flags & ~LOADING
        if body.get("flags") is not None:  # ephemerality is decided when a message is created, never changed
            flags = (int(body["flags"]) & SETTABLE_FLAGS & ~EPHEMERAL) | (previous.flags & EPHEMERAL)
    embeds = [_resolve_attachment_urls(embed, attachments) for embed in copy.deepcopy(embeds or [])]
    return MessageVersion(
        content=content or "",
        embeds=embeds,
        components=copy.deepcopy(components or []),
        attachments=attachments,
        flags=flags,
        via=via,
    )


def _attachments_after(
    previous: MessageVersion | None,
    body: dict[str, Any],
    files: list[UploadedFile],
    make_attachment: AttachmentMaker,
) -> tuple[StoredAttachment, ...]:
    kept = list(previous.attachments) if previous else []
    by_index = {upload.index: upload for upload in files}
    if "attachments" not in body:
        # without an attachments list, new files are added to what the message already has
        return tuple(kept + [make_attachment(upload, None, None) for upload in files])
    existing = {a.id: a for a in kept}
    result: list[StoredAttachment] = []
    used: set[int] = set()
    for index, entry in enumerate(body["attachments"] or []):
        entry_id = int(entry["id"])
        if entry_id in existing:
            result.append(existing[entry_id])
        elif entry_id in by_index:
            used.add(entry_id)
            result.append(make_attachment(by_index[entry_id], entry.get("filename"), entry.get("description")))
        else:
            # neither an attachment the message has nor the index of an uploaded file
            refused = {"code": "ATTACHMENT_NOT_FOUND", "message": f"Unknown attachment id {entry_id}."}
            raise ApiError(400, 50035, "Invalid Form Body",
                           errors={"attachments": {str(index): {"id": {"_errors": [refused]}}}})
    result.extend(make_attachment(upload, None, None) for upload in files if upload.index not in used)
    return tuple(result)


def _resolve_attachment_urls(embed: dict[str, Any], attachments: tuple[StoredAttachment, ...]) -> dict[str, Any]:
    """Discord swaps ``attachment://name`` in embed images for the attachment's CDN URL."""
    for key in ("image", "thumbnail"):
        media = embed.get(key)
        url = media.get("url", "") if isinstance(media, dict) else ""
        if url.startswith("attachment://"):
            name = url.removeprefix("attachment://")
            match = next((a for a in attachments if a.filename == name), None)
            if match is not None:
                media.update(url=match.url, proxy_url=match.url)
    return embed
