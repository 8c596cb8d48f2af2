"""The provider adapter against the emulator: content, polling many jobs, follow-ups after a restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from providers.core.base import MemoryTokenStore
from providers.core.errors import AuthenticationError, InvalidInputError, NotFoundError
from providers.core.models import (
    BlendDimensions,
    ImageData,
    ImagineRequest,
    JobHandle,
    JobKind,
    JobState,
    JobStatus,
    ParentJob,
)
from providers.midjourney.provider import MidjourneyProvider
from tests.emulators import midjourney as emulator
from tests.providers.contract import decoded_size
from tests.providers.midjourney.conftest import Emulator

REQUEST = ImagineRequest(prompt="a harbour at dusk", aspect_ratio="16:9", seed=7, negative_prompt="people")


async def _run(provider: MidjourneyProvider, handle: JobHandle) -> tuple[JobState, list[JobState]]:
    seen: list[JobState] = []
    async with asyncio.timeout(5):
        while not seen or not seen[-1].status.is_terminal:
            seen.append(await provider.poll(handle))
            await asyncio.sleep(0.03)
    return seen[-1], seen


async def _finished_parent(provider: MidjourneyProvider, request: ImagineRequest = REQUEST) -> ParentJob:
    handle = await provider.imagine(request)
    state, _ = await _run(provider, handle)
    assert state.status is JobStatus.SUCCEEDED
    # as the bot stores and reloads it after a restart
    return ParentJob.model_validate_json(ParentJob(handle=handle, result=state, request=request).model_dump_json())


def _service_job(emu: Emulator, job_hash: str) -> emulator.EmulatedJob:
    return next(job for job in emu.app[emulator.STATE_KEY].jobs if job.hash == job_hash)


async def test_imagine_sends_midjourney_parameters_and_returns_one_grid(emu: Emulator) -> None:
    provider = emu.provider()
    handle = await provider.imagine(REQUEST.model_copy(update={"model": "niji", "options": {"stylize": 50}}))
    content = "a harbour at dusk --ar 16:9 --seed 7 --no people --niji --stylize 50"
    assert emu.sent("/jobs/create")[0]["body"] == {"content": content}
    assert handle.kind is JobKind.IMAGINE
    assert handle.meta == {"endpoint": "create", "content": content}
    assert JobHandle.model_validate_json(handle.model_dump_json()) == handle
    state, seen = await _run(provider, handle)
    assert state.is_grid and len(state.images) == 1
    width, height = decoded_size(await provider.download(state.images[0]))
    assert abs(width / height - 16 / 9) < 0.05
    running = [s for s in seen if s.status is JobStatus.RUNNING]
    assert running and all(s.progress is not None and 0 < s.progress < 100 for s in running)


async def test_a_running_job_s_preview_is_an_image_the_bot_downloads_not_a_link_it_shows(emu: Emulator) -> None:
    provider = emu.provider()
    handle = await provider.imagine(REQUEST)
    async with asyncio.timeout(5):
        state = await provider.poll(handle)
        while state.status is not JobStatus.RUNNING:
            await asyncio.sleep(0.02)
            state = await provider.poll(handle)
    # as the service sends it: plain http on its own address, so the bot fetches it and attaches the bytes
    assert state.preview is not None and state.preview.url is not None
    assert state.preview.url.startswith(emu.url + "/")
    assert emu.app[emulator.FILE_GETS_KEY] == []  # polling fetches nothing
    assert decoded_size(await provider.download(state.preview)) == (64, 64)
    assert len(emu.app[emulator.FILE_GETS_KEY]) == 1


async def test_invalid_requests_are_refused_before_anything_is_sent(emu: Emulator) -> None:
    provider = emu.provider()
    for request in (
        ImagineRequest(prompt="p", count=1),
        ImagineRequest(prompt="p", options={"chaos": 500}),
        ImagineRequest(prompt="p", width=800),
    ):
        with pytest.raises(InvalidInputError):
            await provider.imagine(request)
    assert emu.app[emulator.REQUESTS_KEY] == []


async def test_poll_many_answers_for_many_jobs_with_one_find(emu: Emulator) -> None:
    provider = emu.provider()
    handles = [await provider.imagine(ImagineRequest(prompt=f"job {n}")) for n in range(3)]
    unknown = JobHandle(provider="midjourney", kind=JobKind.IMAGINE, job_id="e" * 64)
    before = len(emu.sent("/jobs/find"))
    states = await provider.poll_many([*handles, unknown])
    # the unknown job is not on the first (short) page, and that page is the last one
    assert len(emu.sent("/jobs/find")) == before + 1
    assert set(states) == {h.job_id for h in handles} | {unknown.job_id}
    assert all(isinstance(states[h.job_id], JobState) for h in handles)
    assert states[unknown.job_id] == JobState(status=JobStatus.QUEUED)
    await asyncio.sleep(0.4)
    finished = await provider.poll_many(handles)
    assert all(s.status is JobStatus.SUCCEEDED for s in finished.values())  # type: ignore[union-attr]


async def test_poll_finds_a_job_older_than_the_first_page(emu: Emulator) -> None:
    provider = emu.provider(find_page_size=50)
    handle = await provider.imagine(ImagineRequest(prompt="an old job"))
    await asyncio.sleep(0.35)
    emulator.add_jobs(emu.app, 120)
    before = len(emu.sent("/jobs/find"))
    state = await provider.poll(handle)
    assert state.status is JobStatus.SUCCEEDED
    assert len(emu.sent("/jobs/find")) - before == 3


async def test_poll_many_reports_a_failed_find_for_every_job(emu: Emulator) -> None:
    provider = emu.provider()
    handles = [await provider.imagine(ImagineRequest(prompt=f"job {n}")) for n in range(2)]
    emu.arm("general_error")
    states = await provider.poll_many(handles)
    assert all(getattr(s, "code", None) == 501 for s in states.values())


async def test_a_job_never_listed_is_queued_until_its_timeout(emu: Emulator) -> None:
    provider = emu.provider(job_timeout_seconds=60)
    fresh = JobHandle(provider="midjourney", kind=JobKind.IMAGINE, job_id="d" * 64)
    assert (await provider.poll(fresh)).status is JobStatus.QUEUED
    stale = fresh.model_copy(update={"submitted_at": datetime.now(UTC) - timedelta(minutes=5)})
    state = await provider.poll(stale)
    assert state.status is JobStatus.FAILED
    assert state.failure is not None and state.failure.kind == "not_found"


async def test_a_failed_job_reports_the_service_reason(emu: Emulator) -> None:
    provider = emu.provider()
    emu.arm("job_fails", times=1)
    state, _ = await _run(provider, await provider.imagine(REQUEST))
    assert state.status is JobStatus.FAILED
    assert state.failure is not None and "could not be completed" in state.failure.message
    assert state.raw_status == str(emulator.FAILED_STATUS)


async def test_variation_after_a_restart_looks_up_the_service_job_id(emu: Emulator) -> None:
    parent = await _finished_parent(emu.provider())
    provider = emu.provider()  # a new instance, as after a restart: nothing cached in memory
    handle = await provider.variation(parent, 2)
    assert handle.kind is JobKind.VARIATION
    expected = {"parent_id": _service_job(emu, parent.handle.job_id).job_id, "grid_num": 2}
    assert emu.sent("/jobs/variation")[0]["body"] == expected
    state, _ = await _run(provider, handle)
    assert state.status is JobStatus.SUCCEEDED and state.is_grid


async def test_remix_sends_the_new_prompt(emu: Emulator) -> None:
    provider = emu.provider()
    parent = await _finished_parent(provider)
    handle = await provider.variation(parent, 4, prompt="the same harbour\nin winter")
    assert handle.kind is JobKind.REMIX
    assert emu.sent("/jobs/variation")[0]["body"]["content"] == "the same harbour in winter"
    with pytest.raises(InvalidInputError):
        await provider.variation(parent, 1, prompt="   ")


async def test_variation_of_a_job_the_service_no_longer_lists(emu: Emulator) -> None:
    provider = emu.provider()
    parent = await _finished_parent(provider)
    gone = ParentJob(
        handle=parent.handle.model_copy(update={"job_id": "c" * 64}), result=parent.result, request=parent.request
    )
    with pytest.raises(NotFoundError):
        await provider.variation(gone, 1)
    assert emu.sent("/jobs/variation") == []


async def test_upscale_uses_the_hash_and_gives_one_image(emu: Emulator) -> None:
    provider = emu.provider()
    parent = await _finished_parent(provider)
    handle = await provider.upscale(parent, 3)
    assert emu.sent("/jobs/upscale")[0]["body"] == {"parent_hash": parent.handle.job_id, "grid_num": 3}
    state, _ = await _run(provider, handle)
    assert state.status is JobStatus.SUCCEEDED
    assert not state.is_grid and len(state.images) == 1
    upscaled = ParentJob(handle=handle, result=state)
    with pytest.raises(InvalidInputError, match="Only a grid"):
        await provider.upscale(upscaled, 1)
    with pytest.raises(InvalidInputError, match="1 to 4"):
        await provider.upscale(parent, 5)
    assert len(emu.sent("/jobs/upscale")) == 1


async def test_reroll_replays_the_same_submit(emu: Emulator) -> None:
    provider = emu.provider()
    parent = await _finished_parent(provider)
    handle = await provider.reroll(parent)
    assert handle.kind is JobKind.REROLL
    assert handle.job_id != parent.handle.job_id
    first, second = emu.sent("/jobs/create")
    assert first["body"] == second["body"]
    # a handle stored before meta existed: rebuilt from the request
    bare = ParentJob(handle=parent.handle.model_copy(update={"meta": {}}), result=parent.result, request=REQUEST)
    await provider.reroll(bare)
    assert emu.sent("/jobs/create")[2]["body"] == first["body"]


async def test_reroll_of_a_blend_blends_again_and_upscales_cannot_be_rerolled(emu: Emulator) -> None:
    provider = emu.provider()
    images = [ImageData(url=emu.image_link(n)) for n in (1, 2)]
    blend = await provider.blend(images, BlendDimensions.LANDSCAPE)
    assert blend.meta == {"endpoint": "blend", "urls": [emu.image_link(1), emu.image_link(2)], "dimensions": "3:2"}
    state, _ = await _run(provider, blend)
    assert state.status is JobStatus.SUCCEEDED and state.is_grid
    stored = ParentJob.model_validate_json(ParentJob(handle=blend, result=state).model_dump_json())
    again = await provider.reroll(stored)
    assert again.kind is JobKind.REROLL
    first, second = emu.sent("/jobs/blend")
    assert first["body"] == second["body"] == {"content": f"{emu.image_link(1)} {emu.image_link(2)}"}
    upscale = await provider.upscale(ParentJob(handle=blend, result=state), 1)
    with pytest.raises(InvalidInputError):
        await provider.reroll(ParentJob(handle=upscale, result=state))


@pytest.mark.parametrize("shape", list(BlendDimensions))
async def test_by_default_a_blend_sends_only_links_whatever_the_shape(emu: Emulator, shape: BlendDimensions) -> None:
    provider = emu.provider()
    assert provider.blend_shapes(provider.settings) == frozenset()
    handle = await provider.blend([ImageData(url=emu.image_link(n)) for n in (1, 2, 3)], shape)
    assert emu.sent("/jobs/blend")[0]["body"]["content"] == " ".join(emu.image_link(n) for n in (1, 2, 3))
    state, _ = await _run(provider, handle)
    width, height = decoded_size(await provider.download(state.images[0]))
    assert width == height  # the service picked its own shape


@pytest.mark.parametrize(("shape", "sent"), [("2:3", " --ar 2:3"), ("3:2", " --ar 3:2"), ("1:1", "")])
async def test_with_blend_reads_ar_the_shape_follows_the_links(emu: Emulator, shape: str, sent: str) -> None:
    emu.play("blend_reads_ar")
    provider = emu.provider(blend_reads_ar=True)
    assert provider.blend_shapes(provider.settings) == frozenset(BlendDimensions)
    links = " ".join(emu.image_link(n) for n in (1, 2))
    handle = await provider.blend([ImageData(url=emu.image_link(n)) for n in (1, 2)], BlendDimensions(shape))
    assert emu.sent("/jobs/blend")[0]["body"]["content"] == links + sent
    state, _ = await _run(provider, handle)
    width, height = decoded_size(await provider.download(state.images[0]))
    assert (width > height, width < height) == (shape == "3:2", shape == "2:3")


async def test_a_blend_stored_with_its_parameter_replays_it_only_to_a_service_that_reads_it(emu: Emulator) -> None:
    links = [emu.image_link(n) for n in (1, 2)]
    old = JobHandle(
        provider="midjourney", kind=JobKind.BLEND, job_id="b" * 64,
        meta={"endpoint": "blend", "urls": links, "parameters": "--ar 2:3"},
    )
    parent = ParentJob(handle=old, result=JobState(status=JobStatus.SUCCEEDED, is_grid=True))
    await emu.provider().reroll(parent)
    emu.play("blend_reads_ar")
    await emu.provider(blend_reads_ar=True).reroll(parent)
    assert [r["body"]["content"] for r in emu.sent("/jobs/blend")] == [" ".join(links), " ".join(links) + " --ar 2:3"]


async def test_blend_and_describe_need_public_links(emu: Emulator) -> None:
    provider = emu.provider()
    only_bytes = ImageData(data=b"\x89PNG...", content_type="image/png")
    with pytest.raises(InvalidInputError, match="public link"):
        await provider.blend([only_bytes, ImageData(url=emu.image_link(1))], BlendDimensions.SQUARE)
    with pytest.raises(InvalidInputError, match="public link"):
        await provider.describe(only_bytes)
    with pytest.raises(InvalidInputError, match="2 to 5"):
        await provider.blend([ImageData(url=emu.image_link(1))], BlendDimensions.SQUARE)
    assert emu.app[emulator.REQUESTS_KEY] == []


async def test_describe_returns_the_four_prompts(emu: Emulator) -> None:
    provider = emu.provider()
    handle = await provider.describe(ImageData(url=emu.image_link(9)))
    assert handle.kind is JobKind.DESCRIBE
    state, _ = await _run(provider, handle)
    assert state.status is JobStatus.SUCCEEDED
    assert len(state.texts) == 4
    assert all(text.endswith("--ar 1:1") and "\u20e3" not in text for text in state.texts)
    assert state.images == []


async def test_check_credentials_logs_in_and_refuses_a_bad_password(emu: Emulator) -> None:
    provider = emu.provider()
    await provider.check_credentials()
    assert emu.logins == 1
    bad = MidjourneyProvider(
        emu.session,
        emu.settings(),
        provider.credentials.model_copy(update={"password": provider.credentials.password.__class__("nope")}),
    )
    with pytest.raises(AuthenticationError):
        await bad.check_credentials()
    assert emu.logins == 1


async def test_providers_sharing_a_token_store_log_in_once(emu: Emulator) -> None:
    store = MemoryTokenStore()
    first, second = emu.provider(token_store=store), emu.provider(token_store=store)
    await first.imagine(REQUEST)
    await second.imagine(REQUEST)
    await second.poll_many([])
    assert emu.logins == 1
