"""NgpuProvider end to end against the emulator: what it sends, what it decodes, how it fails."""

from __future__ import annotations

import asyncio
import base64

import pytest

from providers.core.errors import AuthenticationError, InvalidInputError, QuotaError
from providers.core.models import ImageData, ImagineRequest, JobHandle, JobKind, JobStatus, ParentJob
from providers.ngpu.credentials import NgpuCredentials
from tests.emulators.ngpu import TEST_BTC_ADDRESS, TEST_BTC_ADDRESS_WITHOUT_AINN, TEST_WORKSPACE_ID
from tests.providers.contract import decoded_size, run_to_end, sample_image
from tests.providers.ngpu.conftest import Env

REQUEST = ImagineRequest(
    prompt="a lighthouse at dusk", negative_prompt="blurry", aspect_ratio="3:2", seed=1234,
    options={"steps": 25, "sampler_name": "Euler a"},
)


def sent_data(env: Env, index: int = -1) -> dict:
    """The image's request of a submit NGPU took (a refused first form is left out)."""
    return env.taken("/user/schedulingTask")[index].inner_data()


async def imagine(env: Env, request: ImagineRequest = REQUEST) -> ParentJob:
    handle = await env.provider.imagine(request)
    state, _ = await run_to_end(env.provider, handle)
    assert state.status is JobStatus.SUCCEEDED, state.failure
    return ParentJob(handle=handle, result=state, request=request)


async def test_imagine_sends_a_txt2img_batch_and_decodes_four_images(env: Env) -> None:
    parent = await imagine(env)
    [sent] = env.taken("/user/schedulingTask")
    assert sent.query == {"paramUrl": "sdapi/v1/txt2img", "paramPort": "7860", "taskMode": "Async"}
    # the default emulator takes only the bare id: a free queryNodes found that (the seed's Bearer form refused)
    # before the billed submit, which carried the bare id at once
    assert [r.authorization for r in env.sent("/user/queryNodes")] == [f"Bearer {TEST_WORKSPACE_ID}", TEST_WORKSPACE_ID]
    assert [r.authorization for r in env.sent("/user/schedulingTask")] == [TEST_WORKSPACE_ID]
    assert isinstance(sent.body["data"], dict) and "btc_address" not in sent.body
    data = sent_data(env)
    assert (data["prompt"], data["negative_prompt"], data["seed"]) == ("a lighthouse at dusk", "blurry", 1234)
    assert (data["width"], data["height"], data["batch_size"], data["steps"]) == (512, 320, 4, 25)
    assert data["sampler_name"] == "Euler a" and data["do_not_save_grid"] is True

    state = parent.result
    assert len(state.images) == 4 and not state.is_grid and state.seed == 1234
    sizes = {decoded_size(image.data or b"") for image in state.images}
    assert sizes == {(128, 80)}  # the emulator's small images keep the 3:2 shape
    assert len({image.data for image in state.images}) == 4
    assert state.images[0].content_type == "image/png" and state.images[0].width == 128
    assert parent.handle.kind is JobKind.IMAGINE
    assert parent.handle.meta["profile"] == "a1111" and parent.handle.meta["endpoint"] == "txt2img"
    assert JobHandle.model_validate_json(parent.handle.model_dump_json()) == parent.handle


async def test_progress_while_running(env: Env) -> None:
    handle = await env.provider.imagine(REQUEST)
    first = await env.provider.poll(handle)
    assert first.status is JobStatus.RUNNING and first.raw_status in ("101", "102")
    _, seen = await run_to_end(env.provider, handle)
    figures = [state.progress for state in seen if state.status is JobStatus.RUNNING and state.progress]
    assert figures, "the emulator reports a progress figure while running"
    assert all(0 < figure < 100 for figure in figures)


async def test_btc_address_from_credentials_is_sent(env: Env) -> None:
    provider = env.with_credentials(NgpuCredentials(workspace_id=TEST_WORKSPACE_ID, btc_address=TEST_BTC_ADDRESS))
    await provider.imagine(REQUEST)
    assert env.taken("/user/schedulingTask")[0].body["btc_address"] == TEST_BTC_ADDRESS
    lacking = env.with_credentials(
        NgpuCredentials(workspace_id=TEST_WORKSPACE_ID, btc_address=TEST_BTC_ADDRESS_WITHOUT_AINN)
    )
    with pytest.raises(QuotaError):
        await lacking.imagine(REQUEST)


async def test_upscale_sends_the_chosen_image_and_doubles_it(env: Env) -> None:
    parent = await imagine(env)
    handle = await env.provider.upscale(parent, 2)
    sent = env.sent("/user/schedulingTask")[-1]
    assert sent.query["paramUrl"] == "sdapi/v1/extra-single-image"
    data = sent_data(env)
    assert base64.b64decode(data["image"]) == parent.result.images[1].data
    assert data["upscaling_resize"] == 2.0 and data["upscaler_1"] == env.settings.upscaler
    state, _ = await run_to_end(env.provider, handle)
    assert state.status is JobStatus.SUCCEEDED and handle.kind is JobKind.UPSCALE
    assert decoded_size(state.images[0].data or b"") == (256, 160)
    assert handle.meta["generation"]["prompt"] == REQUEST.prompt  # carried on for later buttons


