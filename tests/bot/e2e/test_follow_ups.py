"""Follow-ups beyond U/V/🔄 on a grid: the buttons under an upscaled image, remix through its form, and
``/upscale`` / ``/variation`` by job number — end to end through the fake Discord and the emulators."""

from __future__ import annotations

import pytest

from providers.core.models import JobKind
from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_imagine import GRID, assert_finished_cleanly, assert_is_grid, job_of, picture, settled
from tests.emulators import midjourney as midjourney_emulator
from tests.emulators.picpik import requests_for as picpik_requests
from tests.fake_discord import StoredMessage


def midjourney_calls(stack: Stack, endpoint: str) -> list[dict]:
    return [r["body"] for r in stack.emulators["midjourney"][midjourney_emulator.REQUESTS_KEY]
            if r["path"].endswith(f"/jobs/{endpoint}")]


async def grid_for(stack: Stack, prompt: str, service: str) -> tuple[StoredMessage, int]:
    message = await stack.final(await stack.imagine(prompt, provider=service))
    assert_is_grid(message)
    return message, job_of(message)


async def ephemeral_answer(stack: Stack, interaction) -> str:
    answer = await stack.fake.wait_for_original(interaction)
    assert answer.ephemeral, answer.content
    return answer.content


async def opened_form(stack: Stack):
    """The remix form the bot answered the last click with."""
    await stack.wait(lambda: [m for m in stack.fake.state.modals if not m.submitted], "the remix form")
    return stack.fake.state.modals[-1]


# --- under an upscaled image --------------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["midjourney", "ngpu"])
async def test_an_upscaled_image_offers_vary_remix_and_reroll_of_its_grid(stack: Stack, bot, service: str) -> None:
    grid_message, grid_id = await grid_for(stack, "an old lantern", service)
    upscaled = await stack.final(await stack.fake.click_button(grid_message, f"job:{grid_id}:U2"))
    picture(upscaled)
    assert upscaled.button_labels == ["Vary", "Remix", "🔄"]
    await settled(bot, stack.fake.member.id, 2)
    [upscale] = await bot.store.children(grid_id)

    varied = await stack.final(await stack.fake.click_button(upscaled, f"job:{upscale.id}:vary"))

    assert "Variations of image #2" in varied.content and "an old lantern" in varied.content
    assert_finished_cleanly(varied)
    assert_is_grid(varied)
    assert varied.button_labels == GRID
    await settled(bot, stack.fake.member.id, 3)
    variation = (await bot.store.children(grid_id))[-1]
    # varied from the grid cell the image was upscaled from, not from the upscale
    assert (variation.kind, variation.grid_index, variation.state) == (
        JobKind.VARIATION, 2, LifecycleState.DELIVERED)
    if service == "midjourney":
        [sent] = midjourney_calls(stack, "variation")
        assert sent["grid_num"] == 2


async def test_reroll_under_an_upscaled_image_draws_the_grid_prompt_again(stack: Stack, bot) -> None:
    grid_message, grid_id = await grid_for(stack, "a tin robot", "jumdata")
    upscaled = await stack.final(await stack.fake.click_button(grid_message, f"job:{grid_id}:U4"))
    assert upscaled.button_labels == ["🔄"]  # Jumdata has no variations
    await settled(bot, stack.fake.member.id, 2)
    [upscale] = await bot.store.children(grid_id)

    rerolled = await stack.final(await stack.fake.click_button(upscaled, f"job:{upscale.id}:reroll"))

    assert "Re-roll" in rerolled.content and "a tin robot" in rerolled.content
    assert_is_grid(rerolled)
    await settled(bot, stack.fake.member.id, 3)
    assert [child.kind for child in await bot.store.children(grid_id)] == [JobKind.UPSCALE, JobKind.REROLL]


# --- remix --------------------------------------------------------------------------------------------------


