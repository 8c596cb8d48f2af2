"""Every message of a job, in both languages, with adversarial prompts and service words: its heading, progress,
result, failure, the shortened form Discord gets after a refusal, a place in line, a /describe answer, a /talk
answer, a direct-message copy. Each stays within Discord's limits as sent, pings nobody but the job's owner,
and keeps the job's number."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from unittest.mock import AsyncMock, MagicMock

from hypothesis import given
from hypothesis import strategies as st

from bot import describe_rendering, dm_copy, poller, queueing, rendering, talk_rendering
from bot.queue_line import Limits, Place, WaitReason
from providers.core.errors import ProviderConnectionError
from providers.core.models import Capability, JobKind, JobState, JobStatus
from providers.ngpu.provider import NgpuProvider
from storage.jobs import JobRecord
from tests.bot.limits.jobs import JOBS, SERVICE, delivered
from tests.bot.limits.registry import covers
from tests.bot.limits.sent_form import content_problems, embeds_problems, message_problems, view_problems
from tests.bot.limits.strategies import ADVERSARIAL, LOCALE, NON_EMPTY, PROPERTIES

STATUSES = st.sampled_from(list(JobStatus))
PROGRESS = st.one_of(st.none(), st.floats(0, 100))


def owns(record: JobRecord) -> list[int]:
    return [record.owner_id]


def keeps_number(record: JobRecord, text: str) -> bool:
    return f"#{record.id}" in text


@PROPERTIES
@given(record=JOBS, service=SERVICE, status=STATUSES, progress=PROGRESS)
@covers(
    rendering.job_heading,
    rendering.result_text,
    rendering.progress_text,
    rendering.status_line,
    rendering.shortened,
    rendering.prompt_of,
)
def test_heading_progress_and_result_fit_and_keep_the_jobs_number(
    record: JobRecord, service: str, status: JobStatus, progress: float | None
) -> None:
    for text in (
        rendering.job_heading(record, service),
        rendering.result_text(record, service),
        rendering.progress_text(record, service, status, progress),
    ):
        assert content_problems(text, owns(record)) == []
        assert keeps_number(record, text)
    assert len(rendering.job_heading(record, service)) <= rendering.HEADING_CHARS


@PROPERTIES
@given(record=JOBS, service=SERVICE)
@covers(
    rendering.failure_text,
    rendering.failure_reason,
    rendering.refused_result_text,
    rendering.short_heading,
    rendering.without_addresses,
)
def test_a_failure_and_the_shortened_texts_fit_and_keep_the_jobs_number(record: JobRecord, service: str) -> None:
    failure = rendering.failure_text(record, service)
    assert content_problems(failure, owns(record)) == [] and keeps_number(record, failure)
    last = failure.splitlines()[-1]
    assert last.startswith(("❌", ">"))
    if last.startswith(">"):  # the service's words: never a plain-http link or an address of its network
        assert "http://" not in last and not re.search(r"(?<![\w.])\d{1,3}(\.\d{1,3}){3}(?![\w.])", last)
    refused = rendering.refused_result_text(record, service)
    assert content_problems(refused, owns(record)) == [] and keeps_number(record, refused)
    assert len(rendering.short_heading(record, service)) <= 200


@PROPERTIES
@given(text=ADVERSARIAL)
@covers(rendering.input_error_text)
def test_a_refusal_fits_whatever_it_quotes(text: str) -> None:
    assert len(rendering.input_error_text(text)) <= 2_000


@PROPERTIES
@given(record=JOBS, content=ADVERSARIAL, with_embed=st.booleans())
@covers(poller.refusal_fallback)
def test_the_fallbacks_of_a_refused_final_message_shrink_to_the_jobs_number_keeping_its_files(
    record: JobRecord, content: str, with_embed: bool
) -> None:
    embed = rendering.preview_embed("preview_1.png") if with_embed else None
    payload = poller.MessagePayload(content=content, embed=embed, file=("grid.png", b"png"), final=True)
    seen = 0
    while (fallback := poller.refusal_fallback(record, payload)) is not None:
        assert fallback.file == payload.file  # the picture is never dropped to get words through
        assert content_problems(fallback.content, owns(record)) == [] and keeps_number(record, fallback.content)
        payload, seen = fallback, seen + 1
        assert seen <= 2
    assert payload.content in (f"#{record.id}", rendering.refused_result_text(record, rendering.service_name(
        record.provider)))


@PROPERTIES
@given(record=JOBS, ahead=st.integers(0, 10_000), running=st.integers(0, 100), daily=st.booleans())
@covers(queueing._waiting_text)
def test_a_place_in_line_fits_under_its_heading(record: JobRecord, ahead: int, running: int, daily: bool) -> None:
    place = Place(ahead, WaitReason.DAILY if daily else WaitReason.MEMBER, running)
    text = queueing._waiting_text(record, place, Limits(50, 100_000), 1_700_000_000.0)
    assert content_problems(text, owns(record)) == [] and keeps_number(record, text)


@PROPERTIES
@given(
    record=JOBS,
    service=SERVICE,
    prompts=st.lists(ADVERSARIAL, min_size=1, max_size=30),
    can_draw=st.booleans(),
    thumbnail=st.booleans(),
)
@covers(
    describe_rendering.describe_message,
    describe_rendering.numbered_prompts,
    describe_rendering.refused_describe_text,
    describe_rendering.prompt_button_rows,
    rendering.build_view,
)
def test_a_describe_answer_fits_with_every_prompt_numbered(
    record: JobRecord, service: str, prompts: list[str], can_draw: bool, thumbnail: bool
) -> None:
    record = dataclasses.replace(delivered(record), kind=JobKind.DESCRIBE)
    capabilities = {Capability.DESCRIBE, Capability.IMAGINE} if can_draw else {Capability.DESCRIBE}
    shown = describe_rendering.describe_message(
        record, service, prompts, capabilities, thumbnail="described_1.png" if thumbnail else None
    )
    view = rendering.build_view(shown.buttons)
    assert message_problems(shown.content, [shown.embed], view, owns(record)) == []
    numbered = min(len(prompts), rendering.MAX_PROMPT_BUTTONS)
    assert all(f"**{n}.**" in (shown.embed.description or "") for n in range(1, numbered + 1))
    plain = describe_rendering.refused_describe_text(record, service, prompts)
    assert content_problems(plain, owns(record)) == [] and keeps_number(record, plain)


@PROPERTIES
@given(record=JOBS, service=SERVICE, kind=st.sampled_from(list(JobKind)), count=st.integers(0, 6), locale=LOCALE)
@covers(rendering.button_rows)
def test_the_buttons_under_a_job_fit(record: JobRecord, service: str, kind: JobKind, count: int, locale: str) -> None:
    rows = rendering.button_rows(record.id, kind, set(Capability), count, locale)
    assert view_problems(rendering.build_view(rows)) == []


@PROPERTIES
@given(
    record=JOBS,
    url=st.one_of(
        st.sampled_from(["https://cdn.example/v.mp4", "http://10.0.0.1/v.mp4", "https://164.90.147.104/v.mp4"]),
        NON_EMPTY.map(lambda text: "https://cdn.example/" + text.replace(".", "")),
    ),
    outcome=st.sampled_from(["fits", "too_large", "not_a_video", "not_downloaded"]),
)
@covers(talk_rendering.talk_message)
def test_a_talk_answer_fits_and_shows_no_service_address(record: JobRecord, url: str, outcome: str) -> None:
    finished = JobState(status=JobStatus.SUCCEEDED, video_url=url).model_dump_json()
    record = dataclasses.replace(delivered(record), kind=JobKind.TALK, result_json=finished)
    video = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100
    downloads = {"fits": video, "too_large": video * 10, "not_a_video": b"<html>", "not_downloaded": None}
    download = downloads[outcome]
    fake = MagicMock(spec_set=NgpuProvider)
    fake.name, fake.display_name = "ngpu", "NGPU"
    failure = ProviderConnectionError("no", provider="ngpu")
    fake.download_file = AsyncMock(side_effect=failure) if download is None else AsyncMock(return_value=download)
    shown = asyncio.run(talk_rendering.talk_message(fake, record, 500, may_retry=False))
    for text in (shown.content, shown.without_file):
        assert content_problems(text, owns(record)) == []
        said = (text or "").split("\n", 1)[1:]  # below the heading (whose prompt is the member's own words)
        assert not any("10.0.0.1" in line or "164.90.147.104" in line for line in said)


@PROPERTIES
@given(record=JOBS, message_id=st.integers(1, 2**63 - 1), with_file=st.booleans())
@covers(dm_copy.copy_text, dm_copy.message_link)
def test_a_direct_message_copy_fits_and_links_only_to_discord(record: JobRecord, message_id: int, with_file: bool):
    text = dm_copy.copy_text(delivered(record), message_id, with_file=with_file)
    assert content_problems(text, owns(record)) == []
    assert dm_copy.message_link(record, message_id) in text


@PROPERTIES
@given(record=JOBS, extension=st.sampled_from(["png", "jpg", "webp"]))
@covers(rendering.preview_embed, rendering.preview_filename)
def test_a_preview_embed_is_within_limits_and_shows_only_an_attachment(record: JobRecord, extension: str) -> None:
    embed = rendering.preview_embed(rendering.preview_filename(record, extension))
    assert embed is not None and embeds_problems([embed]) == []
    assert (embed.image.url or "").startswith("attachment://preview_")
