"""A job whose ``/jobs/find`` entry makes every page holding it unreadable (over the 32 MiB cap), among healthy jobs
polled with it, against the emulator: only that job fails, later polls step over it from memory, and when nothing is
unreadable each poll is still one full page."""

from __future__ import annotations

import asyncio

from providers.core.errors import DecodeError
from providers.core.models import ImagineRequest, JobHandle, JobState, JobStatus
from providers.midjourney.find_walk import MAX_EXTRA_FINDS
from providers.midjourney.provider import MidjourneyProvider
from tests.providers.midjourney.conftest import JOB_SECONDS, Emulator

PAGE = 20


async def _jobs(provider: MidjourneyProvider, emu: Emulator, count: int, broken: int | None) -> list[JobHandle]:
    handles = []
    for n in range(count):
        if n == broken:
            emu.arm("huge_reply", times=1)
        handles.append(await provider.imagine(ImagineRequest(prompt=f"a lantern, take {n}")))
    return handles


async def test_nothing_unreadable_means_one_full_page_per_poll(emu: Emulator) -> None:
    provider = emu.provider(find_page_size=PAGE)
    handles = await _jobs(provider, emu, 4, broken=None)
    states = await provider.poll_many(handles)
    assert all(isinstance(state, JobState) for state in states.values())
    assert [r["body"].get("limit") for r in emu.sent("/jobs/find")] == [PAGE]


async def test_an_unreadable_entry_fails_its_own_job_and_no_other(emu: Emulator) -> None:
    provider = emu.provider(find_page_size=PAGE)
    handles = await _jobs(provider, emu, 5, broken=2)
    await asyncio.sleep(JOB_SECONDS + 0.1)

    states = await provider.poll_many(handles)
    broken = states.pop(handles[2].job_id)
    assert isinstance(broken, DecodeError) and "larger than" in broken.user_message
    assert all(isinstance(s, JobState) and s.status is JobStatus.SUCCEEDED for s in states.values()), states
    first = len(emu.sent("/jobs/find"))
    assert first <= 1 + MAX_EXTRA_FINDS

    # the next poll steps over it from where it was found: halving the page, but no search for it
    states = await provider.poll_many(handles)
    assert isinstance(states[handles[2].job_id], DecodeError)
    assert len(emu.sent("/jobs/find")) - first <= 2 + PAGE.bit_length()


async def test_jobs_submitted_after_an_unreadable_one_are_followed_as_usual(emu: Emulator) -> None:
    provider = emu.provider(find_page_size=PAGE)
    await _jobs(provider, emu, 1, broken=0)
    later = await _jobs(provider, emu, 3, broken=None)  # the unreadable job is on every page they are on
    await asyncio.sleep(JOB_SECONDS + 0.1)
    states = await provider.poll_many(later)
    assert all(isinstance(s, JobState) and s.status is JobStatus.SUCCEEDED for s in states.values()), states
    # the pages above it are read in halves (the oldest millisecond of a page is asked again, in case of ties);
    # where it sits is not needed, as every job wanted is newer
    assert [r["body"]["limit"] for r in emu.sent("/jobs/find")] == [PAGE, PAGE // 2, PAGE // 4, 2, 1, 1]
