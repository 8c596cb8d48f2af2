"""What ``/keys set|list|remove`` and ``/server-settings keys set|list|remove`` do: one code path for both trees.

The two trees differ only in whose keys they name and in what Discord shows: ``/server-settings`` is hidden from
members without Manage Server; ``/keys … scope:server`` is not. Both check ``scope_refusal`` when they run, and the
form's submit checks it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.exts.keys._form import keys_form, owner_of, scope_refusal
from bot.exts.keys._list import list_text, server_list_text
from bot.i18n import t
from bot.replies import refuse
from storage.keys import KeyScope

if TYPE_CHECKING:
    from bot.app import GridBot


async def open_form(interaction: discord.Interaction[GridBot], service_name: str, scope: KeyScope) -> None:
    """The service's keys form, for the member's own keys or the server's."""
    service = interaction.client.service_classes.get(service_name)
    if service is None:
        await refuse(interaction, t("keys.unknown_service", interaction.locale, service=service_name))
        return
    refusal = scope_refusal(interaction, scope)
    if refusal is not None:
        await refuse(interaction, refusal)
        return
    # a form must be the first answer: nothing above may defer
    await interaction.response.send_modal(keys_form(service, scope, interaction.locale))


async def show_keys(interaction: discord.Interaction[GridBot]) -> None:
    """``/keys list``: the member's own keys, and the server's too when the member may manage them."""
    bot = interaction.client
    own = await bot.key_store.summaries(KeyScope.USER, interaction.user.id)
    server = None
    if scope_refusal(interaction, KeyScope.GUILD) is None:
        server = await bot.key_store.summaries(KeyScope.GUILD, owner_of(interaction, KeyScope.GUILD))
    text = list_text(own, server, lambda name: display_name(bot, name), interaction.locale)
    await interaction.response.send_message(text, ephemeral=True)


async def show_server_keys(interaction: discord.Interaction[GridBot]) -> None:
    """``/server-settings keys list``: the server's keys only."""
    refusal = scope_refusal(interaction, KeyScope.GUILD)
    if refusal is not None:
        await refuse(interaction, refusal)
        return
    bot = interaction.client
    server = await bot.key_store.summaries(KeyScope.GUILD, owner_of(interaction, KeyScope.GUILD))
    text = server_list_text(server, lambda name: display_name(bot, name), interaction.locale)
    await interaction.response.send_message(text, ephemeral=True)


async def remove_keys(interaction: discord.Interaction[GridBot], service_name: str, scope: KeyScope) -> None:
    refusal = scope_refusal(interaction, scope)
    if refusal is not None:
        await refuse(interaction, refusal)
        return
    removed = await interaction.client.key_store.remove(scope, owner_of(interaction, scope), service_name)
    whose = "user" if scope is KeyScope.USER else "guild"
    key = f"keys.removed_{whose}" if removed else f"keys.none_removed_{whose}"
    text = t(key, interaction.locale, service=display_name(interaction.client, service_name))
    await interaction.response.send_message(text, ephemeral=True)


def display_name(bot: GridBot, service: str) -> str:
    cls = bot.service_classes.get(service)
    return cls.display_name if cls is not None else service
