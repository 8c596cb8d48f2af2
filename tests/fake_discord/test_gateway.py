"""The gateway at the websocket level (HELLO, heartbeats, READY, GUILD_CREATE, RESUME, INVALID_SESSION),
a real client following op 7, and the fake started as ``python -m tests.fake_discord`` would."""

from __future__ import annotations

import asyncio
import contextlib
import io

import aiohttp
import discord
from discord.ext import commands

from tests.fake_discord import FakeDiscord, __main__
from tests.fake_discord.raw_gateway import RawGatewayClient
from tests.fake_discord.sample_bot import GridBot


async def next_frame(socket: aiohttp.ClientWebSocketResponse) -> dict:
    return await socket.receive_json(timeout=2)


async def test_hello_heartbeat_and_a_wrong_token(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    async with http.ws_connect(fake.gateway_url) as socket:
        hello = await next_frame(socket)
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == 41_250
        await socket.send_json({"op": 1, "d": None})
        assert (await next_frame(socket))["op"] == 11
        await socket.send_json({"op": 2, "d": {"token": "wrong", "properties": {}}})
        closing = await socket.receive(timeout=2)
        assert closing.type is aiohttp.WSMsgType.CLOSE and closing.data == 4004
    assert fake.gateway.sessions == {}


async def test_ready_then_guild_create_with_everything_discord_py_needs(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    client = RawGatewayClient(http, fake.gateway_url)
    await client.connect(fake.token)
    await fake.wait_for(lambda: client.events("GUILD_CREATE"), what="GUILD_CREATE")
    (ready,) = client.events("READY")
    assert ready["user"]["id"] == str(fake.bot_user.id) and ready["application"]["id"] == str(fake.bot_user.id)
    assert ready["guilds"] == [{"id": str(fake.guild.id), "unavailable": True}]
    assert ready["resume_gateway_url"] == fake.gateway_url + "resume"
    (guild,) = client.events("GUILD_CREATE")
    assert guild["member_count"] == len(guild["members"]) == 3  # the bot, alice and bob: no chunking needed
    everyone = next(role for role in guild["roles"] if role["id"] == guild["id"])
    assert everyone["name"] == "@everyone"
    assert [c["name"] for c in guild["channels"]] == ["general"]
    assert [frame["s"] for frame in client.frames if frame["op"] == 0] == [1, 2]
    await client.close()


async def test_resume_replays_missed_events_and_unknown_sessions_are_invalid(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    client = RawGatewayClient(http, fake.gateway_url)
    await client.connect(fake.token)
    await fake.wait_for(lambda: client.events("GUILD_CREATE"), what="GUILD_CREATE")
    session_id = client.events("READY")[0]["session_id"]
    assert await fake.drop_gateway() == 1
    await client.close()
    await fake.gateway.dispatch("TYPING_START", {"channel_id": str(fake.channel.id)})  # missed while away

    async with http.ws_connect(fake.gateway_url + "resume") as socket:
        await next_frame(socket)  # HELLO
        await socket.send_json({"op": 6, "d": {"token": fake.token, "session_id": session_id, "seq": 2}})
        replayed, resumed = await next_frame(socket), await next_frame(socket)
    assert (replayed["t"], replayed["s"]) == ("TYPING_START", 3)
    assert (resumed["t"], resumed["s"]) == ("RESUMED", 4)

    async with http.ws_connect(fake.gateway_url) as socket:
        await next_frame(socket)
        await socket.send_json({"op": 6, "d": {"token": fake.token, "session_id": "nope", "seq": 1}})
        assert await next_frame(socket) == {"op": 9, "d": False, "s": None, "t": None}


async def test_a_real_client_follows_a_reconnect_request(fake: FakeDiscord) -> None:
    async with fake.running(GridBot()):
        await fake.gateway.request_reconnect()
        await fake.wait_for(lambda: fake.gateway.resume_count == 1, what="the client to resume")
        answer = await fake.wait_for_original(await fake.send_slash_command("where"))
    assert answer.content.startswith("Fake Guild")
    assert fake.gateway.identify_count == 1


async def test_events_of_an_outage_reach_a_real_client_when_it_resumes(fake: FakeDiscord) -> None:
    async with fake.running(GridBot()) as client:
        async with fake.gateway_outage() as cut:
            assert cut == 1
            interaction = await fake.send_slash_command("where")
            await asyncio.sleep(0.3)  # the client keeps trying to reconnect, and cannot
            assert not fake.gateway.connected() and fake.original_message(interaction) is None
        answer = await fake.wait_for_original(interaction)
        assert answer.content.startswith("Fake Guild") and client.is_ready()
    (resumed,) = [c for c in fake.gateway.connections if c.resumed]
    assert resumed.replayed == ["INTERACTION_CREATE"]
    assert fake.gateway.identify_count == 1


async def test_a_sharded_client_asks_for_the_gateway_and_identifies_with_its_shard(fake: FakeDiscord) -> None:
    client = commands.AutoShardedBot(command_prefix="!", intents=discord.Intents.none(), guild_ready_timeout=0.05)
    async with fake.running(client):
        assert client.shard_count == 1 and [g.id for g in client.guilds] == [fake.guild.id]
    assert "/gateway/bot" in [r.route for r in fake.state.requests]
    assert next(iter(fake.gateway.sessions.values())).shard == [0, 1]


def test_pointing_discord_py_here_is_undone_by_restore(fake: FakeDiscord) -> None:
    pointed_base, pointed_gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    assert pointed_base == fake.api_base and str(pointed_gateway) == fake.gateway_url  # set by the fixture
    other = FakeDiscord()
    other.state.base_url, other.state.gateway_url = "http://127.0.0.1:1", "ws://127.0.0.1:1/"
    restore = other.point_discord_py_here()
    assert discord.http.Route("GET", "/users/@me").url == "http://127.0.0.1:1/api/v10/users/@me"
    restore()
    assert pointed_base == discord.http.Route.BASE
    assert pointed_gateway == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY


async def test_command_line_entry_prints_the_settings(http: aiohttp.ClientSession) -> None:
    ready, out = asyncio.Event(), io.StringIO()
    with contextlib.redirect_stdout(out):
        runner = asyncio.create_task(__main__.run("127.0.0.1", 0, "cli-token", ready))
        await asyncio.wait_for(ready.wait(), 5)
    settings = dict(line.split("=", 1) for line in out.getvalue().splitlines() if not line.startswith("#"))
    assert settings["DISCORD_TOKEN"] == "cli-token"
    assert settings["DISCORD_GATEWAY_URL"].startswith("ws://127.0.0.1:")
    me = await http.get(settings["DISCORD_API_BASE"] + "/users/@me", headers={"Authorization": "Bot cli-token"})
    assert me.status == 200
    runner.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await runner