async def test_remix_on_a_grid_asks_which_image_and_the_new_prompt(stack: Stack, bot) -> None:
    grid_message, grid_id = await grid_for(stack, "a castle at noon --ar 1:1", "midjourney")

    await stack.fake.click_button(grid_message, f"job:{grid_id}:remix")
    form = await opened_form(stack)
    assert form.custom_id == f"job:{grid_id}:remix-form"
    fields = {c["component"]["custom_id"]: c["component"] for c in form.components}
    assert [o["value"] for o in fields["image"]["options"]] == ["1", "2", "3", "4"]
    assert fields["prompt"]["value"] == "a castle at noon"  # the old prompt, ready to edit

    remixed = await stack.final(
        await stack.fake.submit_modal({"image": ["3"], "prompt": "a castle at midnight"}, user=stack.fake.member)
    )

    assert "a castle at midnight" in remixed.content and "Remix of image #3" in remixed.content
    assert_is_grid(remixed)
    [sent] = midjourney_calls(stack, "variation")
    assert (sent["grid_num"], sent["content"]) == (3, "a castle at midnight")
    await settled(bot, stack.fake.member.id, 2)
    [child] = await bot.store.children(grid_id)
    assert (child.kind, child.grid_index, child.state) == (JobKind.REMIX, 3, LifecycleState.DELIVERED)


async def test_remix_under_an_upscaled_image_only_asks_for_the_prompt(stack: Stack, bot) -> None:
    grid_message, grid_id = await grid_for(stack, "a glass apple", "picpik")
    upscaled = await stack.final(await stack.fake.click_button(grid_message, f"job:{grid_id}:U1"))
    await settled(bot, stack.fake.member.id, 2)
    [upscale] = await bot.store.children(grid_id)
    generations_before = len(picpik_requests(stack.emulators["picpik"], "GenerateImages"))

    await stack.fake.click_button(upscaled, f"job:{upscale.id}:remix")
    form = await opened_form(stack)
    assert form.custom_id == f"job:{grid_id}:remix-form:1"
    assert [c["component"]["custom_id"] for c in form.components] == ["prompt"]
    remixed = await stack.final(await stack.fake.submit_modal({"prompt": "a golden apple"}))

    assert_is_grid(remixed)
    generations = picpik_requests(stack.emulators["picpik"], "GenerateImages")
    assert len(generations) == generations_before + 1
    assert generations[-1]["PositivePrompts"] == ["a golden apple"]
    assert "Image2Image" in generations[-1]


async def test_a_remix_form_opened_before_a_restart_is_answered_after_it(stack: Stack) -> None:
    async with stack.running() as first:
        grid_message, grid_id = await grid_for(stack, "a snow globe", "ngpu")
        await stack.fake.click_button(grid_message, f"job:{grid_id}:remix")
        await opened_form(stack)
        await settled(first, stack.fake.member.id, 1)
    async with stack.running() as second:
        remixed = await stack.final(
            await stack.fake.submit_modal({"image": ["2"], "prompt": "a snow globe with a tiny city"})
        )
        assert_is_grid(remixed)
        assert "a snow globe with a tiny city" in remixed.content
        await settled(second, stack.fake.member.id, 2)


async def test_a_blank_remix_prompt_is_refused_privately(stack: Stack, bot) -> None:
    grid_message, grid_id = await grid_for(stack, "a kite", "midjourney")
    await stack.fake.click_button(grid_message, f"job:{grid_id}:remix")
    await opened_form(stack)

    answer = await ephemeral_answer(stack, await stack.fake.submit_modal({"image": ["1"], "prompt": "   "}))

    assert "empty" in answer
    assert midjourney_calls(stack, "variation") == []


async def test_only_the_owner_gets_the_remix_form(stack: Stack, bot) -> None:
    grid_message, grid_id = await grid_for(stack, "a kite", "midjourney")
    answer = await ephemeral_answer(
        stack, await stack.fake.click_button(grid_message, f"job:{grid_id}:remix", user=stack.fake.admin)
    )
    assert "Only" in answer
    assert stack.fake.state.modals == []


# --- /upscale and /variation --------------------------------------------------------------------------------


async def test_upscale_and_variation_by_job_number(stack: Stack, bot) -> None:
    grid_message, grid_id = await grid_for(stack, "a copper kettle", "ngpu")
    assert f"#{grid_id}" in grid_message.content  # the number the commands take

    upscaled = await stack.final(
        await stack.fake.send_slash_command("upscale", {"job": grid_id, "grid": 3}, user=stack.fake.member)
    )
    assert "Image #3" in upscaled.content
    picture(upscaled)

    remixed = await stack.final(await stack.fake.send_slash_command(
        "variation", {"job": grid_id, "grid": 2, "prompt": "a silver kettle"}, user=stack.fake.member))
    assert "a silver kettle" in remixed.content and "Remix of image #2" in remixed.content
    assert_is_grid(remixed)

    await settled(bot, stack.fake.member.id, 3)
    children = await bot.store.children(grid_id)
    assert [(c.kind, c.grid_index) for c in children] == [(JobKind.UPSCALE, 3), (JobKind.REMIX, 2)]