async def test_variation_uses_img2img_on_the_chosen_image(env: Env) -> None:
    parent = await imagine(env)
    handle = await env.provider.variation(parent, 3)
    data = sent_data(env)
    assert env.sent("/user/schedulingTask")[-1].query["paramUrl"] == "sdapi/v1/img2img"
    assert base64.b64decode(data["init_images"][0]) == parent.result.images[2].data
    assert data["prompt"] == REQUEST.prompt and data["seed"] == -1
    assert data["denoising_strength"] == 0.75 and data["batch_size"] == 4
    assert (data["width"], data["height"]) == (512, 320)
    state, _ = await run_to_end(env.provider, handle)
    assert handle.kind is JobKind.VARIATION and len(state.images) == 4
    assert "init_images" not in handle.meta["generation"]  # no image bytes in a handle


async def test_remix_uses_the_new_prompt(env: Env) -> None:
    parent = await imagine(env)
    handle = await env.provider.variation(parent, 1, prompt="  the same lighthouse in snow ")
    assert handle.kind is JobKind.REMIX
    assert sent_data(env)["prompt"] == "the same lighthouse in snow"
    assert handle.meta["generation"]["prompt"] == "the same lighthouse in snow"
    with pytest.raises(InvalidInputError):
        await env.provider.variation(parent, 1, prompt="x" * 2001)


async def test_reroll_after_a_restart_uses_a_new_seed(env: Env) -> None:
    parent = await imagine(env)
    rebuilt = ParentJob.model_validate_json(parent.model_copy(update={"request": None}).model_dump_json())
    handle = await env.provider.reroll(rebuilt)
    assert handle.job_id != parent.handle.job_id and handle.kind is JobKind.REROLL
    data = sent_data(env)
    assert data["seed"] == -1 and data["prompt"] == REQUEST.prompt and data["batch_size"] == 4
    state, _ = await run_to_end(env.provider, handle)
    assert state.status is JobStatus.SUCCEEDED and state.seed not in (None, 1234)


async def test_follow_ups_need_a_known_prompt_and_a_real_index(env: Env) -> None:
    parent = await imagine(env)
    sent_before = len(env.sent("/user/schedulingTask"))
    with pytest.raises(InvalidInputError):
        await env.provider.upscale(parent, 5)
    with pytest.raises(InvalidInputError):
        await env.provider.variation(parent, 0)
    orphan = ParentJob(handle=parent.handle.model_copy(update={"meta": {}}), result=parent.result, request=None)
    with pytest.raises(InvalidInputError):
        await env.provider.variation(orphan, 1)
    with pytest.raises(InvalidInputError):
        await env.provider.reroll(orphan)
    assert len(env.sent("/user/schedulingTask")) == sent_before
    # the request alone is enough when the handle has lost its generation
    with_request = orphan.model_copy(update={"request": REQUEST})
    await env.provider.reroll(with_request)
    assert sent_data(env)["prompt"] == REQUEST.prompt


async def test_describe_interrogates_the_image(env: Env) -> None:
    handle = await env.provider.describe(sample_image(env.image_url, 7))
    data = sent_data(env)
    assert data["model"] == "clip" and base64.b64decode(data["image"]).startswith(b"\x89PNG")
    state, _ = await run_to_end(env.provider, handle)
    assert state.status is JobStatus.SUCCEEDED and handle.kind is JobKind.DESCRIBE
    assert state.texts == ["a colorful abstract picture with a white ring, 256x256"]
    with pytest.raises(InvalidInputError):
        await env.provider.describe(ImageData(data=b"just text, not a picture"))


async def test_a_failed_task_is_reported_with_its_reason(env: Env) -> None:
    env.arm("task_fails")
    handle = await env.provider.imagine(REQUEST)
    state, _ = await run_to_end(env.provider, handle)
    assert state.status is JobStatus.FAILED and state.failure is not None
    assert state.failure.kind == "job_failed" and "CUDA out of memory" in state.failure.message
    assert state.failure.code == "-1"


async def test_an_a1111_refusal_is_a_failed_job(env: Env) -> None:
    # bypass the provider's own validation to see what the image itself says about a bad width
    task = await env.client.schedule_task("sdapi/v1/txt2img", 7860, {"prompt": "x", "width": 100})
    handle = JobHandle(provider="ngpu", kind=JobKind.IMAGINE, job_id=task.task_id,
                       meta={"profile": "a1111", "endpoint": "txt2img"})
    state, _ = await run_to_end(env.provider, handle)
    assert state.status is JobStatus.FAILED and "width" in (state.failure.message if state.failure else "")


async def test_validation_happens_before_sending(env: Env) -> None:
    for request in (
        ImagineRequest(prompt="x", width=500, height=512),
        ImagineRequest(prompt="x", options={"steps": 500}),
        ImagineRequest(prompt="x", seed=-2),
        ImagineRequest(prompt=" "),
    ):
        with pytest.raises(InvalidInputError):
            await env.provider.imagine(request)
    assert not env.sent("/user/schedulingTask")


async def test_a_handle_from_another_profile_is_refused(env: Env) -> None:
    handle = JobHandle(provider="ngpu", kind=JobKind.IMAGINE, job_id="x", meta={"profile": "comfyui"})
    with pytest.raises(InvalidInputError):
        await env.provider.poll(handle)
    assert not env.sent("/user/queryTask")


async def test_poll_many_answers_each_job(env: Env) -> None:
    handles = await asyncio.gather(*(env.provider.imagine(REQUEST) for _ in range(3)))
    states = await env.provider.poll_many(handles)
    assert set(states) == {handle.job_id for handle in handles}
    assert all(getattr(state, "status", None) is JobStatus.RUNNING for state in states.values())


async def test_check_credentials(env: Env) -> None:
    await env.provider.check_credentials()
    assert env.sent("/user/queryNodes")
    with pytest.raises(AuthenticationError):
        await env.with_credentials(NgpuCredentials(workspace_id="nope")).check_credentials()
