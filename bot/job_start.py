"""Starting a job: "thinking…", the row, the service call, the outcome recorded, the job handed to the poller.

Shared by every command and button that starts a job (``start_job``). The row exists before the service is
called, so a crash at any point leaves something the poller can finish: ``pending`` (becomes "outcome
unknown"), ``submitted`` (followed). Where the server's limits apply, ``bot.queueing`` decides first: the job
goes now, or waits in the server's queue (``waiting``, sent later through ``submit_job`` by the poller).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

import discord
from pydantic import BaseModel

from bot import rendering
from bot.credentials import Resolved
from bot.i18n.errors import error_text
from bot.server_rules import admit_job
from providers.core.base import Provider
from providers.core.errors import ProviderError, SubmitOutcomeUnknownError
from providers.core.models import JobHandle, JobKind, JobStatus
from storage.jobs import JobRecord
from storage.lifecycle import LifecycleState

if TYPE_CHECKING:
    from bot.app import GridBot

log = logging.getLogger(__name__)

_UNEXPECTED = "An unexpected error happened while the job was being sent."


class NotSent(Exception):
    """Raised by a job's send when the bot itself decides not to send it after all (a member's image that turned
    out unusable): ``kind`` names the failure in the job's message (``jobs.reason.<kind>``), and ``detail``, shown
    under it, is already in the member's language. The service was not asked, so no keys were used."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(kind)
        self.kind = kind
        self.detail = detail


async def deferred_message_id(interaction: discord.Interaction[GridBot]) -> int:
    """Answer with "thinking…" and return the id of that message (kept for edits after the token expires)."""
    callback = await interaction.response.defer(thinking=True)
    if callback is not None and callback.message_id is not None:
        return callback.message_id
    return (await interaction.original_response()).id


async def start_job(
    interaction: discord.Interaction[GridBot],
    resolved: Resolved,
    kind: JobKind,
    request: BaseModel | Mapping[str, Any] | None,
    send: Callable[[], Awaitable[JobHandle]],
    *,
    parent: JobRecord | None = None,
    grid_index: int | None = None,
    on_waiting: Callable[[JobRecord], Awaitable[None]] | None = None,
) -> JobRecord | None:
    """Answer with "thinking…", write the job's row (before the service is called), then send it.

    Everything the poller needs later is taken from the interaction: where to edit (channel and message
    ids, the token and when it expires), the member's language and the upload limit of their server.
    ``resolved`` is the provider with the keys of the member who asked, and whose keys those are.
    None when the server's rules refuse the job (the member was told why, privately; nothing was written or sent),
    or when its limits make it wait (its row is ``waiting``, its message says its place in line) or refuse it.
    ``on_waiting`` runs once the row of a job that waits is written, before the job can be released (what
    ``send`` would need later and cannot be read again then: members' checked images).
    """
    bot = interaction.client
    provider = resolved.provider
    if not await admit_job(interaction, resolved, kind, request):
        return None

    def write_row(message_id: int | None, *, waiting_until: float | None = None) -> Awaitable[JobRecord]:
        row = create_row(message_id, waiting_until)
        return row if waiting_until is None or on_waiting is None else _then(row, on_waiting)

    def create_row(message_id: int | None, waiting_until: float | None) -> Awaitable[JobRecord]:
        return bot.store.create(
            kind=kind,
            provider=provider.name,
            owner_id=interaction.user.id,
            channel_id=interaction.channel_id or (parent.channel_id if parent is not None else 0),
            guild_id=interaction.guild_id,
            message_id=message_id,
            interaction_token=interaction.token,
            token_expires_at=interaction.expires_at.timestamp(),
            locale=interaction.locale.value,
            upload_limit=interaction.filesize_limit,
            request=request,
            parent_job_id=parent.id if parent is not None else None,
            grid_index=grid_index,
            credential_ref=resolved.ref,
            waiting=waiting_until is not None,
            next_poll_at=waiting_until,
        )

    # the server's limits: "thinking…" and the row to send now, or the job waits in line, or it is refused
    record = await bot.poller.queue.admit(interaction, resolved.ref, kind, write_row)
    if record is None:
        return None
    await submit_job(bot, interaction, record, provider, send)
    return record


async def _then(row: Awaitable[JobRecord], step: Callable[[JobRecord], Awaitable[None]]) -> JobRecord:
    record = await row
    await step(record)
    return record


async def submit_job(
    bot: GridBot,
    interaction: discord.Interaction[GridBot] | None,
    record: JobRecord,
    provider: Provider,
    send: Callable[[], Awaitable[JobHandle]],
) -> None:
    """Send the job; then show "waiting" and let the poller follow it, or let the poller report the failure.

    ``interaction`` None: a job released from its server's queue, whose message the poller edits."""
    store = bot.store
    try:
        handle = await send()
    except NotSent as refused:
        await store.mark_failed(
            record.id, refused.kind, refused.detail, next_poll_at=time.time(), expected=LifecycleState.PENDING
        )
        bot.poller.wake()
        return
    except SubmitOutcomeUnknownError as error:
        await bot.pool.record_use(provider.name, record.credential_ref, failure=error.kind)
        await store.mark_submit_unknown(record.id, error.user_message, expected=LifecycleState.PENDING)
        bot.poller.wake()
        return
    except ProviderError as error:
        await bot.pool.record_use(provider.name, record.credential_ref, failure=error.kind)
        # due at once: the poller sends the message saying why
        await store.mark_failed(
            record.id,
            error.kind.value,
            error_text(error, record.locale),  # in the member's language where the error has a translation
            next_poll_at=time.time(),
            expected=LifecycleState.PENDING,
        )
        bot.poller.wake()
        return
    except Exception:
        # the request may have left: never send it again, report it as of unknown outcome
        log.exception("job %s: submitting to %s failed unexpectedly", record.id, provider.name)
        await store.mark_submit_unknown(record.id, _UNEXPECTED, expected=LifecycleState.PENDING)
        bot.poller.wake()
        return
    await bot.pool.record_use(provider.name, record.credential_ref)
    # shown before the row says "submitted": until then the poller leaves the job alone, so this edit can
    # never land on top of the final result
    content = rendering.progress_text(record, provider.display_name, JobStatus.QUEUED, None)
    if await _show(bot, interaction, record, content):
        bot.poller.note_progress_shown(record.id, content)
    await store.mark_submitted(
        record.id, handle, next_poll_at=bot.poller.first_poll_at(provider), expected=LifecycleState.PENDING
    )
    bot.poller.wake()


async def _show(
    bot: GridBot, interaction: discord.Interaction[GridBot] | None, record: JobRecord, content: str
) -> bool:
    """Edit the job's message: through the command's interaction, or as the poller edits (a released job)."""
    if interaction is None:
        return await bot.poller.show_text(record, content)
    try:
        await interaction.edit_original_response(content=content)
    except discord.HTTPException as error:
        log.info("job %s: could not show that it is waiting: %s", record.id, error)
        return False
    return True
