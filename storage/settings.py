"""Members' preferences and servers' rules: what ``/settings`` shows and changes, and what every job obeys.

One JSON object per member and per server (``0006_settings.sql``), validated through a pydantic model on the
way in and out: a field added later reads as its default from older rows, a field no longer known is dropped,
and a row that no longer validates is read field by field (``_salvaged``): what still fits is kept, and only what
does not reads as its default (logged, by field name), so one bad value cannot wipe a server's banned words.

A server's rule that restricts something fails CLOSED instead (``_CLOSED``): read as its default it would open
what the admin had closed. Such a field that cannot be read (or a whole row that cannot) reads as

* ``allowed_services``: only the server's default service when one is set, else no service at all;
* ``channel_ids``: no channel (the bot tells members so; admin commands still answer);
* ``max_running_per_member`` and ``daily_server_key_jobs``: 1;
* ``ngpu_requires_ainn``: on (``server_keys_allowed`` and ``others_may_press`` default to off already).

Nothing older is kept to go back to, so these are the most restrictive values that still make sense. Each such
field is logged and remembered (``unreadable_fields``; stored with the row until a save changes that field), and
``/server-settings show`` shows a warning, so the admin knows to set it again. ``banned_words``, ``queue_cap`` and
``default_service`` read as their defaults (a lost banned-words list cannot be guessed; the warning names it).

Rows written before ``SERVER_SETTINGS_VERSION`` 2 read with the server-keys switch off: until then the switch
defaulted to on and every row stored it, so an admin's "on" cannot be told from the old default, and the safe
reading is the one that bills nobody's server keys unasked (the admin turns it on again with one command).

Reads are served from memory after the first one (every command and every job asks), and a save replaces the
cached value, so a change applies to the very next command. The cache assumes one bot process per database,
as the rest of the bot does.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Annotated, Any, Final, TypeVar

import aiosqlite
from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger(__name__)

ModelT = TypeVar("ModelT", bound=BaseModel)

#: the most banned words a server may list (each is matched against every prompt)
MAX_BANNED_WORDS: Final = 200
MAX_BANNED_WORD_LENGTH: Final = 60
#: the characters of all banned words together, checked when words are added (so the list shows in two pages
#: of an embed); older rows may hold more and still read
MAX_BANNED_WORDS_CHARS: Final = 4_000
#: the words one ``add`` or ``remove`` may name (a list never holds more)
MAX_WORDS_PER_CHANGE: Final = MAX_BANNED_WORDS
#: the most channels a server may restrict the bot to
MAX_CHANNELS: Final = 50
#: jobs waiting in a server's queue, at most, unless the admin sets another cap
DEFAULT_QUEUE_CAP: Final = 10
MAX_QUEUE_CAP: Final = 100
#: the key of a stored server row that names the fields read as ``_CLOSED`` (not a setting: not in the model)
UNREADABLE_KEY: Final = "unreadable_fields"
#: 2: ``server_keys_allowed`` defaults to off (rows without a version are from before: see the module's text)
SERVER_SETTINGS_VERSION: Final = 2

BannedWord = Annotated[str, Field(min_length=1, max_length=MAX_BANNED_WORD_LENGTH)]


class MemberSettings(BaseModel):
    """A member's own preferences; they follow the member into every server and DMs."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    #: the service ``/imagine`` uses when none is named (None: the server's default, then the bot's first)
    default_service: str | None = None
    #: the aspect ratio used when a prompt names none, like ``16:9`` (None: the service's default)
    default_aspect: str | None = None
    #: also send each finished result to the member by direct message
    results_by_dm: bool = False


