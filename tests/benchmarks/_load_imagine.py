"""Many ``/imagine`` commands at a steady rate against a bot process, and what became of each, seen from outside.

Each job's times come from three processes whose clocks are one (``time.monotonic``, shared by every process on
Linux): the fake Discord's (the slash command sent, the callback received, the final edit received), the
emulators' (the job started, the job finished: start + that job's duration) and the bot's (its lag probe). The
bot's own database only links them: a row's ``message_id`` is the interaction's original message, its
``provider_job_id`` the emulator's job.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.database import open_database
from storage.jobs import JobRecord, JobStore
from tests.benchmarks._load_emulators import POLL
from tests.benchmarks._load_stack import LoadStack
from tests.bot.e2e.conftest import has_result
from tests.fake_discord import LOADING, InteractionRecord, StoredMessage

FAILURE_MARK = "❌"


@dataclass
class JobOutcome:
    """One ``/imagine``, as the fake Discord and the emulator saw it (monotonic seconds; None: never happened)."""

    service: str
    sent_at: float
    callback_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    final_at: float | None = None
    failed: bool = False

    @property
    def delivered(self) -> bool:
        return self.final_at is not None and not self.failed


@dataclass
class LoadRun:
    """What one run of ``run_imagine_load`` measured."""

    jobs: list[JobOutcome]
    #: service → request kind (poll / submit / other) → how many the emulator received
    requests: dict[str, Counter[str]]
    #: the bot process's own report: CPU seconds, peak RSS, lag samples (``_bot_process.Meter.report``)
    bot: dict[str, Any]
    sending_began: float
    sending_ended: float
    ended: float
    #: what the bot's environment had beyond the stack's defaults (e.g. a poll interval scale)
    environment: dict[str, str] = field(default_factory=dict)
    #: (monotonic, seconds late) of the fake Discord's own loop during the run: the bench, not the bot
    harness_lag_samples: list[tuple[float, float]] = field(default_factory=list)
    #: service → how many jobs each status request asked about (services whose requests name their jobs)
    jobs_per_poll: dict[str, list[int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def open_seconds(self, service: str) -> float:
        """Job-seconds the service's jobs were open: from the emulator's start to the final edit (or the end)."""
        return sum(
            (job.final_at or self.ended) - job.started_at
            for job in self.jobs
            if job.service == service and job.started_at is not None
        )

    def peak_open(self) -> int:
        """The most jobs open at one moment (started at the service, final message not yet received)."""
        events = sorted(
            itertools.chain.from_iterable(
                ((job.started_at, 1), (job.final_at or self.ended, -1)) for job in self.jobs if job.started_at
            )
        )
        peak = current = 0
        for _, step in events:
            current += step
            peak = max(peak, current)
        return peak


async def send_at_rate(stack: LoadStack, services: list[str], count: int, rate: float) -> list[InteractionRecord]:
    """``count`` slash commands, one every ``1 / rate`` seconds on a fixed schedule (a late one does not delay
    the next), round-robin over ``services`` and the stack's members."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    sending: list[asyncio.Task[InteractionRecord]] = []
    for number in range(count):
        delay = began + number / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        options = {"prompt": f"a lighthouse at dusk, take {number}", "provider": services[number % len(services)]}
        user = stack.users[number % len(stack.users)]
        sending.append(asyncio.create_task(stack.fake.send_slash_command("imagine", options, user=user)))
    return list(await asyncio.gather(*sending))


def final_version_at(message: StoredMessage | None) -> tuple[float | None, bool]:
    """When the message first showed its result or its failure, and whether it was a failure."""
    if message is None:
        return None, False
    for version in message.versions:
        if version.flags & LOADING:
            continue
        if has_result(version):
            return version.monotonic, False
        if FAILURE_MARK in version.content:
            return version.monotonic, True
    return None, False


def _all_final(stack: LoadStack, interactions: list[InteractionRecord]) -> bool:
    return all(final_version_at(stack.fake.original_message(i))[0] is not None for i in interactions)


async def run_imagine_load(
    stack: LoadStack, database: Path, *, count: int, rate: float, timeout: float, name: str
) -> LoadRun:
    """Start a bot process, send ``count`` ``/imagine`` at ``rate`` per second (mixed services), wait until every
    job has its final message or ``timeout`` seconds after the last command, stop the bot, and collect."""
    services = stack.services
    async with stack.bot(database, name) as bot:
        await bot.mark()
        sending_began = time.monotonic()
        interactions = await send_at_rate(stack, services, count, rate)
        sending_ended = time.monotonic()
        deadline = sending_ended + timeout
        # a look every quarter second: counting finals on every change of the fake would cost more than the bot
        while not _all_final(stack, interactions) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.25)
        ended = time.monotonic()
        report = await bot.stop()
    jobs = await _outcomes(stack, database, interactions, services)
    requests = await stack.emulators.request_kinds()
    harness = [sample for sample in stack.probe.samples if sending_began <= sample[0] <= ended]
    run = LoadRun(jobs, requests, report, sending_began, sending_ended, ended, dict(stack.extra_environment), harness,
                  await stack.emulators.jobs_per_poll())
    undelivered = sum(not job.delivered for job in jobs)
    if undelivered:
        by_service = Counter(job.service for job in jobs if not job.delivered)
        run.notes.append(f"{undelivered} of {len(jobs)} jobs not delivered within {timeout:g} s: {dict(by_service)}")
    return run


async def _rows_by_message(database: Path, stack: LoadStack) -> dict[int, JobRecord]:
    db = await open_database(database)
    try:
        store = JobStore(db)
        rows: dict[int, JobRecord] = {}
        for user in stack.users:
            for record in await store.jobs_for_owner(user.id, 1_000_000):
                if record.message_id is not None:
                    rows[record.message_id] = record
        return rows
    finally:
        await db.close()


async def _outcomes(
    stack: LoadStack, database: Path, interactions: list[InteractionRecord], services: list[str]
) -> list[JobOutcome]:
    rows = await _rows_by_message(database, stack)
    callbacks: dict[int, float] = {}
    for callback in stack.fake.state.callbacks:
        callbacks.setdefault(callback.interaction_id, callback.monotonic)
    times = await stack.emulators.job_times()
    outcomes = []
    for number, interaction in enumerate(interactions):
        service = services[number % len(services)]
        final_at, failed = final_version_at(stack.fake.original_message(interaction))
        outcome = JobOutcome(service, interaction.created_monotonic, callbacks.get(interaction.id),
                             final_at=final_at, failed=failed)
        record = rows.get(interaction.original_message_id or -1)
        known = times[service].get(record.provider_job_id or "") if record is not None else None
        if known is not None:
            outcome.started_at, outcome.finished_at = known
        outcomes.append(outcome)
    return outcomes


def polls_per_open_job_second(run: LoadRun) -> dict[str, float | None]:
    """Per service: status requests the emulator received / job-seconds its jobs were open."""
    rates: dict[str, float | None] = {}
    for service, kinds in run.requests.items():
        seconds = run.open_seconds(service)
        rates[service] = kinds[POLL] / seconds if seconds > 0 else None
    return rates
