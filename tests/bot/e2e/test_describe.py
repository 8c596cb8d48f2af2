"""/describe end to end on every service that can: the prompts numbered under the image described, buttons
1…N, and a pressed number that becomes a new /imagine of that prompt on the same service."""

from __future__ import annotations

import asyncio
import re
import time

import pytest

from bot import describe_rendering, rendering
from bot.i18n import t
from bot.prompting import parse_prompt
from providers.core.models import ImagineRequest, JobKind
from providers.registry import PROVIDERS
from storage.lifecycle import LifecycleState
from storage.settings import ServerSettings
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_blend import COLOURS, png
from tests.bot.e2e.test_imagine import assert_finished_cleanly, assert_is_grid, settled
from tests.bot.e2e.test_member_images import DAY, status_of
from tests.fake_discord import StoredMessage, Upload

PROMPT_BUTTON = re.compile(rendering.PROMPT_BUTTON_TEMPLATE)
#: how many prompts each service's emulator answers with
PROMPT_COUNTS = {"picpik": 4, "midjourney": 4, "ngpu": 1}


def has_prompts(message: StoredMessage) -> bool:
    return not message.loading and any(embed.get("description") for embed in message.embeds)


async def describe(stack: Stack, options: dict, locale: str = "en-US"):
    return await stack.fake.send_slash_command("describe", options, user=stack.fake.member, locale=locale)


async def described(stack: Stack, interaction) -> StoredMessage:
    return await stack.fake.wait_for_original(interaction, has_prompts, timeout=15)


@pytest.mark.parametrize(("service", "locale"), [("picpik", "en-US"), ("midjourney", "en-US"), ("ngpu", "zh-CN")])
async def test_describe_lists_the_prompts_and_a_number_draws_one(stack: Stack, bot, service: str, locale: str) -> None:
    interaction = await describe(stack, {"image": png("cat.png", COLOURS[2], (128, 96)), "provider": service}, locale)
    answer = await described(stack, interaction)

    [record] = await settled(bot, stack.fake.member.id, 1)
    assert (record.kind, record.state, record.provider) == (JobKind.DESCRIBE, LifecycleState.DELIVERED, service)
    prompts = record.result.texts
    assert len(prompts) == PROMPT_COUNTS[service]
    [embed] = answer.embeds
    assert embed["title"] == t("describe.result_title", locale)
    for number, prompt in enumerate(prompts, start=1):
        assert f"**{number}.** {prompt}" in embed["description"]
    # the image described is shown from a small copy attached to the answer, not the member's expiring link
    [thumbnail] = answer.attachments
    assert thumbnail.filename.startswith(f"described_{record.id}.")
    assert embed["thumbnail"]["url"] == thumbnail.url
    assert max(thumbnail.image_size()) <= describe_rendering.THUMBNAIL_SIDE
    assert answer.content.startswith(f"**{t('jobs.describe', locale)}** · ")
    assert PROVIDERS[service].display_name in answer.content
    assert answer.button_labels == [str(n) for n in range(1, len(prompts) + 1)]
    assert [PROMPT_BUTTON.fullmatch(c)["job_id"] for c in answer.custom_ids] == [str(record.id)] * len(prompts)

    chosen = min(2, len(prompts))
    drawn = await stack.final(await stack.fake.click_button(answer, f"job:{record.id}:prompt{chosen}"))

    assert_finished_cleanly(drawn)
    assert_is_grid(drawn)
    assert drawn.id != answer.id and not drawn.ephemeral
    expected = parse_prompt(prompts[chosen - 1]).prompt
    assert expected in drawn.content
    await settled(bot, stack.fake.member.id, 2)
    [child] = await bot.store.children(record.id)
    assert (child.kind, child.provider, child.state) == (JobKind.IMAGINE, service, LifecycleState.DELIVERED)
    assert child.request_as(ImagineRequest).prompt == expected


