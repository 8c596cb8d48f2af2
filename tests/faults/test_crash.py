"""Killing the bot (SIGKILL) with 200 jobs in flight, then starting it again on the same database.

The bot runs as a real process (``python -m bot``); the fake Discord and the emulators run in the test. When the
kill comes, every command has been answered with "thinking…" and has its row, and the jobs are spread over the
states of their lives: some still being sent (a share of submits is slowed down), some followed at the services,
some being delivered or done. After the restart every job ends with exactly one result on its message, or, when
its submit was cut by the kill, with "outcome unknown" (reported, not lost), and a button of a grid delivered
before the crash works.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from bot import rendering
from providers.core.errors import ErrorKind
from tests.bot.e2e.conftest import POLL_SCALE, PROGRESS_EDIT_INTERVAL, has_result, is_final
from tests.bot.e2e.test_imagine import assert_finished_cleanly, assert_is_grid
from tests.fake_discord import InteractionRecord, MessageVersion, StoredMessage
from tests.faults.bot_process import BotProcess, bot_environment
from tests.faults.conftest import SERVICES, FaultStack, fault_stack, job_number
from tests.faults.traffic import Hit, Traffic

JOBS = 200
#: commands per second, about what two cores keep up with while answering each within Discord's 3 s
SEND_RATE = 60
JOB_SECONDS = {"picpik": 1.5, "midjourney": 1.0, "jumdata": 2.0, "ngpu": 1.2}
#: every fifth submit reaches its service this much later: when the kill comes, some are still being sent
SLOW_SUBMIT = 2.5
#: longer than a slow submit, so that only the kill cuts one
CALL_TIMEOUT = 6.0


def slow_share_of_submits(traffic: Traffic) -> Callable[[Hit], float]:
    submits = itertools.count()

    def delay(hit: Hit) -> float:
        return SLOW_SUBMIT if traffic.is_submit(hit) and next(submits) % 5 == 0 else 0.0

    return delay


def job_states(database: Path) -> dict[int, str]:
    """Each job's state as committed in the SQLite file (read-only; the bot may be running or dead)."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)) as db:
        return dict(db.execute("SELECT id, state FROM jobs"))


def final_versions(message: StoredMessage) -> list[MessageVersion]:
    """The versions of a job's message that show a result or a failure."""
    return [v for v in message.versions if has_result(v) or "❌" in v.content]


async def kill_when_spread(
    loaded: FaultStack, bot: BotProcess, database: Path, interactions: list[InteractionRecord]
) -> dict[int, str]:
    """SIGKILL the bot once every command has its row and the jobs are being sent, followed and delivered;
    returns each job's state as the dead process left it."""

    def spread() -> bool:
        if not all(interaction.acknowledged for interaction in interactions):
            return False
        counts = collections.Counter(job_states(database).values())
        return (
            counts.total() == JOBS
            and counts["pending"] > 0
            and counts["submitted"] + counts["running"] > 0
            and counts["delivered"] > 0
        )

    await loaded.fake.wait_for(spread, timeout=30, what="the jobs to spread over their states")
    bot.kill()
    await bot.wait()
    return job_states(database)


async def test_a_killed_bot_finishes_every_job_exactly_once_after_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with fault_stack(
        tmp_path, monkeypatch, job_seconds=JOB_SECONDS.__getitem__, call_timeout=CALL_TIMEOUT
    ) as loaded:
        fake = loaded.fake
        for traffic in loaded.traffic.values():
            traffic.delay = slow_share_of_submits(traffic)
        database = tmp_path / "bot.sqlite3"
        environment = bot_environment(
            DATABASE_PATH=str(database),
            FRONTEND_POLL_INTERVAL_SCALE=str(POLL_SCALE),
            FRONTEND_PROGRESS_EDIT_INTERVAL_SECONDS=str(PROGRESS_EDIT_INTERVAL),
            FRONTEND_GUILD_READY_TIMEOUT="0.05",
            FRONTEND_TOKEN_SAFETY_MARGIN_SECONDS="0",
            LOG_LEVEL="INFO",
        )
        bot = BotProcess(environment, workdir=tmp_path, log_path=tmp_path / "bot.log")
        try:
            await bot.start(fake)
            started = time.monotonic()
            sent: list[tuple[str, InteractionRecord]] = []
            for n in range(JOBS):
                service = SERVICES[n % len(SERVICES)]
                options = {"prompt": f"a lighthouse at night, take {n}", "provider": service}
                sent.append((service, await fake.send_slash_command("imagine", options, user=fake.member)))
                await asyncio.sleep(1 / SEND_RATE)
            interactions = [interaction for _, interaction in sent]
            at_kill = await kill_when_spread(loaded, bot, database, interactions)
            killed = time.monotonic()

            await bot.start(fake)
            await fake.wait_for(
                lambda: all((m := fake.original_message(i)) is not None and is_final(m) for i in interactions),
                timeout=45,
                what="every job's final message after the restart",
            )
            finished = time.monotonic()
            assert_each_job_shown_once(fake.original_message, sent, at_kill)
            # one message per command, and no other: nothing was delivered twice as a new message
            assert len(fake.messages) == JOBS

            # a grid delivered before the crash: its U1 starts a job in the new process
            before_crash = next(
                m for i in interactions
                if (m := fake.original_message(i)) is not None and at_kill[job_number(m)] == "delivered"
            )
            click = await fake.click_button(before_crash, before_crash.custom_ids[0])
            upscale = await fake.wait_for_original(click, is_final, timeout=15)
            assert has_result(upscale.current) and "❌" not in upscale.content, upscale.content
            assert job_number(upscale) > JOBS

            # every row closed (just after its final edit): the restarted process left nothing open
            def closed() -> dict[int, str] | None:
                states = job_states(database)
                return states if len(states) == JOBS + 1 and set(states.values()) <= {"delivered", "failed"} else None

            states = await fake.wait_for(closed, timeout=10, what="every row to close")
        finally:
            await bot.stop()
    print(
        f"\nkilled {killed - started:.1f} s after the first command with the jobs at",
        dict(collections.Counter(at_kill.values())),
        f"; all {JOBS} closed {finished - killed:.1f} s after the kill:",
        dict(collections.Counter(states.values())),
    )


def assert_each_job_shown_once(
    original: Callable[[InteractionRecord], StoredMessage | None],
    sent: list[tuple[str, InteractionRecord]],
    at_kill: dict[int, str],
) -> None:
    cut = 0
    for service, interaction in sent:
        message = original(interaction)
        assert message is not None
        job = job_number(message)
        assert_finished_cleanly(message)
        finals = final_versions(message)
        shown = {(v.content, tuple(a.data for a in v.attachments)) for v in finals}
        assert len(shown) == 1, (job, at_kill[job], [v.content for v in finals])  # never two different results
        if at_kill[job] in ("delivering", "failing"):
            # the process may have died after Discord showed the result and before the row said so: the very
            # same edit is made again, which leaves the message as it was
            assert len(finals) <= 2, (job, len(finals))
        else:
            assert len(finals) == 1, (job, at_kill[job], len(finals))
        if at_kill[job] in ("pending", "unknown"):
            # its submit was cut by the kill: reported as of unknown outcome (never sent again), not lost
            cut += 1
            unknown = rendering.failure_reason(ErrorKind.SUBMIT_UNKNOWN, rendering.service_name(service))
            assert f"❌ {unknown}" in message.content, message.content
            assert "The bot restarted while this job was being sent." in message.content
            assert not message.attachments
        else:
            assert_is_grid(message)
    assert cut == sum(state in ("pending", "unknown") for state in at_kill.values()) > 0
