"""``/ngpu tasks|nodes|node-tasks|task|brc20``: the server's NGPU workspace, for server managers.

The workspace is the one in the server's own NGPU keys (``/keys set … scope:server``), never the bot's settings
keys: those belong to the bot's operator, and their task list spans every server. ``brc20`` alone, a public call
that sends no workspace id, also works on the settings' keys. Every answer is private (admin data), after
"thinking…", since NGPU may take a few seconds. On a bot that does not offer NGPU (it is not among its services, as
``/talk`` decides too) every subcommand says so.
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

import discord
from discord import app_commands
from discord.ext import commands

from bot import rendering
from bot.choices import MAX_CHOICE_CHARS, MAX_CHOICES
from bot.credentials import SETTINGS_REF, guild_ref
from bot.exts.ngpu_admin._dates import BadDate, DayRange, day_range
from bot.exts.ngpu_admin._render import brc20_embed, nodes_embed, task_embed, task_list_embed
from bot.i18n import t
from bot.i18n.errors import error_text
from bot.permissions import ADMIN_PERMISSION, admin_only, require_admin
from bot.replies import refuse
from providers.core.errors import ProviderError
from providers.ngpu.client import NgpuClient
from providers.ngpu.provider import NgpuProvider

if TYPE_CHECKING:
    from bot.app import GridBot

SERVICE: Final = NgpuProvider.name
#: an autocomplete must answer within Discord's 3 seconds, with whatever NGPU said by then
AUTOCOMPLETE_SECONDS: Final = 2.0


class NgpuAdminCog(commands.Cog):
    def __init__(self, bot: GridBot) -> None:
        self.bot = bot
        self.group = ngpu_group(self)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.group)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.group.name)

    # --- the subcommands ------------------------------------------------------------------------------

    async def tasks(self, interaction: discord.Interaction[GridBot], start: str | None, end: str | None) -> None:
        if not await self._offered(interaction):
            return
        days = await self._days(interaction, start, end)
        if days is None:
            return
        client = await self._workspace(interaction)
        if client is None:
            return

        async def listed() -> discord.Embed:
            found = await client.query_task_list(days.start, days.end)
            title = t("ngpu_admin.tasks_title", interaction.locale)
            return task_list_embed(title, found.task_ids, found.result_size, days, interaction.locale)

        await self._answer(interaction, guild_ref(_guild(interaction)), listed)

    async def node_tasks(
        self, interaction: discord.Interaction[GridBot], node: str, start: str | None, end: str | None
    ) -> None:
        if not await self._offered(interaction):
            return
        days = await self._days(interaction, start, end)
        if days is None:
            return
        client = await self._workspace(interaction)
        if client is None:
            return

        async def listed() -> discord.Embed:
            found = await client.get_tasks_from_node(node, days.start, days.end)
            title = t("ngpu_admin.node_tasks_title", interaction.locale)
            return task_list_embed(
                title, found.task_ids, found.result_size, days, interaction.locale, node=node.strip()
            )

        await self._answer(interaction, guild_ref(_guild(interaction)), listed)

    async def nodes(self, interaction: discord.Interaction[GridBot]) -> None:
        if not await self._offered(interaction):
            return
        client = await self._workspace(interaction)
        if client is None:
            return

        async def listed() -> discord.Embed:
            return nodes_embed((await client.query_nodes()).nodes, interaction.locale)

        await self._answer(interaction, guild_ref(_guild(interaction)), listed)

    async def task(self, interaction: discord.Interaction[GridBot], task_id: str) -> None:
        if not await self._offered(interaction):
            return
        client = await self._workspace(interaction)
        if client is None:
            return

        async def detail() -> discord.Embed:
            return task_embed((await client.get_detailed(task_id)).task_info, interaction.locale)

        await self._answer(interaction, guild_ref(_guild(interaction)), detail)

    async def brc20(self, interaction: discord.Interaction[GridBot], address: str) -> None:
        if not await self._offered(interaction):
            return
        # public and sent without a workspace id: the server's keys, else the bot's own, only carry the request
        ref = guild_ref(_guild(interaction))
        provider = await self.bot.pool.for_ref(SERVICE, ref)
        if not isinstance(provider, NgpuProvider):
            ref, provider = SETTINGS_REF, await self.bot.pool.for_ref(SERVICE, SETTINGS_REF)
        if not isinstance(provider, NgpuProvider):
            await refuse(interaction, t("ngpu_admin.no_server_keys", interaction.locale))
            return
        client = provider.client

        async def checked() -> discord.Embed:
            return brc20_embed(address.strip(), await client.check_address(address), interaction.locale)

        await self._answer(interaction, None, checked)

    async def node_choices(
        self, interaction: discord.Interaction[GridBot], typed: str
    ) -> list[app_commands.Choice[str]]:
        """The workspace's nodes as the admin types (checks do not run for autocompletes: asked here)."""
        permissions = interaction.permissions
        if interaction.guild_id is None or not getattr(permissions, ADMIN_PERMISSION) or not self._is_offered():
            return []
        provider = await self.bot.pool.for_ref(SERVICE, guild_ref(interaction.guild_id))
        if not isinstance(provider, NgpuProvider):
            return []
        try:
            async with asyncio.timeout(AUTOCOMPLETE_SECONDS):
                nodes = (await provider.client.query_nodes()).nodes
        except (ProviderError, TimeoutError):
            return []
        wanted = typed.strip().casefold()
        addresses = [node.node_addr for node in nodes if wanted in node.node_addr.casefold()]
        return [app_commands.Choice(name=a[:MAX_CHOICE_CHARS], value=a) for a in addresses][:MAX_CHOICES]

    # --- shared steps ---------------------------------------------------------------------------------

    def _is_offered(self) -> bool:
        return SERVICE in self.bot.service_classes

    async def _offered(self, interaction: discord.Interaction[GridBot]) -> bool:
        """Whether the bot offers NGPU; when not, the admin is told so (before anything else is checked)."""
        if self._is_offered():
            return True
        await refuse(interaction, t("ngpu_admin.not_offered", interaction.locale))
        return False

    @staticmethod
    async def _days(interaction: discord.Interaction[GridBot], start: str | None, end: str | None) -> DayRange | None:
        try:
            return day_range(start, end, datetime.datetime.now(datetime.UTC).date())
        except BadDate as bad:
            await refuse(interaction, bad.text(interaction.locale))
            return None

    async def _workspace(self, interaction: discord.Interaction[GridBot]) -> NgpuClient | None:
        """The server's NGPU workspace; None after telling the admin how to add its keys."""
        provider = await self.bot.pool.for_ref(SERVICE, guild_ref(_guild(interaction)))
        if not isinstance(provider, NgpuProvider):
            await refuse(interaction, t("ngpu_admin.no_server_keys", interaction.locale))
            return None
        return provider.client

    async def _answer(
        self, interaction: discord.Interaction[GridBot], ref: str | None, work: Callable[[], Awaitable[discord.Embed]]
    ) -> None:
        """ "Thinking…" (privately), then the embed, or what NGPU said went wrong. A call on the server's keys is
        noted on them, so ``/keys list`` shows whether they still work."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            embed = await work()
        except ProviderError as error:
            if ref is not None:
                await self.bot.pool.record_use(SERVICE, ref, failure=error.kind)
            text = rendering.input_error_text(error_text(error, interaction.locale))
            await interaction.edit_original_response(content=text)
            return
        if ref is not None:
            await self.bot.pool.record_use(SERVICE, ref)
        await interaction.edit_original_response(embed=embed)


def _guild(interaction: discord.Interaction[GridBot]) -> int:
    # every subcommand is guild-only (``require_admin`` refuses DMs before the handler runs)
    return interaction.guild_id or 0


def ngpu_group(cog: NgpuAdminCog) -> app_commands.Group:
    group = admin_only(
        app_commands.Group(name="ngpu", description="This server's NGPU workspace: tasks, nodes, BRC20 (Manage Server)")
    )
    dates = {"start": "First day, YYYY-MM-DD (default: a week ago)", "end": "Last day, YYYY-MM-DD (default: no end)"}

    @group.command(name="tasks", description="List the workspace's tasks between two dates")
    @app_commands.rename(start="from", end="to")
    @app_commands.describe(**dates)
    @require_admin
    async def tasks(
        interaction: discord.Interaction[GridBot], start: str | None = None, end: str | None = None
    ) -> None:
        await cog.tasks(interaction, start, end)

    @group.command(name="nodes", description="List the compute nodes that run the workspace's image")
    @require_admin
    async def nodes(interaction: discord.Interaction[GridBot]) -> None:
        await cog.nodes(interaction)

    @group.command(name="node-tasks", description="List the tasks one compute node ran")
    @app_commands.rename(start="from", end="to")
    @app_commands.describe(node="The node's address (from /ngpu nodes)", **dates)
    @require_admin
    async def node_tasks(
        interaction: discord.Interaction[GridBot], node: str, start: str | None = None, end: str | None = None
    ) -> None:
        await cog.node_tasks(interaction, node, start, end)

    @node_tasks.autocomplete("node")
    async def node_choices(interaction: discord.Interaction[GridBot], current: str) -> list[app_commands.Choice[str]]:
        return await cog.node_choices(interaction, current)

    @group.command(name="task", description="Show one task in full: state, times, node, GPU seconds")
    @app_commands.rename(task_id="id")
    @app_commands.describe(task_id="The task id (from /ngpu tasks)")
    @require_admin
    async def task(interaction: discord.Interaction[GridBot], task_id: str) -> None:
        await cog.task(interaction, task_id)

    @group.command(name="brc20", description="Check which BRC20 inscriptions (AINN) a BTC address holds")
    @app_commands.describe(address="The BTC address")
    @require_admin
    async def brc20(interaction: discord.Interaction[GridBot], address: str) -> None:
        await cog.brc20(interaction, address)

    return group
