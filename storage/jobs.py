"""The job table: every job the bot starts, from before the service is called until the member has the result.

Every state change is checked against ``storage.lifecycle`` and written with a conditional UPDATE
(``WHERE id = ? AND state = ?``), so when two pollers race for the same job exactly one of them wins; the
others are told ``False``. Each write is a single statement (autocommit), because the connection is shared
by concurrent coroutines and an explicit transaction of one would swallow the statements of another.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiosqlite
from pydantic import BaseModel

from providers.core.models import JobHandle, JobKind, JobState, JobStatus
from storage.crypto import SecretBox, SecretUnreadable
from storage.lifecycle import (
    OPEN_STATES,
    SUBMIT_GRACE_SECONDS,
    IllegalTransition,
    LifecycleEvent,
    LifecycleState,
    StaleEvent,
    apply,
    event_for_status,
)

ModelT = TypeVar("ModelT", bound=BaseModel)

#: ids per ``IN (…)`` list (SQLite allows 32,766 parameters; this keeps each statement short)
_MAX_IDS_PER_STATEMENT = 500
#: interaction tokens kept opened in memory (``JobStore._open_token``): more than the jobs open at once
_OPENED_TOKENS_KEPT = 10_000
#: how long a poller may take to send a final message before another attempt is due (crash recovery)
DELIVERY_LEASE_SECONDS = 30.0

# Literals, not parameters: SQLite only uses the partial index jobs_open_by_due when the query repeats
# its WHERE term exactly (same values, same order - see 0002_jobs.sql).
_OPEN_SQL = "state IN ({})".format(", ".join(f"'{state.value}'" for state in OPEN_STATES))

_COLUMNS = (
    "id",
    "kind",
    "state",
    "owner_id",
    "guild_id",
    "channel_id",
    "message_id",
    "interaction_token",
    "token_expires_at",
    "locale",
    "provider",
    "provider_job_id",
    "handle_json",
    "request_json",
    "result_json",
    "progress",
    "failure_kind",
    "failure_message",
    "parent_job_id",
    "grid_index",
    "created_at",
    "updated_at",
    "submitted_at",
    "next_poll_at",
    "poll_errors",
    "delivered_at",
    "upload_limit",
    "credential_ref",
    "sent_at",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM jobs"
_WAITING_SQL = f"state = '{LifecycleState.WAITING.value}'"
#: kinds no member limit applies to: an admin's app actions are neither a member's running job nor images drawn
#: on the server's keys (``running_by_owner``, ``count_sent_since``)
UNMETERED_KINDS: frozenset[JobKind] = frozenset({JobKind.APP_ACTION})
_METERED_SQL = "kind NOT IN ({})".format(", ".join(f"'{kind.value}'" for kind in sorted(UNMETERED_KINDS)))


@dataclass(frozen=True, slots=True)
class ProgressUpdate:
    """One job's poll answer "queued" or "running" (``JobStore.record_progress_many``)."""

    job_id: int
    #: the state the poller last saw the job in
    expected: LifecycleState
    status: JobStatus
    progress: float | None
    next_poll_at: float


class JobNotFound(LookupError):
    def __init__(self, job_id: int) -> None:
        super().__init__(f"no job {job_id}")
        self.job_id = job_id


