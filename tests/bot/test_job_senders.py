"""Every kind that may wait in the queue is sent, from its row alone, exactly as its command would send it;
members' images come back through ``ReleasedImages`` and are let go once the call was made."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.attachments import AttachedImage, BlendRequest, DescribeRequest, TalkJobRequest
from bot.job_senders import RESENDABLE, CannotResend, can_resend, rebuild_send
from providers.core.models import (
    BlendDimensions,
    ImageData,
    ImagineRequest,
    JobHandle,
    JobKind,
    ParentJob,
    TalkRequest,
)
from storage.database import open_database
from storage.jobs import JobRecord, JobStore
from tests.storage.test_jobs import a_handle, a_result

PROMPT = ImagineRequest(prompt="a fox in snow", aspect_ratio="16:9", seed=7)
IMAGE = AttachedImage(url="https://cdn.example/a.png", filename="a.png", content_type="image/png", width=8, height=8)


class RecordingProvider:
    """Stands in for a ``Provider``: records which call was made with what."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    async def _record(self, name: str, *arguments: Any) -> JobHandle:
        self.calls.append((name, arguments))
        return a_handle()

    async def imagine(self, request):
        return await self._record("imagine", request)

    async def upscale(self, parent, index):
        return await self._record("upscale", parent, index)

    async def variation(self, parent, index, prompt=None):
        return await self._record("variation", parent, index, prompt)

    async def reroll(self, parent):
        return await self._record("reroll", parent)

    async def blend(self, images, dimensions):
        return await self._record("blend", images, dimensions)

    async def describe(self, image):
        return await self._record("describe", image)

    async def talk(self, request):
        return await self._record("talk", request)


class KeptImages:
    """Stands in for ``MemberImages``: each image comes back with bytes that tell it came through here."""

    def __init__(self) -> None:
        self.released: list[int] = []
        self.let_go: list[int] = []

    async def for_release(self, job_id: int, images, locale) -> list[ImageData]:
        self.released.append(job_id)
        return [image.image_data().model_copy(update={"data": f"kept {image.url}".encode()}) for image in images]

    async def sent(self, job_id: int) -> None:
        self.let_go.append(job_id)


def kept(image: AttachedImage) -> ImageData:
    return image.image_data().model_copy(update={"data": f"kept {image.url}".encode()})


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[JobStore]:
    db = await open_database(tmp_path / "bot.sqlite3")
    yield JobStore(db)
    await db.close()


async def row(store: JobStore, kind: JobKind, request: object = None, **fields: object) -> JobRecord:
    return await store.create(kind=kind, provider="picpik", owner_id=1, channel_id=2, request=request, **fields)


async def delivered_grid(store: JobStore, request: object = PROMPT) -> JobRecord:
    grid = await row(store, JobKind.IMAGINE, request)
    await store.mark_submitted(grid.id, a_handle("grid-task"), next_poll_at=0)
    await store.mark_result(grid.id, a_result())
    await store.mark_delivered(grid.id, 99)
    return await store.get(grid.id)


async def sent(store: JobStore, record: JobRecord) -> tuple[str, tuple[Any, ...]]:
    provider, images = RecordingProvider(), KeptImages()
    send = await rebuild_send(store, record, provider, images)  # type: ignore[arg-type]
    assert await send() == a_handle()
    [call] = provider.calls
    with_images = record.kind in (JobKind.BLEND, JobKind.DESCRIBE, JobKind.TALK)
    assert images.released == images.let_go == ([record.id] if with_images else [])
    return call


async def test_imagine_blend_and_describe_from_their_stored_requests(store: JobStore) -> None:
    assert await sent(store, await row(store, JobKind.IMAGINE, PROMPT)) == ("imagine", (PROMPT,))
    blend = BlendRequest(images=[IMAGE, IMAGE.model_copy(update={"url": "https://cdn.example/b.png"})],
                         dimensions=BlendDimensions.PORTRAIT)
    name, (images, dimensions) = await sent(store, await row(store, JobKind.BLEND, blend))
    assert name == "blend" and dimensions is BlendDimensions.PORTRAIT
    assert images == [kept(image) for image in blend.images]
    name, (image,) = await sent(store, await row(store, JobKind.DESCRIBE, DescribeRequest(image=IMAGE)))
    assert (name, image) == ("describe", kept(IMAGE))


