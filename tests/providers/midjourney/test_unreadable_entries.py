"""A job whose ``/jobs/find`` entry makes every page holding it unreadable (over the 32 MiB cap), among healthy jobs
polled with it, against the emulator: only that job fails, later polls step over it from memory, and when nothing is
unreadable each poll is still one full page."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from providers.core.errors import DecodeError
from providers.core.models import ImagineRequest, JobHandle, JobKind, JobState, JobStatus
from providers.midjourney import provider as provider_module
from providers.midjourney.find_walk import MAX_EXTRA_FINDS
from providers.midjourney.provider import MidjourneyProvider
from tests.emulators import midjourney as emulator
from tests.providers.midjourney.conftest import JOB_SECONDS, Emulator

PAGE = 20


@pytest.fixture(autouse=True)
def _short_index_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """The polls here come JOB_SECONDS after the submit; the time a job may take to be listed is shortened to fit."""
    monkeypatch.setattr(provider_module, "INDEX_GRACE", timedelta(seconds=JOB_SECONDS))


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


async def test_a_newest_unreadable_entry_remembered_costs_two_finds_a_poll(emu: Emulator) -> None:
    provider = emu.provider(find_page_size=PAGE)
    handles = await _jobs(provider, emu, 6, broken=5)  # the broken job is the account's newest
    await asyncio.sleep(JOB_SECONDS + 0.1)
    await provider.poll_many(handles)
    for _ in range(3):  # the one-entry page from the top cannot be read: still the newest, stepped over at once
        before = len(emu.sent("/jobs/find"))
        states = await provider.poll_many(handles)
        assert isinstance(states.pop(handles[5].job_id), DecodeError)
        assert all(isinstance(s, JobState) and s.status is JobStatus.SUCCEEDED for s in states.values()), states
        assert [r["body"].get("limit") for r in emu.sent("/jobs/find")[before:]] == [1, PAGE]


def _unlisted(age: timedelta) -> JobHandle:
    """A healthy job the service does not list (yet)."""
    return JobHandle(provider="midjourney", kind=JobKind.IMAGINE, job_id="f" * 64, submitted_at=datetime.now(UTC) - age)


@pytest.mark.parametrize("minutes", [3, 59])
async def test_an_unlisted_job_is_not_failed_for_an_unreadable_entry_minutes_away(emu: Emulator, minutes: int) -> None:
    provider = emu.provider(find_page_size=PAGE)
    [broken] = await _jobs(provider, emu, 1, broken=0)
    # the broken job was submitted (and listed) that long before the unlisted one
    moved = datetime.now(UTC) - timedelta(minutes=minutes)
    emu.app[emulator.STATE_KEY].jobs[-1].timestamp_ms = int(moved.timestamp() * 1000)
    broken = broken.model_copy(update={"submitted_at": moved})
    await asyncio.sleep(JOB_SECONDS + 0.1)
    unlisted = _unlisted(timedelta(seconds=1))

    states = await provider.poll_many([broken, unlisted])
    assert isinstance(states[broken.job_id], DecodeError)  # where its own entry is: its own
    assert states[unlisted.job_id] == JobState(status=JobStatus.QUEUED)  # not listed yet, until its timeout


async def test_an_unreadable_entry_is_not_a_job_too_young_to_be_listed(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(provider_module, "INDEX_GRACE", timedelta(seconds=1))
    provider = emu.provider(find_page_size=PAGE)
    [broken] = await _jobs(provider, emu, 1, broken=0)
    assert (await provider.poll_many([broken]))[broken.job_id] == JobState(status=JobStatus.QUEUED)
    await asyncio.sleep(1)
    assert isinstance((await provider.poll_many([broken]))[broken.job_id], DecodeError)
