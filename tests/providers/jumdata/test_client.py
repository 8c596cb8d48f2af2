"""Every raw client method against the emulator over real HTTP, including every error code."""

from __future__ import annotations

import asyncio
import hashlib
import time

import pytest
from pydantic import SecretStr

from providers.core.errors import (
    AccountError,
    AuthenticationError,
    DecodeError,
    InvalidInputError,
    ModerationError,
    NotFoundError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitedError,
    ServerError,
    SubmitOutcomeUnknownError,
)
from providers.jumdata.client import JumdataClient
from providers.jumdata.codes import TaskNotFoundError
from providers.jumdata.credentials import JumdataCredentials
from providers.jumdata.models import QueryData
from tests.emulators import jumdata as emulator
from tests.providers.contract import decoded_size
from tests.providers.jumdata.conftest import JOB_SECONDS, Live


async def _finished(live: Live, task_id: str) -> QueryData:
    async with asyncio.timeout(5):
        while True:
            data = await live.client.query(task_id)
            if str(data.status) == "1":
                return data
            await asyncio.sleep(0.05)


# --- submit --------------------------------------------------------------------------------------


async def test_submit_sends_signed_urlencoded_fields_once_and_returns_the_task(live: Live) -> None:
    result = await live.client.submit("水墨山水 with a red bridge", "1024*1536", "古风", 3)
    assert len(result.task_id) == 24 and result.task_id.isdigit()  # the form of the seed's taskNo
    assert result.charge is True
    assert result.task_no is not None and len(result.task_no) == 24 and result.task_no.isdigit()
    [sent] = live.submits
    assert sent.content_type == "application/x-www-form-urlencoded"
    assert {k: sent.fields[k] for k in ("text", "resolution", "style", "num", "appId")} == {
        "text": "水墨山水 with a red bridge",
        "resolution": "1024*1536",
        "style": "古风",
        "num": "3",
        "appId": emulator.TEST_APP_ID,
    }
    assert abs(int(sent.fields["timestamp"]) - time.time() * 1000) < 60_000
    expected = hashlib.sha256(
        (emulator.TEST_APP_ID + emulator.TEST_APP_SECRET + sent.fields["timestamp"]).encode()
    ).hexdigest()
    assert sent.fields["sign"] == expected
    assert emulator.TEST_APP_SECRET not in str(sent.fields)


async def test_submit_validates_before_sending(live: Live) -> None:
    for args in (
        ("x" * 101, "1024*1024", "古风", 1),
        ("cat", "800*600", "古风", 1),
        ("cat", "1024*1024", "风景", 1),
        ("cat", "1024*1024", "古风", 7),
    ):
        with pytest.raises(InvalidInputError):
            await live.client.submit(*args)
    assert live.app[emulator.REQUESTS_KEY] == []


@pytest.mark.parametrize(
    ("fault", "error_class", "code"),
    [
        ("moderation", ModerationError, 202),
        ("maintenance", ServerError, 500),
        ("not_enabled", AccountError, 601),
        ("account_disabled", AccountError, 602),
        ("api_disabled", AccountError, 604),
        ("quota", RateLimitedError, 606),
        ("ip_not_whitelisted", AccountError, 607),
        ("too_frequent", RateLimitedError, 609),
        ("other_error", ServerError, 999),
        ("bad_sign", AuthenticationError, 400),
    ],
)
async def test_submit_error_codes_map_and_are_never_resent(
    live: Live, fault: str, error_class: type[ProviderError], code: int
) -> None:
    live.arm(fault)
    with pytest.raises(error_class) as caught:
        await live.client.submit("cat", "1024*1024", "古风", 1)
    assert caught.value.code == code
    assert len(live.submits) == 1  # even retryable codes: a billed submit goes out once


async def test_banned_word_is_refused_by_moderation(live: Live) -> None:
    with pytest.raises(ModerationError):
        await live.client.submit(f"一只{emulator.BANNED_WORD}的猫", "1024*1024", "古风", 1)


async def test_hanging_submit_is_sent_exactly_once_and_reported_unknown(live: Live) -> None:
    live.arm("hang")
    with pytest.raises(SubmitOutcomeUnknownError):
        await live.client.submit("cat", "1024*1024", "古风", 4)
    assert len(live.submits) == 1


async def test_service_timeout_code_on_submit_is_an_unknown_outcome_not_resent(live: Live) -> None:
    live.arm("request_timeout")
    with pytest.raises(SubmitOutcomeUnknownError):
        await live.client.submit("cat", "1024*1024", "古风", 1)
    assert len(live.submits) == 1


async def test_http_errors_on_submit_are_not_resent(live: Live) -> None:
    live.arm("server_error", times=1)
    with pytest.raises(ServerError):
        await live.client.submit("cat", "1024*1024", "古风", 1)
    live.arm("http_rate_limit", times=1)
    with pytest.raises(RateLimitedError) as caught:
        await live.client.submit("cat", "1024*1024", "古风", 1)
    assert caught.value.retry_after == 1.0
    live.arm("malformed_json", times=1)
    with pytest.raises(DecodeError):
        await live.client.submit("cat", "1024*1024", "古风", 1)
    assert len(live.submits) == 3  # one each, none resent


# --- query ---------------------------------------------------------------------------------------


