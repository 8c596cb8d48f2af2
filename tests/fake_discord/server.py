"""``FakeDiscord``: the server on loopback, the world in it, and the API tests drive it with."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, Self, TypeVar

from aiohttp import web

from tests.fake_discord import rest_bot, rest_webhooks
from tests.fake_discord.actions import UserActions
from tests.fake_discord.control import CONTROL_KEY, control_routes
from tests.fake_discord.gateway import RESUMABLE_CLOSE, Gateway
from tests.fake_discord.interactions import InteractionRecord
from tests.fake_discord.messages import StoredMessage
from tests.fake_discord.openapi import discord_api
from tests.fake_discord.state import DEFAULT_UPLOAD_LIMIT, FakeState, Faults, RefusedRequest
from tests.fake_discord.validation import command_longest_text_total, command_text_totals
from tests.fake_discord.wire import STATE_KEY, discord_errors, report_line
from tests.fake_discord.world import FakeGuild, FakeUser

if TYPE_CHECKING:
    import discord

T = TypeVar("T")
#: the token the fake accepts unless told otherwise (shape of a real one, value of none)
TEST_BOT_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAw.fake.discord-test-token"


class FakeDiscord:
    """Discord's REST API and gateway on loopback, for the real discord.py client.

    ``async with FakeDiscord() as fake:`` starts it; ``fake.point_discord_py_here()`` aims discord.py at it
    (or pass ``fake.api_base`` / ``fake.gateway_url`` to the bot's settings). A default world is ready:
    ``fake.guild`` with ``fake.channel``, an administrator ``fake.admin`` and a plain ``fake.member``.
    """

    def __init__(
        self,
        *,
        token: str = TEST_BOT_TOKEN,
        bot_name: str = "GridBot",
        upload_limit: int = DEFAULT_UPLOAD_LIMIT,
        callback_deadline: float | None = 3.0,
        heartbeat_interval_ms: int = 41_250,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token = token
        self.host, self.port = host, port
        self.state = FakeState(bot_token=token, bot_name=bot_name)
        self.state.faults.upload_limit = upload_limit
        self.state.faults.callback_deadline = callback_deadline
        self.gateway = Gateway(self.state, heartbeat_interval_ms=heartbeat_interval_ms)
        self.actions = UserActions(self.state, self.gateway)
        world = self.state.world
        self.bot_user = world.bot_user
        self.guild = world.add_guild("Fake Guild")
        self.channel = self.guild.channels[0]
        self.admin = world.add_user("alice", admin=True)
        self.member = world.add_user("bob")
        self._runner: web.AppRunner | None = None

    # -- lifecycle

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[discord_errors], client_max_size=512 * 1024 * 1024)
        app[STATE_KEY] = self.state
        app[CONTROL_KEY] = self
        app.add_routes(rest_bot.routes)
        app.add_routes(rest_webhooks.routes)
        app.add_routes(control_routes)
        app.router.add_get("/", self.gateway.handle)
        app.router.add_get("/resume", self.gateway.handle)
        return app

    async def start(self) -> Self:
        discord_api()  # Discord's OpenAPI description, loaded once per process: before the first request waits on it
        self._runner = web.AppRunner(self.make_app(), handle_signals=False, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.state.base_url = f"http://{self.host}:{self.port}"
        self.state.gateway_url = f"ws://{self.host}:{self.port}/"
        return self

    async def close(self) -> None:
        cost = self.state.validation
        report_line({
            "validation": {"requests": cost.requests, "seconds": cost.seconds, "slowest": cost.slowest,
                           "by_route": cost.by_route},
            # how close each synced command is to the 4,000 characters, in both readings of the rule
            "command_sizes": {
                command["name"]: [max(command_text_totals(command).values()), command_longest_text_total(command)]
                for commands in self.state.commands.values() for command in commands
            },
        })
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return self.state.base_url

    @property
    def api_base(self) -> str:
        """What ``discord.http.Route.BASE`` should be (the bot's ``DISCORD_API_BASE``)."""
        return f"{self.state.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """What ``DiscordWebSocket.DEFAULT_GATEWAY`` should be (the bot's ``DISCORD_GATEWAY_URL``)."""
        return self.state.gateway_url

    def point_discord_py_here(self) -> Callable[[], None]:
        """Aim discord.py's REST base and gateway at this fake; returns the function that undoes it."""
        import discord.gateway
        import discord.http
        import yarl

        saved_base, saved_gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)

        def restore() -> None:
            discord.http.Route.BASE = saved_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway

        return restore

    @contextlib.contextmanager
    def discord_py_pointed_here(self) -> Iterator[None]:
        restore = self.point_discord_py_here()
        try:
            yield
        finally:
            restore()

    @contextlib.asynccontextmanager
    async def running(self, client: discord.Client, *, ready_timeout: float = 10.0) -> AsyncIterator[Any]:
        """Start ``client`` against the fake, wait until it is ready, and close it (and its task) after."""
        task = asyncio.create_task(client.start(self.token), name="fake-discord-client")
        try:
            await self.wait_for(lambda: client.is_ready() or task.done(), timeout=ready_timeout,
                                what="the client to become ready")
            if task.done():
                task.result()  # re-raises why start() ended (e.g. LoginFailure)
                raise RuntimeError("the client stopped before it was ready")
            yield client
        finally:
            await client.close()
            # start() returns once closed; awaiting it surfaces an error the connection loop ended with
            await asyncio.wait_for(task, timeout=5.0)

    # -- the world

    def add_user(self, username: str, *, admin: bool = False, guilds: list[FakeGuild] | None = None) -> FakeUser:
        return self.state.world.add_user(username, admin=admin, guilds=guilds)

    def add_guild(self, name: str, *, channel_names: tuple[str, ...] = ("general",)) -> FakeGuild:
        """A new server with the bot in it (add it before the bot connects: it arrives in GUILD_CREATE)."""
        return self.state.world.add_guild(name, channel_names=channel_names)

    # -- what happened

    @property
    def faults(self) -> Faults:
        return self.state.faults

    @property
    def refused(self) -> list[RefusedRequest]:
        """Requests answered 400: what Discord would have refused (``str()`` of one says what and why)."""
        return self.state.refused

    @property
    def messages(self) -> list[StoredMessage]:
        return self.state.live_messages()

    def message(self, message_id: int) -> StoredMessage:
        return self.state.messages[message_id]

    def commands(self, guild: FakeGuild | None = None) -> list[dict[str, Any]]:
        """The commands the bot synced, globally or to ``guild``."""
        return self.state.commands.get(guild.id if guild is not None else None, [])

    def original_message(self, interaction: InteractionRecord) -> StoredMessage | None:
        message_id = interaction.original_message_id
        return self.state.messages.get(message_id) if message_id is not None else None

    def followups(self, interaction: InteractionRecord) -> list[StoredMessage]:
        return [self.state.messages[m] for m in interaction.followup_ids]

    def direct_messages(self, user: FakeUser) -> list[StoredMessage]:
        """What the bot sent ``user`` in their DM channel (opened with ``POST /users/@me/channels``)."""
        return self.state.live_messages(self.state.world.dm_channel(user).id)

    # -- what users do

    async def send_slash_command(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: FakeUser | None = None,
        guild: FakeGuild | None = None,
        dm: bool = False,
        channel_id: int | None = None,
        locale: str = "en-US",
        subcommand: str | None = None,
    ) -> InteractionRecord:
        """A user runs ``/name`` (``subcommand="group sub"`` for nested ones) with ``options``, checked against
        the synced schema. Attachment options take ``Upload(filename, data)``. Returns the interaction."""
        context = self._context(user, guild, dm, channel_id)
        return await self.actions.slash_command(name, options or {}, locale=locale, subcommand=subcommand, **context)

    async def autocomplete(
        self,
        name: str,
        options: dict[str, Any],
        focused: str,
        *,
        user: FakeUser | None = None,
        subcommand: str | None = None,
        locale: str = "en-US",
        timeout: float = 5.0,
    ) -> list[dict[str, Any]]:
        """A user types into option ``focused``; returns the choices the bot answers with."""
        context = self._context(user, None, False, None)
        record = await self.actions.autocomplete(
            name, options, focused, locale=locale, subcommand=subcommand, **context
        )
        return await self.wait_for(lambda: record.autocomplete_choices, timeout=timeout, what="autocomplete choices")

    async def click_button(
        self, message: int | StoredMessage, custom_id: str, *, user: FakeUser | None = None, locale: str = "en-US"
    ) -> InteractionRecord:
        stored = message if isinstance(message, StoredMessage) else self.message(message)
        return await self.actions.use_component(stored, custom_id, user=user or self.member, locale=locale)

    async def choose(
        self,
        message: int | StoredMessage,
        custom_id: str,
        values: list[str],
        *,
        user: FakeUser | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """A user picks ``values`` in a select menu."""
        stored = message if isinstance(message, StoredMessage) else self.message(message)
        return await self.actions.use_component(stored, custom_id, user=user or self.member, locale=locale,
                                                values=values)

    async def submit_modal(
        self,
        values: dict[str, Any],
        *,
        custom_id: str | None = None,
        user: FakeUser | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Submit the modal the bot opened (the latest one, or the one with ``custom_id``) with ``values``
        keyed by input custom_id; required inputs and lengths are checked as the Discord client does."""
        return await self.actions.submit_modal(custom_id, values, user=user, locale=locale)

    def _context(
        self, user: FakeUser | None, guild: FakeGuild | None, dm: bool, channel_id: int | None
    ) -> dict[str, Any]:
        who = user or self.member
        if dm:
            return {"user": who, "guild": None, "channel": self.state.world.dm_channel(who)}
        where = guild or self.guild
        channel = next((c for c in where.channels if c.id == channel_id), None) if channel_id else where.channels[0]
        if channel is None:
            raise LookupError(f"{where.name} has no channel {channel_id}")
        return {"user": who, "guild": where, "channel": channel}

    # -- failures

    def expire_interaction(self, interaction: InteractionRecord) -> None:
        """As if 15 minutes passed: token edits now get 401 / 50027, a first answer 404 / 10062."""
        interaction.expired = True

    async def drop_gateway(self, code: int = RESUMABLE_CLOSE) -> int:
        """Cut every gateway connection (the client reconnects and resumes); returns how many were cut."""
        return await self.gateway.drop(code)

    @contextlib.asynccontextmanager
    async def gateway_outage(self, code: int = RESUMABLE_CLOSE) -> AsyncIterator[int]:
        """Cut the gateway and keep it unreachable for the ``async with`` block (yields how many connections
        were cut). Events of the gap (a slash command sent meanwhile) reach the bot when it resumes after."""
        self.gateway.go_down()
        try:
            yield await self.drop_gateway(code)
        finally:
            self.gateway.come_back()

    # -- waiting

    async def wait_for(self, predicate: Callable[[], T], *, timeout: float = 5.0, what: str = "") -> T:
        """Wait until ``predicate()`` is truthy and return its value; woken by every change in the fake."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"waited {timeout} s for {what or 'a condition'} in the fake Discord")
            # also re-check on a short tick: the predicate may look at the bot, not only at the fake
            await self.state.changed(min(remaining, 0.05))

    async def wait_for_original(
        self,
        interaction: InteractionRecord,
        predicate: Callable[[StoredMessage], bool] = lambda message: True,
        *,
        timeout: float = 5.0,
    ) -> StoredMessage:
        """The original response of ``interaction`` once ``predicate`` holds for it."""

        def ready() -> StoredMessage | None:
            message = self.original_message(interaction)
            return message if message is not None and predicate(message) else None

        return await self.wait_for(ready, timeout=timeout, what=f"the original response of {interaction.id}")

    async def wait_for_message(
        self, predicate: Callable[[StoredMessage], bool], *, timeout: float = 5.0
    ) -> StoredMessage:
        def found() -> StoredMessage | None:
            return next((m for m in reversed(self.messages) if predicate(m)), None)

        return await self.wait_for(found, timeout=timeout, what="a matching message")
