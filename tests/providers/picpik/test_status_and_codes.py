"""The task state, decided on evidence (ErrorCode, results) rather than Status words, and the RetCode table."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from pydantic import ValidationError

from providers.core.errors import (
    AuthenticationError,
    InvalidInputError,
    ModerationError,
    NotFoundError,
    ProviderError,
    QuotaError,
    RateLimitedError,
    ServerError,
)
from providers.core.models import JobKind, JobStatus
from providers.core.unknown_values import UnknownValue, forget_unknown_values, unknown_value_counts
from providers.picpik.codes import PicpikRefusedError, error_for_retcode
from providers.picpik.models import ListTasksDetailsResponse, TaskDetail
from providers.picpik.status import STATUS_FIELD, task_state, word_reading


def detail(**fields: Any) -> TaskDetail:
    return TaskDetail.model_validate({"TaskUID": "t1", **fields})


IMAGES = ["http://x/1.png", "http://x/2.png"]


@pytest.fixture(autouse=True)
def fresh_unknown_values() -> None:
    forget_unknown_values()


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Queuing", JobStatus.QUEUED),
        ("Pending", JobStatus.QUEUED),
        ("Running", JobStatus.RUNNING),
        ("PROCESSING", JobStatus.RUNNING),
        ("in_progress", JobStatus.RUNNING),
        ("Finished", JobStatus.SUCCEEDED),
        ("Success", JobStatus.SUCCEEDED),
        ("Error", JobStatus.FAILED),
        ("Failed", JobStatus.FAILED),
        ("Paused", None),
        ("2", None),
        ("", None),
        (None, None),
    ],
)
def test_what_a_word_says(status: str | None, expected: JobStatus | None) -> None:
    assert word_reading(status) is expected


@pytest.mark.parametrize("status", ["Finished", "Success", "2", "SUCCEED", "Whatever", "", None])
def test_results_with_no_error_finish_the_task_whatever_the_word(status: str | None) -> None:
    state = task_state(detail(Status=status, ImgList=IMAGES, Seed=7), JobKind.IMAGINE)
    assert state.status is JobStatus.SUCCEEDED
    assert [image.url for image in state.images] == IMAGES
    assert state.seed == 7 and state.raw_status == status
    assert not state.is_grid


@pytest.mark.parametrize("status", ["Finished", "Success", "2", "Whatever", None])
def test_no_results_yet_is_still_running_whatever_the_word(status: str | None) -> None:
    state = task_state(detail(Status=status), JobKind.VARIATION)
    assert state.status is JobStatus.RUNNING
    assert state.failure is None and state.progress is None


@pytest.mark.parametrize(("status", "expected"), [("Queuing", JobStatus.QUEUED), ("Processing", JobStatus.RUNNING)])
def test_a_word_that_says_still_working_is_believed_over_early_results(status: str, expected: JobStatus) -> None:
    # a task filling its ImgList image by image is not delivered half done
    assert task_state(detail(Status=status, ImgList=IMAGES[:1]), JobKind.IMAGINE).status is expected


@pytest.mark.parametrize("status", ["Finished", "Running", "Queuing", "Something new", "2"])
def test_non_zero_error_code_is_a_failure_whatever_the_status(status: str) -> None:
    state = task_state(
        detail(Status=status, ErrorCode=1203, ErrorMassage="NSFW content detected", ImgList=["http://x/1.png"]),
        JobKind.IMAGINE,
    )
    assert state.status is JobStatus.FAILED
    assert state.failure is not None
    assert state.failure.kind == "job_failed"
    assert state.failure.message == "NSFW content detected"
    assert state.failure.code == "1203"


@pytest.mark.parametrize("status", ["Error", "Failed", "failure", "Cancelled"])
def test_a_failure_word_without_code_still_fails_with_a_message(status: str) -> None:
    state = task_state(detail(Status=status), JobKind.IMAGINE)
    assert state.status is JobStatus.FAILED
    assert state.failure is not None and state.failure.message.strip()


def test_fixed_spelling_error_message_is_read_too() -> None:
    state = task_state(detail(Status="Error", ErrorCode=3, ErrorMessage="out of memory"), JobKind.IMAGINE)
    assert state.failure is not None and state.failure.message == "out of memory"


def test_a_describe_finishes_on_its_texts_not_on_images() -> None:
    state = task_state(detail(Status="2", TxtList=["a cat", " ", "a dog"]), JobKind.DESCRIBE)
    assert state.status is JobStatus.SUCCEEDED
    assert state.texts == ["a cat", "a dog"]
    assert task_state(detail(Status="2", TxtList=[" "]), JobKind.DESCRIBE).status is JobStatus.RUNNING
    assert task_state(detail(Status="Success", ImgList=IMAGES), JobKind.DESCRIBE).status is JobStatus.RUNNING


def test_an_unknown_word_is_reported_once_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="providers.unknown_values")
    for _ in range(3):
        task_state(detail(Status="7"), JobKind.IMAGINE)
    task_state(detail(Status="Processing"), JobKind.IMAGINE)
    task_state(detail(Status=None), JobKind.IMAGINE)
    counts = unknown_value_counts()
    assert counts == {UnknownValue("picpik", STATUS_FIELD, "7"): 3}
    assert len([record for record in caplog.records if "7" in record.getMessage()]) == 1


@pytest.mark.parametrize(("number", "text"), [(2, "2"), (0, "0"), (7.5, "7.5")])
def test_a_numeric_status_is_read_as_its_text_and_reported_not_unreadable(number: float, text: str) -> None:
    parsed = detail(Status=number, ErrorCode=0, ImgList=IMAGES)
    assert parsed.Status == text
    state = task_state(parsed, JobKind.IMAGINE)
    # finished on its ErrorCode and images, whatever the number; the number itself is reported as unknown
    assert state.status is JobStatus.SUCCEEDED and state.raw_status == text
    assert unknown_value_counts() == {UnknownValue("picpik", STATUS_FIELD, text): 1}
    assert task_state(detail(Status=number), JobKind.IMAGINE).status is JobStatus.RUNNING


def test_a_numeric_status_leaves_its_entry_readable_in_a_list() -> None:
    entries = [{"TaskUID": "a", "Status": 2, "ErrorCode": 0, "ImgList": IMAGES}, {"TaskUID": "b", "Status": True}]
    decoded = ListTasksDetailsResponse.model_validate({"RetCode": 0, "TaskDetailList": entries}).by_task()
    assert isinstance(decoded["a"], TaskDetail) and decoded["a"].Status == "2"
    assert isinstance(decoded["b"], ValidationError)


def test_a_status_of_another_type_still_makes_the_entry_malformed() -> None:
    for value in (True, {"code": 2}, [2]):
        with pytest.raises(ValidationError):
            detail(Status=value)


def test_task_detail_tolerates_nulls_and_new_fields() -> None:
    parsed = detail(Status=None, ImgList=None, TxtList=None, ErrorCode=None, Seed=[5, 6], NewField={"x": 1})
    assert parsed.ImgList == [] and parsed.TxtList == [] and parsed.ErrorCode == 0 and parsed.Seed == 5


def test_a_task_detail_without_its_status_is_malformed_not_still_running() -> None:
    # a null Status is read as running; a missing one says nothing about the task (garbage): the entry fails alone
    with pytest.raises(ValidationError):
        TaskDetail.model_validate({"TaskUID": "t1", "Action": "GenerateImages"})


@pytest.mark.parametrize(
    ("code", "message", "error_class"),
    [
        (170, "Missing Signature", AuthenticationError),
        (171, "Signature VerifyAC Error", AuthenticationError),
        (172, "User Not Exists", AuthenticationError),
        (180, "too frequent", RateLimitedError),
        (290, "Insufficient API points", QuotaError),
        (360, "refused", ModerationError),
        (230, "Params [Width] not available", InvalidInputError),
        (240, "App [x] not found", NotFoundError),
        (150, "Service Unavailable", ServerError),
        # unmapped codes: the Message decides
        (9001, "签名错误", AuthenticationError),
        (9002, "请求过于频繁", RateLimitedError),
        (9003, "账户余额不足", QuotaError),
        (9004, "提示词包含敏感内容", ModerationError),
        (9005, "Task does not exist", NotFoundError),
        (9006, "something else entirely", PicpikRefusedError),
        (9007, None, PicpikRefusedError),
    ],
)
def test_retcode_table(code: int, message: str | None, error_class: type[ProviderError]) -> None:
    error = error_for_retcode(code, message)
    assert type(error) is error_class
    assert error.code == code
    assert error.provider == "picpik"
    if message:
        assert message in error.user_message


def test_unmapped_refusal_is_not_retried() -> None:
    assert not error_for_retcode(9999, "no").retryable
    assert error_for_retcode(180, "slow down").retryable
