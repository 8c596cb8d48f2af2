"""ListTasksDetails for many tasks at once when one task's details make the reply unreadable (over the 32 MiB cap),
against the emulator: the tasks are asked for again in halves, only that task fails, and it is asked alone from then
on; when nothing is unreadable a poll is one call."""

from __future__ import annotations

import math

import aiohttp

from providers.core.errors import AuthenticationError, DecodeError
from providers.core.models import ImagineRequest, JobHandle, JobState
from providers.picpik import PicpikProvider
from tests.emulators.picpik import STATE_KEY
from tests.providers.picpik.conftest import CREDENTIALS, Emulator, settings_for


async def _tasks(provider: PicpikProvider, emulator: Emulator, count: int, broken: int | None) -> list[JobHandle]:
    handles = []
    for n in range(count):
        if n == broken:
            emulator.arm("huge_reply", times=1)
        handles.append(await provider.imagine(ImagineRequest(prompt=f"a lantern, take {n}", count=1)))
    return handles


def _asked(emulator: Emulator, since: int = 0) -> list[int]:
    """How many tasks each ListTasksDetails call asked about."""
    return [len(call["TaskUIDList"]) for call in emulator.requests("ListTasksDetails")[since:]]


async def test_one_unreadable_task_among_many_fails_alone(provider: PicpikProvider, emulator: Emulator) -> None:
    handles = await _tasks(provider, emulator, 7, broken=4)
    states = await provider.poll_many(handles)

    broken = states.pop(handles[4].job_id)
    assert isinstance(broken, DecodeError) and "larger than" in broken.user_message
    assert all(isinstance(state, JobState) for state in states.values()), states
    asked = _asked(emulator)
    assert asked[0] == 7 and 1 in asked
    assert len(asked) <= 1 + 2 * math.ceil(math.log2(7))  # halving down to the one task

    # from now on it is asked alone: the others' call is readable at once
    states = await provider.poll_many(handles)
    assert isinstance(states[handles[4].job_id], DecodeError)
    assert sorted(_asked(emulator, len(asked))) == [1, 6]


async def test_a_task_readable_again_goes_back_into_the_batch(provider: PicpikProvider, emulator: Emulator) -> None:
    handles = await _tasks(provider, emulator, 3, broken=0)
    await provider.poll_many(handles)
    emulator.app[STATE_KEY].tasks[handles[0].job_id].garbage = None
    before = len(_asked(emulator))
    assert all(isinstance(s, JobState) for s in (await provider.poll_many(handles)).values())  # asked alone: readable
    assert all(isinstance(s, JobState) for s in (await provider.poll_many(handles)).values())
    assert _asked(emulator, before) == [2, 1, 3]


async def test_nothing_unreadable_means_one_call_per_batch(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    provider = PicpikProvider(session, settings_for(emulator.url, task_ids_per_call=4), CREDENTIALS)
    handles = await _tasks(provider, emulator, 6, broken=None)
    await provider.poll_many(handles)
    assert _asked(emulator) == [4, 2]


async def test_an_error_of_the_whole_call_is_not_split(provider: PicpikProvider, emulator: Emulator) -> None:
    handles = await _tasks(provider, emulator, 4, broken=None)
    emulator.arm("auth_failure")
    states = await provider.poll_many(handles)
    assert all(isinstance(state, AuthenticationError) for state in states.values())
    assert _asked(emulator) == [4]


async def test_garbage_from_the_whole_service_costs_three_calls_a_batch(
    provider: PicpikProvider, emulator: Emulator
) -> None:
    handles = await _tasks(provider, emulator, 50, broken=None)
    emulator.arm("malformed_json")  # every reply, until cleared
    for _ in range(2):  # nothing is remembered as a task of its own: each round is the batch and its two halves
        before = len(_asked(emulator))
        states = await provider.poll_many(handles)
        assert all(isinstance(state, DecodeError) for state in states.values())  # one unreadable poll each
        assert _asked(emulator, before) == [50, 25, 25]
    emulator.clear()
    before = len(_asked(emulator))
    assert all(isinstance(state, JobState) for state in (await provider.poll_many(handles)).values())
    assert _asked(emulator, before) == [50]
