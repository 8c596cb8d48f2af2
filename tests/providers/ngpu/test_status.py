"""The queryTask data → job status rules (pure)."""

from __future__ import annotations

import json

import pytest

from providers.core.errors import DecodeError
from providers.core.models import JobStatus
from providers.ngpu.status import observe_task_data


def seen(data: object) -> object:
    return observe_task_data(data if isinstance(data, str) else json.dumps(data), provider="ngpu")


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ("", JobStatus.RUNNING),
        ("   ", JobStatus.RUNNING),
        ({"result_code": 101, "msg": "queued"}, JobStatus.RUNNING),
        ({"result_code": 102, "msg": "running"}, JobStatus.RUNNING),
        ({"result_code": 7, "msg": "something new"}, JobStatus.RUNNING),
        ({"msg": "no code at all"}, JobStatus.RUNNING),
        ({"result_code": -1, "msg": "boom"}, JobStatus.FAILED),
        ({"result_code": "-2", "msg": "boom"}, JobStatus.FAILED),
        ({"images": ["x"], "info": "{}"}, JobStatus.SUCCEEDED),
        ({"image": "x", "html_info": ""}, JobStatus.SUCCEEDED),
        ({"caption": "a cat"}, JobStatus.SUCCEEDED),
        ({"result_code": 100, "result_url": "https://v/1.mp4"}, JobStatus.SUCCEEDED),
        ({"detail": "Model not found x"}, JobStatus.FAILED),
        ({"error": "OutOfMemoryError", "errors": "CUDA out of memory"}, JobStatus.FAILED),
        # a running code wins over the error keys, and an empty error/detail is no failure
        ({"result_code": 102, "progress": 40, "error": None}, JobStatus.RUNNING),
        ({"result_code": 101, "detail": "", "error": None}, JobStatus.RUNNING),
        ({"result_code": 102, "error": "still warming up"}, JobStatus.RUNNING),
        ({"error": None, "detail": None, "msg": "no code"}, JobStatus.RUNNING),
        ({"error": "  ", "detail": []}, JobStatus.RUNNING),
        ({"error": None, "detail": "Model not found x"}, JobStatus.FAILED),
    ],
)
def test_rules(data: object, status: JobStatus) -> None:
    assert seen(data).status is status


def test_running_carries_progress_clamped() -> None:
    assert seen({"result_code": 102, "progress": 42.5}).progress == 42.5
    assert seen({"result_code": 102, "progress": 250}).progress == 100.0
    assert seen({"result_code": 102, "progress": True}).progress is None
    assert seen({"result_code": 101}).progress is None
    assert seen({"result_code": 101}).raw == "101"


def test_failure_keeps_reason_and_code() -> None:
    observation = seen({"result_code": -1, "msg": "CUDA out of memory"})
    assert observation.message == "CUDA out of memory"
    assert observation.code == -1
    assert seen({"result_code": -1}).message  # never empty


def test_a1111_validation_error_names_the_field() -> None:
    observation = seen({"detail": [{"loc": ["body", "width"], "msg": "must be a multiple of 8", "type": "x"}]})
    assert observation.status is JobStatus.FAILED
    assert "width" in observation.message and "multiple of 8" in observation.message


def test_success_keeps_the_payload() -> None:
    observation = seen({"caption": "a cat"})
    assert observation.payload == {"caption": "a cat"}


@pytest.mark.parametrize("data", [{"result_code": 100}, {"result_code": 200, "msg": "done"}])
def test_done_without_result_is_a_decode_error(data: object) -> None:
    with pytest.raises(DecodeError):
        seen(data)


def test_result_url_without_done_code_is_not_success() -> None:
    assert seen({"result_code": 102, "result_url": "https://v/1.mp4"}).status is JobStatus.RUNNING


@pytest.mark.parametrize("data", ["not json", "[1, 2]", "42"])
def test_non_object_data_is_a_decode_error(data: str) -> None:
    with pytest.raises(DecodeError):
        seen(data)


def test_a_running_task_with_a_null_error_keeps_its_progress() -> None:
    observation = seen({"result_code": 102, "progress": 40, "error": None})
    assert observation.status is JobStatus.RUNNING and observation.progress == 40.0 and observation.raw == "102"