async def test_the_job_option_offers_the_members_own_grids(stack: Stack, bot) -> None:
    _, first = await grid_for(stack, "a red umbrella", "picpik")
    _, second = await grid_for(stack, "a green umbrella", "picpik")
    await stack.final(await stack.fake.send_slash_command("imagine", {"prompt": "not mine"}, user=stack.fake.admin))

    offered = await stack.fake.autocomplete("upscale", {"job": "", "grid": 1}, "job", user=stack.fake.member)
    assert [c["value"] for c in offered] == [second, first]
    assert "a green umbrella" in offered[0]["name"] and offered[0]["name"].startswith(f"#{second}")
    typed = await stack.fake.autocomplete("variation", {"job": "red", "grid": 1}, "job", user=stack.fake.member)
    assert [c["value"] for c in typed] == [first]


@pytest.mark.parametrize(
    ("command", "options", "says"),
    [
        ("upscale", {"job": 999_999, "grid": 1}, "no job with that number"),
        ("variation", {"job": 999_999, "grid": 2, "prompt": "x"}, "no job with that number"),
    ],
)
async def test_a_missing_job_number_is_explained(stack: Stack, bot, command: str, options: dict, says: str) -> None:
    interaction = await stack.fake.send_slash_command(command, options, user=stack.fake.member)
    assert says in await ephemeral_answer(stack, interaction)


async def test_someone_elses_job_and_unsupported_follow_ups_are_refused(stack: Stack, bot) -> None:
    _, grid_id = await grid_for(stack, "a paper crane", "jumdata")
    theirs = await stack.fake.send_slash_command("upscale", {"job": grid_id, "grid": 1}, user=stack.fake.admin)
    # a typed number of someone else's job is answered like a missing one (tests/bot/e2e/test_cross_server.py)
    assert "no job with that number" in await ephemeral_answer(stack, theirs)
    # Jumdata has no variations: said plainly, nothing sent
    mine = await stack.fake.send_slash_command("variation", {"job": grid_id, "grid": 1}, user=stack.fake.member)
    assert "cannot do that" in await ephemeral_answer(stack, mine)
    assert await bot.store.children(grid_id) == []


async def test_an_upscale_cannot_be_upscaled_again_but_can_be_varied(stack: Stack, bot) -> None:
    grid_message, grid_id = await grid_for(stack, "a stone bridge", "midjourney")
    await stack.final(await stack.fake.click_button(grid_message, f"job:{grid_id}:U4"))
    await settled(bot, stack.fake.member.id, 2)
    [upscale] = await bot.store.children(grid_id)

    again = await stack.fake.send_slash_command("upscale", {"job": upscale.id, "grid": 1}, user=stack.fake.member)
    assert "already" in await ephemeral_answer(stack, again)
    varied = await stack.final(
        await stack.fake.send_slash_command("variation", {"job": upscale.id, "grid": 1}, user=stack.fake.member)
    )
    assert_is_grid(varied)
    assert midjourney_calls(stack, "variation")[0]["grid_num"] == 1


# --- the last resort ----------------------------------------------------------------------------------------


async def test_an_unexpected_error_gets_a_private_apology_not_a_failed_interaction(
    stack: Stack, bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    grid_message, grid_id = await grid_for(stack, "a wooden toy", "picpik")

    async def broken_create(**_: object) -> None:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(bot.store, "create", broken_create)
    click = await stack.fake.click_button(grid_message, f"job:{grid_id}:U1")
    command = await stack.fake.send_slash_command("variation", {"job": grid_id, "grid": 2}, user=stack.fake.member)

    for interaction in (click, command):
        # "thinking…" was already shown: the apology takes its place instead of leaving it spinning
        answer = await stack.fake.wait_for_original(interaction, lambda m: not m.loading)
        assert "Something went wrong" in answer.content and "fire" not in answer.content