@dataclass(frozen=True, slots=True)
class JobRecord:
    """One row of the job table. The JSON columns are decoded on demand (they can hold image data)."""

    id: int
    kind: JobKind
    state: LifecycleState
    owner_id: int
    guild_id: int | None
    channel_id: int
    message_id: int | None
    interaction_token: str | None = field(repr=False)
    token_expires_at: float | None
    locale: str | None
    provider: str
    provider_job_id: str | None
    handle_json: str | None = field(repr=False)
    request_json: str | None = field(repr=False)
    result_json: str | None = field(repr=False)
    progress: float | None
    failure_kind: str | None
    failure_message: str | None
    parent_job_id: int | None
    grid_index: int | None
    created_at: float
    updated_at: float
    submitted_at: float | None
    next_poll_at: float | None
    poll_errors: int
    delivered_at: float | None
    #: bytes per attachment the interaction allowed (None: not known, the bot's own setting applies)
    upload_limit: int | None = None
    #: whose keys the job runs on: "user:<id>", "guild:<id>" or "settings" (None: written before; the settings')
    credential_ref: str | None = None
    #: when the job was handed to its service (None while it waits in its server's queue)
    sent_at: float | None = None

    @classmethod
    def from_row(cls, row: Iterable[Any], *, open_token: Callable[[str], str | None] | None = None) -> JobRecord:
        """``open_token`` turns the stored (sealed) interaction token back into the token."""
        values = dict(zip(_COLUMNS, row, strict=True))
        if open_token is not None and values["interaction_token"] is not None:
            values["interaction_token"] = open_token(values["interaction_token"])
        values["kind"] = JobKind(values["kind"])
        values["state"] = LifecycleState(values["state"])
        return cls(**values)

    @property
    def handle(self) -> JobHandle | None:
        return None if self.handle_json is None else JobHandle.model_validate_json(self.handle_json)

    @property
    def result(self) -> JobState | None:
        return None if self.result_json is None else JobState.model_validate_json(self.result_json)

    def request_as(self, model: type[ModelT]) -> ModelT | None:
        """The stored request as ``model`` (``ImagineRequest`` for imagine, the caller's own model otherwise)."""
        return None if self.request_json is None else model.model_validate_json(self.request_json)

    def token_usable(self, now: float) -> bool:
        """Whether the interaction token may still be used at ``now`` (callers add their own safety margin)."""
        return self.interaction_token is not None and (self.token_expires_at is None or now < self.token_expires_at)


def _request_json(request: BaseModel | Mapping[str, Any] | None) -> str | None:
    if request is None:
        return None
    if isinstance(request, BaseModel):
        return request.model_dump_json()
    return json.dumps(request, ensure_ascii=False, separators=(",", ":"))


