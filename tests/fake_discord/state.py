"""Everything the fake Discord saw and did, for tests to assert on, plus the failures it is told to inject."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.fake_discord.cdn import Cdn, attachment_path
from tests.fake_discord.form_errors import flatten
from tests.fake_discord.interactions import CallbackRecord, InteractionRecord, ModalShown, Upload
from tests.fake_discord.messages import AttachmentMaker, StoredAttachment, StoredMessage, UploadedFile
from tests.fake_discord.world import Snowflakes, World

MIB = 1024 * 1024
#: Discord's default upload limit per file since 2025-01 (also sent as ``attachment_size_limit``)
DEFAULT_UPLOAD_LIMIT = 10 * MIB


@dataclass
class RequestRecord:
    method: str
    #: the path with the interaction token replaced by ``{token}``, e.g. ``/webhooks/1/{token}/messages/@original``
    route: str
    status: int
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class RefusedRequest:
    """A request answered 400 (most often 50035 "Invalid Form Body"): what Discord would have refused."""

    method: str
    route: str
    status: int
    code: int
    message: str
    #: Discord's nested ``errors`` tree (None for refusals that carry none, e.g. 40060 "already acknowledged")
    errors: dict[str, Any] | None
    #: the JSON payload as sent (``payload_json`` of a multipart body); None if it never parsed
    body: Any
    query: str = ""
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def problems(self) -> list[str]:
        """``["data.embeds.0.title: Must be 256 or fewer in length."]``, as discord.py words them."""
        return list(flatten(self.errors)) if self.errors else []

    def __str__(self) -> str:
        where = f"{self.method} {self.route}{'?' + self.query if self.query else ''}"
        details = "; ".join(self.problems)
        return f"{where} → {self.status} / {self.code} {self.message}{': ' + details if details else ''}"


@dataclass
class ValidationCost:
    """What checking request bodies against Discord's OpenAPI description cost, per route and in all."""

    requests: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    #: "METHOD /template" → [requests, seconds]
    by_route: dict[str, list[float]] = field(default_factory=dict)

    def add(self, route: str, seconds: float) -> None:
        self.requests += 1
        self.seconds += seconds
        self.slowest = max(self.slowest, seconds)
        entry = self.by_route.setdefault(route, [0, 0.0])
        entry[0] += 1
        entry[1] += seconds

    @property
    def mean_microseconds(self) -> float:
        return self.seconds / self.requests * 1e6 if self.requests else 0.0


@dataclass
class EditRateLimit:
    """Answer every ``every``-th message edit with 429 (with ``Via`` and ``Retry-After``), ``times`` times."""

    every: int = 1
    times: int | None = 1
    retry_after: float = 0.05
    seen: int = 0

    def fires(self) -> bool:
        self.seen += 1
        if self.times == 0 or self.seen % self.every:
            return False
        if self.times is not None:
            self.times -= 1
        return True


@dataclass
class Faults:
    #: bytes per file; larger files get 413 / 40005 and interactions carry this as ``attachment_size_limit``
    upload_limit: int = DEFAULT_UPLOAD_LIMIT
    #: bytes per file actually accepted, when fewer than interactions advertise (a server that lost its boost
    #: since, a proxy with a limit of its own): a file within ``upload_limit`` still gets 413 / 40005
    accepted_upload_limit: int | None = None
    #: seconds the bot has for its first answer to an interaction (None: no deadline)
    callback_deadline: float | None = 3.0
    #: seconds an interaction token works (Discord: 15 minutes)
    token_lifetime: float = 15 * 60.0
    edit_rate_limit: EditRateLimit | None = None

    def rate_limit_edits(self, *, every: int = 1, times: int | None = 1, retry_after: float = 0.05) -> None:
        self.edit_rate_limit = EditRateLimit(every=every, times=times, retry_after=retry_after)

    @property
    def effective_upload_limit(self) -> int:
        """The largest file the fake takes (what it advertises, or less)."""
        if self.accepted_upload_limit is None:
            return self.upload_limit
        return min(self.upload_limit, self.accepted_upload_limit)

    def clear(self) -> None:
        self.edit_rate_limit = None
        self.accepted_upload_limit = None


class FakeState:
    def __init__(self, *, bot_token: str, application_id: int | None = None, bot_name: str = "GridBot") -> None:
        self.bot_token = bot_token
        self.snowflakes = Snowflakes()
        self.world = World(self.snowflakes, bot_name=bot_name)
        self.application_id = application_id or self.world.bot_user.id
        #: set when the server starts: the HTTP origin (attachment URLs) and the gateway URL
        self.base_url = ""
        self.gateway_url = ""
        self.faults = Faults()
        #: signs attachment links with an expiry, and refreshes them (``cdn.py``)
        self.cdn = Cdn()
        self.messages: dict[int, StoredMessage] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.callbacks: list[CallbackRecord] = []
        self.modals: list[ModalShown] = []
        #: synced application commands: key None = global, else the guild id
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.files: dict[int, StoredAttachment] = {}
        self.requests: list[RequestRecord] = []
        self.rate_limited: list[RequestRecord] = []
        #: every request answered 400 (Discord would refuse it), with why and the body sent
        self.refused: list[RefusedRequest] = []
        self.validation = ValidationCost()
        #: users who accept no direct messages from the bot (a message to their DM answers 403 / 50007)
        self.closed_dms: set[int] = set()
        self._changed = asyncio.Event()

    # -- change notification (wait_for wakes on every change instead of polling blindly)

    def touch(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def changed(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    # -- interactions

    def new_interaction_token(self) -> str:
        return "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)

    def interaction_by_token(self, token: str) -> InteractionRecord | None:
        return next((r for r in self.interactions.values() if r.token == token), None)

    def token_expired(self, record: InteractionRecord) -> bool:
        return record.expired or record.age() > self.faults.token_lifetime

    # -- files

    def store_file(self, channel_id: int, filename: str, data: bytes, content_type: str | None,
                   description: str | None = None) -> StoredAttachment:
        attachment_id = self.snowflakes.next()
        url = f"{self.base_url}{self.cdn.signed(attachment_path(channel_id, attachment_id, filename))}"
        stored = StoredAttachment(attachment_id, filename, data, url, content_type, description)
        self.files[attachment_id] = stored
        return stored

    def attachment_maker(self, channel_id: int) -> AttachmentMaker:
        def make(upload: UploadedFile, filename: str | None, description: str | None) -> StoredAttachment:
            return self.store_file(channel_id, filename or upload.filename, upload.data, upload.content_type,
                                   description)
        return make

    def upload_maker(self, channel_id: int) -> Callable[[Upload], StoredAttachment]:
        def make(upload: Upload) -> StoredAttachment:
            return self.store_file(channel_id, upload.filename, upload.data, upload.content_type)
        return make

    # -- messages

    def add_message(self, message: StoredMessage) -> StoredMessage:
        self.messages[message.id] = message
        self.touch()
        return message

    def live_messages(self, channel_id: int | None = None) -> list[StoredMessage]:
        return [m for m in self.messages.values()
                if not m.deleted and (channel_id is None or m.channel_id == channel_id)]
