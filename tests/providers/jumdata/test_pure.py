"""Pure parts: signing, parameter checks, the code table and the status table."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr, ValidationError

from providers.core.errors import (
    AccountError,
    AuthenticationError,
    InvalidInputError,
    ModerationError,
    NotFoundError,
    ProviderTimeoutError,
    RateLimitedError,
    ServerError,
)
from providers.core.models import JobHandle, JobKind, JobStatus
from providers.core.unknown_values import UnknownValue, forget_unknown_values, unknown_value_counts
from providers.jumdata.codes import (
    CODE_TABLE,
    TaskIdRefusedError,
    TaskNotFoundError,
    error_for,
    is_documented,
    refuses_credentials,
    refuses_task_id,
)
from providers.jumdata.credentials import JumdataCredentials
from providers.jumdata.models import QueryData, Reply
from providers.jumdata.params import (
    STYLE_LABELS,
    STYLES,
    check_submit,
    resolution_for,
)
from providers.jumdata.signing import sign, signed_fields
from providers.jumdata.status import job_status, state_from_query, state_from_query_error


@pytest.fixture(autouse=True)
def fresh_unknown_values() -> Iterator[None]:
    forget_unknown_values()
    yield
    forget_unknown_values()


# --- signing -------------------------------------------------------------------------------------


def test_sign_matches_the_documented_recipe() -> None:
    # the document's sample values; expected value computed with `sha256sum` over the concatenation
    assert (
        sign("xyzxy2121zxyz", "efcefcef1121cefcefc1212121", "1555378976238")
        == "6ddcdc405743c576cb6d34b17b47ed56e2b9b6670fae1fe85ed01244fd31558b"
    )


def test_signed_fields_carry_app_id_timestamp_and_sign_but_not_the_secret() -> None:
    keys = JumdataCredentials(app_id="xyzxy2121zxyz", app_secret=SecretStr("efcefcef1121cefcefc1212121"))
    fields = signed_fields(keys, 1555378976238)
    assert fields == {
        "appId": "xyzxy2121zxyz",
        "timestamp": "1555378976238",
        "sign": "6ddcdc405743c576cb6d34b17b47ed56e2b9b6670fae1fe85ed01244fd31558b",
    }
    assert "efcefcef1121cefcefc1212121" not in repr(keys)


# --- parameters ----------------------------------------------------------------------------------


def test_text_limit_counts_characters_not_bytes() -> None:
    check_submit("猫" * 100, "1024*1024", "古风", 1)  # 300 bytes in UTF-8, 100 characters: fine
    with pytest.raises(InvalidInputError) as caught:
        check_submit("猫" * 101, "1024*1024", "古风", 1)
    assert "100" in caught.value.user_message and "101" in caught.value.user_message
    assert caught.value.field == "prompt"


def test_empty_text_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        check_submit("   ", "1024*1024", "古风", 1)


@pytest.mark.parametrize("resolution", ["1024*1024", "1024*1536", "1536*1024"])
def test_documented_resolutions_pass(resolution: str) -> None:
    check_submit("cat", resolution, "油画", 6)


@pytest.mark.parametrize("resolution", ["512*512", "1024x1024", "1536*1536", ""])
def test_other_resolutions_are_refused(resolution: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_submit("cat", resolution, "油画", 1)
    assert caught.value.field == "resolution"


def test_styles_are_exactly_the_documented_seventeen_with_labels() -> None:
    assert len(STYLES) == 17 == len(set(STYLES))
    assert STYLES[0] == "探索无限" and "low poly" in STYLES
    assert set(STYLE_LABELS) == set(STYLES)
    assert STYLE_LABELS["探索无限"] == "Explore (探索无限)"
    for style in STYLES:
        check_submit("cat", "1024*1024", style, 1)


@pytest.mark.parametrize("style", ["Explore (探索无限)", "lowpoly", "古风 ", "anime"])
def test_unknown_styles_are_refused(style: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_submit("cat", "1024*1024", style, 1)
    assert caught.value.field == "style"


@pytest.mark.parametrize("num", [0, 7, -1, True])
def test_image_count_outside_1_to_6_is_refused(num: int) -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_submit("cat", "1024*1024", "古风", num)
    assert "6" in caught.value.user_message and str(num) in caught.value.user_message


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [("1:1", "1024*1024"), ("2:3", "1024*1536"), ("3:2", "1536*1024"), ("16:9", "1536*1024"),
     ("9:16", "1024*1536"), ("5:4", "1024*1024"), (None, "1024*1024")],
)
def test_aspect_ratio_picks_the_nearest_resolution(ratio: str | None, expected: str) -> None:
    assert resolution_for(ratio) == expected


def test_explicit_size_must_be_a_documented_pair() -> None:
    assert resolution_for(None, 1536, 1024) == "1536*1024"
    with pytest.raises(InvalidInputError):
        resolution_for(None, 1024, 1025)
    with pytest.raises(InvalidInputError):
        resolution_for(None, 1024, None)


# --- the code table --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "error_class"),
    [
        (201, TaskNotFoundError),
        (202, ModerationError),
        (400, InvalidInputError),
        (404, NotFoundError),
        (500, ServerError),
        (601, AccountError),
        (602, AccountError),
        (604, AccountError),
        (606, RateLimitedError),
        (607, AccountError),
        (609, RateLimitedError),
        (610, ProviderTimeoutError),
        (999, ServerError),
        (12345, ServerError),
    ],
)
def test_every_documented_code_maps_to_its_error(code: int, error_class: type) -> None:
    error = error_for(code, "某个消息", provider="jumdata")
    assert type(error) is error_class
    assert error.code == code
    assert error.provider == "jumdata"


def test_code_table_covers_every_documented_failure_code() -> None:
    assert set(CODE_TABLE) == {201, 202, 400, 404, 500, 601, 602, 604, 606, 607, 609, 610, 999}


def test_messages_explain_what_to_do() -> None:
    assert "base URL" in error_for(404, "接口地址不正确", provider="jumdata").user_message
    assert "not enabled" in error_for(601, "", provider="jumdata").user_message
    assert "whitelist" in error_for(607, "", provider="jumdata").user_message
    assert "风格值不正确" in error_for(400, "风格值不正确", provider="jumdata").user_message
    assert "12345" in error_for(12345, "?", provider="jumdata").user_message


@pytest.mark.parametrize(
    ("code", "msg", "expected"),
    [
        (400, "sign签名错误", True),
        (400, "appId不存在", True),
        (400, "Invalid SIGN", True),
        (400, "signature mismatch", True),
        (400, "账号不存在", True),
        (400, "taskId不属于该账号", False),  # about the id: it is not this account's
        (777, "账户余额不足", False),  # about money, not the keys
        (400, "account balance too low", False),
        (999, "签名错误", False),  # "other" keeps its meaning: it may only repeat the request
        (777, "invalid appSecret", True),  # a code the document does not list, naming the keys
        (400, "风格值不正确", False),
        (400, "timestamp已过期", False),
        (400, "taskId不能为空", False),
        (400, "text含有 design 以外的内容", False),  # "design" is not "sign"
        (606, "appId调用超限", False),  # a documented quota code keeps its meaning
        (201, "taskId不存在", False),
    ],
)
def test_only_an_answer_naming_the_app_id_or_sign_means_refused_keys(code: int, msg: str, expected: bool) -> None:
    assert refuses_credentials(code, msg) is expected
    assert isinstance(error_for(code, msg, provider="jumdata"), AuthenticationError) is expected


@pytest.mark.parametrize(
    ("code", "msg", "expected"),
    [
        (400, "taskId不能为空", True),
        (400, "taskId格式不正确", True),
        (400, "invalid task_id", True),
        (400, "taskId或sign错误", False),  # names the keys too: the keys come first
        (201, "taskId不存在", False),  # an unknown id, not a refused one
        (400, "风格值不正确", False),
    ],
)
def test_a_400_about_the_task_id_refuses_the_id_not_the_keys(code: int, msg: str, expected: bool) -> None:
    assert refuses_task_id(code, msg) is expected
    error = error_for(code, msg, provider="jumdata")
    assert isinstance(error, TaskIdRefusedError) is expected
    if expected:
        assert isinstance(error, InvalidInputError) and not error.retryable and msg in error.user_message


def test_documented_codes_are_known_and_others_are_not() -> None:
    assert all(is_documented(code) for code in (200, *CODE_TABLE))
    assert not any(is_documented(code) for code in (0, 1, 203, 401, 777, 1000))


def test_retryable_codes_are_retryable_and_definitive_ones_are_not() -> None:
    for code in (500, 606, 609, 610, 999):
        assert error_for(code, "", provider="jumdata").retryable, code
    for code in (201, 202, 400, 404, 601, 602, 604, 607):
        assert not error_for(code, "", provider="jumdata").retryable, code


# --- reply decoding and status ---------------------------------------------------------------------


def test_reply_tolerates_extra_fields_and_loose_types() -> None:
    reply = Reply.model_validate({"code": "200", "msg": None, "taskNo": 123, "charge": False, "new": 1})
    assert (reply.code, reply.msg, reply.task_no) == (200, "", "123")


def test_status_table() -> None:
    assert job_status(0) is JobStatus.RUNNING
    assert job_status("0") is JobStatus.RUNNING
    assert job_status(1) is JobStatus.SUCCEEDED
    assert job_status("1") is JobStatus.SUCCEEDED
    assert unknown_value_counts() == {}  # the documented values are not reported
    assert job_status(2) is JobStatus.RUNNING  # unknown: still running
    assert job_status(None) is JobStatus.RUNNING


def test_an_unknown_status_keeps_the_job_open_and_is_reported_each_time() -> None:
    for _ in range(3):
        state = state_from_query(QueryData.model_validate({"img": "https://x/a.png", "imgUrls": [], "status": 2}))
        # not finished although an image is there, and not failed: open until the job's own deadline
        assert state.status is JobStatus.RUNNING and state.images == [] and state.failure is None
        assert state.raw_status == "2"
    state_from_query(QueryData.model_validate({"status": "done"}))
    assert unknown_value_counts() == {
        UnknownValue("jumdata", "query data.status", "2"): 3,
        UnknownValue("jumdata", "query data.status", "done"): 1,
    }


def test_finished_query_gives_every_image_in_order() -> None:
    data = QueryData.model_validate(
        {"img": "https://x/1.png", "imgUrls": [{"image": "https://x/1.png"}, {"image": "https://x/2.png"}],
         "createTime": "2023-09-21 22:15:41", "status": 1}
    )
    state = state_from_query(data)
    assert state.status is JobStatus.SUCCEEDED
    assert [image.url for image in state.images] == ["https://x/1.png", "https://x/2.png"]
    assert not state.is_grid and state.progress is None


def test_finished_query_with_only_img_uses_it() -> None:
    state = state_from_query(QueryData.model_validate({"img": "https://x/a.png", "imgUrls": None, "status": "1"}))
    assert [image.url for image in state.images] == ["https://x/a.png"]


def test_a_query_without_its_status_is_malformed_not_still_running() -> None:
    # a null status is read as running; none at all (or no data) says nothing about the task
    assert state_from_query(QueryData.model_validate({"status": None})).status is JobStatus.RUNNING
    for data in ({}, {"img": "https://x/a.png", "imgUrls": []}):
        with pytest.raises(ValidationError):
            QueryData.model_validate(data)


def test_running_query_has_no_percent() -> None:
    state = state_from_query(QueryData.model_validate({"img": None, "imgUrls": [], "status": 0}))
    assert state.status is JobStatus.RUNNING and state.progress is None and state.raw_status == "0"


def test_finished_without_any_image_is_a_failed_job() -> None:
    state = state_from_query(QueryData.model_validate({"img": "", "imgUrls": [], "status": 1}))
    assert state.status is JobStatus.FAILED
    assert state.failure is not None and state.failure.kind == "job_failed"


def _handle(age: timedelta) -> JobHandle:
    return JobHandle(provider="jumdata", kind=JobKind.IMAGINE, job_id="t", submitted_at=datetime.now(UTC) - age)


def test_unknown_task_fails_the_job_once_past_the_grace_period() -> None:
    error = error_for(201, "taskId不存在", provider="jumdata")
    old = state_from_query_error(error, _handle(timedelta(days=40)))
    assert old is not None and old.status is JobStatus.FAILED
    assert old.failure is not None and old.failure.kind == "not_found" and old.failure.code == "201"
    fresh = state_from_query_error(error, _handle(timedelta(seconds=1)))
    assert fresh is not None and fresh.status is JobStatus.RUNNING


def test_moderation_on_query_fails_the_job() -> None:
    state = state_from_query_error(error_for(202, "", provider="jumdata"), _handle(timedelta(minutes=5)))
    assert state is not None and state.status is JobStatus.FAILED
    assert state.failure is not None and state.failure.kind == "moderation"


@pytest.mark.parametrize("code", [500, 606, 609, 610, 999, 601, 400])
def test_non_final_query_errors_keep_the_job_open(code: int) -> None:
    assert state_from_query_error(error_for(code, "", provider="jumdata"), _handle(timedelta(minutes=5))) is None
