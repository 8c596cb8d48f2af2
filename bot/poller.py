"""The one background task that follows every open job until its member has the result.

It sleeps on an ``asyncio.Event`` until the earliest job falls due (``JobStore.next_due_at``), claims the due
jobs, asks each service about all of its jobs at once (``poll_many``, with bounded concurrency per service)
and writes what it learnt through the store's state machine. Messages are edited as it goes: progress at a
throttled pace, the final result exactly once (``delivering`` → edit → ``delivered``; a crash in between
repeats the *same* edit). The interaction token is used while it is valid; after that the message is edited
with the bot token through the stored channel and message ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import logging
import time
import zlib
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Protocol

import discord

from bot import rendering
from bot.config import FrontEndSettings
from bot.credentials import SETTINGS_REF, ProviderPool
from bot.describe_rendering import describe_message, described_thumbnail, refused_describe_text, thumbnail_filename
from bot.dm_copy import send_result_copy
from bot.edit_budget import EditBudget
from bot.imaging import EncodedImage, ImageError
from bot.imaging.source import ResultPictures
from bot.queueing import JobQueue
from bot.talk_rendering import talk_message
from providers.core.base import Provider
from providers.core.errors import DecodeError, ErrorKind, ProviderError, RateLimitedError
from providers.core.models import ImageData, JobHandle, JobKind, JobState, JobStatus
from storage.jobs import JobRecord, JobStore, ProgressUpdate
from storage.lifecycle import (
    WAITING_RECHECK_SECONDS,
    IllegalTransition,
    LifecycleState,
    next_poll_delay,
    on_beat,
)

if TYPE_CHECKING:
    from discord.ext import commands

log = logging.getLogger(__name__)

#: the longest the loop sleeps without looking at the table (it is woken for anything sooner)
MAX_IDLE_SECONDS = 60.0
_FOLLOWED = (LifecycleState.SUBMITTED, LifecycleState.RUNNING)
_RESTART_UNKNOWN = "The bot restarted while this job was being sent."
#: Discord's code for "Request entity too large" (HTTP 413)
FILE_TOO_LARGE = 40005
#: Discord's code for "Invalid Form Body" (HTTP 400): a part of the message it does not take (a text too long)
INVALID_FORM_BODY = 50035
#: a progress preview: its longest side, its largest size, and how long fetching it may take at most (it never
#: holds up a progress edit longer than the pause between two of them, nor less than a second)
PREVIEW_SIDE = 512
PREVIEW_BYTES = 512 * 1024
PREVIEW_SECONDS = 5.0
#: how many times in a row a refused file is made smaller within one delivery attempt
MAX_SHRINKS = 3
#: a poll answer the bot cannot read (a truncated body, a garbled entry) is asked again this many times in a row
#: before the job fails: a poll is a read, so asking again costs little, and a body garbled once in transit is no
#: reason to fail a job. (A call that answers for many jobs narrows an unreadable reply down to the job whose own
#: answer it is, in the provider: Picpik's ListTasksDetails in halves, the Midjourney-style API's pages by ``limit``;
#: only that job's error reaches here.)
MAX_UNREADABLE_POLLS = 3


class MessageUnreachable(Exception):
    """The job's message can be edited neither through its interaction token nor with the bot token."""


@dataclass(frozen=True, slots=True)
class MessagePayload:
    """One edit of a job's message; files are rebuilt per attempt because discord.py consumes them."""

    content: str
    embed: discord.Embed | None = None
    image: EncodedImage | None = None
    filename: str | None = None
    buttons: tuple[tuple[rendering.ButtonSpec, ...], ...] = ()
    #: a final edit replaces attachments and buttons; a progress edit leaves none to replace
    final: bool = False
    #: what ``image`` was made from, so that a file Discord refuses as too large can be made smaller
    source: ResultPictures | None = None
    #: a file that is not the result picture (a talking video, a described image's thumbnail, a progress preview:
    #: file name, bytes), attached as it is
    file: tuple[str, bytes] | None = None
    #: sent instead when Discord refuses ``file`` as too large (a file that cannot be made smaller: its link)
    instead_if_too_large: MessagePayload | None = None
    #: sent instead when Discord refuses the message itself (400 / 50035: a part it finds too long); without one,
    #: a final message falls back on its short heading (``refusal_fallback``)
    instead_if_refused: MessagePayload | None = None
    #: a progress edit that leaves the message's embed and attachments as they are (a preview shown before stays)
    keep_media: bool = False

    def edit_arguments(self) -> dict[str, object]:
        arguments: dict[str, object] = {"content": self.content}
        if not self.keep_media:
            arguments["embed"] = self.embed
        files = []
        if self.image is not None and self.filename is not None:
            files.append(discord.File(io.BytesIO(self.image.data), filename=self.filename))
        if self.file is not None:
            files.append(discord.File(io.BytesIO(self.file[1]), filename=self.file[0]))
        if self.final or files:
            arguments["attachments"] = files
        if self.final:
            arguments["view"] = rendering.build_view(self.buttons)
        return arguments


