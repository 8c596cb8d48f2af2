"""``/upscale job grid`` and ``/variation job grid [prompt]``: the U and V buttons by job number.

The job number is shown at the end of every job's message (``· #17``); the ``job`` option also offers the
member's own recent grids as they type. A prompt turns a variation into a remix where the service can. A number
is usable where ``bot.job_access`` says: the member's own jobs anywhere, someone else's only in its own channel
when that server allows it; any other number is answered as if it did not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import rendering
from bot.choices import own_job_choices
from bot.exts.imagine._follow_up import FollowUp, read_job, start_follow_up, unknown_job_text
from bot.i18n import t
from bot.job_access import Access, access
from bot.replies import refuse
from providers.core.models import JobKind
from storage.jobs import JobRecord
from storage.lifecycle import LifecycleState

if TYPE_CHECKING:
    from bot.app import GridBot

_PROMPT_IN_CHOICE = 60

GRID_CHOICES = [
    app_commands.Choice(name="1 — top left", value=1),
    app_commands.Choice(name="2 — top right", value=2),
    app_commands.Choice(name="3 — bottom left", value=3),
    app_commands.Choice(name="4 — bottom right", value=4),
]


class FollowUpCommands(commands.Cog):
    def __init__(self, bot: GridBot) -> None:
        self.bot = bot

    @app_commands.command(name="upscale", description="Upscale one image of a finished grid")
    @app_commands.describe(
        job="The grid's job number (shown under the grid)",
        grid="Which image: 1 top left, 2 top right, 3 bottom left, 4 bottom right",
    )
    @app_commands.choices(grid=GRID_CHOICES)
    async def upscale(self, interaction: discord.Interaction[GridBot], job: int, grid: int) -> None:
        await self._start(interaction, job, JobKind.UPSCALE, grid, None)

    @app_commands.command(name="variation", description="Draw variations of one image of a finished grid")
    @app_commands.describe(
        job="The grid's job number (shown under the grid)",
        grid="Which image: 1 top left, 2 top right, 3 bottom left, 4 bottom right",
        prompt="A changed prompt (remix), where the service supports it",
    )
    @app_commands.choices(grid=GRID_CHOICES)
    async def variation(
        self, interaction: discord.Interaction[GridBot], job: int, grid: int, prompt: str | None = None
    ) -> None:
        text = " ".join(prompt.split()) if prompt else None
        await self._start(interaction, job, JobKind.REMIX if text else JobKind.VARIATION, grid, text)

    async def _start(
        self, interaction: discord.Interaction[GridBot], job_id: int, kind: JobKind, index: int, prompt: str | None
    ) -> None:
        record = await read_job(self.bot, job_id) if job_id > 0 else None
        # a typed number is guessable: one this member may not use here is answered like one that does not exist
        if record is None or await access(self.bot, record, interaction) is not Access.ALLOWED:
            await refuse(interaction, unknown_job_text(interaction.locale))
            return
        if record.kind is JobKind.UPSCALE:
            if kind is JobKind.UPSCALE:
                await refuse(interaction, t("follow_up.already_upscaled", interaction.locale, job=record.id))
                return
            # a variation of an upscaled image is a variation of its grid cell (whose own access start_follow_up
            # checks: an upscale may have been started from someone else's grid)
            upscale = record
            record = await read_job(self.bot, record.parent_job_id) if record.parent_job_id is not None else None
            if record is not None and await access(self.bot, record, interaction) is not Access.ALLOWED:
                # the member upscaled it, so they know that grid exists: say honestly why, not "no such job"
                text = t("follow_up.grid_elsewhere", interaction.locale, job=upscale.id, grid=record.id)
                await refuse(interaction, text)
                return
        await start_follow_up(interaction, FollowUp(record, kind, index, prompt) if record is not None else None)

    @upscale.autocomplete("job")
    @variation.autocomplete("job")
    async def _jobs(self, interaction: discord.Interaction[GridBot], typed: str) -> list[app_commands.Choice[int]]:
        return await self.job_choices(interaction.user.id, typed)

    async def job_choices(self, owner_id: int, typed: str) -> list[app_commands.Choice[int]]:
        """The member's own finished grids, newest first, matching what they typed (number or prompt)."""
        return await own_job_choices(self.bot.store, owner_id, typed, _choice_name, keep=_is_finished_grid)


def _is_finished_grid(record: JobRecord) -> bool:
    return record.kind in rendering.GRID_KINDS and record.state is LifecycleState.DELIVERED


def _choice_name(record: JobRecord) -> str:
    shown = rendering.shortened(rendering.prompt_of(record) or "", _PROMPT_IN_CHOICE)
    return " · ".join(part for part in (f"#{record.id}", shown, rendering.service_name(record.provider)) if part)
