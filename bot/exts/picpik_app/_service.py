"""Whose Picpik account ``/picpik-app`` manages, and who may manage it.

The console runs on the **server's** Picpik keys (``/keys set picpik scope:server``) and on nothing else: apps
are billed by the hour, so the keys in the bot's settings (the operator's account, shared by every server the bot
is in) are never used for them, and neither are a member's own keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import discord
from discord import app_commands

from bot.credentials import guild_ref
from bot.i18n import t
from bot.permissions import ADMIN_PERMISSION, refusal_text
from providers.core.base import Provider
from providers.picpik.apps import AppActions
from providers.picpik.provider import PicpikProvider

if TYPE_CHECKING:
    from bot.app import GridBot

#: the registry name of the service whose apps the console manages
SERVICE: Final = PicpikProvider.name
#: what an app id may look like in a command or in a button's ``custom_id`` (at most 100 characters in all).
#: Inference: the documents show ids only as "xxx"; UCloud-style ids are letters, digits and "-"/"_"/"."
APP_ID_PATTERN: Final = r"[A-Za-z0-9_.\-]{1,60}"
_APP_ID: Final = re.compile(APP_ID_PATTERN)


@dataclass(frozen=True, slots=True)
class ServerApps:
    """The server's Picpik account: the provider built with its keys, its app actions, and its key reference."""

    provider: Provider
    actions: AppActions
    ref: str


async def server_apps(bot: GridBot, guild_id: int, locale: object) -> ServerApps | str:
    """The server's Picpik account, or why there is none to manage."""
    service = bot.service_classes.get(SERVICE)
    if service is None:
        return t("common.service_not_set_up", locale, service=PicpikProvider.display_name)
    ref = guild_ref(guild_id)
    provider = await bot.pool.for_ref(SERVICE, ref)
    actions = getattr(provider, "client", None)
    if provider is None or not isinstance(actions, AppActions):
        return t("picpik_app.no_server_keys", locale)
    return ServerApps(provider, actions, ref)


def admin_refusal(interaction: discord.Interaction[GridBot]) -> str | None:
    """What ``bot.permissions.require_admin`` checks for commands, for buttons and forms (which have no checks)."""
    if interaction.guild_id is None:
        return refusal_text(app_commands.NoPrivateMessage(), interaction.locale)
    if not getattr(interaction.permissions, ADMIN_PERMISSION, False):
        return refusal_text(app_commands.MissingPermissions([ADMIN_PERMISSION]), interaction.locale)
    return None


def checked_app_id(typed: str) -> str | None:
    """The app id a member typed or picked, trimmed; None when it cannot be one."""
    app_id = typed.strip()
    return app_id if _APP_ID.fullmatch(app_id) else None
