"""The provider over the emulator: imagine, upscale without a call, re-roll, polling rules, credentials."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from providers.core.errors import (
    AuthenticationError,
    InvalidInputError,
    RateLimitedError,
    ServerError,
    UnsupportedError,
)
from providers.core.models import (
    BlendDimensions,
    Capability,
    ImageData,
    ImagineRequest,
    JobHandle,
    JobKind,
    JobStatus,
    ParentJob,
)
from providers.jumdata import JumdataProvider
from providers.jumdata.credentials import JumdataCredentials
from providers.jumdata.params import STYLES
from providers.jumdata.settings import JumdataSettings
from tests.emulators import jumdata as emulator
from tests.providers.contract import decoded_size, run_to_end
from tests.providers.jumdata.conftest import Live

REQUEST = ImagineRequest(prompt="  赛博朋克城市夜景 neon rain  ", aspect_ratio="2:3", model="赛博朋克", count=4)


async def _parent(live: Live, request: ImagineRequest = REQUEST) -> ParentJob:
    handle = await live.provider.imagine(request)
    state, _ = await run_to_end(live.provider, handle, timeout=5)
    assert state.status is JobStatus.SUCCEEDED, state.failure
    return ParentJob(handle=handle, result=state, request=request)


def test_class_data_is_readable_without_an_instance() -> None:
    assert JumdataProvider.name == "jumdata"
    assert JumdataProvider.display_name == "Jumdata AI绘画"
    assert JumdataProvider.capabilities == {
        Capability.IMAGINE, Capability.UPSCALE, Capability.REROLL, Capability.PROGRESS
    }
    assert JumdataProvider.returns_grid is False and JumdataProvider.reports_percent is False
    limits = JumdataProvider.limits
    assert limits.prompt_max_chars == 100 and limits.max_count == 6 and limits.styles == STYLES
    assert set(limits.sizes) == {(1024, 1024), (1024, 1536), (1536, 1024)}
    assert not limits.supports_negative_prompt and limits.seed_min is None
    assert JumdataProvider.settings_model is JumdataSettings
    assert JumdataProvider.credentials_model is JumdataCredentials


def test_settings_read_env_with_prefix_and_give_default_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    assert JumdataSettings(_env_file=None).base_url == "https://api-hw.jumdata.com"
    assert JumdataSettings(_env_file=None).default_credentials() is None
    monkeypatch.setenv("JUMDATA_APP_ID", "my-app")
    monkeypatch.setenv("JUMDATA_APP_SECRET", "my-secret")
    monkeypatch.setenv("JUMDATA_BASE_URL", "http://localhost:9")
    settings = JumdataSettings(_env_file=None)
    keys = settings.default_credentials()
    assert settings.base_url == "http://localhost:9"
    assert keys is not None and keys.app_id == "my-app" and keys.app_secret.get_secret_value() == "my-secret"
    assert "my-secret" not in repr(settings) and "my-secret" not in repr(keys)


def test_credentials_fields_have_titles_for_the_keys_modal() -> None:
    for field in JumdataCredentials.model_fields.values():
        assert field.title and field.description


# --- imagine ---------------------------------------------------------------------------------------


async def test_imagine_sends_mapped_fields_and_delivers_separate_images(live: Live) -> None:
    parent = await _parent(live)
    [sent] = live.submits
    assert (sent.fields["text"], sent.fields["resolution"], sent.fields["style"], sent.fields["num"]) == (
        "赛博朋克城市夜景 neon rain", "1024*1536", "赛博朋克", "4"
    )
    assert parent.handle.kind is JobKind.IMAGINE and parent.handle.job_id
    assert not parent.result.is_grid and len(parent.result.images) == 4
    for image in parent.result.images:
        width, height = decoded_size(await live.provider.download(image))
        assert width * 3 == height * 2  # 2:3 kept even though the emulator scales down


async def test_imagine_defaults_to_square_and_the_explore_style(live: Live) -> None:
    await live.provider.imagine(ImagineRequest(prompt="cat", count=1))
    [sent] = live.submits
    assert (sent.fields["resolution"], sent.fields["style"], sent.fields["num"]) == ("1024*1024", "探索无限", "1")


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (ImagineRequest(prompt="cat", seed=42), "seed"),
        (ImagineRequest(prompt="cat", negative_prompt="dogs"), "negative_prompt"),
        (ImagineRequest(prompt="猫" * 101), "prompt"),
        (ImagineRequest(prompt="cat", count=7), "count"),
        (ImagineRequest(prompt="cat", model="Anime"), "model"),
        (ImagineRequest(prompt="cat", width=512, height=512), "width"),
        (ImagineRequest(prompt="cat", options={"steps": 30}), "options"),
    ],
)
async def test_imagine_refuses_what_the_service_cannot_do_before_sending(
    live: Live, request_: ImagineRequest, field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await live.provider.imagine(request_)
    assert caught.value.field == field
    assert live.app[emulator.REQUESTS_KEY] == []


async def test_progress_is_running_without_percent_then_succeeded(live: Live) -> None:
    handle = await live.provider.imagine(REQUEST)
    _, seen = await run_to_end(live.provider, handle, timeout=5)
    assert seen[0].status is JobStatus.RUNNING and seen[0].progress is None and seen[0].raw_status == "0"
    assert seen[-1].status is JobStatus.SUCCEEDED and seen[-1].raw_status == "1"


# --- follow-ups ------------------------------------------------------------------------------------


async def test_upscale_hands_back_the_chosen_image_without_calling_the_service(live: Live) -> None:
    parent = await _parent(live)
    before = len(live.app[emulator.REQUESTS_KEY])
    handle = await live.provider.upscale(parent, 3)
    state = await live.provider.poll(JobHandle.model_validate_json(handle.model_dump_json()))
    assert len(live.app[emulator.REQUESTS_KEY]) == before  # no submit, no query: nothing billed
    assert handle.kind is JobKind.UPSCALE and handle.meta["image_url"] == parent.result.images[2].url
    assert state.status is JobStatus.SUCCEEDED and [i.url for i in state.images] == [parent.result.images[2].url]
    assert await live.provider.download(state.images[0]) == await live.provider.download(parent.result.images[2])


async def test_upscale_of_a_missing_index_is_invalid_input(live: Live) -> None:
    parent = await _parent(live, ImagineRequest(prompt="cat", count=2))
    with pytest.raises(InvalidInputError):
        await live.provider.upscale(parent, 3)


async def test_upscale_needs_a_link(live: Live) -> None:
    parent = await _parent(live, ImagineRequest(prompt="cat", count=1))
    bare = parent.result.model_copy(update={"images": [ImageData(data=b"png")]})
    with pytest.raises(InvalidInputError):
        await live.provider.upscale(ParentJob(handle=parent.handle, result=bare), 1)


async def test_reroll_is_a_new_billed_submit_of_the_same_request(live: Live) -> None:
    parent = await _parent(live)
    handle = await live.provider.reroll(parent)
    assert handle.kind is JobKind.REROLL and handle.job_id != parent.handle.job_id
    first, second = live.submits
    assert {k: first.fields[k] for k in ("text", "resolution", "style", "num")} == {
        k: second.fields[k] for k in ("text", "resolution", "style", "num")
    }
    state, _ = await run_to_end(live.provider, handle, timeout=5)
    assert state.status is JobStatus.SUCCEEDED and len(state.images) == 4
    assert {i.url for i in state.images}.isdisjoint({i.url for i in parent.result.images})


async def test_reroll_after_a_restart_uses_what_the_handle_kept(live: Live) -> None:
    parent = await _parent(live)
    rebuilt = ParentJob.model_validate_json(parent.model_copy(update={"request": None}).model_dump_json())
    await live.provider.reroll(rebuilt)
    assert live.submits[1].fields["text"] == "赛博朋克城市夜景 neon rain"
    assert live.submits[1].fields["resolution"] == "1024*1536"
    broken = ParentJob(handle=rebuilt.handle.model_copy(update={"meta": {}}), result=rebuilt.result)
    with pytest.raises(InvalidInputError):
        await live.provider.reroll(broken)
    assert len(live.submits) == 2


async def test_variation_remix_blend_describe_are_unsupported(live: Live) -> None:
    parent = await _parent(live, ImagineRequest(prompt="cat", count=1))
    with pytest.raises(UnsupportedError):
        await live.provider.variation(parent, 1)
    with pytest.raises(UnsupportedError):
        await live.provider.variation(parent, 1, prompt="at night")
    with pytest.raises(UnsupportedError):
        await live.provider.blend([ImageData(url="https://x/1.png")] * 2, BlendDimensions.SQUARE)
    with pytest.raises(UnsupportedError):
        await live.provider.describe(ImageData(url="https://x/1.png"))
    assert len(live.submits) == 1


# --- polling rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "error_class"),
    [("maintenance", ServerError), ("too_frequent", RateLimitedError), ("quota", RateLimitedError)],
)
async def test_retryable_query_codes_raise_and_leave_the_job_open(
    live: Live, fault: str, error_class: type[Exception]
) -> None:
    handle = await live.provider.imagine(REQUEST)
    live.arm(fault)
    with pytest.raises(error_class):
        await live.provider.poll(handle)
    live.app[emulator.FAULTS_KEY].clear()
    state, _ = await run_to_end(live.provider, handle, timeout=5)
    assert state.status is JobStatus.SUCCEEDED and len(state.images) == 4


async def test_a_single_busy_answer_is_retried_inside_poll(live: Live) -> None:
    handle = await live.provider.imagine(REQUEST)
    live.arm("too_frequent", times=1)
    state = await live.provider.poll(handle)
    assert state.status in (JobStatus.RUNNING, JobStatus.SUCCEEDED)


async def test_an_expired_task_fails_the_job(live: Live) -> None:
    handle = await live.provider.imagine(REQUEST)
    old = handle.model_copy(update={"submitted_at": datetime.now(UTC) - timedelta(days=31)})
    live.arm("task_expired", times=1)
    state = await live.provider.poll(old)
    assert state.status is JobStatus.FAILED
    assert state.failure is not None and state.failure.kind == "not_found" and state.failure.code == "201"


async def test_a_just_submitted_task_the_service_cannot_find_yet_stays_running(live: Live) -> None:
    handle = await live.provider.imagine(REQUEST)
    live.arm("task_expired", times=1)
    assert (await live.provider.poll(handle)).status is JobStatus.RUNNING


async def test_a_failed_generation_is_reported(live: Live) -> None:
    live.arm("task_fails", times=1)
    handle = await live.provider.imagine(REQUEST)
    state, _ = await run_to_end(live.provider, handle, timeout=5)
    assert state.status is JobStatus.FAILED
    assert state.failure is not None and state.failure.kind == "job_failed" and state.failure.message


async def test_poll_many_answers_for_each_job(live: Live) -> None:
    good = await live.provider.imagine(REQUEST)
    unknown = JobHandle(
        provider="jumdata", kind=JobKind.IMAGINE, job_id="gone", submitted_at=datetime.now(UTC) - timedelta(days=40)
    )
    states = await live.provider.poll_many([good, unknown])
    assert states["gone"].status is JobStatus.FAILED  # type: ignore[union-attr]
    assert states[good.job_id].status in (JobStatus.RUNNING, JobStatus.SUCCEEDED)  # type: ignore[union-attr]


# --- credentials -----------------------------------------------------------------------------------


async def test_check_credentials_accepts_good_keys_with_one_free_query(live: Live) -> None:
    await live.provider.check_credentials()
    assert len(live.queries) == 1 and live.submits == []


async def test_check_credentials_refuses_bad_keys(live: Live) -> None:
    bad = JumdataProvider(
        live.session, live.settings, JumdataCredentials(app_id=emulator.TEST_APP_ID, app_secret=SecretStr("nope"))
    )
    with pytest.raises(AuthenticationError) as caught:
        await bad.check_credentials()
    assert "nope" not in str(caught.value)


async def test_check_credentials_reports_account_problems(live: Live) -> None:
    live.arm("ip_not_whitelisted", times=1)
    with pytest.raises(Exception, match="whitelist"):
        await live.provider.check_credentials()


def test_the_provider_needs_both_keys() -> None:
    class Partial:
        app_id = "x"

    with pytest.raises(InvalidInputError):
        JumdataProvider(None, JumdataSettings(_env_file=None), Partial())  # type: ignore[arg-type]