async def test_query_follows_a_task_to_its_images(live: Live) -> None:
    task = await live.client.submit("a lighthouse", "1536*1024", "水彩画", 2)
    first = await live.client.query(task.task_id)
    assert first.status == 0 and first.image_urls() == []
    assert first.create_time is not None and len(first.create_time) == len("2023-09-21 22:15:41")
    done = await _finished(live, task.task_id)
    urls = done.image_urls()
    assert len(urls) == 2 and done.img == urls[0]
    assert all(url.startswith(live.base_url) for url in urls)
    sizes = [decoded_size((await live.provider.transport.fetch_bytes(url))[0]) for url in urls]
    assert sizes == [(1536 // emulator.IMAGE_SCALE, 1024 // emulator.IMAGE_SCALE)] * 2
    assert (await live.client.query(task.task_id)).image_urls() == urls  # stable once finished


async def test_query_of_an_unknown_task_is_task_not_found(live: Live) -> None:
    with pytest.raises(TaskNotFoundError) as caught:
        await live.client.query("no-such-task")
    assert caught.value.code == 201


async def test_query_needs_a_task_id(live: Live) -> None:
    with pytest.raises(InvalidInputError):
        await live.client.query(" ")
    assert live.queries == []


async def test_query_retries_retryable_codes(live: Live) -> None:
    task = await live.client.submit("cat", "1024*1024", "古风", 1)
    for fault in ("too_frequent", "maintenance", "quota", "server_error"):
        before = len(live.app[emulator.REQUESTS_KEY])
        live.arm(fault, times=1)
        data = await live.client.query(task.task_id)  # the retry succeeds
        assert data.status in (0, 1)
        assert len(live.app[emulator.REQUESTS_KEY]) - before == 2, fault


async def test_query_gives_up_after_the_retry_budget(live: Live) -> None:
    task = await live.client.submit("cat", "1024*1024", "古风", 1)
    live.arm("too_frequent")
    with pytest.raises(RateLimitedError):
        await live.client.query(task.task_id)
    assert len(live.queries) == live.settings.retry_attempts


async def test_hanging_query_times_out(live: Live) -> None:
    live.arm("hang")
    with pytest.raises(ProviderTimeoutError):
        await live.client.query("whatever")


async def test_each_query_attempt_is_signed_afresh(live: Live) -> None:
    task = await live.client.submit("cat", "1024*1024", "古风", 1)
    live.arm("too_frequent", times=1)
    await live.client.query(task.task_id)
    first, second = live.queries[-2:]
    assert first.fields["taskId"] == second.fields["taskId"] == task.task_id
    assert int(second.fields["timestamp"]) >= int(first.fields["timestamp"])


# --- credentials, clock and addresses ------------------------------------------------------------


async def test_wrong_secret_and_unknown_app_id_are_authentication_errors(live: Live) -> None:
    for keys in (
        JumdataCredentials(app_id=emulator.TEST_APP_ID, app_secret=SecretStr("wrong")),
        JumdataCredentials(app_id="someone-else", app_secret=SecretStr(emulator.TEST_APP_SECRET)),
    ):
        client = JumdataClient(live.provider.transport, keys)
        with pytest.raises(AuthenticationError) as caught:
            await client.query("x")
        assert "wrong" not in str(caught.value) and emulator.TEST_APP_SECRET not in str(caught.value)


async def test_a_stale_timestamp_is_a_parameter_error_not_bad_keys(live: Live) -> None:
    keys = JumdataCredentials(app_id=emulator.TEST_APP_ID, app_secret=SecretStr(emulator.TEST_APP_SECRET))
    skewed = JumdataClient(live.provider.transport, keys, clock=lambda: int(time.time() * 1000) - 3_600_000)
    with pytest.raises(InvalidInputError) as caught:
        await skewed.query("x")
    assert not isinstance(caught.value, AuthenticationError)
    assert "timestamp" in caught.value.user_message


async def test_a_wrong_base_url_says_so(live: Live) -> None:
    settings = live.settings.model_copy(update={"base_url": f"{live.base_url}/v2"})
    client = JumdataClient(settings.transport(live.session, "jumdata"), live.provider.client._credentials)
    with pytest.raises(NotFoundError) as caught:
        await client.query("x")
    assert caught.value.code == 404
    assert "base URL" in caught.value.user_message
    assert not isinstance(caught.value, TaskNotFoundError)


async def test_a_reply_without_the_documented_data_is_a_decode_error(live: Live) -> None:
    async def no_task_id(request):  # type: ignore[no-untyped-def]
        return emulator.json_response({"code": 200, "msg": "成功", "taskNo": "1", "charge": True, "data": {}})

    from aiohttp import web

    from tests.emulators.common import serve

    app = web.Application()
    app.router.add_post("/ai/draw/submit", no_task_id)
    async with serve(app) as base_url:
        settings = live.settings.model_copy(update={"base_url": base_url})
        client = JumdataClient(settings.transport(live.session, "jumdata"), live.provider.client._credentials)
        with pytest.raises(DecodeError):
            await client.submit("cat", "1024*1024", "古风", 1)


async def test_job_seconds_are_respected(live: Live) -> None:
    task = await live.client.submit("cat", "1024*1024", "古风", 1)
    started = time.monotonic()
    await _finished(live, task.task_id)
    assert time.monotonic() - started >= JOB_SECONDS * 0.8