class ServerSettings(BaseModel):
    """The rules a server's admins (Manage Server) set for everyone in it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    #: the services members may use here (None: every service the bot offers)
    allowed_services: frozenset[str] | None = None
    #: the service used when neither the command nor the member names one (None: the bot's first)
    default_service: str | None = None
    #: a member's jobs running at once before further ones wait in the queue (None: no limit)
    max_running_per_member: Annotated[int, Field(ge=1, le=50)] | None = None
    #: jobs per day (UTC) that may run on the server-wide keys before further ones wait (None: no limit)
    daily_server_key_jobs: Annotated[int, Field(ge=1, le=100_000)] | None = None
    #: jobs that may wait in the queue at once; beyond it a job is refused with a clear message
    queue_cap: Annotated[int, Field(ge=0, le=MAX_QUEUE_CAP)] = DEFAULT_QUEUE_CAP
    #: words refused in any prompt before anything is sent (matched case-insensitively)
    banned_words: tuple[BannedWord, ...] = Field(default=(), max_length=MAX_BANNED_WORDS)
    #: the channels the bot answers in (None: every channel it can see)
    channel_ids: frozenset[int] | None = Field(default=None, max_length=MAX_CHANNELS)
    #: members without keys of their own may use the server-wide keys; off unless an admin turns it on, so
    #: server keys set for the admin commands (``/picpik-app``, ``/ngpu``) never pay for members' jobs unasked
    server_keys_allowed: bool = False
    #: members other than a job's owner may press its buttons (always charged to the presser's own keys)
    others_may_press: bool = False
    #: NGPU jobs need the BTC address in the NGPU keys to hold AINN (BRC-20)
    ngpu_requires_ainn: bool = False
    #: what the stored fields mean (``SERVER_SETTINGS_VERSION``); stored with every save
    settings_version: int = SERVER_SETTINGS_VERSION

    def allows_service(self, service: str) -> bool:
        return self.allowed_services is None or service in self.allowed_services

    def allows_channel(self, channel_id: int | None) -> bool:
        return self.channel_ids is None or channel_id in self.channel_ids


def _closed_services(data: dict[str, Any]) -> frozenset[str]:
    default = data.get("default_service")
    return frozenset({default}) if isinstance(default, str) and default else frozenset()


#: what a restrictive server rule reads as when it cannot be read (see the module's text), from the rest of the row
_CLOSED: Final[dict[str, Callable[[dict[str, Any]], Any]]] = {
    "allowed_services": _closed_services,
    "channel_ids": lambda _: frozenset(),
    "max_running_per_member": lambda _: 1,
    "daily_server_key_jobs": lambda _: 1,
    "ngpu_requires_ainn": lambda _: True,
    "server_keys_allowed": lambda _: False,
    "others_may_press": lambda _: False,
}
#: the fields whose loss is worth telling the admin about, though they read as their defaults
_REPORTED: Final = frozenset({*_CLOSED, "banned_words"})


class SettingsStore:
    """Reads and saves members' and servers' settings over the bot's one SQLite connection."""

    def __init__(self, db: aiosqlite.Connection, *, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock
        self._members: dict[int, MemberSettings] = {}
        self._servers: dict[int, ServerSettings] = {}
        #: per server, the fields that could not be read and were reset (see the module's text)
        self._unreadable: dict[int, frozenset[str]] = {}

    async def member(self, user_id: int) -> MemberSettings:
        cached = self._members.get(user_id)
        if cached is None:
            cached = await self._read(MemberSettings, "member_settings", "user_id", user_id)
            self._members[user_id] = cached
        return cached

    async def server(self, guild_id: int | None) -> ServerSettings:
        """A server's rules; the defaults outside a server (DMs), where no admin sets any."""
        if guild_id is None:
            return ServerSettings()
        cached = self._servers.get(guild_id)
        if cached is None:
            cached, unreadable = await self._read_server(guild_id)
            self._servers[guild_id], self._unreadable[guild_id] = cached, unreadable
        return cached

    async def unreadable_fields(self, guild_id: int | None) -> frozenset[str]:
        """The server's rules that could not be read and were reset (closed), until a save changes them."""
        if guild_id is None:
            return frozenset()
        await self.server(guild_id)
        return self._unreadable.get(guild_id, frozenset())

    async def save_member(self, user_id: int, settings: MemberSettings) -> None:
        await self._db.execute(
            "INSERT INTO member_settings (user_id, settings_json, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET settings_json = excluded.settings_json, "
            "updated_at = excluded.updated_at",
            (user_id, settings.model_dump_json(), self._clock()),
        )
        self._members[user_id] = settings

    async def save_server(self, guild_id: int, settings: ServerSettings, *, updated_by: int | None = None) -> None:
        before = self._servers.get(guild_id)
        # a reset field stays flagged until a save sets it to something else
        unreadable = frozenset(
            name
            for name in self._unreadable.get(guild_id, frozenset())
            if before is not None and getattr(before, name, None) == getattr(settings, name, None)
        )
        stored = settings.model_dump(mode="json")
        if unreadable:
            stored[UNREADABLE_KEY] = sorted(unreadable)
        await self._db.execute(
            "INSERT INTO server_settings (guild_id, settings_json, updated_at, updated_by) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET settings_json = excluded.settings_json, "
            "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            (guild_id, json.dumps(stored, separators=(",", ":"), ensure_ascii=False), self._clock(), updated_by),
        )
        self._servers[guild_id], self._unreadable[guild_id] = settings, unreadable

    async def _read(self, model: type[ModelT], table: str, key_column: str, key: int) -> ModelT:
        _, data = await self._row(table, key_column, key)
        if data is None:
            return model()
        settings, _ = _salvaged(model, data, f"{table} of {key}")
        return settings

    async def _read_server(self, guild_id: int) -> tuple[ServerSettings, frozenset[str]]:
        """A server's rules, restrictive ones that cannot be read closed (``_CLOSED``), and the fields reset so."""
        found, data = await self._row("server_settings", "guild_id", guild_id)
        if not found:
            return ServerSettings(), frozenset()
        carried: set[str] = set()  # reset at an earlier read, and stored closed since
        if data is None:  # a row that is no settings object at all
            settings, lost, data = ServerSettings(), set(ServerSettings.model_fields), {}
        else:
            flagged = data.pop(UNREADABLE_KEY, None)
            carried = {name for name in flagged if isinstance(name, str)} if isinstance(flagged, list) else set()
            where = f"server_settings of {guild_id}"
            settings, lost = _salvaged(ServerSettings, _upgraded_server(data, guild_id), where)
        closed = {name: _CLOSED[name](data) for name in lost if name in _CLOSED}
        unreadable = frozenset((lost | carried) & _REPORTED)
        if lost & _REPORTED:
            log.warning("server %s: %s could not be read; reset, closed", guild_id, ", ".join(sorted(lost & _REPORTED)))
        return settings.model_copy(update=closed), unreadable

    async def _row(self, table: str, key_column: str, key: int) -> tuple[bool, dict[str, Any] | None]:
        """Whether there is a row, and its JSON object (None: not a settings object)."""
        # table and column names are ours, never input
        sql = f"SELECT settings_json FROM {table} WHERE {key_column} = ?"
        rows = list(await self._db.execute_fetchall(sql, (key,)))
        if not rows:
            return False, None
        try:
            data = json.loads(rows[0][0])
        except ValueError:  # not JSON at all
            data = None
        if not isinstance(data, dict):
            log.warning("the stored %s of %s is not a settings object; using the defaults", table, key)
            return True, None
        return True, data


def _salvaged(model: type[ModelT], data: dict[str, Any], where: str) -> tuple[ModelT, set[str]]:
    """``data`` as ``model``, keeping whatever still fits: an item that no longer fits is dropped from its list, a
    list longer than allowed keeps its first items, and any other field that does not fit reads as its default;
    and the names of the fields that read as their defaults (every field: the row as a whole did not fit)."""
    lost: set[str] = set()
    for _ in range(2 * len(model.model_fields) + 1):  # each round mends at least one field
        try:
            return model.model_validate(data), lost
        except ValidationError as error:
            mended = _mended(data, error)
        if mended is None:
            break
        data, fields = mended
        lost |= {name for name in fields if name not in data}
        log.warning("the stored %s: %s no longer fit; the rest is kept", where, ", ".join(sorted(fields)))
    log.warning("the stored %s no longer fit; using the defaults", where)
    return model(), set(model.model_fields)


def _mended(data: dict[str, Any], error: ValidationError) -> tuple[dict[str, Any], set[str]] | None:
    """``data`` without what ``error`` refuses, and the names of the fields mended; None when the fault is not in
    one field (nothing to mend field by field)."""
    mended = dict(data)
    dropped_items: dict[str, set[int]] = {}
    for detail in error.errors(include_url=False, include_input=False):
        location = detail["loc"]
        name = str(location[0]) if location else ""
        if name not in data:  # a fault of the row as a whole
            return None
        if name not in mended:  # already dropped for another fault
            continue
        value = mended[name]
        limit = (detail.get("ctx") or {}).get("max_length")
        if isinstance(value, list) and len(location) > 1 and isinstance(location[1], int):
            dropped_items.setdefault(name, set()).add(location[1])
        elif isinstance(value, list) and detail["type"] == "too_long" and isinstance(limit, int):
            mended[name] = value[:limit]
        else:
            mended.pop(name)
    for name, positions in dropped_items.items():
        if isinstance(mended.get(name), list):
            mended[name] = [item for position, item in enumerate(mended[name]) if position not in positions]
    fields = {name for name in data if name not in mended or mended[name] is not data[name]}
    return mended, fields


def _upgraded_server(data: dict[str, Any], guild_id: int) -> dict[str, Any]:
    """A server's stored rules as the current version reads them (see the module's text)."""
    version = data.get("settings_version")
    if isinstance(version, int) and version >= SERVER_SETTINGS_VERSION:
        return data
    if data.get("server_keys_allowed") is True:
        log.info("server %s: rules from before version 2; the server-keys switch reads as off", guild_id)
    return {**data, "server_keys_allowed": False, "settings_version": SERVER_SETTINGS_VERSION}
