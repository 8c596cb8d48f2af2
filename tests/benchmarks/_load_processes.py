"""The load benchmark's child processes, driven over their stdin and read from their stdout in JSON lines:
the bot (``tests.benchmarks._bot_process``) and the service emulators (``tests.benchmarks._load_emulators``)."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

import aiohttp

from tests.benchmarks._wire import PREFIX

#: a bot's report carries every lag sample on one line
_LINE_LIMIT = 64 * 1024 * 1024


class ChildProcess:
    """A ``python -m <module>`` child with its stderr in a log file in ``folder``."""

    def __init__(self, process: asyncio.subprocess.Process, log_path: Path) -> None:
        self.process = process
        self.log_path = log_path
        self.started_at = time.monotonic()

    @classmethod
    async def spawn(
        cls, module: str, arguments: list[str], environment: Mapping[str, str], folder: Path, name: str
    ) -> Self:
        log_path = folder / f"{name}.log"
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", module, *arguments,
                cwd=folder,  # no .env of the caller's is read
                env=dict(environment),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
                limit=_LINE_LIMIT,
            )
        return cls(process, log_path)

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    async def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()

    async def expect(self, event: str, timeout: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        async with asyncio.timeout(timeout):
            while True:
                raw = await self.process.stdout.readline()
                if not raw:
                    raise RuntimeError(f"{self.log_path.stem} ended (waiting for {event!r}):\n{self.log_tail()}")
                text = raw.decode(errors="replace")
                if text.startswith(PREFIX):
                    message = json.loads(text[len(PREFIX) :])
                    if message.get("event") == event:
                        return message


class BotProcess(ChildProcess):
    """The bot; ``mark`` / ``report`` / ``waiting_tasks`` / ``stop`` (see ``tests.benchmarks._bot_process``)."""

    ready_at: float | None = None

    async def wait_ready(self, timeout: float = 60.0) -> None:
        await self.expect("ready", timeout)
        self.ready_at = time.monotonic()

    async def mark(self) -> None:
        await self.send("mark")
        await self.expect("marked", 30.0)

    async def report(self) -> dict[str, Any]:
        await self.send("report")
        return await self.expect("report", 60.0)

    async def waiting_tasks(self) -> dict[str, int]:
        """Where the bot's pending tasks wait right now (evidence of where work piles up)."""
        await self.send("tasks")
        return (await self.expect("tasks", 30.0))["waiting"]

    async def stop(self) -> dict[str, Any]:
        await self.send("stop")
        report = await self.expect("stopped", 60.0)
        await asyncio.wait_for(self.process.wait(), 30.0)
        return report


class EmulatorProcess(ChildProcess):
    """The four emulators; their base URLs, and what they saw (read over loopback from the process)."""

    urls: dict[str, str]
    records_url: str

    async def wait_ready(self, timeout: float = 60.0) -> None:
        ready = await self.expect("ready", timeout)
        self.urls, self.records_url = ready["urls"], ready["records"]

    async def job_times(self) -> dict[str, dict[str, tuple[float, float]]]:
        """Service → job id → (started, finishes), ``time.monotonic``."""
        raw = await self._get("jobs")
        return {service: {job: (start, end) for job, (start, end) in jobs.items()} for service, jobs in raw.items()}

    async def request_kinds(self) -> dict[str, Counter[str]]:
        """Service → request kind (poll / submit / other) → how many the emulator received."""
        return {service: Counter(kinds) for service, kinds in (await self._get("requests")).items()}

    async def jobs_per_poll(self) -> dict[str, list[int]]:
        """Service → how many jobs each of its status requests asked about (empty: its requests name no jobs)."""
        return await self._get("batches")

    async def _get(self, path: str) -> Any:
        async with aiohttp.ClientSession() as session, session.get(f"{self.records_url}/{path}") as response:
            response.raise_for_status()
            return await response.json()
