"""What a job's message says and which buttons it carries (pure functions; real provider classes)."""

from __future__ import annotations

import dataclasses
import re

import discord
import pytest

from bot import rendering
from providers.core.errors import ErrorKind
from providers.core.models import Capability, ImagineRequest, JobKind, JobStatus
from providers.registry import PROVIDERS
from storage.jobs import JobRecord
from storage.lifecycle import LifecycleState

OWNER = 123456789012345678
TEMPLATES = [
    re.compile(template)
    for template in (
        rendering.GRID_BUTTON_TEMPLATE,
        rendering.REROLL_BUTTON_TEMPLATE,
        rendering.VARY_BUTTON_TEMPLATE,
        rendering.REMIX_BUTTON_TEMPLATE,
    )
]
BIGGEST_JOB_ID = 2**63 - 1


def record(**changes: object) -> JobRecord:
    base = JobRecord(
        id=42, kind=JobKind.IMAGINE, state=LifecycleState.RUNNING, owner_id=OWNER, guild_id=1, channel_id=2,
        message_id=3, interaction_token="token", token_expires_at=None, locale="en-US", provider="picpik",
        provider_job_id="task", handle_json=None, request_json=ImagineRequest(prompt="a red fox").model_dump_json(),
        result_json=None, progress=None, failure_kind=None, failure_message=None, parent_job_id=None,
        grid_index=None, created_at=0.0, updated_at=0.0, submitted_at=None, next_poll_at=1.0, poll_errors=0,
        delivered_at=None,
    )
    return dataclasses.replace(base, **changes)


def labels(rows: list[list[rendering.ButtonSpec]]) -> list[list[str]]:
    return [[spec.label or spec.emoji or "" for spec in row] for row in rows]


# --- buttons ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("midjourney", [["U1", "U2", "U3", "U4", "🔄"], ["V1", "V2", "V3", "V4", "🖌️"]]),
        ("picpik", [["U1", "U2", "U3", "U4", "🔄"], ["V1", "V2", "V3", "V4", "🖌️"]]),
        ("jumdata", [["U1", "U2", "U3", "U4", "🔄"]]),
        ("ngpu", [["U1", "U2", "U3", "U4", "🔄"], ["V1", "V2", "V3", "V4", "🖌️"]]),
    ],
)
def test_a_grid_gets_the_buttons_its_service_declares(service: str, expected: list[list[str]]) -> None:
    rows = rendering.button_rows(7, JobKind.IMAGINE, PROVIDERS[service].capabilities, 4)
    assert labels(rows) == expected


def test_no_button_for_what_the_service_cannot_do() -> None:
    assert labels(rendering.button_rows(7, JobKind.IMAGINE, {Capability.VARIATION}, 4)) == [["V1", "V2", "V3", "V4"]]
    assert rendering.button_rows(7, JobKind.IMAGINE, {Capability.DESCRIBE, Capability.BLEND}, 4) == []


def test_fewer_images_give_fewer_buttons() -> None:
    rows = rendering.button_rows(7, JobKind.VARIATION, set(Capability), 2)
    assert labels(rows) == [["U1", "U2", "🔄"], ["V1", "V2", "🖌️"]]
    assert rendering.button_rows(7, JobKind.IMAGINE, set(Capability), 0) == []


def test_a_description_gets_no_grid_buttons() -> None:
    assert rendering.button_rows(7, JobKind.DESCRIBE, set(Capability), 1) == []


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("midjourney", ["🪄 Vary", "🖌️ Remix", "🔄"]),
        ("jumdata", ["🔄"]),
        ("ngpu", ["🪄 Vary", "🖌️ Remix", "🔄"]),
    ],
)
def test_an_upscaled_image_gets_its_own_follow_up_buttons(service: str, expected: list[str]) -> None:
    [row] = rendering.button_rows(7, JobKind.UPSCALE, PROVIDERS[service].capabilities, 1)
    assert [" ".join(filter(None, (spec.emoji, spec.label))) for spec in row] == expected
    assert [spec.custom_id for spec in row][-1] == "job:7:reroll"