class JobStore:
    """Typed access to the ``jobs`` table over the bot's one SQLite connection.

    With a ``box`` the interaction token is sealed on write and opened on read, unseen by callers.
    """

    def __init__(
        self, db: aiosqlite.Connection, *, clock: Callable[[], float] = time.time, box: SecretBox | None = None
    ) -> None:
        self._db = db
        self._clock = clock
        self._box = box
        #: sealed → opened interaction tokens: an open job's row is read at every poll round, and opening costs
        #: more than all the rest of reading it (tokens live 15 minutes; this memory is the process's own)
        self._opened_tokens: dict[str, str] = {}

    # --- creating and reading ---------------------------------------------------------------------------

    async def create(
        self,
        *,
        kind: JobKind,
        provider: str,
        owner_id: int,
        channel_id: int,
        guild_id: int | None = None,
        message_id: int | None = None,
        interaction_token: str | None = None,
        token_expires_at: float | None = None,
        locale: str | None = None,
        upload_limit: int | None = None,
        request: BaseModel | Mapping[str, Any] | None = None,
        parent_job_id: int | None = None,
        grid_index: int | None = None,
        next_poll_at: float | None = None,
        credential_ref: str | None = None,
        waiting: bool = False,
    ) -> JobRecord:
        """Write a ``pending`` job; call this before the service is asked, so a crash cannot lose the job.

        Unless the submit is recorded first, the row falls due after ``SUBMIT_GRACE_SECONDS`` and the poller
        treats it as a submit whose outcome is unknown. With ``waiting`` the job is written ``waiting`` instead
        (its server's queue; due at ``next_poll_at``) and nothing is to be sent until ``release``.
        """
        now = self._clock()
        if waiting and next_poll_at is None:
            raise ValueError("a waiting job needs the time it is looked at again (next_poll_at)")
        values: dict[str, object] = {
            "kind": JobKind(kind).value,
            "state": (LifecycleState.WAITING if waiting else LifecycleState.PENDING).value,
            "owner_id": owner_id,
            "guild_id": guild_id,
            "channel_id": channel_id,
            "message_id": message_id,
            "interaction_token": self._seal_token(interaction_token),
            "token_expires_at": token_expires_at,
            "locale": locale,
            "upload_limit": upload_limit,
            "provider": provider,
            "request_json": _request_json(request),
            "parent_job_id": parent_job_id,
            "grid_index": grid_index,
            "credential_ref": credential_ref,
            "created_at": now,
            "updated_at": now,
            "next_poll_at": now + SUBMIT_GRACE_SECONDS if next_poll_at is None else next_poll_at,
            "sent_at": None if waiting else now,
        }
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        sql = f"INSERT INTO jobs ({names}) VALUES ({marks}) RETURNING {', '.join(_COLUMNS)}"
        rows = await self._fetch_all(sql, tuple(values.values()))
        return self._record(rows[0])

    async def get(self, job_id: int) -> JobRecord:
        """One primary-key read (what a button's ``from_custom_id`` uses)."""
        rows = await self._fetch_all(f"{_SELECT} WHERE id = ?", (job_id,))
        if not rows:
            raise JobNotFound(job_id)
        return self._record(rows[0])

    async def find_by_provider_job(self, provider: str, provider_job_id: str) -> JobRecord | None:
        rows = await self._fetch_all(
            f"{_SELECT} WHERE provider = ? AND provider_job_id = ? ORDER BY id LIMIT 1", (provider, provider_job_id)
        )
        return self._record(rows[0]) if rows else None

    async def due_jobs(self, now: float, limit: int) -> list[JobRecord]:
        """Open jobs due at ``now``, the longest overdue first."""
        rows = await self._fetch_all(
            f"{_SELECT} WHERE {_OPEN_SQL} AND next_poll_at <= ? ORDER BY next_poll_at, id LIMIT ?", (now, limit)
        )
        return [self._record(row) for row in rows]

    async def claim_due(self, now: float, limit: int, lease_seconds: float) -> list[JobRecord]:
        """Like ``due_jobs``, but pushes each returned job's due time to ``now + lease_seconds`` in the same
        statement, so the next call does not hand out the jobs being worked on, and a job whose worker died
        comes due again when the lease runs out. The records show the new due time.
        """
        rows = await self._fetch_all(
            f"UPDATE jobs SET next_poll_at = ? WHERE id IN ("
            f"SELECT id FROM jobs WHERE {_OPEN_SQL} AND next_poll_at <= ? ORDER BY next_poll_at, id LIMIT ?"
            f") RETURNING {', '.join(_COLUMNS)}",
            (now + lease_seconds, now, limit),
        )
        # RETURNING has no defined order: hand them out oldest job first
        return sorted((self._record(row) for row in rows), key=lambda record: record.id)

    async def next_due_at(self) -> float | None:
        """When the earliest open job falls due (None when nothing is open): what the poller sleeps until."""
        rows = await self._fetch_all(
            f"SELECT next_poll_at FROM jobs WHERE {_OPEN_SQL} AND next_poll_at IS NOT NULL "
            "ORDER BY next_poll_at LIMIT 1",
            (),
        )
        return float(rows[0][0]) if rows else None

    async def open_jobs_by_provider(self) -> dict[str, list[JobRecord]]:
        """Every open job, grouped by service (each group the soonest due first)."""
        rows = await self._fetch_all(f"{_SELECT} WHERE {_OPEN_SQL} ORDER BY next_poll_at, id", ())
        grouped: dict[str, list[JobRecord]] = {}
        for row in rows:
            record = self._record(row)
            grouped.setdefault(record.provider, []).append(record)
        return grouped

    async def jobs_for_owner(self, owner_id: int, limit: int, *, offset: int = 0) -> list[JobRecord]:
        """A member's most recent jobs, newest first (``offset`` skips that many: a page further back)."""
        rows = await self._fetch_all(
            f"{_SELECT} WHERE owner_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            (owner_id, limit, max(offset, 0)),
        )
        return [self._record(row) for row in rows]

    async def count_for_owner(self, owner_id: int) -> int:
        """How many jobs a member has (what a page count is made from)."""
        rows = await self._fetch_all("SELECT COUNT(*) FROM jobs WHERE owner_id = ?", (owner_id,))
        return int(rows[0][0])

    # --- the queue (bot.queueing) -----------------------------------------------------------------------

    async def waiting_jobs(self, guild_id: int | None) -> list[JobRecord]:
        """A server's waiting jobs (its queue), oldest first."""
        rows = await self._fetch_all(
            f"{_SELECT} WHERE guild_id IS ? AND {_OPEN_SQL} AND {_WAITING_SQL} ORDER BY id", (guild_id,)
        )
        return [self._record(row) for row in rows]

    async def running_by_owner(self, guild_id: int | None) -> dict[int, int]:
        """Per member, their open jobs in a server that are no longer waiting (sent, or being finished)."""
        rows = await self._fetch_all(
            f"SELECT owner_id, COUNT(*) FROM jobs WHERE guild_id IS ? AND {_OPEN_SQL} AND NOT {_WAITING_SQL} "
            f"AND {_METERED_SQL} GROUP BY owner_id",
            (guild_id,),
        )
        return {int(owner): int(count) for owner, count in rows}

    async def count_sent_since(self, credential_ref: str, since: float) -> int:
        """How many jobs were sent on these keys from ``since`` on (whatever became of them)."""
        rows = await self._fetch_all(
            f"SELECT COUNT(*) FROM jobs WHERE credential_ref = ? AND sent_at >= ? AND {_METERED_SQL}",
            (credential_ref, since),
        )
        return int(rows[0][0])

    async def reschedule_waiting(self, guild_id: int | None, next_poll_at: float) -> None:
        """Every waiting job of a server is looked at again at ``next_poll_at``."""
        await self._db.execute(
            f"UPDATE jobs SET next_poll_at = ? WHERE guild_id IS ? AND {_OPEN_SQL} AND {_WAITING_SQL}",
            (next_poll_at, guild_id),
        )

    async def children(self, parent_id: int) -> list[JobRecord]:
        """The follow-ups (U/V/🔄/remix) started from a job, oldest first."""
        rows = await self._fetch_all(f"{_SELECT} WHERE parent_job_id = ? ORDER BY id", (parent_id,))
        return [self._record(row) for row in rows]

    # --- state changes (each through the state machine, each a conditional UPDATE) ----------------------
    #
    # ``expected``: the state the caller last saw (e.g. the record from ``claim_due``). Passing it saves a
    # read and makes the update fail (False) if anyone changed the job since. Without it the current state
    # is read first. Returns True when this call changed the row; False when the job had already moved on.
    # Raises IllegalTransition for an event that cannot happen yet, JobNotFound for an unknown id.

    async def release(self, job_id: int, *, expected: LifecycleState | None = None) -> JobRecord | None:
        """A waiting job's turn came: ``pending``, sent from now on (counted in ``count_sent_since``), due after
        ``SUBMIT_GRACE_SECONDS`` like a new row. The updated record; None when it had already moved on."""
        now = self._clock()
        changes = {"sent_at": now, "next_poll_at": now + SUBMIT_GRACE_SECONDS}
        if not await self._transition(job_id, LifecycleEvent.RELEASED, changes, expected):
            return None
        return await self.get(job_id)

    async def mark_submitted(
        self, job_id: int, handle: JobHandle, *, next_poll_at: float, expected: LifecycleState | None = None
    ) -> bool:
        return await self._transition(
            job_id,
            LifecycleEvent.SUBMITTED,
            {
                "handle_json": handle.model_dump_json(),
                "provider_job_id": handle.job_id,
                "submitted_at": handle.submitted_at.timestamp(),
                "next_poll_at": next_poll_at,
            },
            expected,
        )

    async def mark_submit_unknown(
        self, job_id: int, message: str, *, next_poll_at: float | None = None, expected: LifecycleState | None = None
    ) -> bool:
        """The submit may have reached the service; the job is not sent again. Due at once by default."""
        changes: dict[str, object] = {
            "failure_kind": "submit_unknown",
            "failure_message": message,
            "next_poll_at": self._clock() if next_poll_at is None else next_poll_at,
        }
        return await self._transition(job_id, LifecycleEvent.SUBMIT_UNKNOWN, changes, expected)

    async def record_progress(
        self,
        job_id: int,
        status: JobStatus,
        progress: float | None,
        *,
        next_poll_at: float,
        expected: LifecycleState | None = None,
    ) -> bool:
        """A poll answered "queued" or "running"; clears the error count. Finished answers go to ``mark_result``."""
        if status.is_terminal:
            raise ValueError(f"a {status.value} job is recorded with mark_result, not record_progress")
        changes: dict[str, object] = {"next_poll_at": next_poll_at, "poll_errors": 0}
        if progress is not None:
            changes["progress"] = progress
        return await self._transition(job_id, event_for_status(status), changes, expected)

    async def record_progress_many(self, updates: Sequence[ProgressUpdate]) -> set[int]:
        """``record_progress`` for many jobs in one statement per ``_MAX_IDS_PER_STATEMENT`` (a poll round's worth:
        one write instead of one per job). Each row changes only if it is still in its ``expected`` state; an
        answer the job is already past is skipped, as is one that cannot happen yet (``IllegalTransition`` for
        ``record_progress``). Returns the ids of the jobs that changed."""
        rows: list[tuple[int, str, str, float | None, float]] = []
        for update in updates:
            if update.status.is_terminal:
                raise ValueError(f"a {update.status.value} job is recorded with mark_result, not record_progress")
            try:
                target = apply(update.expected, event_for_status(update.status))
            except IllegalTransition:  # StaleEvent included: another poller or an earlier answer got there first
                continue
            rows.append((update.job_id, target.value, update.expected.value, update.progress, update.next_poll_at))
        changed: set[int] = set()
        now = self._clock()
        for start in range(0, len(rows), _MAX_IDS_PER_STATEMENT):
            chunk = rows[start : start + _MAX_IDS_PER_STATEMENT]
            values = ", ".join("(?, ?, ?, ?, ?)" for _ in chunk)
            found = await self._fetch_all(
                f"WITH answer(id, state, expected, progress, next_poll_at) AS (VALUES {values}) "
                "UPDATE jobs SET state = answer.state, progress = COALESCE(answer.progress, jobs.progress), "
                "next_poll_at = answer.next_poll_at, poll_errors = 0, updated_at = ? "
                "FROM answer WHERE jobs.id = answer.id AND jobs.state = answer.expected RETURNING jobs.id",
                (*(value for row in chunk for value in row), now),
            )
            changed.update(int(row[0]) for row in found)
        return changed

    async def mark_result(
        self,
        job_id: int,
        result: JobState,
        *,
        next_poll_at: float | None = None,
        expected: LifecycleState | None = None,
    ) -> bool:
        """Store a finished observation: ``delivering`` when it succeeded, ``failing`` (with its reason) when not.

        The job stays due at ``next_poll_at`` (default: a delivery lease from now) so that, should the final
        message not be confirmed by then, it is sent again.
        """
        if not result.status.is_terminal:
            raise ValueError("mark_result takes a finished JobState; progress goes to record_progress")
        changes: dict[str, object] = {
            "result_json": result.model_dump_json(),
            "next_poll_at": self._lease_end() if next_poll_at is None else next_poll_at,
        }
        if result.status is JobStatus.SUCCEEDED:
            changes["progress"] = 100.0
        elif result.failure is not None:
            changes["failure_kind"] = result.failure.kind
            changes["failure_message"] = result.failure.message
        else:
            changes["failure_kind"] = "job_failed"
        return await self._transition(job_id, event_for_status(result.status), changes, expected)

    async def mark_failed(
        self,
        job_id: int,
        kind: str,
        message: str,
        *,
        timed_out: bool = False,
        next_poll_at: float | None = None,
        expected: LifecycleState | None = None,
    ) -> bool:
        """The job failed (or timed out); the reason is stored and the row is ``failing`` until it is shown."""
        event = LifecycleEvent.TIMEOUT if timed_out else LifecycleEvent.FAILED
        changes: dict[str, object] = {
            "failure_kind": kind,
            "failure_message": message,
            "next_poll_at": self._lease_end() if next_poll_at is None else next_poll_at,
        }
        return await self._transition(job_id, event, changes, expected)

    async def mark_delivered(
        self, job_id: int, message_id: int | None = None, *, expected: LifecycleState | None = None
    ) -> bool:
        """Discord confirmed the final message: ``delivered`` (or ``failed`` when it was the failure notice)."""
        changes: dict[str, object] = {"delivered_at": self._clock()}
        if message_id is not None:
            changes["message_id"] = message_id
        return await self._transition(job_id, LifecycleEvent.DELIVERY_DONE, changes, expected)

    async def mark_undeliverable(self, job_id: int, message: str, *, expected: LifecycleState | None = None) -> bool:
        """The final message can never be sent (message deleted, channel gone): stop trying."""
        changes = {"failure_kind": "undeliverable", "failure_message": message}
        return await self._transition(job_id, LifecycleEvent.UNDELIVERABLE, changes, expected)

    # --- bookkeeping without a state change -------------------------------------------------------------

    async def set_message(self, job_id: int, channel_id: int, message_id: int) -> None:
        """Where the job's message lives, so it can be edited with the bot token once the interaction expired."""
        await self._update(job_id, {"channel_id": channel_id, "message_id": message_id}, only_open=False)

    async def reschedule(self, job_id: int, next_poll_at: float) -> bool:
        """Move an open job's due time (False when the job is finished)."""
        return await self._update(job_id, {"next_poll_at": next_poll_at}, only_open=True)

    async def reschedule_many(self, job_ids: Sequence[int], next_poll_at: float) -> None:
        """Move many open jobs' due time in one statement (a poll that found them all as they were)."""
        for start in range(0, len(job_ids), _MAX_IDS_PER_STATEMENT):
            chunk = list(job_ids[start : start + _MAX_IDS_PER_STATEMENT])
            marks = ", ".join("?" for _ in chunk)
            await self._db.execute(
                f"UPDATE jobs SET next_poll_at = ? WHERE id IN ({marks}) AND {_OPEN_SQL}", (next_poll_at, *chunk)
            )

    async def record_error(self, job_id: int, next_poll_at: float) -> int | None:
        """A poll or delivery attempt failed: count it and come back later. Returns the consecutive count."""
        rows = await self._fetch_all(
            f"UPDATE jobs SET poll_errors = poll_errors + 1, next_poll_at = ?, updated_at = ? "
            f"WHERE id = ? AND {_OPEN_SQL} RETURNING poll_errors",
            (next_poll_at, self._clock(), job_id),
        )
        return int(rows[0][0]) if rows else None

    async def record_observation(self, job_id: int, observation: JobState) -> bool:
        """What a ``JobFollower`` has seen of an open job so far, kept as its ``result`` until the finished
        observation replaces it, so that a restart of the bot keeps it. False when the job is over."""
        return await self._update(job_id, {"result_json": observation.model_dump_json()}, only_open=True)

    # --- internals --------------------------------------------------------------------------------------

    def _record(self, row: Iterable[Any]) -> JobRecord:
        return JobRecord.from_row(row, open_token=None if self._box is None else self._open_token)

    def _seal_token(self, token: str | None) -> str | None:
        return token if token is None or self._box is None else self._box.seal(token)

    def _open_token(self, sealed: str) -> str | None:
        if self._box is None:
            return sealed
        opened = self._opened_tokens.get(sealed)
        if opened is not None:
            return opened
        try:
            opened = self._box.open(sealed)
        except SecretUnreadable:
            # sealed with a key no longer configured: the message is then edited with the bot token instead
            return None
        if len(self._opened_tokens) >= _OPENED_TOKENS_KEPT:
            del self._opened_tokens[next(iter(self._opened_tokens))]  # the oldest
        self._opened_tokens[sealed] = opened
        return opened

    def _lease_end(self) -> float:
        return self._clock() + DELIVERY_LEASE_SECONDS

    async def _transition(
        self,
        job_id: int,
        event: LifecycleEvent,
        changes: Mapping[str, object],
        expected: LifecycleState | None,
    ) -> bool:
        current = expected if expected is not None else await self._state_of(job_id)
        try:
            target = apply(current, event)
        except StaleEvent:
            return False
        values: dict[str, object] = {"state": target.value, "updated_at": self._clock()}
        if target is not current:
            values["poll_errors"] = 0  # errors count per state: a new state starts afresh
        values.update(changes)
        if target.is_terminal:
            # nothing left to poll, and a finished job has no use for the secret token
            values.update(next_poll_at=None, interaction_token=None)
        assignments = ", ".join(f"{name} = ?" for name in values)  # names are ours, never input
        changed = bool(
            await self._fetch_all(
                f"UPDATE jobs SET {assignments} WHERE id = ? AND state = ? RETURNING id",
                (*values.values(), job_id, current.value),
            )
        )
        if not changed and expected is not None:
            await self._state_of(job_id)  # tell a wrong id apart from a lost race
        if changed and target.is_terminal:
            await self._wake_waiting_after(job_id)
        return changed

    async def _wake_waiting_after(self, job_id: int) -> None:
        """A finished job may have freed its server's slot: the oldest waiting job there is due now (the
        poller then looks at the server's whole queue)."""
        now = self._clock()
        await self._db.execute(
            f"UPDATE jobs SET next_poll_at = ? WHERE id = ("
            f"SELECT id FROM jobs WHERE guild_id = (SELECT guild_id FROM jobs WHERE id = ?) "
            f"AND {_OPEN_SQL} AND {_WAITING_SQL} ORDER BY id LIMIT 1"
            ") AND next_poll_at > ?",
            (now, job_id, now),
        )

    async def _update(self, job_id: int, values: Mapping[str, object], *, only_open: bool) -> bool:
        assignments = ", ".join(f"{name} = ?" for name in values)
        condition = f" AND {_OPEN_SQL}" if only_open else ""
        changed = bool(
            await self._fetch_all(
                f"UPDATE jobs SET {assignments}, updated_at = ? WHERE id = ?{condition} RETURNING id",
                (*values.values(), self._clock(), job_id),
            )
        )
        if not changed and not only_open:
            raise JobNotFound(job_id)
        return changed

    async def _state_of(self, job_id: int) -> LifecycleState:
        rows = await self._fetch_all("SELECT state FROM jobs WHERE id = ?", (job_id,))
        if not rows:
            raise JobNotFound(job_id)
        return LifecycleState(rows[0][0])

    async def _fetch_all(self, sql: str, parameters: tuple[object, ...]) -> list[Any]:
        # one trip to the database thread (execute, fetch all, and the cursor is done with); fetching all runs a
        # RETURNING statement to its end, so the write is complete (and committed) here
        return list(await self._db.execute_fetchall(sql, parameters))