async def test_a_talk_from_its_stored_request_with_its_photo_kept(store: JobStore) -> None:
    talk = TalkJobRequest(image=IMAGE, prompt="hello there", voice="nova", background="laba")
    name, (request,) = await sent(store, await row(store, JobKind.TALK, talk))
    expected = TalkRequest(image=kept(IMAGE), text="hello there", voice="nova", background="laba")
    assert (name, request) == ("talk", expected)


async def test_held_images_are_let_go_when_the_call_fails(store: JobStore) -> None:
    class Failing(RecordingProvider):
        async def describe(self, image):
            raise RuntimeError("the service broke")

    images = KeptImages()
    record = await row(store, JobKind.DESCRIBE, DescribeRequest(image=IMAGE))
    send = await rebuild_send(store, record, Failing(), images)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError):
        await send()
    assert images.let_go == [record.id]


async def test_follow_ups_from_their_parent_grid_and_position(store: JobStore) -> None:
    grid = await delivered_grid(store)
    parent = ParentJob(handle=a_handle("grid-task"), result=a_result(), request=PROMPT)
    follow_up = {"parent_job_id": grid.id}
    upscale = await row(store, JobKind.UPSCALE, PROMPT, grid_index=3, **follow_up)
    assert await sent(store, upscale) == ("upscale", (parent, 3))
    variation = await row(store, JobKind.VARIATION, PROMPT, grid_index=2, **follow_up)
    assert await sent(store, variation) == ("variation", (parent, 2, None))
    remixed = PROMPT.model_copy(update={"prompt": "a fox in rain"})
    remix = await row(store, JobKind.REMIX, remixed, grid_index=4, **follow_up)
    assert await sent(store, remix) == ("variation", (parent, 4, "a fox in rain"))
    assert await sent(store, await row(store, JobKind.REROLL, PROMPT, **follow_up)) == ("reroll", (parent,))


async def test_a_follow_up_of_a_blended_grid_has_no_prompt_to_pass_on(store: JobStore) -> None:
    grid = await delivered_grid(store, BlendRequest(images=[IMAGE, IMAGE], dimensions=BlendDimensions.SQUARE))
    name, (parent, index) = await sent(store, await row(store, JobKind.UPSCALE, grid_index=1, parent_job_id=grid.id))
    assert (name, index, parent.request) == ("upscale", 1, None)


async def test_what_cannot_be_rebuilt_says_why(store: JobStore) -> None:
    provider = RecordingProvider()
    unfinished = await row(store, JobKind.IMAGINE, PROMPT)
    grid = await delivered_grid(store)
    cases = {
        "no request": await row(store, JobKind.IMAGINE),
        "no longer reads": await row(store, JobKind.BLEND, {"images": "not a list"}),
        "not recorded": await row(store, JobKind.UPSCALE, PROMPT, grid_index=1),
        "no finished result": await row(store, JobKind.UPSCALE, PROMPT, grid_index=1, parent_job_id=unfinished.id),
        "no prompt": await row(store, JobKind.REMIX, {"negative_prompt": "x"}, parent_job_id=grid.id),
        "cannot wait": await row(store, JobKind.APP_ACTION, {"action": "start"}),
    }
    for why, record in cases.items():
        with pytest.raises(CannotResend, match=why):
            await rebuild_send(store, record, provider, KeptImages())  # type: ignore[arg-type]
    assert provider.calls == []


def test_kinds_that_can_wait() -> None:
    # every job a member starts; an admin's app action is refused instead of queued
    pictures = {JobKind.IMAGINE, JobKind.UPSCALE, JobKind.VARIATION, JobKind.REMIX, JobKind.REROLL, JobKind.BLEND}
    members = pictures | {JobKind.DESCRIBE, JobKind.TALK}
    assert {kind for kind in JobKind if can_resend(kind)} == RESENDABLE == members
