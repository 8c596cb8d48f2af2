"""Fixtures: a fake Discord with discord.py aimed at it, and the sample bot logged in to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.fake_discord import FakeDiscord
from tests.fake_discord.raw_gateway import RawGatewayClient
from tests.fake_discord.sample_bot import GridBot


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        with server.discord_py_pointed_here():
            yield server


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[GridBot]:
    before = asyncio.all_tasks()
    client = GridBot()
    async with fake.running(client):
        yield client
    # the sample bot is built as a bot should be: Discord would have refused nothing it sent
    assert not fake.refused, "\n".join(str(refused) for refused in fake.refused)
    await asyncio.sleep(0)
    leaked = [t for t in asyncio.all_tasks() - before if not t.done() and t is not asyncio.current_task()]
    assert not leaked, f"tasks left running after bot.close(): {leaked}"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def raw_bot(fake: FakeDiscord, http: aiohttp.ClientSession) -> AsyncIterator[RawGatewayClient]:
    """Identified on the gateway, with ``/imagine prompt:str`` synced globally through the REST API."""
    client = RawGatewayClient(http, fake.gateway_url)
    await client.connect(fake.token)
    await fake.wait_for(lambda: client.events("GUILD_CREATE"), what="GUILD_CREATE")
    command = {"name": "imagine", "description": "Draw", "options": [
        {"type": 3, "name": "prompt", "description": "what", "required": True}]}
    response = await http.put(f"{fake.api_base}/applications/{fake.state.application_id}/commands",
                              json=[command], headers={"Authorization": f"Bot {fake.token}"})
    assert response.status == 200
    yield client
    await client.close()