def refusal_fallback(record: JobRecord, payload: MessagePayload) -> MessagePayload | None:
    """What a final message becomes when Discord refuses it (400 / 50035): its own ``instead_if_refused``, else
    the short heading (whose job, which service, its number, and why when it failed) with the same files and
    buttons, else just the job's number with the files. None when even that was refused: the picture is never
    dropped to get words through."""
    if payload.instead_if_refused is not None:
        return payload.instead_if_refused
    shortened = rendering.refused_result_text(record, rendering.service_name(record.provider))
    if payload.embed is not None or len(payload.content) > len(shortened):
        return dataclasses.replace(payload, content=shortened, embed=None)
    bare = f"#{record.id}"
    if payload.content != bare or payload.buttons:
        return dataclasses.replace(payload, content=bare, embed=None, buttons=())
    return None


class JobFollower(Protocol):
    """How the poller follows a job kind that is not a picture job (an app action of ``/picpik-app``): what it
    asks the service instead of ``Provider.poll_many``, and what the job's message says. A feature registers one
    per kind in ``GridBot.job_followers`` (in its ``cog_load``, before the poller starts); the row, its lifecycle,
    the pacing and the exactly-once final message stay the poller's."""

    #: how long a job of this kind is followed at most, in place of its service's ``job_timeout_seconds``
    timeout_seconds: float

    async def poll_many(
        self, provider: Provider, handles: Sequence[JobHandle]
    ) -> Mapping[str, JobState | ProviderError]:
        """One observation (or error) per handle, keyed by ``job_id``, like ``Provider.poll_many``."""
        ...

    def progress_text(self, record: JobRecord, service: str, state: JobState) -> str:
        """The message while the job is under way (edited only when it changes)."""
        ...

    def final_payload(self, record: JobRecord, service: str) -> MessagePayload:
        """The final message: what became of the job, success or failure (``record.failure_kind``)."""
        ...