def test_follow_up_labels_follow_the_locale() -> None:
    [row] = rendering.button_rows(7, JobKind.UPSCALE, {Capability.VARIATION}, 1, "zh-CN")
    assert row[0].label == "变体"


def test_every_custom_id_matches_a_button_template_and_fits_discord() -> None:
    rows = rendering.button_rows(BIGGEST_JOB_ID, JobKind.IMAGINE, set(Capability), 4)
    custom_ids = [spec.custom_id for row in rows for spec in row]
    custom_ids += [rendering.vary_custom_id(BIGGEST_JOB_ID), rendering.remix_form_custom_id(BIGGEST_JOB_ID, 4)]
    assert len(custom_ids) == 12 and len(set(custom_ids)) == 12
    for custom_id in custom_ids:
        assert len(custom_id) <= 100
        form = re.compile(rendering.REMIX_FORM_TEMPLATE)
        match = next(m for t in (*TEMPLATES, form) if (m := t.fullmatch(custom_id)))
        assert int(match["job_id"]) == BIGGEST_JOB_ID
    assert rendering.grid_custom_id(5, "V", 3) == "job:5:V3"
    assert TEMPLATES[0].fullmatch("job:5:V3")["index"] == "3"  # type: ignore[index]


@pytest.mark.parametrize(("action", "index"), [("X", 1), ("U", 0), ("V", 5)])
def test_no_custom_id_for_a_button_that_cannot_exist(action: str, index: int) -> None:
    with pytest.raises(ValueError, match="no grid button"):
        rendering.grid_custom_id(1, action, index)


async def test_the_view_holds_the_rows_and_is_not_kept_by_discord_py() -> None:
    rows = rendering.button_rows(9, JobKind.IMAGINE, PROVIDERS["midjourney"].capabilities, 4)
    view = rendering.build_view(rows)
    assert view is not None
    assert view.is_finished()  # a stopped view is not stored in the client's view store
    assert view.timeout is None
    components = view.to_components()
    assert [[c["custom_id"] for c in row["components"]] for row in components] == [
        ["job:9:U1", "job:9:U2", "job:9:U3", "job:9:U4", "job:9:reroll"],
        ["job:9:V1", "job:9:V2", "job:9:V3", "job:9:V4", "job:9:remix"],
    ]
    assert components[0]["components"][4]["emoji"]["name"] == "🔄"
    assert rendering.build_view([]) is None


# --- texts ------------------------------------------------------------------------------------------------


def test_progress_says_waiting_then_drawing_with_the_percentage_when_known() -> None:
    job = record()
    assert rendering.progress_text(job, "Picpik", JobStatus.QUEUED, None).endswith("⏳ Waiting to start…")
    assert rendering.progress_text(job, "Picpik", JobStatus.RUNNING, 41.6).endswith("🎨 Drawing… 42 %")
    assert rendering.progress_text(job, "Picpik", JobStatus.RUNNING, None).endswith("🎨 Drawing…")


def test_the_heading_names_the_prompt_the_owner_and_the_service() -> None:
    assert rendering.result_text(record(), "Picpik") == f"**a red fox** — <@{OWNER}> · Picpik · #{record().id}"


@pytest.mark.parametrize(
    ("kind", "index", "says"),
    [
        (JobKind.UPSCALE, 2, "Image #2"),
        (JobKind.VARIATION, 3, "Variations of image #3"),
        (JobKind.REMIX, 1, "Remix of image #1"),
        (JobKind.REROLL, None, "Re-roll"),
    ],
)
def test_follow_ups_say_what_they_are(kind: JobKind, index: int | None, says: str) -> None:
    text = rendering.result_text(record(kind=kind, grid_index=index), "NGPU")
    assert text == f"**a red fox** — {says} · <@{OWNER}> · NGPU · #{record().id}"


