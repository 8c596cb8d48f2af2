"""The bot as a real process (``python -m bot``), as it runs in production, so that a test can kill it (SIGKILL:
no clean-up of any kind) and start it again on the same database."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.fake_discord import FakeDiscord

REPO_ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """One run of ``python -m bot`` with ``env``; its output goes to ``log_path`` (appended, runs marked)."""

    def __init__(self, env: Mapping[str, str], *, workdir: Path, log_path: Path) -> None:
        self.env = {**env, "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"}
        self.workdir = workdir
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None
        self.runs = 0

    async def start(self, fake: FakeDiscord, *, timeout: float = 30.0) -> None:
        """Start it and wait until it is connected to the fake Discord's gateway (a new IDENTIFY) and ready."""
        identified = fake.gateway.identify_count
        self.runs += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n===== run {self.runs} =====\n".encode())
            # the working directory holds no .env: only the environment given here configures the bot
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", env=self.env, cwd=self.workdir, stdout=log, stderr=log
            )
        process = self.process

        def connected() -> bool:
            if process.returncode is not None:
                raise RuntimeError(f"the bot exited with {process.returncode}; see {self.log_path}")
            return fake.gateway.identify_count > identified and fake.gateway.connected()

        await fake.wait_for(connected, timeout=timeout, what="the bot process to connect")

    def kill(self) -> None:
        """SIGKILL: the process dies between any two instructions, with nothing flushed or closed."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)

    async def wait(self, timeout: float = 10.0) -> int:
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def stop(self) -> None:
        """SIGTERM (discord.py closes the bot), then SIGKILL if it does not go."""
        process = self.process
        if process is None or process.returncode is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 10.0)
        except TimeoutError:
            process.kill()
            await process.wait()

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def bot_environment(**settings: str) -> dict[str, str]:
    """The current environment (which the fixtures filled with the fakes' addresses) plus ``settings``; nothing
    from a developer's own shell that could point the bot elsewhere."""
    return {key: value for key, value in os.environ.items() if not key.startswith("SECRETS_")} | settings
