"""Members' and servers' service keys, and cached login tokens, stored sealed (see ``storage.crypto``).

A key's fields (e.g. Picpik's PublicKey and PrivateKey) are sealed together as one JSON object; only a masked
hint of its public part and the bookkeeping (when set, last used, that call's outcome) are stored in the clear.
Values sealed with an older key are sealed again with the current one when they are read, and by
``reseal_stale`` at start-up.

A login token cached for stored keys is named by their owner (``token_owner``): removing or replacing the keys
deletes it. Tokens the current key cannot open (sealed before a rotation) or whose keys are gone are deleted at
start-up (``SealedTokenStore.drop_stale``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import aiosqlite

from storage.crypto import SecretBox, SecretUnreadable

log = logging.getLogger(__name__)

#: a value shorter than this is masked without showing any of it
MIN_LENGTH_TO_SHOW_TAIL = 8
MASK = "••••"
#: ``last_outcome`` of a call that worked (otherwise the failure's kind, e.g. ``auth`` or ``server``)
OUTCOME_OK: Final = "ok"
#: the longest failure kind kept (kinds are short names; anything longer is not one)
MAX_OUTCOME_LENGTH: Final = 40


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
    #: the last call's outcome: ``OUTCOME_OK``, a failure kind, or None (not used yet, or not known)
    last_outcome: str | None

    @property
    def last_ok(self) -> bool | None:
        return None if self.last_outcome is None else self.last_outcome == OUTCOME_OK


def mask(value: str) -> str:
    """``••••abcd``: at most the last 4 characters, fewer for shorter values, none below 8 characters.
    Only for what identifies an account (a public key, a user name): a secret is never shown, not even in part."""
    value = value.strip()
    if not value:
        return ""
    shown = 0 if len(value) < MIN_LENGTH_TO_SHOW_TAIL else min(4, len(value) // 4)
    return MASK + (value[-shown:] if shown else "")


def token_owner(scope: KeyScope, owner_id: int, service: str) -> str:
    """The name a login token cached for these stored keys is filed under (``user:42:midjourney``)."""
    return f"{KeyScope(scope).value}:{owner_id}:{service}"


#: ``token_owner`` in SQL, of a ``service_keys`` row
_TOKEN_OWNER_SQL: Final = "scope || ':' || owner_id || ':' || service"


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
        """Store (or replace) the fields; ``created_at`` survives a replacement, the last-use record and a login
        token cached for the keys replaced do not. ``masked`` must show no part of a secret field."""
        now = self._clock()
        await _write(
            self._db,
            "INSERT INTO service_keys (scope, owner_id, service, sealed, masked, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (scope, owner_id, service) DO UPDATE SET sealed = excluded.sealed, "
            "masked = excluded.masked, updated_at = excluded.updated_at, "
            "last_used_at = NULL, last_outcome = NULL",
            (KeyScope(scope).value, owner_id, service, self._seal_fields(fields), masked or MASK, now, now),
        )
        await self._drop_login_token(scope, owner_id, service)
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
            "SELECT scope, owner_id, service, masked, created_at, updated_at, last_used_at, last_outcome "
            "FROM service_keys WHERE scope = ? AND owner_id = ? ORDER BY service",
            (KeyScope(scope).value, owner_id),
        )
        return [
            KeySummary(
                scope=KeyScope(row[0]),
                owner_id=int(row[1]),
                service=str(row[2]),
                masked=str(row[3]) or MASK,
                created_at=float(row[4]),
                updated_at=float(row[5]),
                last_used_at=None if row[6] is None else float(row[6]),
                last_outcome=None if row[7] is None else str(row[7]),
            )
            for row in rows
        ]

    async def remove(self, scope: KeyScope, owner_id: int, service: str) -> bool:
        """Forget the key, and a login token cached for it; False when there was none."""
        async with self._db.execute(
            "DELETE FROM service_keys WHERE scope = ? AND owner_id = ? AND service = ?",
            (KeyScope(scope).value, owner_id, service),
        ) as cursor:
            removed = cursor.rowcount == 1
        await self._drop_login_token(scope, owner_id, service)
        self._changed(scope, owner_id, service)
        return removed

    async def record_use(
        self, scope: KeyScope, owner_id: int, service: str, *, failure: str | None = None
    ) -> None:
        """Note a call made with the key and its outcome: ``failure`` is the failure's kind (an ``ErrorKind``
        value), None when the call worked. Only the kind is kept: ``/keys list`` words it in the reader's language."""
        outcome = OUTCOME_OK if failure is None else str(failure)[:MAX_OUTCOME_LENGTH]
        await _write(
            self._db,
            "UPDATE service_keys SET last_used_at = ?, last_outcome = ? "
            "WHERE scope = ? AND owner_id = ? AND service = ?",
            (self._clock(), outcome, KeyScope(scope).value, owner_id, service),
        )

    async def refresh_hints(self, hint: Callable[[str, Mapping[str, str]], str]) -> int:
        """Make the masked hints that are blank (blanked by migration 0009: they showed part of a secret) again
        with ``hint(service, fields)``; then rewrite the file, so the old hints are not left in its free pages or
        its write-ahead log. Returns how many were made (0: nothing was blank, nothing was rewritten)."""
        rows = await self._fetch_all("SELECT scope, owner_id, service, sealed FROM service_keys WHERE masked = ''", ())
        for scope, owner_id, service, sealed in rows:
            try:
                masked = hint(service, self._open_fields(sealed)) or MASK
            except SecretUnreadable:
                masked = MASK  # still unreadable: say nothing more, and do not try again at every start
            await _write(
                self._db,
                "UPDATE service_keys SET masked = ? WHERE scope = ? AND owner_id = ? AND service = ? AND masked = ''",
                (masked, scope, owner_id, service),
            )
        if rows:
            await self._db.execute_fetchall("VACUUM", ())
            await self._db.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)", ())
        return len(rows)

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

    async def _drop_login_token(self, scope: KeyScope, owner_id: int, service: str) -> None:
        await _write(self._db, "DELETE FROM login_tokens WHERE owner = ?", (token_owner(scope, owner_id, service),))

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
    of the cache key (which names the login's user). ``for_owner`` gives the store for one set of stored keys."""

    def __init__(self, db: aiosqlite.Connection, box: SecretBox, *, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._box = box
        self._clock = clock

    def for_owner(self, owner: str) -> OwnedTokenStore:
        """The tokens of the keys ``token_owner`` names: filed apart from everyone else's (two members with the
        same user name share nothing), and deleted with those keys."""
        return OwnedTokenStore(self, owner)

    async def get(self, key: str, *, owner: str | None = None) -> str | None:
        """The cached token, or None (also when it can no longer be opened: the service is simply logged in to
        again)."""
        cache_key = self._cache_key(key, owner)
        sql = "SELECT sealed FROM login_tokens WHERE cache_key = ?"
        rows = list(await self._db.execute_fetchall(sql, (cache_key,)))
        row = rows[0] if rows else None
        if row is None:
            return None
        try:
            token = self._box.open(str(row[0]))
        except SecretUnreadable:
            await self.delete(key, owner=owner)
            return None
        if not self._box.is_current(str(row[0])):
            await self.set(key, token, owner=owner)
        return token

    async def set(self, key: str, token: str, *, owner: str | None = None) -> None:
        """Cache ``token``; for an ``owner``, only while its stored keys exist: a login still under way when they were
        removed must not file a token again after ``KeyStore.remove`` deleted it (one statement, so no removal can
        come between the look and the write)."""
        row = (self._cache_key(key, owner), self._box.seal(token), self._clock(), owner)
        upsert = "ON CONFLICT (cache_key) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at"
        if owner is None:
            sql = f"INSERT INTO login_tokens (cache_key, sealed, updated_at, owner) VALUES (?, ?, ?, ?) {upsert}"
            await _write(self._db, sql, row)
            return
        # ``WHERE`` is what keeps SQLite from reading ``ON CONFLICT`` as a join's ``ON``
        sql = (
            "INSERT INTO login_tokens (cache_key, sealed, updated_at, owner) SELECT ?, ?, ?, ? "
            f"WHERE EXISTS (SELECT 1 FROM service_keys WHERE {_TOKEN_OWNER_SQL} = ?) {upsert}"
        )
        await _write(self._db, sql, (*row, owner))

    async def delete(self, key: str, *, owner: str | None = None) -> None:
        await _write(self._db, "DELETE FROM login_tokens WHERE cache_key = ?", (self._cache_key(key, owner),))

    async def drop_stale(self) -> int:
        """At start-up: delete the tokens nobody can use any more — sealed with a key that is no longer the first
        (their lookup name follows the first key, so they can never be found, hence never sealed again), or
        cached for stored keys that are gone. Returns how many were deleted."""
        rows = await self._db.execute_fetchall("SELECT cache_key, sealed FROM login_tokens", ())
        stale = [str(cache_key) for cache_key, sealed in rows if not self._box.sealed_with_current(str(sealed))]
        for cache_key in stale:
            await _write(self._db, "DELETE FROM login_tokens WHERE cache_key = ?", (cache_key,))
        async with self._db.execute(
            "DELETE FROM login_tokens WHERE owner IS NOT NULL "
            f"AND owner NOT IN (SELECT {_TOKEN_OWNER_SQL} FROM service_keys)"
        ) as cursor:
            orphans = max(cursor.rowcount, 0)
        return len(stale) + orphans

    def _cache_key(self, key: str, owner: str | None) -> str:
        return self._box.fingerprint(key if owner is None else f"{owner}|{key}")


class OwnedTokenStore:
    """A ``TokenStore`` for the providers built with one member's or server's stored keys."""

    def __init__(self, store: SealedTokenStore, owner: str) -> None:
        self._store = store
        self.owner = owner

    async def get(self, key: str) -> str | None:
        return await self._store.get(key, owner=self.owner)

    async def set(self, key: str, token: str) -> None:
        await self._store.set(key, token, owner=self.owner)

    async def delete(self, key: str) -> None:
        await self._store.delete(key, owner=self.owner)
