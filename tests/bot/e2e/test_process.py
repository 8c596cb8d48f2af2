"""What the bot asks of Discord and of its own process when it starts: only the gateway events it uses, and the
garbage collector relieved of start-up's objects."""

from __future__ import annotations

import gc

import discord

from bot.app import GridBot
from bot.gc_settle import COLLECTION_THRESHOLDS
from tests.bot.e2e.conftest import Stack


async def test_the_bot_asks_the_gateway_for_servers_only_not_messages_or_members(stack: Stack, bot: GridBot) -> None:
    sessions = list(stack.fake.gateway.sessions.values())
    assert sessions, "the bot never identified"
    asked = discord.Intents._from_value(sessions[-1].intents or 0)
    assert asked.guilds
    # a busy server's every message and edit would otherwise reach the bot, which answers interactions only
    assert not (asked.guild_messages or asked.dm_messages or asked.message_content or asked.members)
    assert not asked.typing and not asked.presences


async def test_start_up_objects_are_frozen_out_of_the_collectors_sight(bot: GridBot) -> None:
    # (once per process: whichever bot started first in this test process froze them)
    assert gc.get_freeze_count() > 10_000
    assert gc.get_threshold() == COLLECTION_THRESHOLDS
