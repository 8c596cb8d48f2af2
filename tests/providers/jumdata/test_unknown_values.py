"""Values Jumdata sends that the bot does not know — a code, a ``data.status``, a reply shape — are reported to
``providers.core.unknown_values`` (one WARNING per process, every sighting counted) and never guessed: an unknown
status keeps the job open, an unknown code is a retryable service error."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from providers.core.errors import DecodeError, ServerError
from providers.core.models import JobStatus
from providers.core.unknown_values import UnknownValue, forget_unknown_values, unknown_value_counts
from tests.emulators import jumdata as emulator
from tests.providers.contract import run_to_end
from tests.providers.jumdata.conftest import Live
from tests.providers.jumdata.test_provider import REQUEST

UNKNOWN_LOG = "providers.unknown_values"


@pytest.fixture(autouse=True)
def fresh_counts() -> Iterator[None]:
    forget_unknown_values()
    yield
    forget_unknown_values()


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == UNKNOWN_LOG and r.levelno == logging.WARNING]


async def test_an_unknown_status_keeps_the_job_running_then_it_finishes(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=UNKNOWN_LOG)
    live.arm("unknown_status", times=1)
    handle = await live.provider.imagine(REQUEST)
    final, seen = await run_to_end(live.provider, handle, timeout=5)
    while_unknown = [state for state in seen if state.raw_status == str(emulator.UNKNOWN_STATUS)]
    assert while_unknown and all(state.status is JobStatus.RUNNING and not state.images for state in while_unknown)
    assert final.status is JobStatus.SUCCEEDED and len(final.images) == 4  # status 1 still means done
    assert unknown_value_counts() == {UnknownValue("jumdata", "query data.status", "2"): len(while_unknown)}
    [warning] = _warnings(caplog)  # once, however many polls saw it
    assert "jumdata" in warning and "query data.status" in warning and ": 2 " in warning


async def test_an_unknown_code_is_reported_and_leaves_the_job_open(live: Live) -> None:
    handle = await live.provider.imagine(REQUEST)
    live.arm("unknown_code")  # until cleared: every attempt of the poll sees it
    with pytest.raises(ServerError) as caught:
        await live.provider.poll(handle)
    assert caught.value.retryable and caught.value.code == 777
    assert unknown_value_counts() == {UnknownValue("jumdata", "code", "777"): live.settings.retry_attempts}
    live.app[emulator.FAULTS_KEY].clear()
    final, _ = await run_to_end(live.provider, handle, timeout=5)
    assert final.status is JobStatus.SUCCEEDED


async def test_documented_answers_report_nothing(live: Live) -> None:
    handle = await live.provider.imagine(REQUEST)
    live.arm("too_frequent", times=1)  # 609, retried inside the poll
    await run_to_end(live.provider, handle, timeout=5)
    await live.provider.check_credentials()  # 201
    assert unknown_value_counts() == {}


async def test_a_reply_without_the_envelope_is_reported_by_its_shape(live: Live) -> None:
    live.arm("other_envelope")
    with pytest.raises(DecodeError):
        await live.client.query("0" * 24)
    [seen] = unknown_value_counts()
    assert (seen.service, seen.field) == ("jumdata", "ai/draw/query reply shape")
    assert seen.value == "code: missing"  # where and how, not the values sent


@pytest.mark.parametrize(
    ("garbage", "shape"), [("missing_fields", "status: missing"), ("wrong_types", "img: string_type")]
)
async def test_data_of_another_shape_is_reported(live: Live, garbage: str, shape: str) -> None:
    live.arm(garbage, times=1)
    handle = await live.provider.imagine(REQUEST)
    with pytest.raises(DecodeError):
        await run_to_end(live.provider, handle, timeout=5)
    [seen] = unknown_value_counts()
    assert (seen.service, seen.field) == ("jumdata", "ai/draw/query data shape")
    assert seen.value == shape
