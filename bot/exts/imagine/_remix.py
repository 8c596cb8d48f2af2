"""Remix: a variation with an edited prompt, asked for in a form (a Discord modal).

The form is sent *stopped*, so discord.py does not keep it in memory; its submit is answered by a listener
that matches the form's ``custom_id`` (which names the grid, and the image when it is already chosen). A
form opened just before a restart is therefore still answered after it, and forms never pile up in memory.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot import rendering
from bot.exts.imagine._follow_up import FollowUp, grid_of, image_count, read_job, refusal, start_follow_up
from bot.i18n import t
from bot.modal_values import submitted_values
from bot.text_fit import cut_start
from providers.core.models import JobKind
from storage.jobs import JobRecord

if TYPE_CHECKING:
    from bot.app import GridBot

log = logging.getLogger(__name__)

_FORM = re.compile(rendering.REMIX_FORM_TEMPLATE)
#: Discord's longest text input
_MAX_INPUT = 4_000
_IMAGE_INPUT = "image"
_PROMPT_INPUT = "prompt"


def remix_form(grid: JobRecord, index: int | None, prompt_limit: int, locale: object) -> discord.ui.Modal:
    """The form for remixing ``grid`` (image ``index``, or a choice of image when None)."""
    modal = discord.ui.Modal(
        title=t("follow_up.remix_title", locale),
        custom_id=rendering.remix_form_custom_id(grid.id, index),
        timeout=None,
    )
    if index is None:
        options = [
            discord.SelectOption(
                label=t("follow_up.remix_image_option", locale, index=n),
                description=t(f"follow_up.position_{n}", locale),
                value=str(n),
            )
            for n in range(1, image_count(grid) + 1)
        ]
        chooser = discord.ui.Select(custom_id=_IMAGE_INPUT, options=options, min_values=1, max_values=1)
        modal.add_item(discord.ui.Label(text=t("follow_up.remix_image", locale), component=chooser))
    limit = min(prompt_limit, _MAX_INPUT)
    prompt = discord.ui.TextInput(
        custom_id=_PROMPT_INPUT,
        style=discord.TextStyle.paragraph,
        # cut without a mark: the member edits this text and sends it back as their prompt
        default=cut_start(rendering.prompt_of(grid) or "", limit) or None,
        placeholder=t("follow_up.remix_prompt_hint", locale),
        max_length=limit,
        required=True,
    )
    modal.add_item(discord.ui.Label(text=t("follow_up.remix_prompt", locale), component=prompt))
    # stopped: not kept by discord.py; RemixListener answers the submit by its custom_id
    modal.stop()
    return modal


async def open_remix_form(interaction: discord.Interaction[GridBot], source: JobRecord | None) -> None:
    """Answer a 🖌️ press with the form (a modal must be the first answer, so the checks come first)."""
    bot = interaction.client
    grid, index = await grid_of(bot, source) if source is not None else (None, None)
    reason = await refusal(interaction, grid, JobKind.REMIX)
    if reason is not None or grid is None:
        await interaction.response.send_message(rendering.input_error_text(reason or ""), ephemeral=True)
        return
    limit = bot.service_classes[grid.provider].limits.prompt_max_chars  # refusal() checked it is offered
    await interaction.response.send_modal(remix_form(grid, index, limit, interaction.locale))


def chosen_index(values: Mapping[str, Any], fixed: str | None) -> int | None:
    """The image the form is about: fixed in its custom_id, or the one chosen in it."""
    if fixed:
        return int(fixed)
    chosen = values.get(_IMAGE_INPUT)
    if isinstance(chosen, list) and chosen and str(chosen[0]).isdigit():
        return int(chosen[0])
    return None


async def submit_remix_form(interaction: discord.Interaction[GridBot], match: re.Match[str]) -> None:
    data: Mapping[str, Any] = interaction.data or {}  # type: ignore[assignment]
    values = submitted_values(data.get("components", []))
    prompt = " ".join(str(values.get(_PROMPT_INPUT) or "").split())
    if not prompt:
        text = rendering.input_error_text(t("follow_up.remix_empty", interaction.locale))
        await interaction.response.send_message(text, ephemeral=True)
        return
    grid = await read_job(interaction.client, int(match["job_id"]))
    index = chosen_index(values, match["index"]) or 1
    follow_up = FollowUp(grid, JobKind.REMIX, index, prompt) if grid is not None else None
    await start_follow_up(interaction, follow_up)


class RemixListener(commands.Cog):
    """Answers every remix form, including forms opened before the bot restarted."""

    def __init__(self, bot: GridBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[GridBot]) -> None:
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        match = _FORM.fullmatch(str((interaction.data or {}).get("custom_id", "")))
        if match is None:
            return
        try:
            await submit_remix_form(interaction, match)
        except Exception:
            log.exception("the remix form of job %s failed", match["job_id"])
            text = rendering.input_error_text(t("common.unexpected", interaction.locale))
            try:
                if interaction.response.is_done():
                    await interaction.followup.send(text, ephemeral=True)
                else:
                    await interaction.response.send_message(text, ephemeral=True)
            except discord.HTTPException:
                log.warning("could not tell the member that the remix failed", exc_info=True)
