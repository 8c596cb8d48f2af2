"""The four service emulators in a process of their own, for the load benchmark, and how to read their records.

    python -m tests.benchmarks._load_emulators --shortest 3 --longest 8     (started by ``tests.benchmarks.load``)

Apart from the fake Discord so that neither one's work (an emulator drawing the pictures of forty finished jobs
for one ``/jobs/find`` page, the fake taking in forty grids) delays the other's answers: what is measured is the
bot, not the bench. The process prints ``{"event": "ready", "urls": {service: base URL}, "records": URL}`` and
serves, at ``records``, what the emulators saw: ``GET /jobs`` (service → job id → [started, finishes], on
``time.monotonic``, which every process on Linux shares), ``GET /requests`` (service → kind → count) and
``GET /batches`` (service → jobs asked about by each status request, where a request names its jobs). It stops
when its stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.benchmarks._wire import say
from tests.emulators import jumdata, midjourney, ngpu, picpik
from tests.emulators.__main__ import _emulator_modules
from tests.emulators.common import JobClock, json_response, serve

POLL, SUBMIT, OTHER = "poll", "submit", "other"


@dataclass
class SpreadJobClock(JobClock):
    """An emulator's job clock whose jobs take between ``shortest`` and ``longest`` seconds, each its own share
    (drawn from its start time, so the same job always takes as long). Real jobs vary; one fixed duration could
    fall exactly on a poll of the bot's schedule, or exactly between two, and flatter or wrong the figure."""

    shortest: float = 1.0
    longest: float = 1.0

    def duration_of(self, started: float) -> float:
        return random.Random(started).uniform(self.shortest, self.longest)

    def phase(self, started: float) -> tuple[str, float]:
        return JobClock(self.duration_of(started), self.queued_share, self.now).phase(started)


@dataclass(frozen=True)
class EmulatorView:
    """How the benchmark reads one emulator's own records, and gives it a clock."""

    #: the job id → when the emulator started it (``time.monotonic``)
    start_times: Callable[[web.Application], dict[str, float]]
    #: what each request received so far was: POLL (a status question), SUBMIT (a billed job) or OTHER
    request_kinds: Callable[[web.Application], list[str]]
    #: put a clock in the emulator (before it serves)
    set_clock: Callable[[web.Application, JobClock], None]
    #: how many jobs each status request asked about, for services that ask about a list of jobs by id
    jobs_per_poll: Callable[[web.Application], list[int]] = lambda app: []


def _kind(name: str, polls: tuple[str, ...], submits: tuple[str, ...]) -> str:
    return POLL if name.endswith(polls) else SUBMIT if name.endswith(submits) else OTHER


def _set_state_clock(key: web.AppKey[Any]) -> Callable[[web.Application, JobClock], None]:
    def set_clock(app: web.Application, clock: JobClock) -> None:
        app[key].clock = clock

    return set_clock


def _set_jumdata_clock(app: web.Application, clock: JobClock) -> None:
    app[jumdata.CLOCK_KEY] = clock


EMULATOR_VIEWS: Mapping[str, EmulatorView] = {
    "picpik": EmulatorView(
        lambda app: {uid: task.started for uid, task in app[picpik.STATE_KEY].tasks.items()},
        lambda app: [
            _kind(str(r["Action"]), ("ListTasksDetails",), ("GenerateImages",)) for r in app[picpik.REQUESTS_KEY]
        ],
        _set_state_clock(picpik.STATE_KEY),
        lambda app: [len(body.get("TaskUIDList") or []) for body in picpik.requests_for(app, "ListTasksDetails")],
    ),
    "midjourney": EmulatorView(
        lambda app: {job.hash: job.started for job in app[midjourney.STATE_KEY].jobs if not job.finished_from_start},
        lambda app: [_kind(r["path"], ("/jobs/find",), ("/jobs/create",)) for r in app[midjourney.REQUESTS_KEY]],
        _set_state_clock(midjourney.STATE_KEY),
    ),
    "jumdata": EmulatorView(
        lambda app: {task_id: task.started for task_id, task in app[jumdata.TASKS_KEY].items()},
        lambda app: [_kind(r.path, ("/query",), ("/submit",)) for r in app[jumdata.REQUESTS_KEY]],
        _set_jumdata_clock,
    ),
    "ngpu": EmulatorView(
        # the emulator's own historic tasks "started" long ago (a negative time)
        lambda app: {task_id: task.started for task_id, task in app[ngpu.STATE_KEY].tasks.items() if task.started > 0},
        lambda app: [_kind(r.path, ("/queryTask",), ("/schedulingTask",)) for r in app[ngpu.REQUESTS_KEY]],
        _set_state_clock(ngpu.STATE_KEY),
    ),
}


def records_app(apps: Mapping[str, web.Application], clock: SpreadJobClock) -> web.Application:
    """``GET /jobs`` and ``GET /requests``: what every emulator saw, for the parent to read once a run is over."""

    async def jobs(request: web.Request) -> web.Response:
        return json_response({
            name: {job_id: [started, started + clock.duration_of(started)]
                   for job_id, started in EMULATOR_VIEWS[name].start_times(app).items()}
            for name, app in apps.items()
        })

    async def requests(request: web.Request) -> web.Response:
        return json_response({name: Counter(EMULATOR_VIEWS[name].request_kinds(app)) for name, app in apps.items()})

    async def batches(request: web.Request) -> web.Response:
        return json_response({name: EMULATOR_VIEWS[name].jobs_per_poll(app) for name, app in apps.items()})

    app = web.Application()
    app.router.add_get("/jobs", jobs)
    app.router.add_get("/requests", requests)
    app.router.add_get("/batches", batches)
    return app


async def run(shortest: float, longest: float) -> None:
    clock = SpreadJobClock(duration=(shortest + longest) / 2, shortest=shortest, longest=longest)
    async with AsyncExitStack() as stack:
        apps: dict[str, web.Application] = {}
        urls: dict[str, str] = {}
        for name, module in _emulator_modules().items():
            app = module.make_app(clock.duration)
            EMULATOR_VIEWS[name].set_clock(app, clock)
            urls[name] = await stack.enter_async_context(serve(app))
            apps[name] = app
        records = await stack.enter_async_context(serve(records_app(apps, clock)))
        say({"event": "ready", "urls": urls, "records": records})
        reader = asyncio.StreamReader()
        await asyncio.get_running_loop().connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        await reader.read()  # until the parent closes stdin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shortest", type=float, required=True, help="the shortest job, seconds")
    parser.add_argument("--longest", type=float, required=True, help="the longest job, seconds")
    arguments = parser.parse_args()
    asyncio.run(run(arguments.shortest, arguments.longest))


if __name__ == "__main__":
    main()
