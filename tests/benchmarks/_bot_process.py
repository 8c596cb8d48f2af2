"""The bot alone in a process of its own, for the load benchmark: the real ``GridBot`` with the settings from the
environment (the bot's default pacing unless ``FRONTEND_*`` says otherwise), plus a probe of the event loop.

    python -m tests.benchmarks._bot_process        (started by ``tests.benchmarks.load``, not by hand)

Alone so that its peak memory, CPU time and loop lag are the bot's own, not the fake Discord's or the emulators'
(those run in processes of their own). It talks to the parent in JSON lines (``tests.benchmarks._wire``): it
prints ``{"event": "ready"}`` once the client is ready, and answers each line on stdin — ``mark`` (start counting
CPU time and lag samples from now), ``report`` (what was measured since the mark), ``tasks`` (where the pending
tasks wait), ``stop`` (close the bot, report, exit). Closing stdin stops it too.

Two switches help find what holds the loop up (both cost time themselves, so figures taken with them on are not the
bot's): ``BENCH_PROFILE=<file>`` profiles the loop's thread and writes the ``pstats`` file ``<file>.<pid>`` at the end;
``BENCH_SLOW_STEPS_MS=<ms>`` prints to stderr every callback or task step that held the loop longer, with the
coroutine and where it stopped next.
"""

from __future__ import annotations

import asyncio
import cProfile
import gc
import logging
import os
import resource
import sys
import time
from typing import Any

from bot.app import GridBot
from bot.config import FrontEndSettings
from bot.settings import Settings
from tests.benchmarks._wire import say

#: how long the probe sleeps; its overshoot is the loop's lag (how late a ready task gets to run)
PROBE_INTERVAL = 0.010


class LagProbe:
    """Sleeps ``PROBE_INTERVAL`` again and again and records by how much each wake-up came late."""

    def __init__(self) -> None:
        #: (time.monotonic() when the sleep began, seconds late); CLOCK_MONOTONIC is shared by every process
        self.samples: list[tuple[float, float]] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="benchmark-lag-probe")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            began = time.monotonic()
            await asyncio.sleep(PROBE_INTERVAL)
            self.samples.append((began, max(0.0, time.monotonic() - began - PROBE_INTERVAL)))


class GcPauses:
    """How long each garbage collection held the process (``gc.callbacks``), by generation."""

    def __init__(self) -> None:
        #: (generation, seconds) of each collection
        self.pauses: list[tuple[int, float]] = []
        self._began = 0.0
        gc.callbacks.append(self._note)

    def _note(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.pauses.append((info["generation"], time.perf_counter() - self._began))


class Meter:
    """CPU time, wall time and lag samples since the last ``mark``."""

    def __init__(self, probe: LagProbe, collections: GcPauses) -> None:
        self._probe = probe
        self._collections = collections
        self._first_collection = 0
        self._cpu = time.process_time()
        self._wall = time.monotonic()
        self._first_sample = 0

    def mark(self) -> None:
        self._cpu, self._wall, self._first_sample = time.process_time(), time.monotonic(), len(self._probe.samples)
        self._first_collection = len(self._collections.pauses)

    def report(self) -> dict[str, Any]:
        # ru_maxrss is in KiB on Linux: the peak of this process since it started
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return {
            "event": "report",
            "cpu_seconds": time.process_time() - self._cpu,
            "wall_seconds": time.monotonic() - self._wall,
            "peak_rss_bytes": peak_kib * 1024,
            "lag_samples": [[round(at, 4), round(late, 5)] for at, late in self._probe.samples[self._first_sample :]],
            "gc_pauses": [[generation, round(took, 5)] for generation, took in
                          self._collections.pauses[self._first_collection :]],
        }


def waiting_tasks() -> dict[str, int]:
    """How many tasks wait at each place (the innermost frame of the project's own code): where work piles up."""
    places: dict[str, int] = {}
    for task in asyncio.all_tasks():
        frames = [f for f in task.get_stack() if "/site-packages/" not in f.f_code.co_filename]
        place = "?"
        if frames:
            code = frames[-1].f_code
            place = f"{'/'.join(code.co_filename.rsplit('/', 2)[-2:])}:{frames[-1].f_lineno} {code.co_name}"
        places[place] = places.get(place, 0) + 1
    return dict(sorted(places.items(), key=lambda item: -item[1]))


def report_slow_steps(threshold_seconds: float) -> None:
    """Print each loop callback (a task's step included) that ran longer than ``threshold_seconds``."""
    original_run = asyncio.events.Handle._run

    def timed_run(handle: asyncio.events.Handle) -> None:
        began = time.perf_counter()
        original_run(handle)
        took = time.perf_counter() - began
        if took > threshold_seconds:
            callback = getattr(handle, "_callback", None)
            task = getattr(callback, "__self__", None)
            where = ""
            if isinstance(task, asyncio.Task):
                frames = task.get_stack()
                where = " → ".join(f"{f.f_code.co_name}:{f.f_lineno}" for f in frames[-4:]) if frames else "done"
                name = task.get_coro().__qualname__ if hasattr(task.get_coro(), "__qualname__") else task.get_name()
            else:
                name = repr(callback)[:120]
            print(f"slow step {took * 1000:.1f} ms: {name} [{where}]", file=sys.stderr, flush=True)

    asyncio.events.Handle._run = timed_run  # type: ignore[method-assign]


async def commands() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def run() -> None:
    probe = LagProbe()
    probe.start()
    meter = Meter(probe, GcPauses())
    bot = GridBot(Settings(), front_end=FrontEndSettings())
    token = os.environ["DISCORD_TOKEN"]
    client = asyncio.create_task(bot.start(token), name="benchmark-bot")
    try:
        while not bot.is_ready():
            if client.done():
                client.result()  # why start() ended
                raise RuntimeError("the bot stopped before it was ready")
            await asyncio.sleep(0.01)
        say({"event": "ready"})
        reader = await commands()
        while line := (await reader.readline()).decode().strip():
            if line == "mark":
                meter.mark()
                say({"event": "marked"})
            elif line == "report":
                say(meter.report())
            elif line == "tasks":
                say({"event": "tasks", "waiting": waiting_tasks()})
            elif line == "stop":
                break
    finally:
        await bot.close()
        await asyncio.wait_for(client, timeout=10)
        await probe.stop()
    say(meter.report() | {"event": "stopped"})


def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"), stream=sys.stderr)
    if slow_ms := os.environ.get("BENCH_SLOW_STEPS_MS"):
        report_slow_steps(float(slow_ms) / 1000)
    profile_path = os.environ.get("BENCH_PROFILE")
    profiler = cProfile.Profile() if profile_path else None
    if profiler is not None:
        profiler.enable()
    try:
        asyncio.run(run())
    finally:
        if profiler is not None and profile_path:
            profiler.disable()
            profiler.dump_stats(f"{profile_path}.{os.getpid()}")


if __name__ == "__main__":
    main()
