"""A service whose ``/jobs/find`` answers at most 20 (or 10) entries a page whatever ``limit`` asks (the emulator's
``page_cap_*`` variants): the bot still finds every open job, pages end at ``total`` and not at a short page, a
healthy poll costs no more calls than the jobs' depth needs, and an unreadable entry among capped pages fails only
its own job."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping
from datetime import timedelta

import pytest

from providers.core.errors import DecodeError
from providers.core.models import ImagineRequest, JobHandle, JobKind, JobState, JobStatus
from providers.midjourney import provider as provider_module
from providers.midjourney.provider import MidjourneyProvider
from tests.providers.midjourney.conftest import JOB_SECONDS, Emulator, running_emulator

CAPS = {"page_cap_20": 20, "page_cap_10": 10}


@pytest.fixture(autouse=True)
def _short_index_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """The polls here come JOB_SECONDS after the submit; the time a job may take to be listed is shortened to fit."""
    monkeypatch.setattr(provider_module, "INDEX_GRACE", timedelta(seconds=JOB_SECONDS))


async def _submit(
    provider: MidjourneyProvider, emu: Emulator, count: int, broken: int | None = None
) -> list[JobHandle]:
    handles = []
    for n in range(count):
        if n == broken:
            emu.arm("huge_reply", times=1)
        handles.append(await provider.imagine(ImagineRequest(prompt=f"a kite, take {n}")))
    return handles


def _finished(states: Mapping[str, object]) -> bool:
    return all(isinstance(state, JobState) and state.status is JobStatus.SUCCEEDED for state in states.values())


@pytest.mark.parametrize("variant", list(CAPS))
async def test_every_open_job_is_found_past_the_cap(variant: str) -> None:
    cap = CAPS[variant]
    async with running_emulator([variant], filler_jobs=60) as emu:
        provider = emu.provider()  # asks for pages of 100
        handles = await _submit(provider, emu, 25)
        await asyncio.sleep(JOB_SECONDS + 0.1)
        states = await provider.poll_many(handles)

        assert _finished(states), states
        limits = [r["body"]["limit"] for r in emu.sent("/jobs/find")]
        # each page after the first repeats the oldest millisecond of the one before: cap - 1 new jobs
        assert limits == [100] * (1 + math.ceil((25 - cap) / (cap - 1)))


@pytest.mark.parametrize("variant", list(CAPS))
async def test_a_capped_page_holding_every_job_wanted_is_the_only_call(variant: str) -> None:
    async with running_emulator([variant], filler_jobs=60) as emu:
        provider = emu.provider()
        handles = await _submit(provider, emu, 4)
        for _ in range(3):  # the load benchmark's healthy round: one call per poll, capped or not
            before = len(emu.sent("/jobs/find"))
            await provider.poll_many(handles)
            assert len(emu.sent("/jobs/find")) == before + 1


async def test_a_job_not_listed_is_looked_for_down_to_the_end_which_total_tells() -> None:
    async with running_emulator(["page_cap_10"], filler_jobs=25) as emu:
        provider = emu.provider()
        missing = JobHandle(provider="midjourney", kind=JobKind.IMAGINE, job_id="e" * 64)
        state = await provider.poll(missing)
        assert state.status is JobStatus.QUEUED
        pages = emu.sent("/jobs/find")
        assert len(pages) == 3  # 10 + 10 + 7 (two repeated): the third holds all `total` counts; no empty page


async def test_an_unreadable_entry_among_capped_pages_fails_its_own_job_only() -> None:
    async with running_emulator(["page_cap_10"], filler_jobs=30) as emu:
        provider = emu.provider(find_page_size=50)
        handles = await _submit(provider, emu, 14, broken=9)
        await asyncio.sleep(JOB_SECONDS + 0.1)
        states = await provider.poll_many(handles)

        broken = states.pop(handles[9].job_id)
        assert isinstance(broken, DecodeError)
        assert _finished(states), states
        assert provider.client.page_cap.cap == 10  # learnt, so later searches halve from 10, not 50
        calls = len(emu.sent("/jobs/find"))
        again = await provider.poll_many(handles)
        assert isinstance(again[handles[9].job_id], DecodeError)
        assert len(emu.sent("/jobs/find")) - calls <= 3 + math.ceil(math.log2(10)) + 1
