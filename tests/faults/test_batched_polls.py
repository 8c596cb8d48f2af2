"""What the services that answer for many jobs per call (Picpik's ListTasksDetails, the Midjourney-style API's
/jobs/find) are asked, counted by the emulators' traffic recorder: one call per poll while every reply is readable,
so the load benchmark's request rates are those of the batched polls alone; and, with one job whose every reply is
too large among healthy ones, a bounded number of calls more."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pytest

from bot.settings import Settings
from providers.core.base import Provider
from providers.core.errors import ProviderError
from providers.core.models import JobHandle, JobState
from providers.midjourney.find_walk import MAX_EXTRA_FINDS
from providers.midjourney.provider import MidjourneyProvider
from providers.midjourney.settings import MidjourneySettings
from providers.picpik.provider import PicpikProvider
from storage.lifecycle import LifecycleState
from tests.bot.e2e.test_imagine import settled
from tests.emulators import midjourney
from tests.emulators.common import FAULTS_KEY
from tests.faults.conftest import fault_stack
from tests.faults.test_services_under_load import wait_until_all_final

JOBS = 6
#: the call that polls many jobs at once, per service
POLL_CALL = {"picpik": "ListTasksDetails", "midjourney": "/jobs/find"}
PROVIDERS: dict[str, type[Provider]] = {"picpik": PicpikProvider, "midjourney": MidjourneyProvider}


def count_polls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times the poller asked each service about its jobs (``poll_many``)."""
    polls: Counter[str] = Counter()
    for service, cls in PROVIDERS.items():
        original = cls.poll_many

        async def counted(
            self: Provider, handles: Sequence[JobHandle], _original=original, _service=service
        ) -> dict[str, JobState | ProviderError]:
            polls[_service] += 1
            return await _original(self, handles)

        monkeypatch.setattr(cls, "poll_many", counted)
    return polls


def _page_size(settings: Settings) -> int:
    return cast(MidjourneySettings, settings.services["midjourney"]).find_page_size


@pytest.mark.parametrize("service", ["picpik", "midjourney"])
async def test_healthy_jobs_cost_one_call_per_poll(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, service: str
) -> None:
    polls = count_polls(monkeypatch)
    async with fault_stack(tmp_path, monkeypatch, job_seconds=0.6) as loaded:
        stack, traffic = loaded.stack, loaded.traffic[service]
        async with stack.running(stack.new_bot()) as bot:
            interactions = [await stack.imagine(f"a quiet harbour {n}", provider=service) for n in range(JOBS)]
            await wait_until_all_final(loaded, bot, interactions, 15)
            records = await settled(bot, loaded.fake.member.id, JOBS)
        assert all(r.state is LifecycleState.DELIVERED for r in records)
        assert polls[service] >= 2  # jobs were followed over several polls
        assert len(traffic.of(POLL_CALL[service])) == polls[service]
        if service == "midjourney":  # and every page a full one: none was asked for again in smaller pages
            pages = [
                r["body"].get("limit")
                for r in loaded.app(service)[midjourney.REQUESTS_KEY]
                if r["path"] == "/jobs/find"
            ]
            assert set(pages) == {_page_size(stack.settings)}


@pytest.mark.parametrize("service", ["picpik", "midjourney"])
async def test_one_unreadable_job_costs_a_bounded_number_of_calls_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, service: str
) -> None:
    polls = count_polls(monkeypatch)
    async with fault_stack(tmp_path, monkeypatch, job_seconds=0.6) as loaded:
        stack, traffic = loaded.stack, loaded.traffic[service]
        async with stack.running(stack.new_bot()) as bot:
            interactions = []
            for n in range(JOBS):
                if n == JOBS // 2:
                    loaded.app(service)[FAULTS_KEY].arm("huge_reply", 1)
                interactions.append(await stack.imagine(f"a quiet harbour {n}", provider=service))
            await wait_until_all_final(loaded, bot, interactions, 20)
            records = await settled(bot, loaded.fake.member.id, JOBS)
        assert sorted(r.state.value for r in records) == ["delivered"] * (JOBS - 1) + ["failed"]
        extra = len(traffic.of(POLL_CALL[service])) - polls[service]
        if service == "picpik":
            # halving once (2·log2 n), then the broken task asked alone: one call more per poll
            assert extra <= 2 * math.ceil(math.log2(JOBS)) + polls[service], (extra, polls)
        else:
            # finding where it sits once, then halving the first page each poll
            page = _page_size(stack.settings)
            assert extra <= MAX_EXTRA_FINDS + polls[service] * (math.ceil(math.log2(page)) + 2), (extra, polls)
