"""Private answers to the member who asked: a refusal before anything is sent, and the last-resort apology."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot import rendering
from bot.i18n import t
from bot.permissions import refusal_text

if TYPE_CHECKING:
    from bot.app import GridBot

log = logging.getLogger(__name__)


async def refuse(interaction: discord.Interaction[GridBot], message: str) -> None:
    """Say, to this member only, why nothing was done (the first answer to the interaction)."""
    await interaction.response.send_message(rendering.input_error_text(message), ephemeral=True)


async def apologise(interaction: discord.Interaction[GridBot], error: Exception) -> None:
    """Anything unexpected gets a private apology instead of "This interaction failed" (the command tree's
    error handler, and the buttons' last resort)."""
    what = f"/{interaction.command.name}" if interaction.command else f"the {interaction.type.name} interaction"
    # a failed permission check (bot.permissions) is a refusal with its own words, not a bug
    refusal = refusal_text(error, interaction.locale)
    if refusal is None:
        log.error("%s failed", what, exc_info=error)
    else:
        log.info("%s refused: %s", what, type(error).__name__)
    if interaction.type is discord.InteractionType.autocomplete:
        return  # an autocomplete can only be answered with choices
    text = rendering.input_error_text(refusal or t("common.unexpected", interaction.locale))
    try:
        if interaction.response.is_done():
            # after "thinking…" the apology takes its place (a follow-up would be public anyway: the first
            # follow-up of a deferred answer inherits its visibility)
            await interaction.edit_original_response(content=text, attachments=[], view=None)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the member that the command failed", exc_info=True)
