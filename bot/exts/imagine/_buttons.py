"""The buttons under finished jobs, as ``DynamicItem``s: everything they need is in the ``custom_id`` and one row.

Under a grid: U1–U4, V1–V4, 🔄 and 🖌️ (remix). Under an upscaled image: 🪄 Vary, 🖌️ Remix and 🔄.
``from_custom_id`` counts against Discord's 3 seconds, so it does one primary-key read and nothing else;
the checks and the service call come after "thinking…". Because the state lives in the database, a button
on a message sent before a restart works like a new one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Self

import discord

from bot import rendering
from bot.exts.imagine._follow_up import FollowUp, grid_of, read_job, start_follow_up
from bot.exts.imagine._remix import open_remix_form
from bot.replies import apologise
from providers.core.models import JobKind
from storage.jobs import JobRecord

if TYPE_CHECKING:
    from bot.app import GridBot


class _JobButton(discord.ui.DynamicItem[discord.ui.Button], template=r"(?!)"):
    """A button whose ``custom_id`` names a job; subclasses set the template and what a press starts."""

    def __init__(self, item: discord.ui.Button, job_id: int, source: JobRecord | None) -> None:
        super().__init__(item)
        # not ``parent``/``id``: discord.py's Item has those
        self.source_id, self.source = job_id, source

    async def callback(self, interaction: discord.Interaction[GridBot]) -> None:  # type: ignore[override]
        try:
            await self.pressed(interaction)
        except Exception as error:  # a press must never end in "This interaction failed"
            await apologise(interaction, error)

    async def pressed(self, interaction: discord.Interaction[GridBot]) -> None:
        raise NotImplementedError

    @staticmethod
    def _button(custom_id: str, *, label: str | None = None, emoji: str | None = None) -> discord.ui.Button:
        return discord.ui.Button(style=discord.ButtonStyle.secondary, label=label, emoji=emoji, custom_id=custom_id)


class GridButton(_JobButton, template=rendering.GRID_BUTTON_TEMPLATE):
    """U*n* (upscale image *n*) or V*n* (variations of image *n*)."""

    def __init__(self, job_id: int, action: str, index: int, source: JobRecord | None = None) -> None:
        button = self._button(rendering.grid_custom_id(job_id, action, index), label=f"{action}{index}")
        super().__init__(button, job_id, source)
        self.action, self.index = action, index

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[GridBot], item: discord.ui.Button, match: re.Match[str]
    ) -> Self:
        job_id = int(match["job_id"])
        return cls(job_id, match["action"], int(match["index"]), await read_job(interaction.client, job_id))

    async def pressed(self, interaction: discord.Interaction[GridBot]) -> None:
        kind = JobKind.UPSCALE if self.action == "U" else JobKind.VARIATION
        follow_up = FollowUp(self.source, kind, self.index) if self.source is not None else None
        await start_follow_up(interaction, follow_up)


class _WholeJobButton(_JobButton, template=r"(?!)"):
    """A button about the whole job (no grid position in its ``custom_id``)."""

    #: the ``custom_id`` for a job id, and the emoji the button shows (the labels are added when rendering)
    CUSTOM_ID: ClassVar[Callable[[int], str]]
    EMOJI: ClassVar[str]

    def __init__(self, job_id: int, source: JobRecord | None = None) -> None:
        super().__init__(self._button(type(self).CUSTOM_ID(job_id), emoji=self.EMOJI), job_id, source)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[GridBot], item: discord.ui.Button, match: re.Match[str]
    ) -> Self:
        job_id = int(match["job_id"])
        return cls(job_id, await read_job(interaction.client, job_id))


class RerollButton(_WholeJobButton, template=rendering.REROLL_BUTTON_TEMPLATE):
    """🔄: the grid's request again, with a new seed (under an upscale: the grid it came from)."""

    CUSTOM_ID = staticmethod(rendering.reroll_custom_id)
    EMOJI = rendering.REROLL_EMOJI

    async def pressed(self, interaction: discord.Interaction[GridBot]) -> None:
        grid, _ = await grid_of(interaction.client, self.source) if self.source is not None else (None, None)
        await start_follow_up(interaction, FollowUp(grid, JobKind.REROLL, None) if grid is not None else None)


class VaryButton(_WholeJobButton, template=rendering.VARY_BUTTON_TEMPLATE):
    """🪄 Vary under an upscaled image: variations of the grid cell it was upscaled from."""

    CUSTOM_ID = staticmethod(rendering.vary_custom_id)
    EMOJI = rendering.VARY_EMOJI

    async def pressed(self, interaction: discord.Interaction[GridBot]) -> None:
        grid, index = await grid_of(interaction.client, self.source) if self.source is not None else (None, None)
        follow_up = FollowUp(grid, JobKind.VARIATION, index or 1) if grid is not None else None
        await start_follow_up(interaction, follow_up)


class RemixButton(_WholeJobButton, template=rendering.REMIX_BUTTON_TEMPLATE):
    """🖌️ Remix: a form with the prompt to edit (and, under a grid, which image), then a variation with it."""

    CUSTOM_ID = staticmethod(rendering.remix_custom_id)
    EMOJI = rendering.REMIX_EMOJI

    async def pressed(self, interaction: discord.Interaction[GridBot]) -> None:
        await open_remix_form(interaction, self.source)


BUTTONS: tuple[type[discord.ui.DynamicItem[discord.ui.Button]], ...] = (
    GridButton,
    RerollButton,
    VaryButton,
    RemixButton,
)
