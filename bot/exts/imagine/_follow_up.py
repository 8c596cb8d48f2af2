"""Starting a job from a finished one: U*n*, V*n*, 🔄 and remix, whether from a button, a modal or a command.

A follow-up of an upscaled image is a follow-up of the grid it came from, at the same position: "Vary" on
image #2 is V2 of its grid, 🔄 re-rolls the grid's prompt. That is what every service understands (the
Midjourney-style API only varies grids), and the full-size image is the same picture as the grid cell.

Who may start one, and where, is ``bot.job_access``: the owner anywhere, anyone else only in the grid's own channel
while its server lets anyone press; a refusal never tells a stranger whether the job exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot import rendering
from bot.credentials import NoKeys, no_keys_text
from bot.i18n import t
from bot.job_access import Access, access
from bot.job_senders import follow_up_send, parent_job
from bot.job_start import start_job
from providers.core.models import Capability, ImagineRequest, JobKind, ParentJob
from storage.jobs import JobNotFound, JobRecord
from storage.lifecycle import LifecycleState

if TYPE_CHECKING:
    from bot.app import GridBot

NEEDS: dict[JobKind, Capability] = {
    JobKind.UPSCALE: Capability.UPSCALE,
    JobKind.VARIATION: Capability.VARIATION,
    JobKind.REMIX: Capability.REMIX,
    JobKind.REROLL: Capability.REROLL,
}


@dataclass(frozen=True, slots=True)
class FollowUp:
    """What to start: ``kind`` from image ``index`` of ``grid`` (``index`` None for 🔄), with ``prompt`` for remix."""

    grid: JobRecord
    kind: JobKind
    index: int | None
    prompt: str | None = None


async def read_job(bot: GridBot, job_id: int) -> JobRecord | None:
    try:
        return await bot.store.get(job_id)
    except JobNotFound:
        return None


async def grid_of(bot: GridBot, record: JobRecord) -> tuple[JobRecord | None, int | None]:
    """The grid a job's follow-ups start from, and the position in it: itself for a grid, the parent grid and
    the upscaled position for an upscale (None when that grid is gone)."""
    if record.kind is not JobKind.UPSCALE:
        return record, None
    if record.parent_job_id is None:
        return None, None
    return await read_job(bot, record.parent_job_id), record.grid_index


def unknown_job_text(locale: object) -> str:
    """The answer to a job number that does not exist and to one this member may not use here: the same words,
    so that trying numbers tells nobody which jobs exist (``bot.job_access``)."""
    return t("follow_up.no_such_job", locale)


async def refusal(
    interaction: discord.Interaction[GridBot], grid: JobRecord | None, kind: JobKind
) -> str | None:
    """Why this member cannot start this follow-up from ``grid`` here, or None."""
    bot, locale = interaction.client, interaction.locale
    if grid is None:
        return t("follow_up.gone", locale)
    allowed = await access(bot, grid, interaction)
    if allowed is Access.HIDDEN:
        return unknown_job_text(locale)
    if allowed is Access.NOT_OWNER:
        return t("follow_up.not_owner", locale, owner=f"<@{grid.owner_id}>")
    if grid.kind not in rendering.GRID_KINDS:
        return t("follow_up.not_a_grid", locale, job=grid.id)
    if grid.state is not LifecycleState.DELIVERED or grid.result_json is None or grid.handle_json is None:
        return t("follow_up.not_finished", locale, job=grid.id)
    service = bot.service_classes.get(grid.provider)
    if service is None:
        return rendering.failure_reason(rendering.NOT_CONFIGURED, grid.provider, locale)
    if not service.supports(NEEDS[kind]):
        return t("follow_up.unsupported", locale, service=service.display_name)
    return None


def finished_parent(grid: JobRecord) -> ParentJob:
    parent = parent_job(grid)
    if parent is None:  # refusal() rules this out; a clear error if not
        raise ValueError(f"job {grid.id} has no finished result to start from")
    return parent


def request_of(follow_up: FollowUp, parent: ParentJob) -> ImagineRequest | dict[str, object] | None:
    """What the new row records as its request: the parent's, with the remixed prompt when there is one."""
    if follow_up.prompt is None:
        return parent.request
    if parent.request is None:
        return {"prompt": follow_up.prompt}
    return parent.request.model_copy(update={"prompt": follow_up.prompt})


async def start_follow_up(interaction: discord.Interaction[GridBot], follow_up: FollowUp | None) -> None:
    """Check, then start the follow-up in a new message that the poller fills (None: the job is gone)."""
    bot = interaction.client
    grid = follow_up.grid if follow_up is not None else None
    kind = follow_up.kind if follow_up is not None else JobKind.VARIATION
    reason = await refusal(interaction, grid, kind)
    if reason is not None or follow_up is None or grid is None:
        await interaction.response.send_message(rendering.input_error_text(reason or ""), ephemeral=True)
        return
    index = follow_up.index
    if index is not None and not 1 <= index <= image_count(grid):
        text = t("follow_up.no_such_image", interaction.locale, index=index, count=image_count(grid))
        await interaction.response.send_message(rendering.input_error_text(text), ephemeral=True)
        return
    # charged to whoever pressed: their keys (or their server's, or the bot's), never the grid owner's
    resolved = await bot.pool.for_member(grid.provider, interaction.user.id, interaction.guild_id)
    if isinstance(resolved, NoKeys):
        await interaction.response.send_message(
            rendering.input_error_text(no_keys_text(resolved, interaction.locale)), ephemeral=True
        )
        return
    parent = finished_parent(grid)
    send = follow_up_send(resolved.provider, parent, follow_up.kind, follow_up.index, follow_up.prompt)
    request = request_of(follow_up, parent)
    await start_job(interaction, resolved, follow_up.kind, request, send, parent=grid, grid_index=index)


def image_count(grid: JobRecord) -> int:
    result = grid.result
    if result is None:
        return 0
    return rendering.GRID_SIZE if result.is_grid else min(len(result.images), rendering.GRID_SIZE)
