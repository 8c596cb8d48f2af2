"""The cog: the ``/picpik-app`` group (when the bot offers Picpik), its buttons and remark form, and the follower
the poller uses for app actions (always: an action started before Picpik was taken off the bot still ends with
a message that says so)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.exts.picpik_app._buttons import BUTTONS
from bot.exts.picpik_app._commands import PicpikAppGroup
from bot.exts.picpik_app._console import Console
from bot.exts.picpik_app._follow import AppActionFollower
from bot.exts.picpik_app._lookup import APPS_TTL_SECONDS, BUNDLES_TTL_SECONDS, ListCache
from bot.exts.picpik_app._service import SERVICE
from bot.exts.picpik_app._views import REMARK_TEMPLATE
from bot.replies import apologise
from providers.core.models import JobKind

if TYPE_CHECKING:
    from bot.app import GridBot

log = logging.getLogger(__name__)

_REMARK_FORM = re.compile(REMARK_TEMPLATE)


class PicpikAppCog(commands.Cog):
    def __init__(self, bot: GridBot) -> None:
        self.bot = bot
        self.console = Console(apps=ListCache(APPS_TTL_SECONDS), bundles=ListCache(BUNDLES_TTL_SECONDS))
        self.group: PicpikAppGroup | None = None

    async def cog_load(self) -> None:
        grace = self.bot.front_end.app_settle_grace_seconds
        timeout = self.bot.front_end.app_action_timeout_seconds
        self.bot.job_followers[JobKind.APP_ACTION] = AppActionFollower(
            grace_seconds=grace, timeout_seconds=timeout, store=self.bot.store
        )
        self.bot.add_dynamic_items(*BUTTONS)
        if SERVICE in self.bot.service_classes:
            self.group = PicpikAppGroup(self.console)
            self.bot.tree.add_command(self.group)

    async def cog_unload(self) -> None:
        if self.group is not None:
            self.bot.tree.remove_command(self.group.name)
        self.bot.remove_dynamic_items(*BUTTONS)
        self.bot.job_followers.pop(JobKind.APP_ACTION, None)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[GridBot]) -> None:
        """The remark form's submit, also for a form opened before a restart."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        match = _REMARK_FORM.fullmatch(str((interaction.data or {}).get("custom_id", "")))
        if match is None:
            return
        try:
            await self.console.save_remark(interaction, match)
        except Exception as error:
            await apologise(interaction, error)
