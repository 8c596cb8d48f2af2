"""``/picpik-app …``: the slash commands, thin; ``_console`` does the work.

The group is admin-only (``bot.permissions.admin_only``: hidden from members without Manage Server, not in DMs),
and each subcommand checks again when it runs (``require_admin``), because Discord takes default permissions from
the top-level command only and server admins can change them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import discord
from discord import app_commands

from bot.exts.picpik_app._models import AppAction
from bot.exts.picpik_app._views import REMARK_MAX_CHARS
from bot.permissions import admin_only, require_admin

if TYPE_CHECKING:
    from bot.app import GridBot
    from bot.exts.picpik_app._console import Console

#: Inference: the documents give no limit on ``Count``; the bot allows 10 apps per create, so that a slip of the
#: finger cannot buy a hundred GPU nodes billed by the hour
MAX_CREATE_COUNT: Final = 10
_APP: Final = "The app (from this server's Picpik account)"


class PicpikAppGroup(app_commands.Group):
    def __init__(self, console: Console) -> None:
        super().__init__(name="picpik-app", description="Manage this server's Picpik app instances (Manage Server)")
        self.console = console
        admin_only(self)

    @app_commands.command(name="bundles", description="Every Picpik bundle an app can be created from, with prices")
    @require_admin
    async def bundles(self, interaction: discord.Interaction[GridBot]) -> None:
        await self.console.show_page(interaction, "bundles", 1)

    @app_commands.command(name="create", description="Create app instances from a bundle (billed by the hour)")
    @app_commands.describe(
        bundle="The bundle (from Picpik's list)",
        region="The region to create them in",
        count="How many apps (1–10)",
        remark="A note to recognise them by",
    )
    @require_admin
    async def create(
        self,
        interaction: discord.Interaction[GridBot],
        bundle: str,
        region: str,
        count: app_commands.Range[int, 1, MAX_CREATE_COUNT] = 1,
        remark: app_commands.Range[str, 1, REMARK_MAX_CHARS] | None = None,
    ) -> None:
        await self.console.create(interaction, bundle, region, count, remark)

    @app_commands.command(name="list", description="All of this server's Picpik apps and their states")
    @require_admin
    async def list_apps(self, interaction: discord.Interaction[GridBot]) -> None:
        await self.console.show_page(interaction, "apps", 1)

    @app_commands.command(name="info", description="One app in full")
    @app_commands.describe(app=_APP)
    @require_admin
    async def info(self, interaction: discord.Interaction[GridBot], app: str) -> None:
        await self.console.show_app(interaction, app)

    @app_commands.command(name="remark", description="Change an app's remark")
    @app_commands.describe(app=_APP)
    @require_admin
    async def remark(self, interaction: discord.Interaction[GridBot], app: str) -> None:
        await self.console.open_remark_form(interaction, app)

    @app_commands.command(name="start", description="Start an app")
    @app_commands.describe(app=_APP)
    @require_admin
    async def start(self, interaction: discord.Interaction[GridBot], app: str) -> None:
        await self.console.act(interaction, AppAction.START, app)

    @app_commands.command(name="stop", description="Shut an app down")
    @app_commands.describe(app=_APP)
    @require_admin
    async def stop(self, interaction: discord.Interaction[GridBot], app: str) -> None:
        await self.console.act(interaction, AppAction.STOP, app)

    @app_commands.command(name="restart", description="Restart an app")
    @app_commands.describe(app=_APP)
    @require_admin
    async def restart(self, interaction: discord.Interaction[GridBot], app: str) -> None:
        await self.console.act(interaction, AppAction.RESTART, app)

    @app_commands.command(name="delete", description="Delete an app (one that may still be up is stopped first)")
    @app_commands.describe(app=_APP)
    @require_admin
    async def delete(self, interaction: discord.Interaction[GridBot], app: str) -> None:
        await self.console.ask_delete(interaction, app)

    # --- autocompletes ---------------------------------------------------------------------------------

    @info.autocomplete("app")
    @remark.autocomplete("app")
    @start.autocomplete("app")
    @stop.autocomplete("app")
    @restart.autocomplete("app")
    @delete.autocomplete("app")
    async def _apps(self, interaction: discord.Interaction[GridBot], typed: str) -> list[app_commands.Choice[str]]:
        return _choices(await self.console.app_choices(interaction, typed))

    @create.autocomplete("bundle")
    async def _bundles(self, interaction: discord.Interaction[GridBot], typed: str) -> list[app_commands.Choice[str]]:
        return _choices(await self.console.bundle_choices(interaction, typed))

    @create.autocomplete("region")
    async def _regions(self, interaction: discord.Interaction[GridBot], typed: str) -> list[app_commands.Choice[str]]:
        bundle = getattr(interaction.namespace, "bundle", None)
        chosen = bundle if isinstance(bundle, str) else None
        return _choices(await self.console.region_choices(interaction, typed, chosen))


def _choices(named: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=name, value=value) for name, value in named]
