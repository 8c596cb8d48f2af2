"""A restart under load: a database with many finished jobs and some open ones, and how soon a fresh bot process
follows every open one again.

The database is written through the real ``JobStore``: ``finished`` jobs taken all the way to ``delivered``, and
``open_jobs`` real jobs submitted to the emulators through the real provider classes (so every poll has a real
answer), left ``submitted`` with a message each in the fake Discord. The emulators finish them while no bot runs.
A job counts as followed again once its row has left ``submitted`` (its first poll found it finished and moved it
to ``delivering``); the figure also says when every one of them was delivered.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from providers.core.base import Provider
from providers.core.models import ImageData, ImagineRequest, JobHandle, JobKind, JobState, JobStatus
from providers.registry import PROVIDERS
from storage.database import open_database
from storage.jobs import JobStore
from storage.lifecycle import LifecycleState
from tests.benchmarks._load_stack import LoadStack

#: owner ids of the two groups of rows (no member of the fake needs to exist for them)
HISTORY_OWNER = 1_000_001
OPEN_OWNER = 1_000_002
#: how often the database is looked at while the bot starts (the figure's resolution)
WATCH_INTERVAL = 0.05


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """``values`` in ``os.environ`` for the block (service settings are read from the environment)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def _messages(stack: LoadStack, count: int) -> list[int]:
    """``count`` messages by the bot in the fake's channel (what the open jobs' rows point at)."""
    url = f"{stack.fake.api_base}/channels/{stack.fake.channel.id}/messages"
    headers = {"Authorization": f"Bot {stack.fake.token}"}
    async with aiohttp.ClientSession() as session:

        async def one(number: int) -> int:
            async with session.post(url, json={"content": f"⏳ job {number}"}, headers=headers) as response:
                response.raise_for_status()
                return int((await response.json())["id"])

        return list(await asyncio.gather(*(one(number) for number in range(count))))


async def _write_history(store: JobStore, count: int, services: list[str], channel_id: int) -> None:
    """``count`` jobs taken through the state machine to ``delivered``, as months of use would leave them."""
    picture = ImageData(url="https://example.invalid/grid.png")
    result = JobState(status=JobStatus.SUCCEEDED, images=[picture] * 4)
    submitted = datetime.now(UTC) - timedelta(days=30)
    for number, service in zip(range(count), itertools.cycle(services), strict=False):
        record = await store.create(
            kind=JobKind.IMAGINE, provider=service, owner_id=HISTORY_OWNER, channel_id=channel_id,
            request=ImagineRequest(prompt=f"an old picture {number}"), locale="en-US",
        )
        handle = JobHandle(provider=service, kind=JobKind.IMAGINE, job_id=f"history-{number}", submitted_at=submitted)
        await store.mark_submitted(record.id, handle, next_poll_at=time.time(), expected=LifecycleState.PENDING)
        await store.mark_result(record.id, result, expected=LifecycleState.SUBMITTED)
        await store.mark_delivered(record.id, 10**17 + number, expected=LifecycleState.DELIVERING)


async def _submit_open(
    store: JobStore, stack: LoadStack, database: Path, message_ids: list[int], services: list[str]
) -> None:
    """One real job per message, sent to the emulators by the provider classes, recorded as ``submitted``."""
    async with aiohttp.ClientSession() as session:
        with environment(stack.environment(database)):
            providers: dict[str, Provider] = {}
            for name in services:
                settings = PROVIDERS[name].settings_model()
                providers[name] = PROVIDERS[name](session, settings, settings.default_credentials())  # type: ignore[attr-defined]
        limit = asyncio.Semaphore(16)

        async def one(number: int, message_id: int) -> None:
            service = services[number % len(services)]
            request = ImagineRequest(prompt=f"a harbour at night, job {number}")
            async with limit:
                handle = await providers[service].imagine(request)
            record = await store.create(
                kind=JobKind.IMAGINE, provider=service, owner_id=OPEN_OWNER, channel_id=stack.fake.channel.id,
                guild_id=stack.fake.guild.id, message_id=message_id, locale="en-US", request=request,
            )
            # due a little later, as the previous process had planned: a restart must not wait for that
            await store.mark_submitted(
                record.id, handle, next_poll_at=time.time() + 30, expected=LifecycleState.PENDING
            )

        await asyncio.gather(*(one(number, message_id) for number, message_id in enumerate(message_ids)))


async def build_database(stack: LoadStack, database: Path, *, finished: int, open_jobs: int) -> float:
    """Write the restart's database; returns the seconds it took."""
    began = time.monotonic()
    services = stack.services
    message_ids = await _messages(stack, open_jobs)
    db = await open_database(database)
    try:
        store = JobStore(db)
        await _write_history(store, finished, services, stack.fake.channel.id)
        await _submit_open(store, stack, database, message_ids, services)
    finally:
        await db.close()
    return time.monotonic() - began


async def _open_states(store: JobStore) -> list[LifecycleState]:
    return [record.state for record in await store.jobs_for_owner(OPEN_OWNER, 1_000_000)]


async def _watch(store: JobStore, deadline: float) -> dict[str, float]:
    """When (monotonic) every open row had left ``submitted``, and when every one was ``delivered``."""
    moments: dict[str, float] = {}
    while time.monotonic() < deadline:
        states = await _open_states(store)
        now = time.monotonic()
        if all(state is not LifecycleState.SUBMITTED for state in states):
            moments.setdefault("followed", now)
        if all(state is LifecycleState.DELIVERED for state in states):
            moments["delivered"] = now
            break
        await asyncio.sleep(WATCH_INTERVAL)
    return moments


async def restart_figures(stack: LoadStack, database: Path, *, timeout: float) -> dict[str, Any]:
    """Start a bot on ``database`` and time, from the moment its process is started, when every open job was
    polled again (left ``submitted``) and when every one was delivered."""
    db = await open_database(database)
    try:
        store = JobStore(db)
        count = len(await _open_states(store))
        began = time.monotonic()
        # watched from before the process starts: the poller resumes jobs before the client is ready
        watching = asyncio.create_task(_watch(store, began + timeout))
        try:
            async with stack.bot(database, "restart") as bot:
                moments = await watching
                ready = bot.ready_at
                await bot.stop()
        finally:
            watching.cancel()
    finally:
        await db.close()
    return {
        "open jobs": count,
        "ready after": None if ready is None else ready - began,
        "followed after": moments["followed"] - began if "followed" in moments else None,
        "delivered after": moments["delivered"] - began if "delivered" in moments else None,
    }
