"""The whole bot under load and faults: the e2e stack (see ``tests/bot/e2e/conftest.py``), with every emulator's
traffic recorded (``tests/faults/traffic.py``) and the timing of each test's own choosing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web

from bot.settings import Settings
from tests.bot.e2e.conftest import LOOPBACK, Stack, has_result
from tests.emulators import jumdata, midjourney, ngpu
from tests.emulators import picpik as picpik_emulator
from tests.emulators.__main__ import _emulator_modules
from tests.emulators.common import serve
from tests.fake_discord import FakeDiscord, StoredMessage
from tests.faults.traffic import Traffic

SERVICES = ("picpik", "midjourney", "jumdata", "ngpu")
#: "· #17" at the end of every job's heading
_JOB_NUMBER = re.compile(r"#(\d+)\s*$")


@dataclass
class FaultStack:
    stack: Stack
    traffic: dict[str, Traffic]

    @property
    def fake(self) -> FakeDiscord:
        return self.stack.fake

    def app(self, service: str) -> web.Application:
        return self.stack.emulators[service]


@asynccontextmanager
async def fault_stack(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    job_seconds: float | Callable[[str], float],
    call_timeout: float = 1.5,
    retry_base_delay: float = 0.01,
    job_timeout: float | None = None,
    fake: FakeDiscord | None = None,
) -> AsyncIterator[FaultStack]:
    """Emulators with recorded traffic, a fake Discord and settings in the environment (as the e2e ``stack``)."""
    async with AsyncExitStack() as exit_stack:
        emulators: dict[str, web.Application] = {}
        traffic: dict[str, Traffic] = {}
        for name, module in _emulator_modules().items():
            seconds = job_seconds(name) if callable(job_seconds) else job_seconds
            traffic[name] = Traffic(name)
            app = traffic[name].install(module.make_app(seconds))
            url = await exit_stack.enter_async_context(serve(app))
            emulators[name] = app
            prefix = name.upper()
            monkeypatch.setenv(f"{prefix}_BASE_URL", url)
            monkeypatch.setenv(f"{prefix}_RETRY_BASE_DELAY_SECONDS", str(retry_base_delay))
            monkeypatch.setenv(f"{prefix}_TIMEOUT_SECONDS", str(call_timeout))
            if job_timeout is not None:
                monkeypatch.setenv(f"{prefix}_JOB_TIMEOUT_SECONDS", str(job_timeout))
            for key, value in module.ENV_SETTINGS.items():
                monkeypatch.setenv(key, value)
        fake = await exit_stack.enter_async_context(fake or FakeDiscord())
        monkeypatch.setenv("DISCORD_TOKEN", fake.token)
        monkeypatch.setenv("DISCORD_API_BASE", fake.api_base)
        monkeypatch.setenv("DISCORD_GATEWAY_URL", fake.gateway_url)
        monkeypatch.delenv("DISCORD_DEV_GUILD_ID", raising=False)
        monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.sqlite3"))
        monkeypatch.setenv("FETCH_ALLOWED_NETWORKS", LOOPBACK)
        yield FaultStack(Stack(fake=fake, emulators=emulators, settings=Settings()), traffic)


def tasks_created(service: str, app: web.Application) -> int:
    """How many jobs the service took (what it would bill)."""
    if service == "picpik":
        return len(app[picpik_emulator.STATE_KEY].tasks)
    if service == "midjourney":
        return len(app[midjourney.STATE_KEY].jobs)
    if service == "jumdata":
        return len(app[jumdata.TASKS_KEY])
    return len(app[ngpu.STATE_KEY].tasks) - len(ngpu.HISTORIC_TASK_IDS)


def job_number(message: StoredMessage) -> int:
    """The job a message belongs to, from the number at the end of its heading (its first line)."""
    match = _JOB_NUMBER.search(message.content.partition("\n")[0])
    assert match is not None, message.content
    return int(match[1])


def versions_with_files(message: StoredMessage) -> int:
    """How many versions of a job's message carry a result (a progress preview is none)."""
    return sum(has_result(version) for version in message.versions)


def waited(message: StoredMessage) -> float:
    """Seconds from "thinking…" to the message's last version."""
    return message.versions[-1].monotonic - message.versions[0].monotonic
