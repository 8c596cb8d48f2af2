"""A finished talking-video job's message: the video attached when it fits, otherwise its link and why; a download
that may work later is left to the poller's retry, the last attempt gives the link."""

from __future__ import annotations

import dataclasses
from unittest.mock import AsyncMock, MagicMock

import pytest

from bot import rendering
from bot.talk_rendering import size_text, talk_message, video_extension
from providers.core.errors import DecodeError, ProviderConnectionError
from providers.core.models import JobKind, JobState, JobStatus
from providers.ngpu.provider import NgpuProvider
from storage.lifecycle import LifecycleState
from tests.bot.test_rendering import OWNER, record

MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100
WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 100
URL = "https://cdn.ngpu.example/videos/20240101.mp4"


def finished(video_url: str | None = URL, locale: str = "en-US"):
    state = JobState(status=JobStatus.SUCCEEDED, video_url=video_url)
    return record(
        kind=JobKind.TALK, provider="ngpu", state=LifecycleState.DELIVERING, locale=locale,
        request_json='{"prompt": "Hello there", "voice": "fable", "background": "laba"}',
        result_json=state.model_dump_json(),
    )


def provider(download: object) -> NgpuProvider:
    fake = MagicMock(spec_set=NgpuProvider)
    fake.name, fake.display_name = "ngpu", "NGPU"
    fake.download_file = AsyncMock(side_effect=download) if isinstance(download, Exception) else AsyncMock(
        return_value=download
    )
    return fake


HEADING = f"**Hello there** — Talking video · <@{OWNER}> · NGPU · #42"


async def test_a_video_that_fits_is_attached_under_the_heading() -> None:
    shown = await talk_message(provider(MP4), finished(), 1000, may_retry=True)
    assert shown.content == HEADING
    assert shown.file == ("talk_42.mp4", MP4)


async def test_a_video_over_the_limit_is_given_as_its_link_with_both_sizes() -> None:
    shown = await talk_message(provider(MP4 * 100_000), finished(), 10 * 1024 * 1024, may_retry=True)
    assert shown.file is None
    assert shown.content == (
        f"{HEADING}\nThe video is 10.7 MiB, more than the 10 MiB this server lets the bot upload, "
        f"so here is its link: {URL}"
    )


async def test_a_download_that_may_work_later_is_retried_until_the_last_attempt() -> None:
    broken = ProviderConnectionError("The service could not be reached.", provider="ngpu")
    with pytest.raises(ProviderConnectionError):
        await talk_message(provider(broken), finished(), 1000, may_retry=True)
    last = await talk_message(provider(broken), finished(locale="zh-CN"), 1000, may_retry=False)
    assert last.file is None and last.content.endswith(f"视频无法下载后附在这里；这是视频链接：{URL}")


async def test_a_file_that_is_no_video_is_not_attached() -> None:
    shown = await talk_message(provider(b"<html>not found</html>"), finished(), 1000, may_retry=True)
    assert shown.file is None
    assert shown.content.endswith(f"The service's file is not a video the bot can attach; here is its link: {URL}")


@pytest.mark.parametrize("url", [None, "", "file:///etc/passwd", "javascript:alert(1)"])
async def test_without_a_web_link_there_is_nothing_to_deliver(url: str | None) -> None:
    fake = provider(MP4)
    with pytest.raises(DecodeError, match="sent no link"):
        await talk_message(fake, finished(video_url=url), 1000, may_retry=True)
    fake.download_file.assert_not_awaited()


async def test_a_link_from_the_service_cannot_mention_anyone() -> None:
    shown = await talk_message(provider(b"not a video"), finished(video_url="https://x.example/@everyone"), 1000,
                               may_retry=True)
    assert "@everyone" not in shown.content and "https://x.example/@\u200beveryone" in shown.content


@pytest.mark.parametrize(("data", "expected"), [(MP4, "mp4"), (WEBM, "webm"), (b"GIF89a....", None), (b"", None)])
def test_only_mp4_and_webm_are_known_as_videos(data: bytes, expected: str | None) -> None:
    assert video_extension(data) == expected


@pytest.mark.parametrize(
    ("size", "round_up", "expected"),
    [
        (10 * 1024 * 1024, False, "10 MiB"),
        (10 * 1024 * 1024 + 1, True, "10.1 MiB"),
        (10 * 1024 * 1024 + 1, False, "10 MiB"),
        (2048, True, "2 KiB"),
        (49, True, "49 B"),
    ],
)
def test_sizes_read_well_and_a_file_over_a_limit_never_reads_as_the_limit(
    size: int, round_up: bool, expected: str
) -> None:
    assert size_text(size, round_up=round_up) == expected


def test_the_progress_and_failure_lines_of_a_video_job() -> None:
    job = finished()
    assert rendering.status_line(JobStatus.RUNNING, None, "en-US", JobKind.TALK) == "🎬 Making the video…"
    assert rendering.status_line(JobStatus.RUNNING, 40.0, "zh-CN", JobKind.TALK) == "🎬 正在生成视频… 40 %"
    failed = dataclasses.replace(job, state=LifecycleState.FAILED, failure_kind="job_failed", failure_message="OOM")
    assert rendering.failure_text(failed, "NGPU").splitlines()[1:] == ["❌ NGPU could not make the video.", "> OOM"]
    timed_out = dataclasses.replace(failed, failure_kind="timeout")
    assert rendering.failure_text(timed_out, "NGPU").splitlines()[1] == "❌ NGPU did not finish in time."