async def test_the_thumbnail_outlives_the_members_link(stack: Stack, bot) -> None:
    """Discord's links to the member's attachment end after a day; the answer's thumbnail is its own attachment,
    made from the image signed anew when the job ends after that."""
    interaction = await describe(stack, {"image": png("cat.png", COLOURS[2], (400, 200)), "provider": "picpik"})
    [original] = [a["url"] for a in interaction.payload["data"]["resolved"]["attachments"].values()]
    await sent_to_its_service(stack, bot)
    stack.fake.state.cdn.clock_offset = 2 * DAY  # every link handed out so far has ended
    assert await status_of(original) == 404

    answer = await described(stack, interaction)

    [thumbnail] = answer.attachments
    [embed] = answer.embeds
    assert embed["thumbnail"]["url"] == thumbnail.url != original
    assert await status_of(thumbnail.url) == 200
    assert thumbnail.image_size() == (describe_rendering.THUMBNAIL_SIDE, describe_rendering.THUMBNAIL_SIDE // 2)
    assert stack.fake.state.cdn.refreshed == [[original]]  # signed anew through Discord, once


async def test_a_describe_whose_image_cannot_be_fetched_again_still_gives_its_prompts(stack: Stack, bot) -> None:
    stack.fake.state.cdn.refuse_refresh = True
    interaction = await describe(stack, {"image": png("cat.png", COLOURS[1]), "provider": "picpik"})
    await sent_to_its_service(stack, bot)
    stack.fake.state.cdn.clock_offset = 2 * DAY

    answer = await described(stack, interaction)

    [embed] = answer.embeds
    assert "thumbnail" not in embed and answer.attachments == ()
    assert "**1.** " in embed["description"]


async def sent_to_its_service(stack: Stack, bot) -> None:
    """Wait until the member's describe job is with its service (its image fetched and checked, not yet done)."""
    deadline = time.monotonic() + 10
    while not any(
        job.state in (LifecycleState.SUBMITTED, LifecycleState.RUNNING)
        for job in await bot.store.jobs_for_owner(stack.fake.member.id, 5)
    ):
        assert time.monotonic() < deadline, "the describe job was never sent"
        await asyncio.sleep(0.01)


async def test_only_the_member_who_asked_can_press_the_numbers(stack: Stack, bot) -> None:
    answer = await described(stack, await describe(stack, {"image": png("cat.png", COLOURS[0])}))
    [record] = await settled(bot, stack.fake.member.id, 1)

    click = await stack.fake.click_button(answer, f"job:{record.id}:prompt1", user=stack.fake.admin)
    refusal = await stack.fake.wait_for_original(click)

    assert refusal.ephemeral and f"Only <@{stack.fake.member.id}>" in refusal.content
    assert await bot.store.children(record.id) == []


async def test_when_the_server_lets_anyone_press_another_member_draws_a_prompt(stack: Stack, bot) -> None:
    await bot.settings_store.save_server(stack.fake.guild.id, ServerSettings(others_may_press=True))
    answer = await described(stack, await describe(stack, {"image": png("cat.png", COLOURS[0])}))
    [record] = await settled(bot, stack.fake.member.id, 1)

    click = await stack.fake.click_button(answer, f"job:{record.id}:prompt1", user=stack.fake.admin)
    await stack.fake.wait_for_original(click, lambda message: not message.loading, timeout=15)

    [child] = await bot.store.children(record.id)
    assert child.owner_id == stack.fake.admin.id and child.kind is JobKind.IMAGINE


async def test_the_command_offers_only_services_that_can_describe(stack: Stack, bot) -> None:
    [command] = [c for c in stack.fake.commands() if c["name"] == "describe"]
    options = {option["name"]: option for option in command["options"]}
    assert list(options) == ["image", "provider"]
    assert [c["value"] for c in options["provider"]["choices"]] == ["picpik", "midjourney", "ngpu"]
    assert command["description_localizations"]["zh-CN"] == "获取描述一张图片的提示词"


async def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_sent(stack: Stack, bot) -> None:
    interaction = await describe(stack, {"image": Upload("song.mp3", b"ID3...", "audio/mpeg"), "provider": "ngpu"})
    answer = await stack.fake.wait_for_original(interaction)

    assert answer.ephemeral and "“song.mp3” is not an image" in answer.content
    assert await bot.store.jobs_for_owner(stack.fake.member.id, 10) == []


async def test_on_a_service_that_cannot_describe_the_member_is_told_which_can(stack: Stack) -> None:
    async with stack.running(stack.new_bot(services={"jumdata": PROVIDERS["jumdata"]})) as bot:
        interaction = await describe(stack, {"image": png("cat.png", COLOURS[1])})
        answer = await stack.fake.wait_for_original(interaction)

        assert answer.ephemeral
        assert answer.content == (
            "⚠️ None of the services set up on this bot can describe images. "
            "Services that can: Picpik, Midjourney-style API, NGPU."
        )
        assert await bot.store.jobs_for_owner(stack.fake.member.id, 10) == []
