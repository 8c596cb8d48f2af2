"""``/keys set service [scope]``, ``/keys list``, ``/keys remove service [scope]``.

Every answer is ephemeral. ``set`` opens the service's form (``_form``); the keys are checked with the service
before anything is saved. ``scope:server`` (keys the server's members use when they have none of their own) is
for members with Manage Server only, checked at run time; the rest of ``/keys`` works anywhere, DMs included,
because a member's own keys are theirs wherever they use the bot.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final

import discord
from discord import app_commands
from discord.ext import commands

from bot import rendering
from bot.choices import service_choices
from bot.exts.keys._fields import masked_hint
from bot.exts.keys._form import FORM, keys_form, owner_of, scope_refusal, submit_keys_form
from bot.exts.keys._list import list_text
from bot.i18n import t
from bot.replies import refuse
from storage.keys import KeyScope

if TYPE_CHECKING:
    from bot.app import GridBot

log = logging.getLogger(__name__)

#: the ``scope`` option's values (what the member picks) → whose keys
SCOPES: Final = {"user": KeyScope.USER, "server": KeyScope.GUILD}
SCOPE_CHOICES: Final = [
    app_commands.Choice(name="Just me", value="user"),
    app_commands.Choice(name="This server", value="server"),
]


class KeysCog(commands.Cog):
    def __init__(self, bot: GridBot) -> None:
        self.bot = bot
        self.group = _keys_group(self)

    async def cog_load(self) -> None:
        # before any command: hints blanked by migration 0009 (they showed part of a secret) are made again
        made = await self.bot.key_store.refresh_hints(self._hint)
        if made:
            log.info("made the masked hints of %d stored keys again, without any part of a secret", made)
        self.bot.tree.add_command(self.group)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.group.name)

    # --- the commands ---------------------------------------------------------------------------------

    async def set_keys(self, interaction: discord.Interaction[GridBot], service_name: str, scope_name: str) -> None:
        service = self.bot.service_classes.get(service_name)
        if service is None:
            await refuse(interaction, t("keys.unknown_service", interaction.locale, service=service_name))
            return
        scope = SCOPES.get(scope_name, KeyScope.USER)
        refusal = scope_refusal(interaction, scope)
        if refusal is not None:
            await refuse(interaction, refusal)
            return
        # a form must be the first answer: nothing above may defer
        await interaction.response.send_modal(keys_form(service, scope, interaction.locale))

    async def list_keys(self, interaction: discord.Interaction[GridBot]) -> None:
        own = await self.bot.key_store.summaries(KeyScope.USER, interaction.user.id)
        server = None
        if scope_refusal(interaction, KeyScope.GUILD) is None:  # admins also see the server's keys
            server = await self.bot.key_store.summaries(KeyScope.GUILD, owner_of(interaction, KeyScope.GUILD))
        text = list_text(own, server, self._display, interaction.locale)
        await interaction.response.send_message(text, ephemeral=True)

    async def remove_keys(self, interaction: discord.Interaction[GridBot], service_name: str, scope_name: str) -> None:
        locale = interaction.locale
        scope = SCOPES.get(scope_name, KeyScope.USER)
        refusal = scope_refusal(interaction, scope)
        if refusal is not None:
            await refuse(interaction, refusal)
            return
        service = self.bot.service_classes.get(service_name)
        display = service.display_name if service is not None else service_name
        removed = await self.bot.key_store.remove(scope, owner_of(interaction, scope), service_name)
        whose = "user" if scope is KeyScope.USER else "guild"
        key = f"keys.removed_{whose}" if removed else f"keys.none_removed_{whose}"
        await interaction.response.send_message(t(key, locale, service=display), ephemeral=True)

    # --- helpers --------------------------------------------------------------------------------------

    def _display(self, service: str) -> str:
        cls = self.bot.service_classes.get(service)
        return cls.display_name if cls is not None else service

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


def _keys_group(cog: KeysCog) -> app_commands.Group:
    """Built per bot: the service choices are the services it offers."""
    services = service_choices(cog.bot.service_classes)
    group = app_commands.Group(name="keys", description="Your own keys for the image services")

    @group.command(name="set", description="Add or replace keys for a service (checked before they are saved)")
    @app_commands.describe(
        service="Which image service", scope="Whose keys: just yours, or the whole server's (needs Manage Server)"
    )
    @app_commands.choices(service=services, scope=SCOPE_CHOICES)
    async def set_keys(interaction: discord.Interaction[GridBot], service: str, scope: str = "user") -> None:
        await cog.set_keys(interaction, service, scope)

    @group.command(name="list", description="Show your keys (masked) and how their last use went")
    async def list_keys(interaction: discord.Interaction[GridBot]) -> None:
        await cog.list_keys(interaction)

    @group.command(name="remove", description="Remove keys for a service")
    @app_commands.describe(
        service="Which image service", scope="Whose keys: just yours, or the whole server's (needs Manage Server)"
    )
    @app_commands.choices(service=services, scope=SCOPE_CHOICES)
    async def remove_keys(interaction: discord.Interaction[GridBot], service: str, scope: str = "user") -> None:
        await cog.remove_keys(interaction, service, scope)

    return group
