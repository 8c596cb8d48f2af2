"""PicpikProvider: the neutral interface mapped onto the Platform API, against the emulator."""

from __future__ import annotations

import base64

import aiohttp
import pytest

from providers.core.errors import AuthenticationError, DecodeError, InvalidInputError, UnsupportedError
from providers.core.models import (
    BlendDimensions,
    Capability,
    ImageData,
    ImagineRequest,
    JobHandle,
    JobKind,
    JobState,
    JobStatus,
    ParentJob,
)
from providers.jumdata.settings import JumdataSettings
from providers.picpik import PicpikProvider
from providers.picpik.credentials import PicpikCredentials
from providers.picpik.settings import PicpikSettings
from tests.providers.contract import decoded_size, run_to_end, sample_image
from tests.providers.picpik.conftest import CREDENTIALS, Emulator, settings_for


async def imagine(provider: PicpikProvider, request: ImagineRequest | None = None) -> ParentJob:
    request = request or ImagineRequest(prompt="a lighthouse at dawn")
    handle = await provider.imagine(request)
    state, _ = await run_to_end(provider, handle)
    assert state.status is JobStatus.SUCCEEDED, state.failure
    return ParentJob(handle=handle, result=state, request=request)


def rebuilt(parent: ParentJob) -> ParentJob:
    """The parent as the bot has it after a restart: rebuilt from JSON."""
    return ParentJob.model_validate_json(parent.model_dump_json())


def test_class_data_is_readable_without_an_instance() -> None:
    assert PicpikProvider.name == "picpik"
    assert Capability.BLEND not in PicpikProvider.capabilities
    assert {Capability.IMAGINE, Capability.UPSCALE, Capability.DESCRIBE} <= PicpikProvider.capabilities
    assert PicpikProvider.returns_grid is False and PicpikProvider.reports_percent is False
    assert PicpikProvider.settings_model is PicpikSettings
    assert PicpikProvider.credentials_model is PicpikCredentials
    assert PicpikProvider.limits.seed_min == -1 and PicpikProvider.limits.max_size == 2560


async def test_imagine_maps_the_request(provider: PicpikProvider, emulator: Emulator) -> None:
    request = ImagineRequest(
        prompt="  a fox in snow ",
        negative_prompt="blurry",
        aspect_ratio="16:9",
        seed=1234,
        model="PICPIK Anime",
        options={"lora": ["lora_watercolor_20230825_165436"], "lora_weight": 0.75, "tileable": False},
    )
    handle = await provider.imagine(request)
    (sent,) = emulator.requests("GenerateImages")
    assert sent["MainModel"] == {"ModelCode": "PICPIK Anime"}
    assert sent["PositivePrompts"] == ["a fox in snow"] and sent["NegativePrompts"] == ["blurry"]
    assert (sent["Width"], sent["Height"], sent["BatchSize"], sent["Seed"]) == (1024, 576, 4, 1234)
    lora = {"ModelCode": "lora_watercolor_20230825_165436", "InferenceParams": {"LoraWeight": 0.75}}
    assert sent["SubModelList"] == [lora]
    assert sent["Tileable"] is False and "ImageAndMaskList" not in sent
    assert handle.kind is JobKind.IMAGINE and handle.provider == "picpik"
    assert JobHandle.model_validate_json(handle.model_dump_json()) == handle


async def test_imagine_defaults(provider: PicpikProvider, emulator: Emulator) -> None:
    parent = await imagine(provider, ImagineRequest(prompt="x", aspect_ratio="2:3"))
    (sent,) = emulator.requests("GenerateImages")
    assert sent["MainModel"] == {"ModelCode": "PICPIK General"}
    assert (sent["Width"], sent["Height"], sent["Seed"]) == (704, 1024, -1)
    assert "NegativePrompts" not in sent and "SubModelList" not in sent
    assert len(parent.result.images) == 4 and not parent.result.is_grid
    assert parent.result.seed is not None and parent.result.seed >= 0


