"""Polling many tasks against the emulator's readings of ``ListTasksDetails`` and ``Status``: the default (any number
of ids, unknown ones left out), ``strict_batches`` (more than 20 ids, or an unknown or expired one, refuses the call
as a whole) and the Status-word variants. Counted by the emulator's request log."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from providers.core.models import ImagineRequest, JobHandle, JobState, JobStatus
from providers.core.unknown_values import unknown_value_counts
from providers.picpik import PicpikProvider
from providers.picpik.poll_round import REFUSED_ALONE_FIELD
from providers.picpik.status import STATUS_FIELD
from tests.emulators.common import serve
from tests.emulators.picpik import STATE_KEY, STRICT_MAX_TASKS, make_app
from tests.providers.contract import run_to_end
from tests.providers.picpik.conftest import CREDENTIALS, Emulator, settings_for


async def _tasks(provider: PicpikProvider, count: int) -> list[JobHandle]:
    return [await provider.imagine(ImagineRequest(prompt=f"a lantern, take {n}", count=1)) for n in range(count)]


def _asked(emulator: Emulator, since: int = 0) -> list[int]:
    """How many tasks each ListTasksDetails call asked about."""
    return [len(call["TaskUIDList"]) for call in emulator.requests("ListTasksDetails")[since:]]


def _expire(emulator: Emulator, handle: JobHandle) -> None:
    emulator.app[STATE_KEY].tasks[handle.job_id].expired = True


async def test_the_default_takes_any_number_of_ids_in_one_call(provider: PicpikProvider, emulator: Emulator) -> None:
    handles = await _tasks(provider, 60)
    provider.settings.task_ids_per_call = 100
    states = await provider.poll_many(handles)
    assert all(isinstance(state, JobState) for state in states.values())
    assert _asked(emulator) == [60]


async def test_the_default_leaves_an_expired_task_out_and_it_stays_queued(
    provider: PicpikProvider, emulator: Emulator
) -> None:
    handles = await _tasks(provider, 3)
    _expire(emulator, handles[1])
    states = await provider.poll_many(handles)
    assert states[handles[1].job_id].status is JobStatus.QUEUED  # type: ignore[union-attr]
    assert _asked(emulator) == [3]


@pytest.mark.variants("strict_batches")
async def test_a_refusal_naming_a_limit_lowers_it_for_the_process(
    provider: PicpikProvider, emulator: Emulator, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    handles = await _tasks(provider, STRICT_MAX_TASKS + 4)
    states = await provider.poll_many(handles)
    assert all(isinstance(state, JobState) for state in states.values()), states
    assert _asked(emulator) == [24, 20, 4]
    assert provider.ids_per_call() == STRICT_MAX_TASKS
    assert "PICPIK_TASK_IDS_PER_CALL=20" in caplog.text
    # every later round, and any other key pair's provider on the same host, asks 20 at a time at once
    other = PicpikProvider(session, settings_for(emulator.url), CREDENTIALS)
    before = len(_asked(emulator))
    await provider.poll_many(handles)
    await other.poll_many(handles)
    assert _asked(emulator, before) == [20, 4, 20, 4]


@pytest.mark.variants("strict_batches")
async def test_a_healthy_round_is_one_call_with_the_setting(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    provider = PicpikProvider(session, settings_for(emulator.url, task_ids_per_call=STRICT_MAX_TASKS), CREDENTIALS)
    handles = await _tasks(provider, 8)
    for _ in range(3):
        await provider.poll_many(handles)
    assert _asked(emulator) == [8, 8, 8]


@pytest.mark.variants("strict_batches")
async def test_an_expired_id_fails_no_job_and_is_then_asked_alone(provider: PicpikProvider, emulator: Emulator) -> None:
    handles = await _tasks(provider, 8)
    gone = handles[5]
    _expire(emulator, gone)
    states = await provider.poll_many(handles)
    # the same fact as the default's id left out of the list, read the same way: still queued, until its deadline
    refused = states.pop(gone.job_id)
    assert isinstance(refused, JobState) and refused.status is JobStatus.QUEUED and refused.raw_status == "refused"
    assert all(isinstance(state, JobState) and not state.status.is_terminal for state in states.values()), states
    asked = _asked(emulator)
    assert asked[0] == 8 and asked[-1] == 1 and len(asked) <= 1 + 2 * 3
    before = len(asked)
    for _ in range(4):  # more polls than the poller's unreadable-poll limit: never an error
        states = await provider.poll_many(handles)
        assert states[gone.job_id] == refused
    assert sorted(_asked(emulator, before)[:2]) == [1, 7]
    assert [value.field for value in unknown_value_counts()] == [REFUSED_ALONE_FIELD]
    # the healthy ones are delivered in the end
    for handle in handles:
        if handle is not gone:
            state, _ = await run_to_end(provider, handle)
            assert state.status is JobStatus.SUCCEEDED


@pytest.mark.variants("strict_batches")
async def test_one_expired_job_polled_alone_is_kept_queued(provider: PicpikProvider, emulator: Emulator) -> None:
    (handle,) = await _tasks(provider, 1)
    _expire(emulator, handle)
    for _ in range(4):
        state = await provider.poll(handle)
        assert state.status is JobStatus.QUEUED
    ((seen, times),) = unknown_value_counts().items()
    assert (seen.service, seen.field, times) == ("picpik", REFUSED_ALONE_FIELD, 4) and seen.value.startswith("RetCode ")


@pytest.mark.parametrize(
    ("variant", "words", "unknown"),
    [
        (None, {"Pending", "Processing", "Success"}, set()),
        ("status_legacy", {"Queuing", "Running", "Finished"}, set()),
        ("status_other", {"0", "1", "2"}, {"0", "1", "2"}),
    ],
)
async def test_every_reading_of_the_status_words_delivers_and_unknown_words_are_reported(
    session: aiohttp.ClientSession, variant: str | None, words: set[str], unknown: set[str]
) -> None:
    async with serve(make_app(0.3, variants=[variant] if variant else [])) as url:
        provider = PicpikProvider(session, settings_for(url), CREDENTIALS)
        state, seen = await run_to_end(provider, await provider.imagine(ImagineRequest(prompt="a kite", count=2)))
        assert state.status is JobStatus.SUCCEEDED and len(state.images) == 2
        assert {observed.raw_status for observed in seen} <= words
        assert seen[-1].raw_status in words
    reported = {value.value for value in unknown_value_counts() if value.field == STATUS_FIELD}
    assert reported == unknown & {observed.raw_status for observed in seen}
