"""The contested readings of the Midjourney-style API, read without a service: status values and error numbers the
bot does not know (kept open / a server error, and reported), where describe prompts may be, and which blend shapes
can be told."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from providers.core.errors import ServerError
from providers.core.models import BlendDimensions, JobKind, JobStatus
from providers.core.unknown_values import UnknownValue, forget_unknown_values, unknown_value_counts
from providers.midjourney.codes import error_for_errno
from providers.midjourney.models import Job
from providers.midjourney.provider import MidjourneyProvider
from providers.midjourney.settings import MidjourneySettings
from providers.midjourney.status import STATUS_FIELD, describe_result, job_state

NUMBERED = "1️⃣ a red fox --ar 1:1\n\n2️⃣ a fox in snow"


@pytest.fixture(autouse=True)
def fresh_counts() -> Iterator[None]:
    forget_unknown_values()
    yield
    forget_unknown_values()


def _reported(field: str) -> set[str]:
    return {value.value for value in unknown_value_counts() if value.service == "midjourney" and value.field == field}


# --- status values and error numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [0, 1, 1100, 3999])
def test_an_unknown_status_keeps_the_job_open_and_is_reported(status: int) -> None:
    state = job_state(Job(status=status, img_buffer="https://cdn.example/grid.png"), JobKind.IMAGINE)
    assert not state.status.is_terminal
    assert _reported(STATUS_FIELD) == {str(status)}
    job_state(Job(status=status), JobKind.IMAGINE)
    assert unknown_value_counts()[UnknownValue("midjourney", STATUS_FIELD, str(status))] == 2


@pytest.mark.parametrize("status", [None, 2000])
def test_the_documented_status_and_null_are_not_reported(status: int | None) -> None:
    job_state(Job(status=status, img_buffer="https://cdn.example/grid.png", error="x"), JobKind.IMAGINE)
    assert _reported(STATUS_FIELD) == set()


@pytest.mark.parametrize("status", [4000, 4321, -1])
def test_a_failure_status_is_reported_too_and_fails_only_with_an_error_and_no_image(status: int) -> None:
    kept = job_state(Job(status=status, img_buffer="https://cdn.example/grid.png", error="x"), JobKind.IMAGINE)
    assert not kept.status.is_terminal
    assert job_state(Job(status=status), JobKind.IMAGINE).status is JobStatus.QUEUED
    failed = job_state(Job(status=status, error="render failed"), JobKind.IMAGINE)
    assert failed.status is JobStatus.FAILED and failed.failure is not None
    assert failed.failure.message == "render failed"
    assert unknown_value_counts()[UnknownValue("midjourney", STATUS_FIELD, str(status))] == 3


def test_an_unknown_errno_is_a_server_error_and_reported() -> None:
    assert isinstance(error_for_errno(777, "SOMETHING NEW", provider="midjourney"), ServerError)
    error_for_errno(501, "SERVICE_ERROR", provider="midjourney")
    assert _reported("errno") == {"777"}


# --- describe prompts --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"description": NUMBERED, "description_translation": "1️⃣ 红狐狸"}, "description"),
        ({"description_translation": NUMBERED}, "description_translation"),
        ({"msg_content": NUMBERED, "msg_display": NUMBERED}, "msg_content"),
        ({"msg_content": "https://cdn.example/fox.png", "msg_display": NUMBERED}, "msg_display"),
        ({"description": "https://cdn.example/1.png", "description_translation": NUMBERED}, "description_translation"),
    ],
)
def test_describe_prompts_are_read_from_whichever_field_carries_them(fields: dict[str, str], where: str) -> None:
    job = Job(status=2000, job_type="describe", **fields)
    prompts = ["a red fox --ar 1:1", "a fox in snow"]
    assert describe_result(job) == (where, prompts)
    state = job_state(job, JobKind.DESCRIBE)
    assert state.status is JobStatus.SUCCEEDED and state.texts == prompts


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"msg_content": "https://cdn.example/fox.png", "msg_display": "Https://cdn.example/fox.png"},
        {"msg_content": "a fox, unnumbered: the job's own input, not prompts"},
        {"description": "   "},
    ],
)
def test_a_finished_describe_job_without_prompts_stays_open_and_is_reported(fields: dict[str, str]) -> None:
    job = Job(status=2000, job_type="describe", **fields)
    assert describe_result(job) is None
    assert not job_state(job, JobKind.DESCRIBE).status.is_terminal
    assert _reported("finished describe job's text fields")


# --- blend shapes ------------------------------------------------------------------------------------------------


def test_blend_shapes_are_offered_only_to_a_service_that_reads_ar() -> None:
    assert MidjourneyProvider.blend_shapes(MidjourneySettings(_env_file=None)) == frozenset()  # type: ignore[call-arg]
    reads = MidjourneySettings(_env_file=None, blend_reads_ar=True)  # type: ignore[call-arg]
    assert MidjourneyProvider.blend_shapes(reads) == frozenset(BlendDimensions)
    assert MidjourneyProvider.blend_shapes(None) == frozenset()
