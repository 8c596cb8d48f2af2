"""``/jobs [page]`` and ``/job id``: a member's own jobs, privately.

Both read only the member's own rows: ``/job`` answers a job of someone else exactly as it answers a number that
does not exist, so nobody can learn which numbers are in use, or anyone's prompts, by trying them.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Final, Self

import discord
from discord import app_commands
from discord.ext import commands

from bot import rendering
from bot.choices import own_job_choices
from bot.exts.jobs import _render
from bot.i18n import t
from bot.replies import refuse
from bot.text_fit import CHOICE_NAME_CHARS, clipped
from storage.jobs import JobNotFound, JobRecord

if TYPE_CHECKING:
    from bot.app import GridBot

#: ``custom_id`` of the ◀ / ▶ buttons under ``/jobs`` (the page to show; the presser's own jobs are shown)
PAGE_BUTTON_TEMPLATE: Final = r"jobs:page:(?P<page>\d{1,6})"
_PROMPT_IN_CHOICE: Final = 50
MAX_PAGE: Final = 10_000


class JobsCog(commands.Cog):
    def __init__(self, bot: GridBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PageButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PageButton)

    @app_commands.command(name="jobs", description="Your recent jobs, newest first, with links")
    @app_commands.describe(page="Which page (10 jobs each)")
    async def jobs(
        self, interaction: discord.Interaction[GridBot], page: app_commands.Range[int, 1, MAX_PAGE] = 1
    ) -> None:
        answer = await jobs_page(self.bot, interaction.user.id, page, interaction.locale)
        if isinstance(answer, str):
            await refuse(interaction, answer)
            return
        embed, view = answer
        await interaction.response.send_message(embed=embed, ephemeral=True, **_with_view(view))

    @app_commands.command(name="job", description="One of your jobs in full, with its follow-ups")
    @app_commands.rename(job_id="id")
    @app_commands.describe(job_id="The job number (shown under each result)")
    async def job(self, interaction: discord.Interaction[GridBot], job_id: int) -> None:
        record = await self._own_job(interaction.user.id, job_id)
        if record is None:
            await refuse(interaction, t("jobs_list.not_found", interaction.locale, id=job_id))
            return
        # a follow-up another member started from this job (where the server allows it) is theirs, not ours
        children = [c for c in await self.bot.store.children(record.id) if c.owner_id == record.owner_id]
        embed = _render.job_embed(record, children, interaction.locale)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @job.autocomplete("job_id")
    async def _job_choices(
        self, interaction: discord.Interaction[GridBot], typed: str
    ) -> list[app_commands.Choice[int]]:
        return await self.job_choices(interaction.user.id, typed, interaction.locale)

    async def job_choices(
        self, owner_id: int, typed: str, locale: discord.Locale
    ) -> list[app_commands.Choice[int]]:
        """The member's own recent jobs, newest first, matching what they typed (number or prompt)."""
        return await own_job_choices(self.bot.store, owner_id, typed, lambda record: job_choice_name(record, locale))

    async def _own_job(self, owner_id: int, job_id: int) -> JobRecord | None:
        if job_id < 1:
            return None
        try:
            record = await self.bot.store.get(job_id)
        except (JobNotFound, OverflowError):  # OverflowError: a number beyond SQLite's integers
            return None
        return record if record.owner_id == owner_id else None


class PageButton(discord.ui.DynamicItem[discord.ui.Button], template=PAGE_BUTTON_TEMPLATE):
    """◀ / ▶ under ``/jobs``: the same list, one page newer or older (edits the private message in place)."""

    def __init__(self, page: int) -> None:
        super().__init__(discord.ui.Button(custom_id=page_custom_id(page)))
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[GridBot], item: discord.ui.Button, match: re.Match[str]
    ) -> Self:
        return cls(int(match["page"]))

    async def callback(self, interaction: discord.Interaction[GridBot]) -> None:  # type: ignore[override]
        answer = await jobs_page(interaction.client, interaction.user.id, self.page, interaction.locale)
        if isinstance(answer, str):
            await refuse(interaction, answer)
            return
        embed, view = answer
        await interaction.response.edit_message(embed=embed, view=view)


def page_custom_id(page: int) -> str:
    return f"jobs:page:{page}"


async def jobs_page(
    bot: GridBot, owner_id: int, page: int, locale: discord.Locale
) -> tuple[discord.Embed, discord.ui.View | None] | str:
    """Page ``page`` of the member's jobs with its ◀ / ▶ buttons, or why there is nothing to show."""
    total = await bot.store.count_for_owner(owner_id)
    if total == 0:
        return t("jobs_list.none", locale)
    pages = math.ceil(total / _render.PAGE_SIZE)
    if not 1 <= page <= pages:
        return t("jobs_list.page_empty", locale, page=page, pages=pages)
    offset = (page - 1) * _render.PAGE_SIZE
    records = await bot.store.jobs_for_owner(owner_id, _render.PAGE_SIZE, offset=offset)
    return _render.list_embed(records, page, pages, total, locale), page_buttons(page, pages, locale)


def page_buttons(page: int, pages: int, locale: discord.Locale) -> discord.ui.View | None:
    if pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    buttons = (("jobs_list.newer", page - 1, "◀"), ("jobs_list.older", page + 1, "▶"))
    for label, target, emoji in buttons:
        view.add_item(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                label=t(label, locale),
                emoji=emoji,
                custom_id=page_custom_id(target),
                disabled=not 1 <= target <= pages,
            )
        )
    # answered by PageButton (registered at start-up) whatever its age: the view itself need not be kept
    view.stop()
    return view


def _with_view(view: discord.ui.View | None) -> dict[str, discord.ui.View]:
    return {"view": view} if view is not None else {}


def job_choice_name(record: JobRecord, locale: discord.Locale) -> str:
    """``#17 · Image · a red fox · Picpik``: an autocomplete choice's name (plain text: nothing to escape) within
    its 100 characters."""
    prompt = rendering.shortened(rendering.prompt_of(record) or "", _PROMPT_IN_CHOICE)
    parts = (f"#{record.id}", _render.kind_name(record, locale), prompt, _render.service_name(record))
    return clipped(" · ".join(part for part in parts if part), CHOICE_NAME_CHARS)