def test_a_prompt_cannot_ping_or_break_the_formatting() -> None:
    request = ImagineRequest(prompt="@everyone **bold** <@&99> _x_").model_dump_json()
    heading = rendering.job_heading(record(request_json=request), "Picpik")
    assert "@everyone" not in heading and "@\u200beveryone" in heading
    assert r"\*\*bold\*\*" in heading and r"\_x\_" in heading


def test_a_long_prompt_is_shortened_so_the_message_fits_discord() -> None:
    request = ImagineRequest(prompt="word " * 1000).model_dump_json()
    text = rendering.progress_text(record(request_json=request), "Midjourney-style API", JobStatus.RUNNING, 50)
    assert len(text) <= 2000
    assert "…" in text


@pytest.mark.parametrize("request_json", [None, "not json", "[1, 2]", '{"prompt": "  "}', '{"images": 3}'])
def test_a_job_without_a_readable_prompt_still_renders(request_json: str | None) -> None:
    assert rendering.prompt_of(record(request_json=request_json)) is None
    assert rendering.result_text(record(request_json=request_json), "Picpik").startswith("(no prompt) — ")


def test_every_failure_kind_has_its_own_plain_sentence_naming_the_service() -> None:
    kinds = [*ErrorKind, rendering.NOT_CONFIGURED, rendering.IMAGE_UNUSABLE]
    reasons = {kind: rendering.failure_reason(kind, "Picpik") for kind in kinds}
    assert len(set(reasons.values())) == len(kinds)
    for kind, reason in reasons.items():
        assert "{" not in reason and reason.endswith("."), kind
        assert "Picpik" in reason or kind == rendering.UNDELIVERABLE
    assert rendering.failure_reason("something new", "Picpik") == "Picpik could not finish this job."
    assert rendering.failure_reason(None, "NGPU") == "NGPU could not finish this job."


def test_a_failure_message_gives_the_reason_and_the_services_own_words() -> None:
    failed = record(failure_kind="moderation", failure_message="The word “x” is not allowed. @everyone")
    text = rendering.failure_text(failed, "Jumdata AI绘画")
    heading, reason, details = text.split("\n")
    assert heading.startswith("**a red fox**")
    assert reason == "❌ Jumdata AI绘画 refused the prompt or image on content grounds. Rephrase it and try again."
    assert details.startswith("> The word “x” is not allowed.") and "@everyone" not in details
    assert not any(mark in text for mark in ("⏳", "🎨"))


def test_failure_details_are_shortened_and_left_out_when_they_repeat_the_reason() -> None:
    long = record(failure_kind="server", failure_message="x" * 5000)
    assert len(rendering.failure_text(long, "NGPU").split("\n")[2]) <= rendering.DETAILS_DISPLAY_LIMIT + 2
    same = record(failure_kind="timeout", failure_message="NGPU did not finish in time.")
    assert len(rendering.failure_text(same, "NGPU").split("\n")) == 2


def test_a_preview_shows_the_attached_file_never_a_link() -> None:
    embed = rendering.preview_embed(rendering.preview_filename(record(), "jpg"))
    assert isinstance(embed, discord.Embed) and embed.image.url == "attachment://preview_42.jpg"
    assert rendering.preview_embed(None) is None


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://cdn.example/video.mp4?sig=1", True),
        ("http://cdn.example/video.mp4", False),  # plain http
        ("https://164.90.147.104:8091/video.mp4", False),  # an address, not a name
        ("https://[2001:db8::1]/video.mp4", False),
        ("https://storage.internal/video.mp4", False),
        ("https://localhost/video.mp4", False),
        ("https://nas/video.mp4", False),  # a name only a local network knows
        ("https://example.com/" + "x" * 2000, False),  # would crowd out the message
        ("javascript:alert(1)", False),
        ("", False),
        (None, False),
    ],
)
def test_only_public_secure_service_links_reach_members(url: str | None, shown: bool) -> None:
    assert rendering.shareable_link(url) == (url if shown else None)


