"""A billed submit whose answer never comes is never sent a second time. Picpik lists its running tasks, so the
bot looks there first and follows the task it finds; a service with no such list reports the job as "outcome
unknown", also after a restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import rendering
from providers.core.errors import ErrorKind
from storage.lifecycle import LifecycleState
from tests.bot.e2e.test_imagine import assert_finished_cleanly, assert_is_grid, settled
from tests.faults.conftest import fault_stack, tasks_created
from tests.faults.traffic import Hit

#: each call's timeout; Picpik's tasks run longer, so a task whose answer was lost is still running when looked for
CALL_TIMEOUT = 1.0
SECONDS = {"picpik": 3.0}


def job_seconds(service: str) -> float:
    return SECONDS.get(service, 0.6)


def unknown_text(service: str) -> str:
    return "❌ " + rendering.failure_reason(ErrorKind.SUBMIT_UNKNOWN, service)


async def test_picpik_finds_the_task_of_a_lost_answer_and_follows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with fault_stack(tmp_path, monkeypatch, job_seconds=job_seconds, call_timeout=CALL_TIMEOUT) as loaded:
        stack, traffic = loaded.stack, loaded.traffic["picpik"]
        async with stack.running() as bot:
            stack.arm("picpik", "answer_lost")  # the task is made, its answer never arrives
            final = await stack.final(await stack.imagine("a lantern by the sea", provider="picpik"))
            [record] = await settled(bot, stack.fake.member.id, 1)

    assert_is_grid(final)
    assert record.state is LifecycleState.DELIVERED
    assert len(traffic.of("GenerateImages")) == 1 == tasks_created("picpik", loaded.app("picpik"))
    [generate] = traffic.of("GenerateImages")
    assert generate.status is None  # never answered
    # asked before the submit, and after its timeout before deciding
    checks = [hit for hit in traffic.of("ListRunningTasks") if hit.at > generate.at]
    assert checks and checks[0].at - generate.at >= CALL_TIMEOUT * 0.9


async def test_picpik_with_no_new_task_reports_the_outcome_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with fault_stack(tmp_path, monkeypatch, job_seconds=job_seconds, call_timeout=CALL_TIMEOUT) as loaded:
        stack, traffic = loaded.stack, loaded.traffic["picpik"]

        def lost_on_the_way(hit: Hit) -> bool:
            return hit.action == "GenerateImages"

        traffic.hold = lost_on_the_way  # the request never reaches Picpik: no task, no answer
        async with stack.running() as bot:
            final = await stack.final(await stack.imagine("a lantern in the fog", provider="picpik"))
            [record] = await settled(bot, stack.fake.member.id, 1)

    assert unknown_text("Picpik") in final.content
    assert_finished_cleanly(final)
    assert (record.state, record.failure_kind) == (LifecycleState.FAILED, "submit_unknown")
    assert len(traffic.of("GenerateImages")) == 1 and tasks_created("picpik", loaded.app("picpik")) == 0
    [generate] = traffic.of("GenerateImages")
    assert any(hit.at > generate.at for hit in traffic.of("ListRunningTasks"))  # it was looked for


async def test_a_service_without_a_task_list_reports_unknown_and_never_sends_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with fault_stack(tmp_path, monkeypatch, job_seconds=job_seconds, call_timeout=CALL_TIMEOUT) as loaded:
        stack, traffic = loaded.stack, loaded.traffic["midjourney"]

        def lost_on_the_way(hit: Hit) -> bool:
            return hit.path == "/jobs/create"

        traffic.hold = lost_on_the_way
        async with stack.running() as bot:
            final = await stack.final(await stack.imagine("a silver spoon", provider="midjourney"))
            [record] = await settled(bot, stack.fake.member.id, 1)
        assert unknown_text("Midjourney-style API") in final.content
        assert_finished_cleanly(final)
        assert (record.state, record.failure_kind) == (LifecycleState.FAILED, "submit_unknown")
        assert len(traffic.submits()) == 1
        versions = len(final.versions)

        # a restart looks at every open job again: this one is closed, so nothing is sent or shown for it
        async with stack.running() as again:
            await asyncio.sleep(0.5)
            assert (await again.store.get(record.id)).state is LifecycleState.FAILED
        assert len(traffic.submits()) == 1
        assert len(final.versions) == versions
