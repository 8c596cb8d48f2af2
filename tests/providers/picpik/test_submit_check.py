"""A billed submit whose answer is lost: found among the running tasks when that is certain, "outcome unknown"
otherwise, and never sent twice. Against the emulator, with tasks long enough to still be running at the check."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from aiohttp import web

from providers.core.errors import SubmitOutcomeUnknownError
from providers.core.models import ImagineRequest, JobKind
from providers.picpik.models import GenerateImagesRequest
from providers.picpik.provider import PicpikProvider
from tests.emulators.common import serve
from tests.emulators.picpik import STATE_KEY, make_app
from tests.providers.contract import sample_image
from tests.providers.picpik.conftest import CREDENTIALS, Emulator, settings_for

#: longer than the provider's call timeout (0.5 s): the lost submit's task is still running when it is looked for
TASK_SECONDS = 5.0
REQUEST = ImagineRequest(prompt="a lighthouse in the rain")
ELSEWHERE = GenerateImagesRequest.model_validate(
    {"MainModel": {"ModelCode": "PICPIK General"}, "PositivePrompts": ["someone else's cat"], "Width": 512,
     "Height": 512}
)


class HangBeforeCreating:
    """When armed, holds the next ``GenerateImages`` before the emulator sees it: the answer is lost and no task
    exists. ``seen`` is set once any ``GenerateImages`` arrives."""

    def __init__(self) -> None:
        self.armed = False
        self.seen = asyncio.Event()

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.method == "POST" and request.path == "/":
            body = json.loads(await request.read())
            if body.get("Action") == "GenerateImages":
                self.seen.set()
                if self.armed:
                    self.armed = False
                    await asyncio.sleep(3600)
        return await handler(request)


@pytest.fixture
def hang_before_creating() -> HangBeforeCreating:
    return HangBeforeCreating()


@pytest.fixture
async def long_tasks(hang_before_creating: HangBeforeCreating) -> AsyncIterator[Emulator]:
    app = make_app(TASK_SECONDS)
    app.middlewares.append(hang_before_creating.middleware)  # after the recording one: the call still counts
    async with serve(app) as url:
        yield Emulator(app, url)


@pytest.fixture
def picpik(long_tasks: Emulator, session: aiohttp.ClientSession) -> PicpikProvider:
    return PicpikProvider(session, settings_for(long_tasks.url), CREDENTIALS)


def task_ids(emulator: Emulator) -> list[str]:
    return list(emulator.app[STATE_KEY].tasks)


async def test_a_lost_answer_is_found_among_the_running_tasks(picpik: PicpikProvider, long_tasks: Emulator) -> None:
    long_tasks.arm("answer_lost", times=1)
    handle = await picpik.imagine(REQUEST)

    assert [handle.job_id] == task_ids(long_tasks)
    assert handle.kind is JobKind.IMAGINE and "params" in handle.meta
    assert len(long_tasks.requests("GenerateImages")) == 1
    assert len(long_tasks.requests("ListRunningTasks")) == 2  # before the submit and after its timeout


async def test_a_lost_describe_is_found_too(
    picpik: PicpikProvider, long_tasks: Emulator, image_host: str
) -> None:
    long_tasks.arm("answer_lost", times=1)
    handle = await picpik.describe(sample_image(image_host, 3))

    assert [handle.job_id] == task_ids(long_tasks)
    assert len(long_tasks.requests("DescribeImages")) == 1


async def test_no_new_task_means_the_outcome_is_unknown(
    picpik: PicpikProvider, long_tasks: Emulator, hang_before_creating: HangBeforeCreating
) -> None:
    hang_before_creating.armed = True
    with pytest.raises(SubmitOutcomeUnknownError):
        await picpik.imagine(REQUEST)

    assert task_ids(long_tasks) == []
    assert len(long_tasks.requests("GenerateImages")) == 1


async def test_another_new_task_makes_it_ambiguous(
    picpik: PicpikProvider, long_tasks: Emulator, hang_before_creating: HangBeforeCreating
) -> None:
    long_tasks.arm("answer_lost", times=1)
    lost = asyncio.create_task(picpik.imagine(REQUEST))
    await asyncio.wait_for(hang_before_creating.seen.wait(), 2)
    # a task started with the same keys elsewhere while our answer is lost
    await picpik.client.generate_images(ELSEWHERE)
    with pytest.raises(SubmitOutcomeUnknownError):
        await lost

    assert len(task_ids(long_tasks)) == 2
    assert len(long_tasks.requests("GenerateImages")) == 2  # ours once, the other one once


async def test_two_lost_answers_at_once_are_both_unknown(picpik: PicpikProvider, long_tasks: Emulator) -> None:
    long_tasks.arm("answer_lost", times=2)
    outcomes = await asyncio.gather(picpik.imagine(REQUEST), picpik.imagine(REQUEST), return_exceptions=True)

    # each could own either task: neither is guessed
    assert all(isinstance(outcome, SubmitOutcomeUnknownError) for outcome in outcomes), outcomes
    assert len(long_tasks.requests("GenerateImages")) == 2


async def test_a_failed_check_before_the_submit_does_not_stop_it(picpik: PicpikProvider, long_tasks: Emulator) -> None:
    long_tasks.arm("server_error", times=1)  # the ListRunningTasks before the submit, tried once
    handle = await picpik.imagine(REQUEST)

    assert [handle.job_id] == task_ids(long_tasks)
    assert len(long_tasks.requests("ListRunningTasks")) == 1
    assert len(long_tasks.requests("GenerateImages")) == 1

