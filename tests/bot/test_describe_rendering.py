"""A finished /describe job's message: numbered prompts within Discord's limits, buttons five to a row."""

from __future__ import annotations

import re

from bot import rendering
from bot.attachments import AttachedImage, DescribeRequest
from bot.describe_rendering import describe_message
from providers.core.models import Capability, JobKind
from providers.registry import PROVIDERS
from storage.lifecycle import LifecycleState
from tests.bot.test_rendering import BIGGEST_JOB_ID, record

IMAGE = AttachedImage(url="https://cdn.example/attachments/1/2/cat.png", filename="cat.png")
#: Discord's limits: an embed description, a message, a button custom_id
DESCRIPTION_LIMIT, CONTENT_LIMIT, CUSTOM_ID_LIMIT = 4_096, 2_000, 100


def described(**changes: object):
    return record(
        kind=JobKind.DESCRIBE, state=LifecycleState.DELIVERING,
        request_json=DescribeRequest(image=IMAGE).model_dump_json(), **changes,
    )


def test_prompts_are_numbered_under_the_image_with_a_button_each() -> None:
    prompts = ["a fox in *snow*", "a red fox, watercolour --ar 3:2"]
    shown = describe_message(
        described(), "Picpik", prompts, PROVIDERS["picpik"].capabilities, thumbnail="described_42.png"
    )

    assert shown.embed.description == "**1.** a fox in \\*snow\\*\n\n**2.** a red fox, watercolour --ar 3:2"
    # the attached copy, never the member's attachment link (Discord's signed links end after a day)
    assert shown.embed.thumbnail.url == "attachment://described_42.png"
    assert shown.content.startswith("**Describe** · ")
    assert [[spec.label for spec in row] for row in shown.buttons] == [["1", "2"]]
    assert [spec.custom_id for spec in shown.buttons[0]] == ["job:42:prompt1", "job:42:prompt2"]


def test_many_long_prompts_stay_within_discord_limits() -> None:
    prompts = [f"prompt {n} " + "x" * 3_000 for n in range(1, 31)]
    shown = describe_message(described(id=BIGGEST_JOB_ID), "Picpik", prompts, {Capability.IMAGINE})

    assert len(shown.embed.description) <= DESCRIPTION_LIMIT and len(shown.content) <= CONTENT_LIMIT
    assert shown.embed.description.count("…") == rendering.MAX_PROMPT_BUTTONS
    assert [len(row) for row in shown.buttons] == [5, 5, 5, 5, 5]
    template = re.compile(rendering.PROMPT_BUTTON_TEMPLATE)
    for number, spec in enumerate((spec for row in shown.buttons for spec in row), start=1):
        assert len(spec.custom_id) <= CUSTOM_ID_LIMIT
        assert int(template.fullmatch(spec.custom_id)["index"]) == number


def test_seven_prompts_take_two_rows() -> None:
    shown = describe_message(described(), "Picpik", [f"p{n}" for n in range(7)], {Capability.IMAGINE})
    assert [len(row) for row in shown.buttons] == [5, 2]


def test_no_buttons_when_the_service_cannot_draw_from_a_prompt() -> None:
    shown = describe_message(described(), "Somewhere", ["a fox"], {Capability.DESCRIBE})
    assert shown.buttons == () and shown.embed.footer.text is None


def test_the_texts_follow_the_jobs_language() -> None:
    shown = describe_message(described(locale="zh-CN"), "NGPU", ["a fox"], {Capability.IMAGINE})
    assert shown.embed.title == "这张图片的提示词"


def test_a_row_without_the_image_link_still_shows_the_prompts() -> None:
    shown = describe_message(record(kind=JobKind.DESCRIBE, request_json=None), "NGPU", ["a fox"], {Capability.IMAGINE})
    assert shown.embed.thumbnail.url is None and "**1.** a fox" in shown.embed.description
