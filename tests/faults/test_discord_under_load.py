"""Discord failing while many jobs run: a share of edits answered 429 with ``Retry-After``, interaction tokens
that expire early (401 / 50027), files refused as too large (413 / 40005), and a dropped gateway with commands
sent while the bot is away. Every job is delivered exactly once. The single-fault cases, one job each, are in
``tests/bot/e2e/test_discord_faults.py``; here they come together and under load."""

from __future__ import annotations

import asyncio
import collections
import time
from pathlib import Path

import pytest

from bot.app import GridBot
from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import is_final
from tests.bot.e2e.test_imagine import assert_is_grid
from tests.fake_discord import InteractionRecord, StoredMessage
from tests.fake_discord.state import RequestRecord
from tests.faults.conftest import SERVICES, FaultStack, fault_stack, job_number, versions_with_files

JOB_SECONDS = 1.2
#: interaction tokens die this long after the command (Discord: 15 minutes): most final edits need the bot token
TOKEN_LIFETIME = 1.0
#: files above this are refused although the interaction allows 10 MiB (the emulators' grids are ~30 kB as PNG)
ACCEPTED_UPLOAD = 25_000
RETRY_AFTER = 0.15
JPEG_MAGIC = b"\xff\xd8\xff"


def edits_of(fake_requests: list[RequestRecord], message: StoredMessage) -> list[RequestRecord]:
    """Every PATCH of ``message``: through its token (by id; ``@original`` is counted apart) or the bot token."""
    return [r for r in fake_requests if r.method == "PATCH" and r.route.endswith(f"/messages/{message.id}")]


async def send_round(loaded: FaultStack, label: str, per_service: int) -> list[InteractionRecord]:
    sent = []
    for n in range(per_service):
        for service in SERVICES:
            sent.append(await loaded.stack.imagine(f"{label} {n}", provider=service))
    return sent


async def all_final(loaded: FaultStack, interactions: list[InteractionRecord], timeout: float) -> list[StoredMessage]:
    fake = loaded.fake

    def finals() -> list[StoredMessage] | None:
        messages = [fake.original_message(i) for i in interactions]
        return messages if all(m is not None and is_final(m) for m in messages) else None  # type: ignore[misc]

    return await fake.wait_for(finals, timeout=timeout, what="every job's final message")


async def test_every_job_is_delivered_once_while_discord_misbehaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with fault_stack(tmp_path, monkeypatch, job_seconds=JOB_SECONDS) as loaded:
        fake, stack = loaded.fake, loaded.stack
        fake.faults.token_lifetime = TOKEN_LIFETIME
        fake.faults.accepted_upload_limit = ACCEPTED_UPLOAD
        fake.faults.rate_limit_edits(every=4, times=None, retry_after=RETRY_AFTER)
        async with stack.running() as bot:
            before = await send_round(loaded, "a harbour at dawn", per_service=8)
            await asyncio.sleep(JOB_SECONDS / 2)  # they are running
            async with fake.gateway_outage() as cut:
                assert cut == 1
                during = await send_round(loaded, "a meteor shower", per_service=3)
                await asyncio.sleep(0.3)
                assert not fake.gateway.connected()
                assert all(fake.original_message(i) is None for i in during)  # nobody has answered them yet
            after = await send_round(loaded, "a harbour at dusk", per_service=3)
            interactions = before + during + after
            messages = await all_final(loaded, interactions, timeout=40)
            records = {r.id: r for r in await settled(bot, fake.member.id, len(interactions))}

        requests = list(fake.state.requests)
        statuses = collections.Counter(r.status for r in requests if r.method == "PATCH")
        print(f"\n{len(interactions)} jobs; edits by answer: {dict(statuses)}")
        for message in messages:
            record = records[job_number(message)]
            assert record.state is LifecycleState.DELIVERED and record.message_id == message.id, record
            assert_is_grid(message)
            assert versions_with_files(message) == 1, [len(v.attachments) for v in message.versions]
            data = message.attachments[0].data
            assert len(data) <= ACCEPTED_UPLOAD, len(data)
            refused = any(r.status == 413 for r in edits_of(requests, message))
            assert data.startswith(JPEG_MAGIC) or not refused  # a refused grid came again smaller, as a JPEG
            edits = edits_of(requests, message)
            # a token Discord refused is not tried again: later edits of the job go straight to the bot token
            assert sum(r.status == 401 for r in edits) <= 1, [(r.status, r.route) for r in edits]
        # every fault struck
        assert statuses[429] and statuses[401] and statuses[413], statuses
        assert any("/channels/" in r.route and r.status == 200 for r in requests)  # edited with the bot token
        # the gateway was resumed, and the commands of the gap were replayed to the bot, not lost
        assert fake.gateway.identify_count == 1 and fake.gateway.resume_count == 1
        (resumed,) = [c for c in fake.gateway.connections if c.resumed]
        # (and those the bot had not read yet when the connection dropped)
        assert resumed.replayed.count("INTERACTION_CREATE") >= len(during)
        # one job and one message per command: none ran twice, nothing was delivered twice as a new message
        assert len(records) == len(fake.messages) == len(interactions)


async def settled(bot: GridBot, owner_id: int, count: int, timeout: float = 10.0) -> list:
    """The owner's jobs once ``count`` of them are closed (a row closes just after its final edit)."""
    deadline = time.monotonic() + timeout
    while True:
        records = await bot.store.jobs_for_owner(owner_id, 1000)
        if sum(r.state.is_terminal for r in records) >= count:
            return records
        assert time.monotonic() < deadline, [(r.id, r.state) for r in records if r.state.is_open]
        await asyncio.sleep(0.05)


async def test_a_slow_progress_edit_does_not_park_its_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A progress edit that Discord holds up (429) outlasts the job's next poll time, and meanwhile the poller's
    rounds go on (another job keeps waking it): a round takes the job again while its worker is still editing.
    The job must come due again when the worker is done, not only when the claim's lease (minutes) runs out."""
    seconds = {"jumdata": 4.0, "ngpu": 1.5}
    async with fault_stack(tmp_path, monkeypatch, job_seconds=lambda service: seconds.get(service, 1.0)) as loaded:
        fake, stack = loaded.fake, loaded.stack
        async with stack.running() as bot:
            # polled often, but its text no longer changes: its rounds end quickly and wake the poller
            waker = await stack.imagine("a ticking clock", provider="jumdata")
            await fake.wait_for_original(waker, lambda m: "🎨" in m.content)
            slow = await stack.imagine("a kettle on the stove", provider="ngpu")
            await fake.wait_for_original(slow, lambda m: "⏳" in m.content)
            fake.faults.rate_limit_edits(every=1, times=2, retry_after=0.6)  # its next progress edits
            final = await stack.final(slow, timeout=6)
            assert_is_grid(final)
            await stack.final(waker, timeout=6)
            records = await settled(bot, fake.member.id, 2)
        assert all(record.state is LifecycleState.DELIVERED for record in records)
