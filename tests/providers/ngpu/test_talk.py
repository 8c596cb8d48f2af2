"""``NgpuProvider.talk``: sadTalker scheduled like NGPU's own bot, followed through the normal ``poll`` (progress,
then the video's link), NGPU's failure reason, and requests refused before anything is sent."""

from __future__ import annotations

import pytest

from providers.core.errors import InvalidInputError, UnsupportedError
from providers.core.models import Capability, JobHandle, JobKind, JobStatus, TalkRequest
from providers.jumdata.provider import JumdataProvider
from providers.ngpu.sad_talker import TALK_LIMITS
from providers.registry import PROVIDERS
from tests.emulators.ngpu import FAKE_MP4, TEST_BTC_ADDRESS
from tests.providers.contract import run_to_end, sample_image
from tests.providers.ngpu.conftest import Env


def request(env: Env, **changes: object) -> TalkRequest:
    return TalkRequest(image=sample_image(env.image_url, 3), text="Happy Laba festival!").model_copy(update=changes)


async def test_talk_is_scheduled_like_ngpus_bot_and_polled_to_a_video_link(env: Env) -> None:
    handle = await env.provider.talk(request(env, voice="onyx"))

    assert handle.kind is JobKind.TALK and handle.meta["profile"] == "sadTalker"
    [sent] = env.taken("/user/schedulingTask")
    assert sent.query == {"paramUrl": "sadTalker", "paramPort": "8075", "taskMode": "Async"}
    assert sent.body["data"] == {  # the object itself, as NGPU's own bot sends it
        "image_url": f"{env.image_url}/img/3.png",
        "text": "Happy Laba festival!",
        "pronouncer": "onyx",
        "backGroundName": "laba",
    }
    state, seen = await run_to_end(env.provider, handle)
    assert state.status is JobStatus.SUCCEEDED and state.progress == 100.0, state.failure
    assert any(s.status is JobStatus.RUNNING and s.progress is not None for s in seen)
    assert state.video_url is not None and state.images == []
    assert await env.provider.download_file(state.video_url) == FAKE_MP4


async def test_a_handle_rebuilt_from_storage_is_still_followed_as_a_video(env: Env) -> None:
    handle = await env.provider.talk(request(env))
    stored = JobHandle.model_validate_json(handle.model_dump_json())
    state, _ = await run_to_end(env.provider, stored)
    assert state.status is JobStatus.SUCCEEDED and state.video_url


async def test_ngpus_failure_reason_ends_the_job(env: Env) -> None:
    env.arm("task_fails")
    state, _ = await run_to_end(env.provider, await env.provider.talk(request(env)))
    assert state.status is JobStatus.FAILED
    assert (state.failure.kind, state.failure.message) == ("job_failed", "CUDA out of memory on the compute node")


async def test_the_btc_address_of_the_keys_goes_with_it(env: Env) -> None:
    from providers.ngpu.credentials import NgpuCredentials
    from tests.emulators.ngpu import TEST_WORKSPACE_ID

    provider = env.with_credentials(NgpuCredentials(workspace_id=TEST_WORKSPACE_ID, btc_address=TEST_BTC_ADDRESS))
    await provider.talk(request(env))
    [sent] = env.taken("/user/schedulingTask")
    assert sent.body["btc_address"] == sent.inner_data()["btc_address"] == TEST_BTC_ADDRESS


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "   "}, "Give the words the photo should say."),
        ({"text": "a" * 501}, "NGPU says at most 500 characters; the text has 501."),
        ({"voice": "whisper"}, "NGPU has no voice “whisper”; choose one of alloy, echo, fable, onyx, nova, shimmer."),
        ({"background": "moon"}, "NGPU has no background “moon”; choose one of laba."),
    ],
)
async def test_requests_ngpu_cannot_take_are_refused_before_anything_is_sent(
    env: Env, changes: dict, message: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await env.provider.talk(request(env, **changes))
    assert refused.value.user_message == message
    assert env.sent("/user/schedulingTask") == []


def test_only_services_that_declare_talk_carry_its_limits() -> None:
    for name, cls in PROVIDERS.items():
        assert (cls.limits.talk is not None) == cls.supports(Capability.TALK), name
    assert PROVIDERS["ngpu"].limits.talk == TALK_LIMITS
    assert TALK_LIMITS.default_voice in TALK_LIMITS.voices
    assert TALK_LIMITS.default_background in TALK_LIMITS.backgrounds


async def test_a_service_that_cannot_talk_says_so(env: Env) -> None:
    assert not JumdataProvider.supports(Capability.TALK)
    provider = JumdataProvider.__new__(JumdataProvider)  # no call is made: the base refuses first
    with pytest.raises(UnsupportedError, match="does not offer talk"):
        await provider.talk(request(env))
