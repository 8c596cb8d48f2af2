"""U1–U4, V1–V4 and 🔄 as ``DynamicItem``s: everything they need is in the ``custom_id`` and one row.

``from_custom_id`` counts against Discord's 3 seconds, so it does one primary-key read and nothing else;
the checks and the service call come after "thinking…". Because the state lives in the database, a button
on a message sent before a restart works like a new one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Self

import discord
from pydantic import ValidationError

from bot import rendering
from bot.exts.imagine._submit import deferred_message_id, submit_job
from providers.core.base import Provider
from providers.core.models import Capability, ImagineRequest, JobHandle, JobKind, ParentJob
from storage.jobs import JobNotFound, JobRecord
from storage.lifecycle import LifecycleState

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from bot.app import GridBot

_NEEDS: dict[JobKind, Capability] = {
    JobKind.UPSCALE: Capability.UPSCALE,
    JobKind.VARIATION: Capability.VARIATION,
    JobKind.REROLL: Capability.REROLL,
}


async def _read(interaction: discord.Interaction[GridBot], job_id: int) -> JobRecord | None:
    try:
        return await interaction.client.store.get(job_id)
    except JobNotFound:
        return None


class GridButton(discord.ui.DynamicItem[discord.ui.Button], template=rendering.GRID_BUTTON_TEMPLATE):
    """U*n* (upscale image *n*) or V*n* (variations of image *n*)."""

    def __init__(self, job_id: int, action: str, index: int, source: JobRecord | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                label=f"{action}{index}",
                custom_id=rendering.grid_custom_id(job_id, action, index),
            )
        )
        # not ``parent``/``id``: discord.py's Item has those
        self.source_id, self.action, self.index, self.source = job_id, action, index, source

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[GridBot], item: discord.ui.Button, match: re.Match[str]
    ) -> Self:
        job_id = int(match["job_id"])
        return cls(job_id, match["action"], int(match["index"]), await _read(interaction, job_id))

    async def callback(self, interaction: discord.Interaction[GridBot]) -> None:  # type: ignore[override]
        kind = JobKind.UPSCALE if self.action == "U" else JobKind.VARIATION
        await start_follow_up(interaction, self.source, kind, self.index)


class RerollButton(discord.ui.DynamicItem[discord.ui.Button], template=rendering.REROLL_BUTTON_TEMPLATE):
    """🔄: the same request again, with a new seed."""

    def __init__(self, job_id: int, source: JobRecord | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji=rendering.REROLL_EMOJI,
                custom_id=rendering.reroll_custom_id(job_id),
            )
        )
        self.source_id, self.source = job_id, source

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[GridBot], item: discord.ui.Button, match: re.Match[str]
    ) -> Self:
        job_id = int(match["job_id"])
        return cls(job_id, await _read(interaction, job_id))

    async def callback(self, interaction: discord.Interaction[GridBot]) -> None:  # type: ignore[override]
        await start_follow_up(interaction, self.source, JobKind.REROLL, None)


def _refusal(bot: GridBot, user_id: int, parent: JobRecord | None, kind: JobKind) -> str | None:
    """Why this member cannot start this follow-up, or None."""
    if parent is None:
        return "That job no longer exists."
    if user_id != parent.owner_id:
        return f"Only <@{parent.owner_id}>, who started this job, can use its buttons for now."
    if parent.state is not LifecycleState.DELIVERED or parent.result_json is None or parent.handle_json is None:
        return "That job has no finished images to start from."
    provider = bot.providers.get(parent.provider)
    if provider is None:
        return rendering.failure_reason(rendering.NOT_CONFIGURED, parent.provider)
    if not provider.supports(_NEEDS[kind]):
        return f"{provider.display_name} cannot do that."
    return None


def _parent_job(parent: JobRecord) -> ParentJob:
    try:
        request = parent.request_as(ImagineRequest)
    except ValidationError:  # a job started from something other than a prompt (blend, describe …)
        request = None
    assert parent.handle is not None and parent.result is not None  # checked by _refusal
    return ParentJob(handle=parent.handle, result=parent.result, request=request)


def _sender(
    provider: Provider, parent: ParentJob, kind: JobKind, index: int | None
) -> Callable[[], Awaitable[JobHandle]]:
    if kind is JobKind.UPSCALE:
        return lambda: provider.upscale(parent, index or 1)
    if kind is JobKind.VARIATION:
        return lambda: provider.variation(parent, index or 1)
    return lambda: provider.reroll(parent)


async def start_follow_up(
    interaction: discord.Interaction[GridBot], parent: JobRecord | None, kind: JobKind, index: int | None
) -> None:
    """A new job from a finished one, in a new message that the poller fills."""
    bot = interaction.client
    refusal = _refusal(bot, interaction.user.id, parent, kind)
    if refusal is not None or parent is None:
        await interaction.response.send_message(rendering.input_error_text(refusal or ""), ephemeral=True)
        return
    provider = bot.providers[parent.provider]
    parent_job = _parent_job(parent)
    message_id = await deferred_message_id(interaction)
    record = await bot.store.create(
        kind=kind,
        provider=provider.name,
        owner_id=interaction.user.id,
        channel_id=interaction.channel_id or parent.channel_id,
        guild_id=interaction.guild_id,
        message_id=message_id,
        interaction_token=interaction.token,
        token_expires_at=interaction.expires_at.timestamp(),
        locale=interaction.locale.value,
        request=parent_job.request,
        parent_job_id=parent.id,
        grid_index=index,
    )
    await submit_job(bot, interaction, record, provider, _sender(provider, parent_job, kind, index))
