"""The ``/keys`` cog: puts ``/keys`` in the tree and answers the keys form's submit.

Every answer is ephemeral. ``set`` opens the service's form (``_form``); the keys are checked with the service
before anything is saved. ``/keys`` works anywhere, DMs included, because a member's own keys are theirs wherever
they use the bot; the server's keys (``scope:server``, or ``/server-settings keys``) need Manage Server, checked at
run time. The commands themselves are in ``_commands`` (shared with ``/server-settings keys``) and ``_groups``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot import rendering
from bot.exts.keys._fields import masked_hint
from bot.exts.keys._form import FORM, submit_keys_form
from bot.exts.keys._groups import keys_group
from bot.i18n import t

if TYPE_CHECKING:
    from bot.app import GridBot

log = logging.getLogger(__name__)


class KeysCog(commands.Cog):
    def __init__(self, bot: GridBot) -> None:
        self.bot = bot
        self.group = keys_group(bot)

    async def cog_load(self) -> None:
        # before any command: hints blanked by migration 0009 (they showed part of a secret) are made again
        made = await self.bot.key_store.refresh_hints(self._hint)
        if made:
            log.info("made the masked hints of %d stored keys again, without any part of a secret", made)
        self.bot.tree.add_command(self.group)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.group.name)

    def _hint(self, service: str, fields: dict[str, str]) -> str:
        cls = self.bot.service_classes.get(service)
        return masked_hint(cls, fields) if cls is not None else ""

    # --- the keys form's submit -----------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[GridBot]) -> None:
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        match = FORM.fullmatch(str((interaction.data or {}).get("custom_id", "")))
        if match is None:
            return
        try:
            await submit_keys_form(interaction, match)
        except Exception as error:
            # the type only, no traceback: the values in flight here are the member's keys
            log.error("the %s keys form failed: %s", match["service"], type(error).__name__)
            await _apologise(interaction)


async def _apologise(interaction: discord.Interaction[GridBot]) -> None:
    text = rendering.input_error_text(t("common.unexpected", interaction.locale))
    try:
        if interaction.response.is_done():
            await interaction.edit_original_response(content=text)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the member that saving keys failed")