def test_a_services_words_lose_its_addresses_but_keep_public_links() -> None:
    words = "upload to http://164.90.147.104:8091/x failed (10.0.0.5:80); see https://status.example.com/1"
    failed = record(failure_kind="server", failure_message=words)
    details = rendering.failure_text(failed, "Midjourney-style API").splitlines()[-1]
    # ("\\[" shows as "[": the marker is escaped like the words around it)
    assert details == "> upload to \\[…] failed (\\[…]); see https://status.example.com/1"
    assert rendering.without_addresses("v1.2.3.4 and 1.2.3") == "v1.2.3.4 and 1.2.3"  # versions are no addresses


def test_a_small_picture_fits_its_side_and_size() -> None:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2000, 1000), (200, 30, 30)).save(buffer, "PNG")
    small = rendering.small_picture(buffer.getvalue(), 320, 50_000)
    assert (small.width, small.height) == (320, 160) and small.size <= 50_000


def test_file_names_say_grid_or_what_the_job_was() -> None:
    assert rendering.result_filename(record(), "png") == "grid_42.png"
    assert rendering.result_filename(record(kind=JobKind.UPSCALE), "jpg") == "upscale_42.jpg"


def test_input_errors_are_marked_as_a_warning() -> None:
    assert rendering.input_error_text("Jumdata accepts 100 characters.") == "⚠️ Jumdata accepts 100 characters."


# --- languages --------------------------------------------------------------------------------------------


def test_a_chinese_members_job_speaks_chinese() -> None:
    job = record(kind=JobKind.UPSCALE, grid_index=2, locale="zh-CN")
    assert rendering.result_text(job, "Picpik").startswith("**a red fox** — 第 2 张 · ")
    assert rendering.progress_text(job, "Picpik", JobStatus.QUEUED, None).endswith("⏳ 排队等待中…")
    assert rendering.progress_text(job, "Picpik", JobStatus.RUNNING, 50).endswith("🎨 绘制中… 50 %")
    failed = dataclasses.replace(job, failure_kind=ErrorKind.QUOTA, failure_message="Insufficient balance")
    _, reason, details = rendering.failure_text(failed, "Picpik").split("\n")
    assert reason == "❌ Picpik 账户余额不足或已超出配额。"
    assert details == "> Insufficient balance"  # the service's own words, as they came


def test_every_failure_kind_has_its_own_sentence() -> None:
    general = rendering.failure_reason("something new", "X")
    kinds = [*ErrorKind, rendering.NOT_CONFIGURED, rendering.UNDELIVERABLE, rendering.IMAGE_UNUSABLE,
             rendering.KEYS_REMOVED]
    for locale in ("en-US", "zh-CN"):
        sentences = [rendering.failure_reason(kind, "X", locale) for kind in kinds]
        assert general not in sentences
        assert len(set(sentences)) == len(sentences), locale


def test_a_bot_written_reason_is_not_repeated_in_chinese_below_the_translation() -> None:
    reason = rendering.failure_reason(rendering.NOT_CONFIGURED, "NGPU")
    failed = record(locale="zh-CN", failure_kind=rendering.NOT_CONFIGURED, failure_message=reason)
    assert rendering.failure_text(failed, "NGPU").split("\n")[1:] == ["❌ 本机器人已不再配置 NGPU。"]


def test_a_description_reads_the_image_rather_than_drawing() -> None:
    job = record(kind=JobKind.DESCRIBE, locale="en-US")
    assert rendering.progress_text(job, "NGPU", JobStatus.RUNNING, 30).endswith("🔍 Reading the image…")


def test_the_bots_own_english_detail_is_left_out_for_a_chinese_member() -> None:
    detail = "NGPU did not finish within 15 minutes."
    failed = record(locale="zh-CN", failure_kind=ErrorKind.TIMEOUT, failure_message=detail)
    assert rendering.failure_text(failed, "NGPU").split("\n")[1:] == ["❌ NGPU 未能按时完成。"]
    english = dataclasses.replace(failed, locale="en-US")
    assert rendering.failure_text(english, "NGPU").split("\n")[1:] == [
        "❌ NGPU did not finish in time.", "> NGPU did not finish within 15 minutes."]
