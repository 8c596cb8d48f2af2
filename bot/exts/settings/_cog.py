"""The cog that puts ``/settings`` and ``/server-settings`` in the tree and registers the services picker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord.ext import commands

from bot.exts.settings._member import member_group
from bot.exts.settings._server_group import server_group
from bot.exts.settings._services import ServicesPicker

if TYPE_CHECKING:
    from bot.app import GridBot


class SettingsCog(commands.Cog):
    def __init__(self, bot: GridBot) -> None:
        self.bot = bot
        # built per bot: their service choices are the services it offers
        self.groups = (member_group(bot), server_group(bot))

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ServicesPicker)
        for group in self.groups:
            self.bot.tree.add_command(group)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ServicesPicker)
        for group in self.groups:
            self.bot.tree.remove_command(group.name)