class Poller:
    def __init__(
        self,
        client: commands.Bot,
        store: JobStore,
        pool: ProviderPool,
        settings: FrontEndSettings,
        *,
        clock: Callable[[], float] = time.time,
        followers: Mapping[JobKind, JobFollower] | None = None,
    ) -> None:
        self._client = client
        #: job kinds followed in their own way (``JobFollower``); every other kind is a picture job
        self._followers: Mapping[JobKind, JobFollower] = followers if followers is not None else {}
        self._store = store
        #: the provider for a job comes from its credential reference (whose keys it runs on)
        self._pool = pool
        self._settings = settings
        self._clock = clock
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._workers: set[asyncio.Task[None]] = set()
        self._in_flight: set[int] = set()
        #: in-flight jobs a claim round took again (see ``_hand_back``)
        self._claimed_meanwhile: set[int] = set()
        #: jobs whose interaction token Discord refused before its time: their messages take the bot token from
        #: then on (few: the bot stops using a token on its own before it expires)
        self._dead_tokens: set[int] = set()
        #: poll requests per service, whoever's keys its jobs run on
        self._limits: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.provider_concurrency)
        )
        #: downloads per service, apart from polls: a burst of deliveries never delays the polls of other jobs
        self._download_limits: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.download_concurrency)
        )
        #: job id → (monotonic time, content) of the last progress edit, to throttle and skip repeats
        self._shown: dict[int, tuple[float, str]] = {}
        #: job id → which preview its message shows (``_preview_key``), while it shows one
        self._previews: dict[int, str] = {}
        #: progress edits of all jobs together (a second's worth at once)
        self._progress_budget = EditBudget(
            settings.progress_edits_per_second, burst=max(1.0, settings.progress_edits_per_second)
        )
        self._stopping = False
        #: jobs waiting for their server's limits; a waiting row that comes due has its server's line walked
        self.queue = JobQueue(
            client, recheck_seconds=WAITING_RECHECK_SECONDS * settings.poll_interval_scale, clock=clock
        )

    # --- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="job-poller")

    async def stop(self) -> None:
        """Cancel the loop and every job being worked on; their rows stay open and resume at the next start."""
        self._stopping = True
        tasks = [t for t in (self._task, *self._workers) if t is not None]
        for task in tasks:
            task.cancel()
        # return_exceptions: the tasks' own CancelledErrors are collected; a cancel of stop() itself still raises
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task = None
        self._workers.clear()
        self._in_flight.clear()
        self._claimed_meanwhile.clear()

    def wake(self) -> None:
        """Look at the table now (a job was submitted or rescheduled)."""
        self._wakeup.set()

    # --- what the commands ask ------------------------------------------------------------------------

    def first_poll_at(self, provider: Provider) -> float:
        """When a job just submitted to ``provider`` should first be looked at."""
        return self._aligned(provider, self._clock() + self._delay(LifecycleState.SUBMITTED, 0.0, provider, 0))

    async def show_text(self, record: JobRecord, content: str) -> bool:
        """Edit a job's message to ``content`` outside a poll (a place in line, a job released from the queue),
        the way the poller edits it; False when Discord refused (logged)."""
        try:
            await self._edit(record, MessagePayload(content=content))
        except (discord.HTTPException, MessageUnreachable) as error:
            log.info("job %s: could not show %r: %s", record.id, content[-60:], error)
            return False
        return True

    def note_progress_shown(self, job_id: int, content: str) -> None:
        """A command showed this progress text itself; the next identical progress edit is skipped."""
        self._shown[job_id] = (time.monotonic(), content)

    # --- the loop -------------------------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            await self._resume()
        except Exception:  # the jobs still come due on their own schedule; only the head start is lost
            log.exception("resuming open jobs failed")
        while not self._stopping:
            self._wakeup.clear()
            try:
                await self._claim_round()
                due = await self._store.next_due_at()
            except Exception:
                log.exception("the poller's round failed; trying again shortly")
                due = self._clock() + 1.0
            idle = MAX_IDLE_SECONDS if due is None else min(MAX_IDLE_SECONDS, due - self._clock())
            if idle > 0:
                # asyncio.timeout, not wait_for: on 3.11 wait_for loses a cancel that arrives together with a wake-up
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(idle):
                        await self._wakeup.wait()

    async def _resume(self) -> None:
        """At start-up every open job belongs to no one: look at all of them now. A row still ``pending`` was
        being submitted when the previous process stopped; its outcome is unknown and it is never sent again."""
        now = self._clock()
        due_now: list[int] = []
        for records in (await self._store.open_jobs_by_provider()).values():
            for record in records:
                if record.state is LifecycleState.PENDING:
                    await self._store.mark_submit_unknown(record.id, _RESTART_UNKNOWN, expected=record.state)
                elif record.next_poll_at is None or record.next_poll_at > now:
                    due_now.append(record.id)
        await self._store.reschedule_many(due_now, now)

    async def _claim_round(self) -> None:
        settings = self._settings
        claimed = await self._store.claim_due(self._clock(), settings.claim_batch_size, settings.claim_lease_seconds)
        # one provider instance per service and keys: jobs on different members' keys are asked apart
        by_provider: dict[tuple[str, str], list[JobRecord]] = defaultdict(list)
        for record in claimed:
            if record.id in self._in_flight:
                self._claimed_meanwhile.add(record.id)
            else:
                self._in_flight.add(record.id)
                by_provider[record.provider, record.credential_ref or SETTINGS_REF].append(record)
        for (name, ref), records in by_provider.items():
            worker = asyncio.create_task(self._work(name, ref, records), name=f"job-poller-{name}")
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)

    async def _work(self, provider_name: str, ref: str, records: list[JobRecord]) -> None:
        try:
            provider = await self._pool.for_ref(provider_name, ref)
            if provider is None:
                await asyncio.gather(*(_guarded(r, self._not_configured(r, provider_name)) for r in records))
                return
            followed, others = [], []
            for record in records:
                (followed if record.state in _FOLLOWED and record.handle_json is not None else others).append(record)
            await asyncio.gather(
                self._follow(provider, followed), *(_guarded(r, self._settle(provider, r)) for r in others)
            )
        except Exception:
            log.exception("following %s jobs %s failed", provider_name, [record.id for record in records])
        finally:
            self._in_flight.difference_update(record.id for record in records)
            if not self._stopping:
                await self._hand_back(records)
                self.wake()

    async def _hand_back(self, records: Sequence[JobRecord]) -> None:
        """A worker writes a job's next due time before it is done with it (a progress edit may follow); a claim
        round in between takes the job again, pushing that time a lease away, and leaves it to this worker. So
        the job is made due now, rather than after the lease."""
        for record in records:
            if record.id in self._claimed_meanwhile:
                self._claimed_meanwhile.discard(record.id)
                try:
                    await self._store.reschedule(record.id, self._clock())
                except Exception:
                    log.exception("job %s: could not make it due again; it is when its lease runs out", record.id)

    # --- following running jobs -----------------------------------------------------------------------

    async def _follow(self, provider: Provider, records: Sequence[JobRecord]) -> None:
        now = self._clock()
        live: list[JobRecord] = []
        for record in records:
            # a kind with its own follower has its own time limit (an app action is not a picture job)
            follower = self._followers.get(record.kind)
            limit = follower.timeout_seconds if follower is not None else provider.settings.job_timeout_seconds
            if now - (record.submitted_at or record.created_at) > limit:
                minutes = limit / 60
                message = f"{provider.display_name} did not finish within {minutes:g} minutes."
                await self._fail(provider, record, ErrorKind.TIMEOUT, message, timed_out=True)
            else:
                live.append(record)
        if not live:
            return
        handles = {record.id: record.handle for record in live}
        async with self._limits[provider.name]:
            try:
                outcomes = await self._poll_many(provider, [h for h in handles.values() if h is not None])
            except ProviderError as error:  # poll_many reports per job; this is a guard, not the usual path
                outcomes = {h.job_id: error for h in handles.values() if h is not None}
        unchanged: list[JobRecord] = []
        progressed: list[tuple[JobRecord, JobState]] = []
        others: list[tuple[JobRecord, JobState | ProviderError | None]] = []
        for record in live:
            outcome = outcomes.get(handles[record.id].job_id)  # type: ignore[union-attr]
            if self._nothing_new(provider, record, outcome):
                unchanged.append(record)
            elif isinstance(outcome, JobState) and not outcome.status.is_terminal:
                progressed.append((record, outcome))
            else:
                others.append((record, outcome))
        if unchanged:
            # the usual answer: still queued, or running at the same percentage — one write for all of them
            youngest = max(unchanged, key=lambda r: r.submitted_at or r.created_at)
            next_at = self._next_follow_at(provider, youngest)
            await self._store.reschedule_many([record.id for record in unchanged], next_at)
        if progressed:
            # a new percentage, or started running: one write for all of them, then their messages
            updates = [
                ProgressUpdate(r.id, r.state, o.status, o.progress, self._next_follow_at(provider, r))
                for r, o in progressed
            ]
            moved = await self._store.record_progress_many(updates)
            await asyncio.gather(
                *(_guarded(r, self._show_progress(provider, r, o)) for r, o in progressed if r.id in moved)
            )
        await asyncio.gather(*(_guarded(record, self._observe(provider, record, o)) for record, o in others))

    async def _poll_many(
        self, provider: Provider, handles: Sequence[JobHandle]
    ) -> Mapping[str, JobState | ProviderError]:
        """``provider.poll_many``, except for kinds with a follower of their own, which ask the service themselves."""
        by_follower: defaultdict[JobKind | None, list[JobHandle]] = defaultdict(list)
        for handle in handles:
            by_follower[handle.kind if handle.kind in self._followers else None].append(handle)
        outcomes: dict[str, JobState | ProviderError] = {}
        for kind, group in by_follower.items():
            asked = provider.poll_many(group) if kind is None else self._followers[kind].poll_many(provider, group)
            outcomes.update(await asked)
        return outcomes

    async def _observe(self, provider: Provider, record: JobRecord, outcome: JobState | ProviderError | None) -> None:
        """A poll's answer other than progress (``_follow`` writes a round's progress at once): no answer, an
        error, or the job finished."""
        try:
            if outcome is None:
                await self._retry_later(provider, record, None)
            elif isinstance(outcome, ProviderError):
                if outcome.retryable or _unreadable_poll_worth_repeating(outcome, record):
                    await self._retry_later(provider, record, outcome)
                else:
                    await self._note_key_use(record, outcome.kind)
                    await self._fail(provider, record, outcome.kind, outcome.user_message)
            else:
                await self._note_key_use(record, outcome.failure.kind if outcome.failure is not None else None)
                if await self._store.mark_result(record.id, outcome, expected=record.state):
                    await self._settle(provider, await self._store.get(record.id))
        except IllegalTransition:
            log.exception("job %s: the poll's answer does not fit its state", record.id)

    def _nothing_new(self, provider: Provider, record: JobRecord, outcome: JobState | ProviderError | None) -> bool:
        """The poll says what the row already says (the same state, no new percentage, no errors to clear) and
        the message already shows it, so nothing but the next due time needs writing."""
        if not isinstance(outcome, JobState) or outcome.status.is_terminal or record.poll_errors:
            return False
        if outcome.preview is not None or (outcome.progress is not None and outcome.progress != record.progress):
            return False
        if record.state is LifecycleState.SUBMITTED and outcome.status is not JobStatus.QUEUED:
            return False  # it started running: a state change
        if record.state not in _FOLLOWED:
            return False
        shown = self._shown.get(record.id, (None, None))[1]
        # a running job said to be queued again stays running, and is shown so
        status = JobStatus.RUNNING if record.state is LifecycleState.RUNNING else outcome.status
        return shown == rendering.progress_text(record, provider.display_name, status, record.progress)

    async def _note_key_use(self, record: JobRecord, failure_kind: str | None) -> None:
        """A member's or server's key was used: ``/keys list`` shows when, and the call's outcome (its kind)."""
        await self._pool.record_use(record.provider, record.credential_ref, failure=failure_kind)

    async def _retry_later(self, provider: Provider, record: JobRecord, error: ProviderError | None) -> None:
        retry_after = error.retry_after if isinstance(error, RateLimitedError) else None
        age = self._clock() - (record.submitted_at or record.created_at)
        delay = self._delay(record.state, age, provider, record.poll_errors + 1, retry_after)
        await self._store.record_error(record.id, self._clock() + delay)
        if error is not None:
            log.info("job %s: %s; polling again in %.1f s", record.id, error, delay)

    async def _show_progress(self, provider: Provider, record: JobRecord, state: JobState) -> None:
        follower = self._followers.get(record.kind)
        if follower is not None:
            content = follower.progress_text(record, provider.display_name, state)
        else:
            content = rendering.progress_text(record, provider.display_name, state.status, state.progress)
        shown_at, shown = self._shown.get(record.id, (None, None))
        now = time.monotonic()
        if content == shown or (
            shown_at is not None and now - shown_at < self._settings.progress_edit_interval_seconds
        ):
            return
        if not self._progress_budget.take():
            return  # the bot's progress edits are at their rate: this news waits for the next poll's
        self._shown[record.id] = (now, content)
        payload, preview = await self._progress_payload(provider, record, content, state.preview)
        try:
            await self._edit(record, payload)
        except (discord.HTTPException, MessageUnreachable) as error:
            log.info("job %s: progress edit failed: %s", record.id, error)
            return
        if preview is not None:
            self._previews[record.id] = preview

    async def _progress_payload(
        self, provider: Provider, record: JobRecord, content: str, preview: ImageData | None
    ) -> tuple[MessagePayload, str | None]:
        """A progress edit, and which preview it attaches (``_preview_key``; None: none new). The service's
        preview is attached as a file when it has a new one that can be fetched in time; never its link, which may
        be a plain-http address of the service's own network that a member must not be sent to. A preview shown
        before stays while there is no new one."""
        shown = self._previews.get(record.id)
        unchanged = MessagePayload(content=content, keep_media=shown is not None), None
        if preview is not None and _preview_key(preview) == shown:
            return unchanged
        found = await self._preview_picture(provider, record, preview)
        if found is None or found[0] == shown:
            return unchanged
        key, picture = found
        filename = rendering.preview_filename(record, picture.extension)
        embed = rendering.preview_embed(filename)
        return MessagePayload(content=content, embed=embed, file=(filename, picture.data)), key

    async def _preview_picture(
        self, provider: Provider, record: JobRecord, preview: ImageData | None
    ) -> tuple[str, EncodedImage] | None:
        """The job's preview (which, and the picture made small), within the pause between two progress edits:
        fetched through the provider, never linked (the Midjourney-style API's previews are plain-http links on its
        own address). None when the service's downloads are busy with results (those come first), or there is none,
        or it cannot be fetched or read in time."""
        downloads = self._download_limits[provider.name]
        if downloads.locked():
            return None
        seconds = min(PREVIEW_SECONDS, max(1.0, self._settings.progress_edit_interval_seconds))
        limit = min(PREVIEW_BYTES, record.upload_limit or self._settings.upload_limit_bytes)
        if preview is None:
            return None
        try:
            async with downloads, asyncio.timeout(seconds):
                data = await provider.download(preview)
                return _preview_key(preview), await asyncio.to_thread(
                    rendering.small_picture, data, PREVIEW_SIDE, limit
                )
        except (ProviderError, ImageError, TimeoutError) as error:
            log.info("job %s: no preview shown (%s)", record.id, type(error).__name__)
            return None

    def _forget_shown(self, job_id: int) -> None:
        """The job's message is final: what its progress showed no longer matters."""
        self._shown.pop(job_id, None)
        self._previews.pop(job_id, None)

    # --- finishing ------------------------------------------------------------------------------------

    async def _settle(self, provider: Provider, record: JobRecord) -> None:
        """Move a job that is not polled towards its final message."""
        if record.state is LifecycleState.WAITING:  # its server's line decides when it goes (bot.queueing)
            await self.queue.release(record.guild_id)
        elif record.state is LifecycleState.PENDING:
            # only due when its submit never got recorded (the previous process died while sending it)
            await self._store.mark_submit_unknown(record.id, _RESTART_UNKNOWN, expected=record.state)
        elif record.state is LifecycleState.UNKNOWN:
            reason = rendering.failure_reason(ErrorKind.SUBMIT_UNKNOWN, provider.display_name)
            message = record.failure_message or reason
            await self._fail(provider, record, ErrorKind.SUBMIT_UNKNOWN, message)
        elif record.state in (LifecycleState.DELIVERING, LifecycleState.FAILING):
            await self._deliver(provider, record)
        elif record.state in _FOLLOWED:  # followed without a handle: nothing can ever be asked about it
            await self._fail(provider, record, ErrorKind.NOT_FOUND, "The job's service ids were lost.")

    async def _fail(
        self, provider: Provider, record: JobRecord, kind: str, message: str, *, timed_out: bool = False
    ) -> None:
        if await self._store.mark_failed(record.id, str(kind), message, timed_out=timed_out, expected=record.state):
            await self._deliver(provider, await self._store.get(record.id))

    async def _not_configured(self, record: JobRecord, provider_name: str) -> None:
        """The keys the job was started with are gone (removed, or the service is no longer offered)."""
        service = rendering.service_name(provider_name)
        ref = record.credential_ref or SETTINGS_REF
        if ref == SETTINGS_REF:
            message = f"{service} has no credentials in the bot's settings."
        else:
            whose = "the server's" if ref.startswith("guild:") else "the member's own"
            message = f"The {service} keys this job was started with ({whose}) were removed."
        if record.state is LifecycleState.DELIVERING:  # finished, but its images cannot be fetched without it
            await self._give_up(record, service, message)
            return
        failing = record
        if record.state is not LifecycleState.FAILING:
            kind = rendering.NOT_CONFIGURED if ref == SETTINGS_REF else rendering.KEYS_REMOVED
            if not await self._store.mark_failed(record.id, kind, message, expected=record.state):
                return
            failing = await self._store.get(record.id)
        follower = self._followers.get(failing.kind)
        if follower is not None:
            await self._send_final(failing, follower.final_payload(failing, service))
            return
        content = rendering.failure_text(failing, service)
        await self._send_final(failing, MessagePayload(content=content, final=True))

    async def _deliver(self, provider: Provider, record: JobRecord) -> None:
        service = provider.display_name
        follower = self._followers.get(record.kind)
        if follower is not None:  # its own final message, whether it succeeded or failed
            await self._send_final(record, follower.final_payload(record, service))
            return
        if record.state is LifecycleState.FAILING:
            payload = MessagePayload(content=rendering.failure_text(record, service), final=True)
            await self._send_final(record, payload)
            return
        try:
            payload = await self._result_payload(provider, record)
        except ProviderError as error:
            if error.retryable and record.poll_errors + 1 < self._settings.max_delivery_attempts:
                await self._retry_later(provider, record, error)
                return
            await self._give_up(record, service, error.user_message)
            return
        except ImageError as error:
            await self._give_up(record, service, error.user_message)
            return
        await self._send_final(record, payload)

    async def _result_payload(self, provider: Provider, record: JobRecord) -> MessagePayload:
        if record.kind is JobKind.DESCRIBE:
            return await self._describe_payload(provider, record)
        if record.kind is JobKind.TALK:  # a video, not pictures (bot/talk_rendering.py)
            may_retry = record.poll_errors + 1 < self._settings.max_delivery_attempts
            async with self._download_limits[provider.name]:
                limit = record.upload_limit or self._settings.upload_limit_bytes
                shown = await talk_message(provider, record, limit, may_retry=may_retry)
            instead = None if shown.without_file is None else MessagePayload(content=shown.without_file, final=True)
            return MessagePayload(content=shown.content, file=shown.file, final=True, instead_if_too_large=instead)
        result = record.result
        if result is None or not result.images:
            raise ImageError("The service sent no image.")
        # the limit the member's interaction allowed (boosted servers allow more); older rows have none
        limit = record.upload_limit or self._settings.upload_limit_bytes
        async with self._download_limits[provider.name]:
            shown = result.images[: rendering.GRID_SIZE]
            pictures = await asyncio.gather(*(provider.download(image) for image in shown))
        source = ResultPictures.of(tuple(pictures), service_made_grid=result.is_grid)
        encoded = await source.encode(limit)
        count = rendering.GRID_SIZE if result.is_grid else len(pictures)
        rows = rendering.button_rows(record.id, record.kind, provider.capabilities, count, record.locale)
        return MessagePayload(
            content=rendering.result_text(record, provider.display_name),
            image=encoded,
            source=source,
            filename=rendering.result_filename(record, encoded.extension),
            buttons=tuple(tuple(row) for row in rows),
            final=True,
        )

    async def _describe_payload(self, provider: Provider, record: JobRecord) -> MessagePayload:
        """Prompts instead of pictures: the numbered prompts, a small copy of the image described, buttons 1…N."""
        result = record.result
        if result is None or not result.texts:
            raise DecodeError(f"{provider.display_name} sent no prompts.", provider=provider.name)
        service, prompts = provider.display_name, result.texts
        thumbnail = await described_thumbnail(getattr(self._client, "member_images", None), record)
        without = describe_message(record, service, prompts, provider.capabilities)
        plain = MessagePayload(content=without.content, embed=without.embed, buttons=without.buttons, final=True)
        if thumbnail is None:
            return dataclasses.replace(plain, instead_if_refused=self._refused_describe(record, service, plain))
        name = thumbnail_filename(record, thumbnail.extension)
        shown = describe_message(record, service, prompts, provider.capabilities, thumbnail=name)
        with_thumbnail = dataclasses.replace(plain, embed=shown.embed, file=(name, thumbnail.data))
        return dataclasses.replace(
            with_thumbnail,
            instead_if_too_large=plain,
            instead_if_refused=self._refused_describe(record, service, with_thumbnail),
        )

    @staticmethod
    def _refused_describe(record: JobRecord, service: str, payload: MessagePayload) -> MessagePayload:
        """A describe message Discord refused: the prompts as plain content, without the embed."""
        prompts = record.result.texts if record.result is not None else []
        return dataclasses.replace(payload, content=refused_describe_text(record, service, prompts), embed=None)

    async def _give_up(self, record: JobRecord, service: str, reason: str) -> None:
        """A finished job whose images cannot be shown: say why in its message and close the row."""
        shown = dataclasses.replace(record, failure_kind=rendering.IMAGE_UNUSABLE, failure_message=reason)
        payload = MessagePayload(content=rendering.failure_text(shown, service), final=True)
        with contextlib.suppress(discord.HTTPException, MessageUnreachable):
            await self._edit_within_upload_limit(shown, payload)
        await self._store.mark_undeliverable(record.id, reason, expected=record.state)
        self._forget_shown(record.id)

    async def _send_final(self, record: JobRecord, payload: MessagePayload) -> None:
        try:
            message = await self._edit_within_upload_limit(record, payload)
        except MessageUnreachable as error:
            log.warning("job %s: %s", record.id, error)
            await self._store.mark_undeliverable(record.id, str(error), expected=record.state)
            self._forget_shown(record.id)
            return
        except discord.HTTPException as error:
            if record.poll_errors + 1 >= self._settings.max_delivery_attempts:
                reason = f"Discord refused the message: {error}"
                await self._store.mark_undeliverable(record.id, reason, expected=record.state)
                return
            delay = self._delay(record.state, 0.0, None, record.poll_errors + 1)
            log.warning("job %s: sending the final message failed (%s); again in %.1f s", record.id, error, delay)
            await self._store.record_error(record.id, self._clock() + delay)
            return
        if await self._store.mark_delivered(record.id, message.id, expected=record.state):
            # best effort, after the row is closed: a failed copy never repeats the job (bot.dm_copy)
            await send_result_copy(self._client, record, message.id, payload.image, payload.filename)
        self._forget_shown(record.id)

    async def _edit_within_upload_limit(self, record: JobRecord, payload: MessagePayload) -> discord.Message:
        """``_edit`` of a final message, which Discord must not refuse for its words or a file's size.

        When Discord refuses the file as too large (413 / 40005) although it was within the limit the interaction
        gave, a smaller one is made from the same pictures (at most ``MAX_SHRINKS`` times), or the payload's
        ``instead_if_too_large`` is sent. When it refuses the message itself (400 / 50035: a part it counts as too
        long), the message is sent shortened (``refusal_fallback``): the picture with a minimal text, never
        silence. A refused edit showed nothing, so this stays one delivery; anything else, or a refusal with
        nothing left to try, goes to the usual retry."""
        shrinks = 0
        while True:
            try:
                return await self._edit(record, payload)
            except discord.HTTPException as error:
                if _form_refused(error):
                    fallback = refusal_fallback(record, payload)
                    if fallback is None:
                        raise
                    log.warning("job %s: Discord refused the final message (%s); sending it shortened", record.id,
                                error.text[:300])
                    payload = fallback
                    continue
                if not _file_too_large(error):
                    raise
                if payload.instead_if_too_large is not None:
                    log.info("job %s: Discord refused the file as too large; sending the message without it", record.id)
                    payload = payload.instead_if_too_large
                    continue
                if payload.source is None or payload.image is None or shrinks >= MAX_SHRINKS:
                    raise
                try:
                    smaller = await payload.source.smaller_than(payload.image)
                except ImageError:
                    raise error from None
                log.info("job %s: Discord refused %r as too large; sending %r", record.id, payload.image, smaller)
                shrinks += 1
                filename = smaller.filename(PurePath(payload.filename or "image").stem)
                payload = dataclasses.replace(payload, image=smaller, filename=filename)

    # --- Discord --------------------------------------------------------------------------------------

    async def _edit(self, record: JobRecord, payload: MessagePayload) -> discord.Message:
        """Edit the job's message: through the interaction token while it is valid, else with the bot token."""
        margin = self._settings.token_safety_margin_seconds
        usable = record.id not in self._dead_tokens and record.token_usable(self._clock() + margin)
        if record.interaction_token is not None and usable:
            webhook = discord.Webhook.partial(
                self._client.application_id or 0, record.interaction_token, client=self._client
            )
            target: int = record.message_id if record.message_id is not None else "@original"  # type: ignore[assignment]
            try:
                return await webhook.edit_message(target, **payload.edit_arguments())  # type: ignore[arg-type]
            except discord.HTTPException as error:
                if error.status not in (401, 404):
                    raise
                # never again: requests Discord refuses count towards an IP ban
                self._dead_tokens.add(record.id)
                log.info("job %s: the interaction token no longer works (%s); using the bot token", record.id, error)
        if record.message_id is None:
            raise MessageUnreachable("the message id was never stored, and the interaction token has expired")
        message = self._client.get_partial_messageable(record.channel_id).get_partial_message(record.message_id)
        try:
            return await message.edit(**payload.edit_arguments())  # type: ignore[arg-type]
        except (discord.NotFound, discord.Forbidden) as error:
            raise MessageUnreachable(f"the message cannot be edited any more ({error})") from error

    # --- pacing ---------------------------------------------------------------------------------------

    def _next_follow_at(self, provider: Provider, record: JobRecord) -> float:
        """When a running job that just answered is asked again."""
        age = self._clock() - (record.submitted_at or record.created_at)
        return self._aligned(provider, self._clock() + self._delay(LifecycleState.RUNNING, age, provider, 0))

    def _aligned(self, provider: Provider, at: float) -> float:
        """Where one request answers for many jobs, their polls fall due on the same beat (``on_beat``: the last
        beat not after ``at``), so a round claims them together and asks once for all of them. Each service's beat
        has its own phase, so that two services' rounds (and their deliveries) do not come in the same instant."""
        if not provider.answers_many_per_call:
            return at
        beat = self._settings.follow_interval_seconds * self._settings.poll_interval_scale
        phase = zlib.crc32(provider.name.encode()) % 1000 / 1000 * beat
        return on_beat(at, self._clock(), beat, phase)

    def _delay(
        self,
        state: LifecycleState,
        age: float,
        provider: Provider | None,
        errors: int,
        retry_after: float | None = None,
    ) -> float:
        typical = provider.typical_job_seconds if provider is not None else 30.0
        settings = self._settings
        if provider is None:
            longest = None
        elif provider.answers_many_per_call:
            longest = settings.follow_interval_seconds
        else:
            longest = settings.per_job_follow_interval_seconds
        delay = next_poll_delay(state, age, typical, errors, retry_after, longest_unasked=longest)
        return delay * settings.poll_interval_scale


def _unreadable_poll_worth_repeating(error: ProviderError, record: JobRecord) -> bool:
    return isinstance(error, DecodeError) and record.poll_errors + 1 < MAX_UNREADABLE_POLLS


def _file_too_large(error: discord.HTTPException) -> bool:
    return error.status == 413 or error.code == FILE_TOO_LARGE


def _form_refused(error: discord.HTTPException) -> bool:
    """Discord refused what the message holds (400 "Invalid Form Body"), not who sent it or when."""
    return error.status == 400 and error.code == INVALID_FORM_BODY


def _preview_key(preview: ImageData) -> str:
    """What tells one preview from the next: its link, or its bytes' checksum."""
    if preview.url:
        return preview.url
    return f"crc32:{zlib.crc32(preview.data or b'')}"


async def _guarded(record: JobRecord, work: Awaitable[None]) -> None:
    """One job's step; a failure is logged and the job comes due again when its claim's lease runs out."""
    try:
        await work
    except Exception:
        log.exception("job %s: the poller's step failed; it is retried when its lease runs out", record.id)
