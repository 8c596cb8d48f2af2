"""Members' and servers' service keys, and cached login tokens, stored sealed (see ``storage.crypto``).

A key's fields (e.g. Picpik's PublicKey and PrivateKey) are sealed together as one JSON object; only a masked
hint and the bookkeeping (when set, last used, whether that worked) are stored in the clear. Values sealed with
an older key are sealed again with the current one when they are read, and by ``reseal_stale`` at start-up.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import aiosqlite

from storage.crypto import SecretBox, SecretUnreadable

log = logging.getLogger(__name__)

#: characters of ``record_use``'s error kept (the message is a provider error, safe to show, but unbounded)
MAX_ERROR_LENGTH = 300
#: a secret shorter than this is masked without showing any of it
MIN_LENGTH_TO_SHOW_TAIL = 8
MASK = "••••"


class KeyScope(StrEnum):
    USER = "user"
    GUILD = "guild"


@dataclass(frozen=True, slots=True)
class KeySummary:
    """What ``/keys list`` may show about a stored key: never the key, only its mask and its record."""

    scope: KeyScope
    owner_id: int
    service: str
    masked: str
    created_at: float
    updated_at: float
    last_used_at: float | None
    last_ok: bool | None
    last_error: str | None


def mask(secret: str) -> str:
    """``••••abcd``: at most the last 4 characters, fewer for shorter secrets, none below 8 characters."""
    secret = secret.strip()
    if not secret:
        return ""
    shown = 0 if len(secret) < MIN_LENGTH_TO_SHOW_TAIL else min(4, len(secret) // 4)
    return MASK + (secret[-shown:] if shown else "")


async def _write(db: aiosqlite.Connection, sql: str, parameters: tuple[object, ...]) -> None:
    # one autocommitted statement (the connection is shared by concurrent coroutines, as in storage.jobs)
    await db.execute_fetchall(sql, parameters)


class KeyStore:
    """The ``service_keys`` table: one sealed set of fields per (scope, owner, service)."""

    def __init__(self, db: aiosqlite.Connection, box: SecretBox, *, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._box = box
        self._clock = clock
        self._listeners: list[Callable[[KeyScope, int, str], None]] = []

    def on_change(self, listener: Callable[[KeyScope, int, str], None]) -> None:
        """Call ``listener(scope, owner_id, service)`` after a key is set or removed (caches forget it)."""
        self._listeners.append(listener)

    def _changed(self, scope: KeyScope, owner_id: int, service: str) -> None:
        for listener in self._listeners:
            listener(KeyScope(scope), owner_id, service)

    async def set(self, scope: KeyScope, owner_id: int, service: str, fields: Mapping[str, str], masked: str) -> None:
        """Store (or replace) the fields; ``created_at`` survives a replacement, the last-use record does not."""
        now = self._clock()
        await _write(
            self._db,
            "INSERT INTO service_keys (scope, owner_id, service, sealed, masked, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (scope, owner_id, service) DO UPDATE SET sealed = excluded.sealed, "
            "masked = excluded.masked, updated_at = excluded.updated_at, "
            "last_used_at = NULL, last_ok = NULL, last_error = NULL",
            (KeyScope(scope).value, owner_id, service, self._seal_fields(fields), masked, now, now),
        )
        self._changed(scope, owner_id, service)

    async def get(self, scope: KeyScope, owner_id: int, service: str) -> dict[str, str] | None:
        """The decrypted fields, or None when none are stored or they can no longer be opened (key lost)."""
        rows = await self._fetch_all(
            "SELECT sealed FROM service_keys WHERE scope = ? AND owner_id = ? AND service = ?",
            (KeyScope(scope).value, owner_id, service),
        )
        if not rows:
            return None
        sealed = str(rows[0][0])
        try:
            fields = self._open_fields(sealed)
        except SecretUnreadable:
            # no secret in this line: which row, and why it is unusable
            log.warning("stored %s key of %s %s cannot be decrypted (key rotated away?)", service, scope, owner_id)
            return None
        if not self._box.is_current(sealed):
            await self._reseal(scope, owner_id, service, sealed, fields)
        return fields

    async def summaries(self, scope: KeyScope, owner_id: int) -> list[KeySummary]:
        rows = await self._fetch_all(
            "SELECT scope, owner_id, service, masked, created_at, updated_at, last_used_at, last_ok, last_error "
            "FROM service_keys WHERE scope = ? AND owner_id = ? ORDER BY service",
            (KeyScope(scope).value, owner_id),
        )
        return [
            KeySummary(
                scope=KeyScope(row[0]),
                owner_id=int(row[1]),
                service=str(row[2]),
                masked=str(row[3]),
                created_at=float(row[4]),
                updated_at=float(row[5]),
                last_used_at=None if row[6] is None else float(row[6]),
                last_ok=None if row[7] is None else bool(row[7]),
                last_error=row[8],
            )
            for row in rows
        ]

    async def remove(self, scope: KeyScope, owner_id: int, service: str) -> bool:
        """Forget the key; False when there was none."""
        async with self._db.execute(
            "DELETE FROM service_keys WHERE scope = ? AND owner_id = ? AND service = ?",
            (KeyScope(scope).value, owner_id, service),
        ) as cursor:
            removed = cursor.rowcount == 1
        self._changed(scope, owner_id, service)
        return removed

    async def record_use(
        self, scope: KeyScope, owner_id: int, service: str, *, ok: bool, error: str | None = None
    ) -> None:
        """Note a call made with the key and whether it worked (``error``: a message safe to show)."""
        await _write(
            self._db,
            "UPDATE service_keys SET last_used_at = ?, last_ok = ?, last_error = ? "
            "WHERE scope = ? AND owner_id = ? AND service = ?",
            (
                self._clock(),
                int(ok),
                None if ok or error is None else error[:MAX_ERROR_LENGTH],
                KeyScope(scope).value,
                owner_id,
                service,
            ),
        )

    async def reseal_stale(self) -> int:
        """Seal again every key sealed with an older key (after a rotation). Returns how many were."""
        if self._box.key_count == 1:
            return 0
        rows = await self._fetch_all("SELECT scope, owner_id, service, sealed FROM service_keys", ())
        count = 0
        for scope, owner_id, service, sealed in rows:
            if self._box.is_current(sealed):
                continue
            try:
                fields = self._open_fields(sealed)
            except SecretUnreadable:
                log.warning("stored %s key of %s %s cannot be decrypted (key rotated away?)", service, scope, owner_id)
                continue
            count += await self._reseal(KeyScope(scope), owner_id, service, sealed, fields)
        return count

    # --- internals --------------------------------------------------------------------------------------

    def _seal_fields(self, fields: Mapping[str, str]) -> str:
        return self._box.seal(json.dumps(dict(fields), ensure_ascii=False, separators=(",", ":")))

    def _open_fields(self, sealed: str) -> dict[str, str]:
        opened = json.loads(self._box.open(sealed))
        return {str(name): str(value) for name, value in opened.items()}

    async def _reseal(self, scope: KeyScope, owner_id: int, service: str, old: str, fields: dict[str, str]) -> bool:
        # only if nobody replaced the key since it was read
        async with self._db.execute(
            "UPDATE service_keys SET sealed = ? WHERE scope = ? AND owner_id = ? AND service = ? AND sealed = ?",
            (self._seal_fields(fields), KeyScope(scope).value, owner_id, service, old),
        ) as cursor:
            return cursor.rowcount == 1

    async def _fetch_all(self, sql: str, parameters: tuple[object, ...]) -> list[aiosqlite.Row]:
        # one trip to the database thread: execute, fetch all, and the cursor is done with
        return list(await self._db.execute_fetchall(sql, parameters))


class SealedTokenStore:
    """``providers.core.base.TokenStore`` over ``login_tokens``: tokens sealed, and looked up by a keyed hash
    of the cache key (which names the login's user)."""

    def __init__(self, db: aiosqlite.Connection, box: SecretBox, *, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._box = box
        self._clock = clock

    async def get(self, key: str) -> str | None:
        """The cached token, or None (also when it can no longer be opened: the service is simply logged in to
        again)."""
        cache_key = self._box.fingerprint(key)
        sql = "SELECT sealed FROM login_tokens WHERE cache_key = ?"
        rows = list(await self._db.execute_fetchall(sql, (cache_key,)))
        row = rows[0] if rows else None
        if row is None:
            return None
        try:
            token = self._box.open(str(row[0]))
        except SecretUnreadable:
            await self.delete(key)
            return None
        if not self._box.is_current(str(row[0])):
            await self.set(key, token)
        return token

    async def set(self, key: str, token: str) -> None:
        await _write(
            self._db,
            "INSERT INTO login_tokens (cache_key, sealed, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (cache_key) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
            (self._box.fingerprint(key), self._box.seal(token), self._clock()),
        )

    async def delete(self, key: str) -> None:
        await _write(self._db, "DELETE FROM login_tokens WHERE cache_key = ?", (self._box.fingerprint(key),))
