"""The whole bot on loopback: the four service emulators, a fake Discord, a SQLite file, and ``GridBot``
driven by the real discord.py client. Intervals are shrunk so one imagine takes about a second."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from bot.app import GridBot
from bot.config import FrontEndSettings
from bot.settings import Settings
from providers.core.base import Provider
from tests.emulators.__main__ import _emulator_modules
from tests.emulators.common import FAULTS_KEY, serve
from tests.fake_discord import FakeDiscord, InteractionRecord, StoredMessage
from tests.fake_discord.messages import MessageVersion

#: how long each emulated job runs (queued for the first fifth, then running with progress)
JOB_SECONDS = 0.6
#: every poll delay is scaled by this: ~0.1–0.3 s between polls for the services' typical durations
POLL_SCALE = 0.03
PROGRESS_EDIT_INTERVAL = 0.2
#: generous: a slow CI machine, not the bot, is what makes a job late
FINISH_TIMEOUT = 15.0
#: each service call's timeout: the emulators answer in milliseconds, and a "hang" fault should cost little
CALL_TIMEOUT = 1.5
#: what ``FETCH_ALLOWED_NETWORKS`` opens in these tests
LOOPBACK = "127.0.0.0/8"
#: how the file of a progress preview is named (``rendering.preview_filename``)
PREVIEW_PREFIX = "preview_"


def front_end_for_tests() -> FrontEndSettings:
    return FrontEndSettings(
        progress_edit_interval_seconds=PROGRESS_EDIT_INTERVAL,
        poll_interval_scale=POLL_SCALE,
        guild_ready_timeout=0.05,
        token_safety_margin_seconds=0,
    )


def has_result(version: MessageVersion) -> bool:
    """A version of a job's message that carries its result (a progress preview is attached too, but is none)."""
    return any(not attachment.filename.startswith(PREVIEW_PREFIX) for attachment in version.attachments)


def is_final(message: StoredMessage) -> bool:
    """The job's message has its result or its failure (no longer "thinking" or in progress)."""
    return not message.loading and (has_result(message.current) or "❌" in message.content)


def _serves_a_request(task: asyncio.Task[object]) -> bool:
    return task.get_coro().__qualname__.startswith("RequestHandler.")  # type: ignore[union-attr]


@dataclass
class Stack:
    fake: FakeDiscord
    emulators: dict[str, web.Application]
    settings: Settings
    front_end: FrontEndSettings = field(default_factory=front_end_for_tests)
    bots: list[GridBot] = field(default_factory=list)

    def new_bot(
        self, services: dict[str, type[Provider]] | None = None, front_end: FrontEndSettings | None = None
    ) -> GridBot:
        bot = GridBot(self.settings, services=services, front_end=front_end or self.front_end)
        self.bots.append(bot)
        return bot

    @asynccontextmanager
    async def running(self, bot: GridBot | None = None) -> AsyncIterator[GridBot]:
        """Start a bot against the fake Discord; on the way out close it and check it left no task behind."""
        before = asyncio.all_tasks()
        client = bot or self.new_bot()
        async with self.fake.running(client):
            yield client
        await asyncio.sleep(0)
        leaked = [
            t for t in asyncio.all_tasks() - before
            # the servers' own handlers (an emulator's "hang" fault) are not the bot's to clean up
            if not t.done() and t is not asyncio.current_task() and not _serves_a_request(t)
        ]
        assert not leaked, f"tasks left running after bot.close(): {leaked}"

    def arm(self, service: str, fault: str, times: int | None = 1) -> None:
        self.emulators[service][FAULTS_KEY].arm(fault, times)

    async def imagine(self, prompt: str, **options: object) -> InteractionRecord:
        return await self.fake.send_slash_command("imagine", {"prompt": prompt, **options}, user=self.fake.member)

    async def final(self, interaction: InteractionRecord, timeout: float = FINISH_TIMEOUT) -> StoredMessage:
        return await self.fake.wait_for_original(interaction, is_final, timeout=timeout)

    async def wait(self, predicate: Callable[[], object], what: str, timeout: float = FINISH_TIMEOUT) -> None:
        await self.fake.wait_for(predicate, timeout=timeout, what=what)


@pytest.fixture
async def stack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> AsyncIterator[Stack]:
    refusals_expected = request.node.get_closest_marker("discord_refusals_expected") is not None
    async with AsyncExitStack() as exit_stack:
        emulators: dict[str, web.Application] = {}
        for name, module in _emulator_modules().items():
            app = module.make_app(JOB_SECONDS)
            url = await exit_stack.enter_async_context(serve(app))
            emulators[name] = app
            prefix = name.upper()
            monkeypatch.setenv(f"{prefix}_BASE_URL", url)
            monkeypatch.setenv(f"{prefix}_RETRY_BASE_DELAY_SECONDS", "0.01")
            monkeypatch.setenv(f"{prefix}_TIMEOUT_SECONDS", str(CALL_TIMEOUT))
            for key, value in module.ENV_SETTINGS.items():
                monkeypatch.setenv(key, value)
        fake = await exit_stack.enter_async_context(FakeDiscord())
        monkeypatch.setenv("DISCORD_TOKEN", fake.token)
        monkeypatch.setenv("DISCORD_API_BASE", fake.api_base)
        monkeypatch.setenv("DISCORD_GATEWAY_URL", fake.gateway_url)
        monkeypatch.delenv("DISCORD_DEV_GUILD_ID", raising=False)
        monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.sqlite3"))
        # the fake Discord's attachments and the emulators live on loopback, which the bot never fetches otherwise
        monkeypatch.setenv("FETCH_ALLOWED_NETWORKS", LOOPBACK)
        yield Stack(fake=fake, emulators=emulators, settings=Settings())
        # whatever the test asserted, nothing the bot sent may be what Discord would refuse (its OpenAPI schema and
        # documented limits), even where the bot coped with the 400
        if not refusals_expected:
            assert not fake.refused, "Discord would refuse:\n" + "\n".join(map(str, fake.refused))


@pytest.fixture
async def bot(stack: Stack) -> AsyncIterator[GridBot]:
    async with stack.running() as client:
        yield client
