"""The queue: over its server's limits a job waits its turn instead of being refused.

Admission (``admit``, from ``bot.job_start.start_job`` after the server's rules): in a server with limits
(``bot.queue_line``), the job is weighed under that server's lock together with the row it writes, so two quick
commands cannot both take the last slot. It goes now ("thinking…", then sent as usual), or waits (its row is
``waiting``, its message says its place in line), or, with the queue at its cap or a kind that cannot wait
(``bot.job_senders``), is refused privately. Outside servers, and where no limit applies, nothing changes.

Release (``release``, from the poller): waiting rows are open jobs, so the poller claims them like any other
(every ``WAITING_RECHECK_SECONDS``, and at once when a job of their server finishes: ``storage.jobs``) and has
their server's line walked again. The jobs whose turn came become ``pending`` and are sent exactly as a command
sends them (``bot.job_start.submit_job``), their call rebuilt from the row; the others' messages are edited
when their place changed. The rows are the queue, so a restart loses nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Protocol, cast

import discord

from bot import rendering
from bot.credentials import SETTINGS_REF, guild_ref
from bot.job_senders import CANNOT_RESEND, CannotResend, can_resend, rebuild_send
from bot.job_start import deferred_message_id, submit_job
from bot.queue_line import InLine, Limits, Place, Usage, day_start, plan_line, refusal, waiting_line
from bot.replies import refuse
from providers.core.base import Provider
from providers.core.models import JobKind
from storage.jobs import JobRecord
from storage.lifecycle import WAITING_RECHECK_SECONDS, LifecycleState

if TYPE_CHECKING:
    from discord.ext import commands

    from bot.app import GridBot

log = logging.getLogger(__name__)

#: the job being admitted, in the plan (row ids start at 1)
_NEW_JOB: Final = -1
_UNANSWERED = "The command that started this job could not be answered."


class RowWriter(Protocol):
    """Writes the job's row (``JobStore.create`` with everything the command knows): to be sent now, or waiting."""

    def __call__(self, message_id: int | None, *, waiting_until: float | None = None) -> Awaitable[JobRecord]: ...


@dataclass(frozen=True, slots=True)
class _Walk:
    """What one walk of a server's line decided: the jobs to send now, and those whose place is to be shown."""

    released: Sequence[tuple[JobRecord, Provider]] = ()
    still_waiting: Sequence[JobRecord] = ()


