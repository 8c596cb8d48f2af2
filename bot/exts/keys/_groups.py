"""The command trees over ``_commands``: ``/keys`` (everyone, DMs included) and the ``keys`` group of
``/server-settings`` (the server's keys, under the command Discord hides from members without Manage Server).

``/keys … scope:server`` stays for admins who look for server keys next to their own (the texts of ``/picpik-app``
and ``/ngpu`` point to it); it checks Manage Server at run time like every admin command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import discord
from discord import app_commands

from bot.choices import service_choices
from bot.exts.keys._commands import open_form, remove_keys, show_keys, show_server_keys
from bot.permissions import require_admin
from storage.keys import KeyScope

if TYPE_CHECKING:
    from bot.app import GridBot

#: the ``scope`` option's values (what the member picks) → whose keys
SCOPES: Final = {"user": KeyScope.USER, "server": KeyScope.GUILD}
SCOPE_CHOICES: Final = [
    app_commands.Choice(name="Just me", value="user"),
    app_commands.Choice(name="This server", value="server"),
]
SCOPE_DESCRIPTION: Final = "Whose keys: yours, or the server's (Manage Server; also /server-settings keys)"


def keys_group(bot: GridBot) -> app_commands.Group:
    """``/keys``; built per bot: the service choices are the services it offers."""
    services = service_choices(bot.service_classes)
    group = app_commands.Group(name="keys", description="Your own keys for the image services")

    @group.command(name="set", description="Add or replace keys for a service (checked before they are saved)")
    @app_commands.describe(service="Which image service", scope=SCOPE_DESCRIPTION)
    @app_commands.choices(service=services, scope=SCOPE_CHOICES)
    async def set_keys(interaction: discord.Interaction[GridBot], service: str, scope: str = "user") -> None:
        await open_form(interaction, service, SCOPES.get(scope, KeyScope.USER))

    @group.command(name="list", description="Show your keys (masked) and how their last use went")
    async def list_keys(interaction: discord.Interaction[GridBot]) -> None:
        await show_keys(interaction)

    @group.command(name="remove", description="Remove keys for a service")
    @app_commands.describe(service="Which image service", scope=SCOPE_DESCRIPTION)
    @app_commands.choices(service=services, scope=SCOPE_CHOICES)
    async def remove(interaction: discord.Interaction[GridBot], service: str, scope: str = "user") -> None:
        await remove_keys(interaction, service, SCOPES.get(scope, KeyScope.USER))

    return group


def server_keys_group(bot: GridBot) -> app_commands.Group:
    """``keys`` under ``/server-settings`` (whose ``admin_only`` sets the default permissions); each subcommand
    checks Manage Server again when it runs."""
    services = service_choices(bot.service_classes)
    group = app_commands.Group(name="keys", description="The server's keys for the image services")

    @group.command(name="set", description="Add or replace the server's keys for a service (checked first)")
    @app_commands.describe(service="Which image service")
    @app_commands.choices(service=services)
    @require_admin
    async def set_keys(interaction: discord.Interaction[GridBot], service: str) -> None:
        await open_form(interaction, service, KeyScope.GUILD)

    @group.command(name="list", description="Show the server's keys (masked) and how their last use went")
    @require_admin
    async def list_keys(interaction: discord.Interaction[GridBot]) -> None:
        await show_server_keys(interaction)

    @group.command(name="remove", description="Remove the server's keys for a service")
    @app_commands.describe(service="Which image service")
    @app_commands.choices(service=services)
    @require_admin
    async def remove(interaction: discord.Interaction[GridBot], service: str) -> None:
        await remove_keys(interaction, service, KeyScope.GUILD)

    return group
