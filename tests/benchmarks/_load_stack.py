"""What the load benchmark runs the bot against, all on loopback: the fake Discord in this process, the four service
emulators in a child process (``tests.benchmarks._load_emulators``), the bot in another
(``tests.benchmarks._bot_process``).

Three processes so that each one's work stays its own: the bot's CPU time, memory and loop lag are the bot's, and
neither the fake's nor the emulators' work delays the other's answers. This process runs a lag probe of its own,
so a run can show that the fake Discord was not what made the bot look slow. The fake and the emulators keep their
own records (every version of every message with the time it arrived, every callback; jobs with their start and
finish times, requests received): the figures are taken from the far side of the bot.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.benchmarks._bot_process import LagProbe
from tests.benchmarks._load_processes import BotProcess, EmulatorProcess
from tests.emulators.__main__ import _emulator_modules
from tests.fake_discord import FakeDiscord, FakeUser

REPO_ROOT = Path(__file__).resolve().parents[2]
#: the environment prefixes the bot reads; the child gets only the values set here, never the caller's
_BOT_PREFIXES = ("FRONTEND_", "DISCORD_", "DATABASE_", "SECRETS_", "FETCH_", "PICPIK_", "MIDJOURNEY_", "JUMDATA_",
                 "NGPU_")


def child_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without any of the bot's settings, with this repository importable."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(_BOT_PREFIXES)}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, (str(REPO_ROOT), os.environ.get("PYTHONPATH"))))
    environment.update(extra or {})
    return environment


@dataclass
class LoadStack:
    """Emulators and the fake Discord on loopback, and the environment that points a bot process at them."""

    fake: FakeDiscord
    emulators: EmulatorProcess
    users: list[FakeUser]
    folder: Path
    #: the loop lag of this process (the fake Discord's), on the same clock as the bot's probe
    probe: LagProbe
    extra_environment: dict[str, str] = field(default_factory=dict)

    @property
    def services(self) -> list[str]:
        return sorted(self.emulators.urls)

    def environment(self, database: Path) -> dict[str, str]:
        """The bot's settings: the fake, the emulators (with their test keys), ``database``; pacing as default."""
        environment = child_environment({
            "DISCORD_TOKEN": self.fake.token,
            "DISCORD_API_BASE": self.fake.api_base,
            "DISCORD_GATEWAY_URL": self.fake.gateway_url,
            "DATABASE_PATH": str(database),
            "FETCH_ALLOWED_NETWORKS": "127.0.0.0/8",
            # only how long discord.py waits for GUILD_CREATEs at start-up (the fake sends them at once)
            "FRONTEND_GUILD_READY_TIMEOUT": "0.05",
            "LOG_LEVEL": "WARNING",
        })
        for name, module in _emulator_modules().items():
            environment[f"{name.upper()}_BASE_URL"] = self.emulators.urls[name]
            environment.update(module.ENV_SETTINGS)
        environment.update(self.extra_environment)
        return environment

    @asynccontextmanager
    async def bot(self, database: Path, name: str) -> AsyncIterator[BotProcess]:
        """A bot process on ``database``, ready (connected, commands synced); killed if it is still up after."""
        process = await BotProcess.spawn("tests.benchmarks._bot_process", [], self.environment(database),
                                         self.folder, name)
        try:
            await process.wait_ready()
            await self.fake.wait_for(lambda: self.fake.commands(), timeout=30, what="the commands to be synced")
            yield process
        finally:
            await process.kill()


@asynccontextmanager
async def load_stack(
    folder: Path,
    job_seconds: tuple[float, float],
    *,
    users: int = 20,
    extra_environment: Mapping[str, str] | None = None,
) -> AsyncIterator[LoadStack]:
    """Fresh emulators (each job takes between ``job_seconds[0]`` and ``job_seconds[1]``) and a fake Discord with
    ``users`` members besides its own."""
    async with AsyncExitStack() as stack:
        shortest, longest = job_seconds
        arguments = ["--shortest", str(shortest), "--longest", str(longest)]
        emulators = await EmulatorProcess.spawn("tests.benchmarks._load_emulators", arguments, child_environment(),
                                                folder, "emulators")
        stack.push_async_callback(emulators.kill)
        await emulators.wait_ready()
        # no deadline of the fake's own: a late answer is what the figure measures, not a failure to stop on
        fake = await stack.enter_async_context(FakeDiscord(callback_deadline=None))
        members = [fake.add_user(f"bench-{number}") for number in range(users)]
        probe = LagProbe()
        probe.start()
        stack.push_async_callback(probe.stop)
        yield LoadStack(fake, emulators, members, folder, probe, dict(extra_environment or {}))