class JobQueue:
    def __init__(
        self,
        bot: commands.Bot,
        *,
        recheck_seconds: float = WAITING_RECHECK_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._bot = cast("GridBot", bot)  # the poller's client, always the GridBot
        self._recheck = recheck_seconds
        self._clock = clock
        #: per server: decisions (admissions and walks of the line), one at a time
        self._deciding: defaultdict[int | None, asyncio.Lock] = defaultdict(asyncio.Lock)
        #: servers whose line is to be walked again (several asks while one walk runs make one more walk)
        self._requested: set[int | None] = set()
        #: waiting jobs whose first answer is still being sent: they keep their place but cannot go yet
        self._answering: set[int] = set()
        #: job id → the waiting text the latest walk decided for it, and the one its message shows
        self._wanted: dict[int, str] = {}
        self._shown: dict[int, str] = {}
        #: job id → held while its message is edited, so the latest decided text is the one left showing
        self._editing: dict[int, asyncio.Lock] = {}

    # --- admission ------------------------------------------------------------------------------------

    async def admit(
        self, interaction: discord.Interaction[GridBot], ref: str, kind: JobKind, write_row: RowWriter
    ) -> JobRecord | None:
        """Write the job's row and answer the member. The row to send now ("thinking…" is shown), or None when
        the job waits in line or was refused (the member has their answer either way)."""
        guild_id = interaction.guild_id
        settings = await self._bot.settings_store.server(guild_id)
        limits = Limits.of(settings)
        on_server_keys = guild_id is not None and ref == guild_ref(guild_id)
        if guild_id is None or not limits.apply_to(on_server_keys):
            return await self._row_and_thinking(interaction, write_row)
        now = self._clock()
        refused: str | None = None
        async with self._deciding[guild_id]:
            waiting = await self._bot.store.waiting_jobs(guild_id)
            line = [*self._line(waiting, guild_id), InLine(_NEW_JOB, interaction.user.id, on_server_keys)]
            plan = plan_line(line, await self._usage(guild_id, limits, now), limits)
            place = plan.places.get(_NEW_JOB)
            if plan.release and plan.release[0] != _NEW_JOB:  # older jobs may go too (a limit was raised): now
                await self._bot.store.reschedule(plan.release[0], now)
                self._bot.poller.wake()
            if place is None:
                record = await write_row(None)  # counted as running from here on
            elif can_resend(kind) and len(waiting) < settings.queue_cap:
                record = await write_row(None, waiting_until=now + self._recheck)
                self._answering.add(record.id)
            else:
                cap = settings.queue_cap if can_resend(kind) else 0
                refused = refusal(place, limits, cap, now, interaction.locale)
        if refused is not None:
            await refuse(interaction, refused)
            return None
        if place is None:
            return await self._answer_thinking(interaction, _written(record))
        await self._answer_waiting(interaction, record, place, limits, now)
        return None

    async def _row_and_thinking(self, interaction: discord.Interaction[GridBot], write_row: RowWriter) -> JobRecord:
        """Write the row and answer "thinking…" together. The row's INSERT is handed to the database first, so it
        is written before anything is sent to the service and, short of a crash within those milliseconds,
        before "thinking…" shows; but Discord's answer does not wait behind the poller's writes queued ahead of
        it (the 3 s deadline, and the member's first sight of the bot)."""
        writing = asyncio.ensure_future(write_row(None))
        await asyncio.sleep(0)  # the row's task runs up to its first wait: its statement is in the database's queue
        return await self._answer_thinking(interaction, writing)

    async def _answer_thinking(self, interaction: discord.Interaction[GridBot], row: Awaitable[JobRecord]) -> JobRecord:
        """Answer "thinking…" and note its message on the job's row (``row``: being written, or written)."""
        store = self._bot.store
        try:
            message_id = await deferred_message_id(interaction)
        except Exception:
            # the member never saw the job: it is not sent (the poller closes the row)
            record = await row
            await store.mark_failed(
                record.id, rendering.UNDELIVERABLE, _UNANSWERED, next_poll_at=self._clock(), expected=record.state
            )
            raise
        record = await row
        await store.set_message(record.id, record.channel_id, message_id)
        return dataclasses.replace(record, message_id=message_id)

    async def _answer_waiting(
        self, interaction: discord.Interaction[GridBot], record: JobRecord, place: Place, limits: Limits, now: float
    ) -> None:
        store = self._bot.store
        content = _waiting_text(record, place, limits, now)
        try:
            # the heading names the member: no ping for a message they caused themselves
            callback = await interaction.response.send_message(content, allowed_mentions=discord.AllowedMentions.none())
            message_id = callback.message_id if callback is not None else None
            if message_id is None:
                message_id = (await interaction.original_response()).id
            await store.set_message(record.id, record.channel_id, message_id)
            self._wanted[record.id] = self._shown[record.id] = content
        except discord.HTTPException:
            await store.mark_failed(
                record.id, rendering.UNDELIVERABLE, _UNANSWERED, next_poll_at=self._clock(), expected=record.state
            )
            raise
        finally:
            self._answering.discard(record.id)
        # a slot may have come free while the answer was on its way: the line is walked again now
        await store.reschedule(record.id, self._clock())
        self._bot.poller.wake()

    # --- release --------------------------------------------------------------------------------------

    async def release(self, guild_id: int | None) -> None:
        """Walk a server's line again: send the jobs whose turn came, show the others their place."""
        self._requested.add(guild_id)
        async with self._deciding[guild_id]:
            if guild_id not in self._requested:
                return  # a walk that began after this was asked for has just been done
            self._requested.discard(guild_id)
            walk = await self._walk(guild_id)
        # the edits are made outside the lock: admissions must not wait for Discord
        await asyncio.gather(
            *(self._send(record, provider) for record, provider in walk.released),
            *(self._show_place(record) for record in walk.still_waiting),
            return_exceptions=True,
        )

    async def _walk(self, guild_id: int | None) -> _Walk:
        store, pool = self._bot.store, self._bot.pool
        waiting = await store.waiting_jobs(guild_id)
        if not waiting:
            return _Walk()
        now = self._clock()
        limits = Limits.of(await self._bot.settings_store.server(guild_id))
        providers = {r.id: await pool.for_ref(r.provider, r.credential_ref or SETTINGS_REF) for r in waiting}
        usable = [record for record in waiting if providers[record.id] is not None]
        plan = plan_line(self._line(usable, guild_id), await self._usage(guild_id, limits, now), limits)
        await store.reschedule_waiting(guild_id, now + self._recheck)
        gone = [record for record in waiting if providers[record.id] is None]
        for record in gone:  # due now: the poller tells their members that the keys are gone
            await store.reschedule(record.id, now)
            self._forget(record.id)
        if gone:
            self._bot.poller.wake()
        released = []
        for job_id in plan.release:
            record = await store.release(job_id, expected=LifecycleState.WAITING)
            provider = providers[job_id]
            if record is not None and provider is not None:
                released.append((record, provider))
        still_waiting = []
        for record in usable:
            place = plan.places.get(record.id)
            if place is not None and record.id not in self._answering:
                # written in the order of the decisions, so the newest place is the one shown in the end
                self._wanted[record.id] = _waiting_text(record, place, limits, now)
                still_waiting.append(record)
        return _Walk(released, still_waiting)

    async def _send(self, record: JobRecord, provider: Provider) -> None:
        """Send a released job as its command would have (``record`` is ``pending``)."""
        lock = self._editing.get(record.id)
        if lock is not None:
            async with lock:  # a place being shown lands before the job's progress does
                pass
        self._forget(record.id)
        store = self._bot.store
        try:
            try:
                send = await rebuild_send(store, record, provider, self._bot.member_images)
            except CannotResend as error:
                log.warning("job %s: released, but cannot be sent: %s", record.id, error)
                await store.mark_failed(
                    record.id, CANNOT_RESEND, str(error), next_poll_at=self._clock(), expected=record.state
                )
                self._bot.poller.wake()
                return
            await submit_job(self._bot, None, record, provider, send)
        except Exception:
            # the row is pending: the poller reports it as of unknown outcome once its submit grace is over
            log.exception("job %s: sending it from the queue failed", record.id)

    async def _show_place(self, record: JobRecord) -> None:
        """Edit a waiting job's message to the place the latest walk decided, unless it shows that already."""
        if record.id not in self._wanted:
            return  # the job left the line meanwhile
        lock = self._editing.setdefault(record.id, asyncio.Lock())
        async with lock:
            content = self._wanted.get(record.id)
            changed = content is not None and content != self._shown.get(record.id)
            if changed and content is not None and await self._bot.poller.show_text(record, content):
                self._shown[record.id] = content
        if record.id not in self._wanted and not lock.locked():
            self._editing.pop(record.id, None)

    def _forget(self, job_id: int) -> None:
        """The job left the line: its place is no longer shown."""
        self._wanted.pop(job_id, None)
        self._shown.pop(job_id, None)
        lock = self._editing.get(job_id)
        if lock is not None and not lock.locked():
            del self._editing[job_id]

    # --- shared -----------------------------------------------------------------------------------------

    def _line(self, waiting: Sequence[JobRecord], guild_id: int | None) -> list[InLine]:
        server_ref = guild_ref(guild_id) if guild_id is not None else None
        return [
            InLine(record.id, record.owner_id, record.credential_ref == server_ref, held=record.id in self._answering)
            for record in waiting
        ]

    async def _usage(self, guild_id: int | None, limits: Limits, now: float) -> Usage:
        store = self._bot.store
        running = await store.running_by_owner(guild_id)
        if limits.daily_server_key_jobs is None or guild_id is None:
            return Usage(running)
        return Usage(running, await store.count_sent_since(guild_ref(guild_id), day_start(now)))


def _waiting_text(record: JobRecord, place: Place, limits: Limits, now: float) -> str:
    heading = rendering.job_heading(record, rendering.service_name(record.provider))
    return f"{heading}\n{waiting_line(place, limits, now, record.locale)}"


async def _written(record: JobRecord) -> JobRecord:
    """A row already written, as ``JobQueue._answer_thinking`` takes it."""
    return record
