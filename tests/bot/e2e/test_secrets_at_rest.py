"""Secrets at rest with the whole bot running: a key file made on first start, the interaction token and the
Midjourney-style login token sealed in the database the bot really writes."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

from bot.app import GridBot
from storage.keys import SealedTokenStore
from tests.bot.e2e.conftest import FINISH_TIMEOUT, Stack


def raw_bytes(database: Path) -> bytes:
    files = [database, database.with_name(database.name + "-wal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


async def poll_for(bot: GridBot, sql: str) -> str:
    """The first column of the first row ``sql`` finds, once there is one."""
    assert bot.db is not None
    deadline = asyncio.get_running_loop().time() + FINISH_TIMEOUT
    while True:
        async with bot.db.execute(sql) as cursor:
            row = await cursor.fetchone()
        if row is not None:
            return str(row[0])
        assert asyncio.get_running_loop().time() < deadline, f"nothing found by {sql}"
        await asyncio.sleep(0.01)


async def test_tokens_are_sealed_in_the_database_the_bot_writes(stack: Stack, bot: GridBot) -> None:
    database = stack.settings.database.path
    key_file = database.with_name("secret.key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # no master key in the environment: a file was made
    assert isinstance(bot.token_store, SealedTokenStore)
    assert bot.providers["midjourney"].token_store is bot.token_store

    interaction = await stack.imagine("a paper boat on a pond", provider="midjourney")
    # while the job runs its row holds the interaction token (sealed), and the login token is cached (sealed)
    assert bot.db is not None
    sealed_interaction = await poll_for(bot, "SELECT interaction_token FROM jobs WHERE interaction_token IS NOT NULL")
    sealed_login = await poll_for(bot, "SELECT sealed FROM login_tokens")
    assert bot.secret_box.open(sealed_interaction) == interaction.token
    login_token = bot.secret_box.open(sealed_login)
    assert login_token.count(".") == 2  # the emulator's JWT
    on_disk = raw_bytes(database)
    assert interaction.token.encode() not in on_disk
    assert login_token.encode() not in on_disk

    final = await stack.final(interaction)
    assert final.attachments  # sealing changed nothing for the member
