"""``/server-settings``: the command tree of a server's rules (Manage Server).

A top-level group of its own, apart from ``/settings``, because Discord hides only top-level commands from members
without the permission (``admin_only``); each subcommand checks it again when it runs (``require_admin``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import discord
from discord import app_commands

from bot.choices import MAX_CHOICES, service_choices
from bot.exts.keys import server_keys_group
from bot.exts.settings._edits import DEFAULT_CHOICE
from bot.exts.settings._server import ServerSettingsCommands
from bot.permissions import admin_only, require_admin
from storage.settings import MAX_QUEUE_CAP

if TYPE_CHECKING:
    from bot.app import GridBot

#: where members can run the bot's commands: text, announcement, voice and stage channels and threads
ANSWERING_CHANNEL_TYPES: Final = [
    discord.ChannelType.text,
    discord.ChannelType.news,
    discord.ChannelType.voice,
    discord.ChannelType.stage_voice,
    discord.ChannelType.public_thread,
    discord.ChannelType.private_thread,
    discord.ChannelType.news_thread,
]
MAX_RUNNING_PER_MEMBER: Final = 50
MAX_DAILY_SERVER_KEY_JOBS: Final = 100_000

AnyChannel = app_commands.AppCommandChannel | app_commands.AppCommandThread


class AnsweringChannel(app_commands.Transformer):
    """A channel option offering only channels commands can be run in (no categories, no forums themselves)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return ANSWERING_CHANNEL_TYPES

    async def transform(self, interaction: discord.Interaction, value: AnyChannel) -> AnyChannel:  # type: ignore[override]
        return value


ChannelOption = app_commands.Transform[AnyChannel, AnsweringChannel]


def server_group(bot: GridBot) -> app_commands.Group:
    """``/server-settings``, with the services this bot offers as choices."""
    handlers = ServerSettingsCommands(bot)
    services = [
        *service_choices(bot.service_classes)[: MAX_CHOICES - 1],
        app_commands.Choice(name="The bot's default", value=DEFAULT_CHOICE),
    ]
    group = admin_only(
        app_commands.Group(name="server-settings", description="This server's rules for the bot (Manage Server)")
    )

    @group.command(name="show", description="Show this server's rules")
    @require_admin
    async def show(interaction: discord.Interaction[GridBot]) -> None:
        await handlers.show(interaction)

    @group.command(name="services", description="Choose the services members may use here")
    @require_admin
    async def services_(interaction: discord.Interaction[GridBot]) -> None:
        await handlers.services(interaction)

    @group.command(name="default-service", description="The service used when neither command nor member names one")
    @app_commands.describe(service="Which service (or the bot's default)")
    @app_commands.choices(service=services)
    @require_admin
    async def default_service(interaction: discord.Interaction[GridBot], service: str) -> None:
        await handlers.default_service(interaction, service)

    @group.command(name="limits", description="Limits on running jobs, jobs on the server's keys, and the queue")
    @app_commands.describe(
        running_per_member="Jobs one member may have running at once (0: no limit)",
        daily_server_key_jobs="Jobs per day (UTC) that may use the server's keys (0: no limit)",
        queue_cap="Jobs that may wait in the queue at once (0: none wait, they are refused)",
    )
    @require_admin
    async def limits(
        interaction: discord.Interaction[GridBot],
        running_per_member: app_commands.Range[int, 0, MAX_RUNNING_PER_MEMBER] | None = None,
        daily_server_key_jobs: app_commands.Range[int, 0, MAX_DAILY_SERVER_KEY_JOBS] | None = None,
        queue_cap: app_commands.Range[int, 0, MAX_QUEUE_CAP] | None = None,
    ) -> None:
        await handlers.limits(interaction, running_per_member, daily_server_key_jobs, queue_cap)

    @group.command(name="switches", description="Turn server-wide behaviours on or off")
    @app_commands.describe(
        server_keys="Members without keys of their own may use (and spend) the server's keys; off by default",
        others_may_press="Anyone may press a job's buttons (always charged to the presser's own keys)",
        ngpu_requires_ainn="NGPU jobs need a BTC address holding AINN in the NGPU keys (none set: refused)",
    )
    @require_admin
    async def switches(
        interaction: discord.Interaction[GridBot],
        server_keys: bool | None = None,
        others_may_press: bool | None = None,
        ngpu_requires_ainn: bool | None = None,
    ) -> None:
        await handlers.switches(interaction, server_keys, others_may_press, ngpu_requires_ainn)

    group.add_command(_words_group(handlers))
    group.add_command(_channels_group(handlers))
    # the server's keys: the same form and code as /keys, under the command members without Manage Server never see
    group.add_command(server_keys_group(bot))
    return group


def _words_group(handlers: ServerSettingsCommands) -> app_commands.Group:
    words = app_commands.Group(name="banned-words", description="Words refused in any prompt here")

    @words.command(name="add", description="Ban words (several at once, separated by commas)")
    @app_commands.describe(words="The words or phrases, separated by commas")
    @require_admin
    async def add(interaction: discord.Interaction[GridBot], words: app_commands.Range[str, 1, 2000]) -> None:
        await handlers.words_add(interaction, words)

    @words.command(name="remove", description="Allow banned words again (several at once, separated by commas)")
    @app_commands.describe(words="The words or phrases, separated by commas")
    @require_admin
    async def remove(interaction: discord.Interaction[GridBot], words: app_commands.Range[str, 1, 2000]) -> None:
        await handlers.words_remove(interaction, words)

    @words.command(name="list", description="Show the banned words")
    @app_commands.describe(page="Which page of a long list (1 first)")
    @require_admin
    async def list_(interaction: discord.Interaction[GridBot], page: app_commands.Range[int, 1, 100] = 1) -> None:
        await handlers.words_list(interaction, page)

    return words


def _channels_group(handlers: ServerSettingsCommands) -> app_commands.Group:
    channels = app_commands.Group(name="channels", description="The channels the bot answers in")

    @channels.command(name="add", description="Let the bot answer in this channel (then only in the listed ones)")
    @app_commands.describe(channel="The channel")
    @require_admin
    async def add(interaction: discord.Interaction[GridBot], channel: ChannelOption) -> None:
        await handlers.channels_add(interaction, channel.id)

    @channels.command(name="remove", description="Stop the bot answering in this channel")
    @app_commands.describe(channel="The channel")
    @require_admin
    async def remove(interaction: discord.Interaction[GridBot], channel: ChannelOption) -> None:
        await handlers.channels_remove(interaction, channel.id)

    @channels.command(name="list", description="Show the channels the bot answers in")
    @require_admin
    async def list_(interaction: discord.Interaction[GridBot]) -> None:
        await handlers.channels_list(interaction)

    @channels.command(name="clear", description="Let the bot answer in every channel again")
    @require_admin
    async def clear(interaction: discord.Interaction[GridBot]) -> None:
        await handlers.channels_clear(interaction)

    return channels
