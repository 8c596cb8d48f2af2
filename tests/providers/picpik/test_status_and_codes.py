"""The task status table and the RetCode table (both inferences kept in one place each)."""

from __future__ import annotations

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
from providers.picpik.codes import PicpikRefusedError, error_for_retcode
from providers.picpik.models import TaskDetail
from providers.picpik.status import job_status_of, task_state


def detail(**fields: Any) -> TaskDetail:
    return TaskDetail.model_validate({"TaskUID": "t1", **fields})


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Queuing", JobStatus.QUEUED),
        ("Running", JobStatus.RUNNING),
        ("Finished", JobStatus.SUCCEEDED),
        ("Error", JobStatus.FAILED),
        ("finished", JobStatus.SUCCEEDED),
        ("Paused", JobStatus.RUNNING),  # unknown: still running
        ("", JobStatus.RUNNING),
        (None, JobStatus.RUNNING),
    ],
)
def test_status_table(status: str | None, expected: JobStatus) -> None:
    assert job_status_of(status) is expected


def test_running_task_has_no_percentage() -> None:
    state = task_state(detail(Status="Running"), JobKind.IMAGINE)
    assert state.status is JobStatus.RUNNING
    assert state.progress is None
    assert state.raw_status == "Running"


def test_finished_task_carries_images_and_seed() -> None:
    state = task_state(detail(Status="Finished", ImgList=["http://x/1.png", "http://x/2.png"], Seed=7), JobKind.IMAGINE)
    assert state.status is JobStatus.SUCCEEDED
    assert [image.url for image in state.images] == ["http://x/1.png", "http://x/2.png"]
    assert state.seed == 7
    assert not state.is_grid


@pytest.mark.parametrize("status", ["Finished", "Running", "Queuing", "Something new"])
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


def test_error_status_without_code_still_fails_with_a_message() -> None:
    state = task_state(detail(Status="Error"), JobKind.IMAGINE)
    assert state.status is JobStatus.FAILED
    assert state.failure is not None and state.failure.message.strip()


def test_fixed_spelling_error_message_is_read_too() -> None:
    state = task_state(detail(Status="Error", ErrorCode=3, ErrorMessage="out of memory"), JobKind.IMAGINE)
    assert state.failure is not None and state.failure.message == "out of memory"


def test_finished_without_images_is_reported_not_delivered_empty() -> None:
    state = task_state(detail(Status="Finished"), JobKind.VARIATION)
    assert state.status is JobStatus.FAILED


def test_finished_describe_carries_texts() -> None:
    state = task_state(detail(Status="Finished", TxtList=["a cat", " ", "a dog"]), JobKind.DESCRIBE)
    assert state.status is JobStatus.SUCCEEDED
    assert state.texts == ["a cat", "a dog"]
    assert task_state(detail(Status="Finished"), JobKind.DESCRIBE).status is JobStatus.FAILED


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