@pytest.mark.parametrize(
    ("request_", "words"),
    [
        (ImagineRequest(prompt="x", options={"loar": "typo"}), "no option loar"),
        (ImagineRequest(prompt="x", options={"lora": 5}), "ModelCode"),
        (ImagineRequest(prompt="x", options={"lora": "l", "lora_weight": 3}), "-1 to 2"),
        (ImagineRequest(prompt="x", options={"tileable": "yes"}), "true or false"),
        (ImagineRequest(prompt="x", options={"refer_strength": 2}), "0 to 1"),
        (ImagineRequest(prompt="x", count=5), "between 1 and 4"),
        (ImagineRequest(prompt="x", seed=-2), "-1 to 2147483647"),
        (ImagineRequest(prompt="x", width=3000), "64 to 2560"),
        (ImagineRequest(prompt=" "), "empty"),
    ],
)
async def test_bad_requests_are_refused_before_sending(
    provider: PicpikProvider, emulator: Emulator, request_: ImagineRequest, words: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await provider.imagine(request_)
    assert words in caught.value.user_message
    assert emulator.requests("GenerateImages") == []


async def test_progress_is_queued_then_running_without_percent(provider: PicpikProvider) -> None:
    handle = await provider.imagine(ImagineRequest(prompt="x"))
    _, seen = await run_to_end(provider, handle)
    statuses = [state.status for state in seen]
    assert statuses[0] in (JobStatus.QUEUED, JobStatus.RUNNING) and statuses[-1] is JobStatus.SUCCEEDED
    assert {state.raw_status for state in seen[:-1]} <= {"Pending", "Processing"}
    assert all(state.progress is None for state in seen)


async def test_upscale_needs_no_service_call(provider: PicpikProvider, emulator: Emulator) -> None:
    parent = rebuilt(await imagine(provider))
    before = len(emulator.all_requests())
    handle = await provider.upscale(parent, 3)
    handle = JobHandle.model_validate_json(handle.model_dump_json())
    state = await provider.poll(handle)
    assert len(emulator.all_requests()) == before
    assert state.status is JobStatus.SUCCEEDED and len(state.images) == 1
    assert state.images[0].url == parent.result.images[2].url
    width, height = decoded_size(await provider.download(state.images[0]))
    assert (width, height) == (256, 256)
    with pytest.raises(InvalidInputError):
        await provider.upscale(parent, 5)


async def test_variation_sends_the_chosen_image_with_image2image(provider: PicpikProvider, emulator: Emulator) -> None:
    parent = rebuilt(await imagine(provider, ImagineRequest(prompt="a red boat", seed=99)))
    chosen = await provider.download(parent.result.images[1])
    handle = await provider.variation(parent, 2)
    assert handle.kind is JobKind.VARIATION
    sent = emulator.requests("GenerateImages")[-1]
    assert sent["Image2Image"] == {"ImageIndex": 0, "ReferStrength": 0.6}
    assert base64.b64decode(sent["ImageAndMaskList"][0]) == chosen
    assert sent["PositivePrompts"] == ["a red boat"] and sent["Seed"] == -1 and sent["BatchSize"] == 4
    state, _ = await run_to_end(provider, handle)
    assert state.status is JobStatus.SUCCEEDED and len(state.images) == 4
    with pytest.raises(InvalidInputError):
        await provider.variation(parent, 0)


async def test_remix_uses_the_new_prompt(provider: PicpikProvider, emulator: Emulator) -> None:
    parent = rebuilt(await imagine(provider, ImagineRequest(prompt="a red boat", options={"refer_strength": 0.3})))
    handle = await provider.variation(parent, 1, prompt="the boat at night")
    assert handle.kind is JobKind.REMIX
    sent = emulator.requests("GenerateImages")[-1]
    assert sent["PositivePrompts"] == ["the boat at night"]
    assert sent["Image2Image"]["ReferStrength"] == 0.3
    with pytest.raises(InvalidInputError, match="empty"):
        await provider.variation(parent, 1, prompt="   ")


async def test_reroll_repeats_with_a_new_seed(provider: PicpikProvider, emulator: Emulator) -> None:
    parent = rebuilt(await imagine(provider, ImagineRequest(prompt="a tree", seed=42, aspect_ratio="3:2")))
    handle = await provider.reroll(parent)
    first, again = emulator.requests("GenerateImages")
    assert first["Seed"] == 42 and again["Seed"] == -1
    assert {k: v for k, v in first.items() if k not in ("Seed", "Signature", "request_uuid")} == {
        k: v for k, v in again.items() if k not in ("Seed", "Signature", "request_uuid")
    }
    assert handle.kind is JobKind.REROLL and handle.job_id != parent.handle.job_id


async def test_reroll_of_a_variation_refetches_its_source_image(provider: PicpikProvider, emulator: Emulator) -> None:
    parent = await imagine(provider)
    handle = await provider.variation(parent, 4)
    state, _ = await run_to_end(provider, handle)
    variation = rebuilt(ParentJob(handle=handle, result=state, request=parent.request))
    await provider.reroll(variation)
    sent = emulator.requests("GenerateImages")[-1]
    assert base64.b64decode(sent["ImageAndMaskList"][0]) == await provider.download(parent.result.images[3])
    assert sent["Image2Image"]["ImageIndex"] == 0


async def test_parent_without_kept_params_is_rebuilt_from_its_request(
    provider: PicpikProvider, emulator: Emulator
) -> None:
    parent = await imagine(provider, ImagineRequest(prompt="a hill", aspect_ratio="1:1"))
    bare = ParentJob(handle=parent.handle.model_copy(update={"meta": {}}), result=parent.result, request=parent.request)
    await provider.reroll(bare)
    assert emulator.requests("GenerateImages")[-1]["PositivePrompts"] == ["a hill"]
    orphan = ParentJob(handle=bare.handle, result=parent.result, request=None)
    with pytest.raises(InvalidInputError, match="not kept"):
        await provider.reroll(orphan)


async def test_describe_sends_a_data_uri_and_returns_texts(
    provider: PicpikProvider, emulator: Emulator, image_host: str
) -> None:
    image = sample_image(image_host, 7)
    handle = await provider.describe(image)
    (sent,) = emulator.requests("DescribeImages")
    prefix, payload = sent["ImageList"][0].split(",", 1)
    assert prefix == "data:image/png;base64"
    assert base64.b64decode(payload) == await provider.download(image)
    assert sent["TranslateDescription"] == "en"
    state, _ = await run_to_end(provider, handle)
    assert state.status is JobStatus.SUCCEEDED and len(state.texts) == 4 and not state.images


async def test_poll_many_asks_once_for_all_tasks(provider: PicpikProvider, emulator: Emulator) -> None:
    handles = [await provider.imagine(ImagineRequest(prompt=f"p{n}", count=1)) for n in range(3)]
    parent = await imagine(provider)
    upscale = await provider.upscale(parent, 1)
    before = len(emulator.requests("ListTasksDetails"))
    states = await provider.poll_many([*handles, upscale])
    calls = emulator.requests("ListTasksDetails")[before:]
    assert len(calls) == 1 and calls[0]["TaskUIDList"] == [h.job_id for h in handles]
    assert set(states) == {*(h.job_id for h in handles), upscale.job_id}
    assert states[upscale.job_id].status is JobStatus.SUCCEEDED  # type: ignore[union-attr]


async def test_poll_many_chunks_and_reports_errors_per_handle(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    provider = PicpikProvider(session, settings_for(emulator.url, task_ids_per_call=2), CREDENTIALS)
    handles = [await provider.imagine(ImagineRequest(prompt=f"p{n}", count=1)) for n in range(5)]
    states = await provider.poll_many(handles)
    assert [len(call["TaskUIDList"]) for call in emulator.requests("ListTasksDetails")] == [2, 2, 1]
    assert all(state.status in (JobStatus.QUEUED, JobStatus.RUNNING) for state in states.values())  # type: ignore[union-attr]
    emulator.arm("auth_failure")
    errors = await provider.poll_many(handles)
    assert all(isinstance(error, AuthenticationError) for error in errors.values())


async def test_one_malformed_entry_fails_only_its_own_job(provider: PicpikProvider, emulator: Emulator) -> None:
    handles = [await provider.imagine(ImagineRequest(prompt=f"p{n}", count=1)) for n in range(3)]
    emulator.arm("malformed_detail", times=1)  # the first entry of the next answer
    states = await provider.poll_many(handles)
    first, *others = (states[h.job_id] for h in handles)
    assert isinstance(first, DecodeError) and handles[0].job_id in first.user_message
    assert all(isinstance(state, JobState) and not state.status.is_terminal for state in others)


async def test_unknown_task_keeps_waiting(provider: PicpikProvider) -> None:
    handle = JobHandle(provider="picpik", kind=JobKind.IMAGINE, job_id="never-submitted")
    assert (await provider.poll(handle)).status is JobStatus.QUEUED


async def test_failed_task(provider: PicpikProvider, emulator: Emulator) -> None:
    emulator.arm("task_fails", times=1)
    state, _ = await run_to_end(provider, await provider.imagine(ImagineRequest(prompt="x")))
    assert state.status is JobStatus.FAILED and state.failure is not None
    assert state.failure.message == "The GPU worker crashed" and state.failure.code == "5001"


async def test_blend_is_not_offered(provider: PicpikProvider, image_host: str) -> None:
    with pytest.raises(UnsupportedError):
        await provider.blend([sample_image(image_host, 1)] * 2, BlendDimensions.SQUARE)


async def test_check_credentials(provider: PicpikProvider, emulator: Emulator, session: aiohttp.ClientSession) -> None:
    await provider.check_credentials()
    assert len(emulator.requests("ListRunningTasks")) == 1
    bad = PicpikProvider(
        session, settings_for(emulator.url), PicpikCredentials(public_key="test-public-key", private_key="wrong")
    )
    with pytest.raises(AuthenticationError):
        await bad.check_credentials()


def test_credentials_of_another_shape_are_refused_naming_the_fields(session: aiohttp.ClientSession) -> None:
    with pytest.raises(InvalidInputError) as info:
        PicpikProvider(session, settings_for("http://x"), ImageData(url="x"))
    assert "Picpik needs" in info.value.user_message
    assert info.value.field == "credentials"
    with pytest.raises(TypeError):
        PicpikProvider(session, JumdataSettings(), PicpikCredentials(public_key="a", private_key="b"))


async def test_provider_exposes_the_raw_client(provider: PicpikProvider) -> None:
    bundles = await provider.client.list_bundles()
    assert bundles.TotalCount == 3
