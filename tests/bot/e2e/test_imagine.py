"""/imagine and its buttons end to end: the real discord.py client in ``GridBot``, the fake Discord, the four
service emulators and a SQLite file, all on loopback."""

from __future__ import annotations

import asyncio
import io
import itertools
import re

import pytest
from PIL import Image, ImageStat

from bot import rendering
from providers.core.models import JobKind
from providers.registry import PROVIDERS
from storage.jobs import JobRecord
from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import FINISH_TIMEOUT, Stack, has_result, is_final
from tests.emulators import jumdata as jumdata_emulator
from tests.emulators import midjourney as midjourney_emulator
from tests.emulators import ngpu as ngpu_emulator
from tests.emulators.picpik import requests_for as picpik_requests
from tests.fake_discord import StoredMessage

GRID = ["U1", "U2", "U3", "U4", "🔄", "V1", "V2", "V3", "V4", "🖌️"]
BUTTONS = {
    "midjourney": GRID,
    "picpik": GRID,
    "jumdata": ["U1", "U2", "U3", "U4", "🔄"],
    "ngpu": GRID,
}
JOB_FAILURE_FAULTS = {"midjourney": "job_fails", "picpik": "task_fails", "jumdata": "task_fails", "ngpu": "task_fails"}
TEMPLATES = [
    re.compile(template)
    for template in (
        rendering.GRID_BUTTON_TEMPLATE,
        rendering.REROLL_BUTTON_TEMPLATE,
        rendering.VARY_BUTTON_TEMPLATE,
        rendering.REMIX_BUTTON_TEMPLATE,
    )
]
SPINNERS = ("⏳", "🎨", "…")


def picture(message: StoredMessage) -> Image.Image:
    assert len(message.attachments) == 1, [a.filename for a in message.attachments]
    image = Image.open(io.BytesIO(message.attachments[0].data))
    image.load()
    return image


def quadrant_colours(image: Image.Image) -> list[tuple[float, ...]]:
    half_w, half_h = image.width // 2, image.height // 2
    boxes = [(0, 0), (half_w, 0), (0, half_h), (half_w, half_h)]
    return [
        tuple(round(c) for c in ImageStat.Stat(image.convert("RGB").crop((x, y, x + half_w, y + half_h))).mean)
        for x, y in boxes
    ]


def assert_is_grid(message: StoredMessage) -> Image.Image:
    image = picture(message)
    assert image.width >= 64 and image.height >= 64
    # the emulators draw each image in its own colour: four different quadrants are four pictures
    assert len(set(quadrant_colours(image))) == 4, quadrant_colours(image)
    return image


def assert_finished_cleanly(message: StoredMessage) -> None:
    assert not message.loading
    assert not any(mark in message.content for mark in SPINNERS), message.content


async def settled(bot, owner_id: int, count: int) -> list[JobRecord]:
    """The owner's jobs once ``count`` of them are finished (the row is closed just after the final edit)."""
    deadline = asyncio.get_running_loop().time() + FINISH_TIMEOUT
    while True:
        records = await bot.store.jobs_for_owner(owner_id, 50)
        if sum(r.state.is_terminal for r in records) >= count:
            return records
        assert asyncio.get_running_loop().time() < deadline, [(r.id, r.state) for r in records]
        await asyncio.sleep(0.02)


def job_of(message: StoredMessage) -> int:
    """The job behind a finished grid, read back from its buttons' custom ids."""
    match = next(m for t in TEMPLATES if (m := t.fullmatch(message.custom_ids[0])) is not None)
    return int(match["job_id"])


# --- imagine ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("service", sorted(BUTTONS))
async def test_imagine_shows_progress_then_the_grid_and_the_buttons_the_service_supports(
    stack: Stack, bot, service: str
) -> None:
    interaction = await stack.imagine("a red fox in the snow --ar 1:1", provider=service)
    final = await stack.final(interaction)

    deferred = final.versions[0]
    assert deferred.via == "callback deferred"
    assert deferred.monotonic - interaction.created_monotonic < 1.0
    progress = [v for v in final.versions[1:-1] if not has_result(v)]
    assert any("⏳ Waiting to start" in v.content for v in progress)
    assert any("🎨 Drawing" in v.content for v in progress), [v.content for v in final.versions]
    if PROVIDERS[service].reports_percent:
        assert any(re.search(r"Drawing… \d+ %", v.content) for v in progress), [v.content for v in progress]

    assert "a red fox in the snow" in final.content and f"<@{stack.fake.member.id}>" in final.content
    assert_finished_cleanly(final)
    assert_is_grid(final)
    assert final.button_labels == BUTTONS[service]
    assert all(any(t.fullmatch(custom_id) for t in TEMPLATES) for custom_id in final.custom_ids)

    [record] = await settled(bot, stack.fake.member.id, 1)
    assert record.id == job_of(final)
    assert (record.kind, record.state, record.provider) == (JobKind.IMAGINE, LifecycleState.DELIVERED, service)
    assert record.message_id == final.id and record.interaction_token is None


async def test_progress_edits_are_throttled(stack: Stack) -> None:
    # polls come every ~0.15 s and each finds a new percentage; edits must still be 0.3 s apart
    front_end = stack.front_end.model_copy(update={"progress_edit_interval_seconds": 0.3})
    async with stack.running(stack.new_bot(front_end=front_end)):
        final = await stack.final(await stack.imagine("a lighthouse at dusk", provider="ngpu"))
    progress = [v for v in final.versions[1:] if not has_result(v)]
    assert len(progress) >= 2, [v.content for v in final.versions]
    gaps = [b.monotonic - a.monotonic for a, b in itertools.pairwise(progress)]
    assert all(gap >= 0.28 for gap in gaps), gaps


async def test_progress_edits_of_all_jobs_together_keep_to_the_bots_rate_and_finals_are_never_held(
    stack: Stack,
) -> None:
    # room for one progress edit now and hardly any after: the other jobs show no progress, yet all finish
    front_end = stack.front_end.model_copy(update={"progress_edits_per_second": 0.001})
    async with stack.running(stack.new_bot(front_end=front_end)):
        sent = [await stack.imagine(f"a lighthouse, take {n}", provider="ngpu") for n in range(3)]
        finals = [await stack.final(interaction) for interaction in sent]
    for final in finals:
        assert_is_grid(final)
    # the versions after "thinking…": the bot's own "queued" edit, any progress edits, then the grid
    progress = [v for final in finals for v in final.versions[2:] if not has_result(v)]
    assert len(progress) <= 1, [v.content for v in progress]


async def test_the_default_service_is_the_first_configured_one(stack: Stack, bot) -> None:
    final = await stack.final(await stack.imagine("a teapot"))
    assert "Picpik" in final.content
    assert picpik_requests(stack.emulators["picpik"], "GenerateImages")


async def test_the_command_offers_the_configured_services_and_their_styles(stack: Stack, bot) -> None:
    [command] = [c for c in stack.fake.commands() if c["name"] == "imagine"]
    options = {option["name"]: option for option in command["options"]}
    assert list(options) == ["prompt", "provider", "negative", "aspect", "seed", "model"]
    assert [c["value"] for c in options["provider"]["choices"]] == ["picpik", "midjourney", "jumdata", "ngpu"]

    styles = await stack.fake.autocomplete("imagine", {"prompt": "a cat", "provider": "jumdata", "model": ""}, "model")
    assert "古风" in [choice["value"] for choice in styles]
    typed = {"prompt": "a cat", "provider": "midjourney", "model": "NI"}
    assert [choice["value"] for choice in await stack.fake.autocomplete("imagine", typed, "model")] == ["niji"]


async def test_a_style_from_the_list_reaches_the_service(stack: Stack, bot) -> None:
    final = await stack.final(await stack.imagine("a pine forest", provider="jumdata", model="古风"))
    assert_is_grid(final)
    [submit] = jumdata_emulator.submits(stack.emulators["jumdata"])
    assert submit.fields["style"] == "古风"


# --- buttons ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["picpik", "jumdata"])
async def test_u2_answers_with_the_second_image_alone(stack: Stack, bot, service: str) -> None:
    grid_message = await stack.final(await stack.imagine("three pears on a plate", provider=service))
    grid = assert_is_grid(grid_message)
    job_id = job_of(grid_message)

    click = await stack.fake.click_button(grid_message, f"job:{job_id}:U2", user=stack.fake.member)
    upscaled = await stack.final(click)

    assert upscaled.id != grid_message.id and not upscaled.ephemeral
    assert "Image #2" in upscaled.content
    assert_finished_cleanly(upscaled)
    image = picture(upscaled)
    # the second cell of the grid, at its own size: same colour as the grid's top-right quadrant
    assert (image.width, image.height) == (grid.width // 2, grid.height // 2)
    top_right = quadrant_colours(grid)[1]
    whole = tuple(round(c) for c in ImageStat.Stat(image.convert("RGB")).mean)
    assert all(abs(a - b) <= 3 for a, b in zip(whole, top_right, strict=True)), (whole, top_right)
    # an upscaled image gets its own follow-ups (those its service can do), not the grid's U/V
    assert upscaled.button_labels == (["Vary", "Remix", "🔄"] if service == "picpik" else ["🔄"])
    await settled(bot, stack.fake.member.id, 2)
    child = (await bot.store.children(job_id))[0]
    assert (child.kind, child.grid_index, child.state) == (JobKind.UPSCALE, 2, LifecycleState.DELIVERED)


async def test_v3_on_a_midjourney_grid_gives_a_new_grid(stack: Stack, bot) -> None:
    grid_message = await stack.final(await stack.imagine("a castle on a hill", provider="midjourney"))
    job_id = job_of(grid_message)

    varied = await stack.final(await stack.fake.click_button(grid_message, f"job:{job_id}:V3", user=stack.fake.member))

    assert "Variations of image #3" in varied.content
    assert_finished_cleanly(varied)
    assert_is_grid(varied)
    assert varied.button_labels == GRID
    sent = [r["body"] for r in stack.emulators["midjourney"][midjourney_emulator.REQUESTS_KEY]
            if r["path"].endswith("/jobs/variation")]
    assert len(sent) == 1 and sent[0]["grid_num"] == 3
    await settled(bot, stack.fake.member.id, 2)
    child = (await bot.store.children(job_id))[0]
    assert (child.kind, child.grid_index, child.state) == (JobKind.VARIATION, 3, LifecycleState.DELIVERED)


async def test_reroll_draws_the_prompt_again(stack: Stack, bot) -> None:
    grid_message = await stack.final(await stack.imagine("a paper boat", provider="ngpu"))
    job_id = job_of(grid_message)
    tasks = stack.emulators["ngpu"][ngpu_emulator.STATE_KEY].tasks
    before = len(tasks)

    rerolled = await stack.final(await stack.fake.click_button(grid_message, f"job:{job_id}:reroll"))

    assert "Re-roll" in rerolled.content and "a paper boat" in rerolled.content
    assert_is_grid(rerolled)
    assert rerolled.button_labels == GRID
    assert len(tasks) == before + 1
    await settled(bot, stack.fake.member.id, 2)
    [child] = await bot.store.children(job_id)
    assert (child.kind, child.grid_index, child.state) == (JobKind.REROLL, None, LifecycleState.DELIVERED)


async def test_only_the_owner_may_press_the_buttons(stack: Stack, bot) -> None:
    grid_message = await stack.final(await stack.imagine("a quiet harbour", provider="picpik"))
    job_id = job_of(grid_message)

    click = await stack.fake.click_button(grid_message, f"job:{job_id}:U1", user=stack.fake.admin)
    answer = await stack.fake.wait_for_original(click)

    assert answer.ephemeral and "Only" in answer.content and f"<@{stack.fake.member.id}>" in answer.content
    assert await bot.store.children(job_id) == []


# --- refusals and failures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "prompt", "says"),
    [
        ("jumdata", "a very long prompt " * 6, "at most 100 characters"),
        ("picpik", "a cat --foo 3", "--foo"),
        ("midjourney", "a cat --seed lots", "--seed"),
    ],
)
async def test_bad_input_is_explained_privately_and_nothing_is_sent(
    stack: Stack, bot, service: str, prompt: str, says: str
) -> None:
    interaction = await stack.imagine(prompt, provider=service)
    answer = await stack.fake.wait_for_original(interaction)

    assert answer.ephemeral and not answer.loading
    assert says in answer.content and answer.content.startswith("⚠️")
    assert await bot.store.jobs_for_owner(stack.fake.member.id, 10) == []
    assert jumdata_emulator.submits(stack.emulators["jumdata"]) == []
    assert picpik_requests(stack.emulators["picpik"], "GenerateImages") == []
    assert not [r for r in stack.emulators["midjourney"][midjourney_emulator.REQUESTS_KEY] if "/jobs/" in r["path"]]


@pytest.mark.parametrize("service", sorted(JOB_FAILURE_FAULTS))
async def test_a_failed_job_ends_with_its_reason_and_no_spinner(stack: Stack, bot, service: str) -> None:
    stack.arm(service, JOB_FAILURE_FAULTS[service])
    final = await stack.final(await stack.imagine("a storm over the sea", provider=service))

    assert "❌" in final.content
    assert "could not finish the images" in final.content
    assert_finished_cleanly(final)
    assert final.attachments == () and final.button_labels == []
    [record] = await settled(bot, stack.fake.member.id, 1)
    assert (record.state, record.failure_kind) == (LifecycleState.FAILED, "job_failed")


@pytest.mark.parametrize(
    ("service", "fault", "kind", "says"),
    [
        ("picpik", "quota", "quota", "out of credit or over its quota"),
        ("jumdata", "moderation", "moderation", "refused the prompt or image on content grounds"),
        ("ngpu", "bad_workspace", "auth", "refused the keys"),
    ],
)
async def test_a_refused_submit_ends_with_a_specific_reason(
    stack: Stack, bot, service: str, fault: str, kind: str, says: str
) -> None:
    stack.arm(service, fault)
    final = await stack.final(await stack.imagine("a golden key", provider=service))

    assert says in final.content
    assert_finished_cleanly(final)
    [record] = await settled(bot, stack.fake.member.id, 1)
    assert (record.state, record.failure_kind) == (LifecycleState.FAILED, kind)


async def test_a_submit_that_may_have_gone_through_is_not_sent_again(stack: Stack, bot) -> None:
    stack.arm("jumdata", "hang")
    final = await stack.final(await stack.imagine("a silver spoon", provider="jumdata"))

    assert "It is not known whether Jumdata AI绘画 received this job" in final.content
    assert_finished_cleanly(final)
    assert len(jumdata_emulator.submits(stack.emulators["jumdata"])) == 1
    [record] = await settled(bot, stack.fake.member.id, 1)
    assert (record.state, record.failure_kind) == (LifecycleState.FAILED, "submit_unknown")


# --- Discord's 15 minutes, restarts -----------------------------------------------------------------------


async def test_after_the_token_expires_the_result_arrives_through_the_bot_token(stack: Stack, bot) -> None:
    interaction = await stack.imagine("an old clock tower", provider="picpik")
    await stack.fake.wait_for_original(interaction, lambda m: "Waiting" in m.content)
    stack.fake.expire_interaction(interaction)

    final = await stack.final(interaction)

    assert final.current.via == "bot edit"
    assert_is_grid(final)
    assert final.button_labels == GRID


async def test_a_restart_delivers_running_jobs_once_and_old_buttons_keep_working(stack: Stack) -> None:
    async with stack.running() as first:
        before = await stack.final(await stack.imagine("a windmill", provider="jumdata"))
        interrupted = await stack.imagine("a lantern in the fog", provider="midjourney")
        await stack.fake.wait_for_original(interrupted, lambda m: "Waiting" in m.content)
        await settled(first, stack.fake.member.id, 1)  # the windmill
        [running] = [r for r in await first.store.jobs_for_owner(stack.fake.member.id, 10) if r.state.is_open]
        while running.state is LifecycleState.PENDING:  # the row says "submitted" just after "Waiting" is shown
            await asyncio.sleep(0.01)
            running = await first.store.get(running.id)
    message = stack.fake.original_message(interrupted)
    assert message is not None and not is_final(message)

    async with stack.running() as second:
        final = await stack.final(interrupted)
        assert_is_grid(final)
        job_id = job_of(before)
        upscaled = await stack.final(await stack.fake.click_button(before, f"job:{job_id}:U2"))
        assert "Image #2" in upscaled.content
        picture(upscaled)
        records = await settled(second, stack.fake.member.id, 3)

    assert sum(1 for v in final.versions if has_result(v)) == 1, "the result was sent more than once"
    job_messages = [m for m in stack.fake.messages if "a lantern in the fog" in m.content]
    assert len(job_messages) == 1
    assert sorted(r.state for r in records) == [LifecycleState.DELIVERED] * 3


async def test_a_job_whose_service_is_gone_after_a_restart_says_so(stack: Stack) -> None:
    async with stack.running() as first:
        interaction = await stack.imagine("a red balloon", provider="ngpu")
        await stack.fake.wait_for_original(interaction, lambda m: "Waiting" in m.content)
        [job] = await first.store.jobs_for_owner(stack.fake.member.id, 1)
        while job.state is LifecycleState.PENDING:
            await asyncio.sleep(0.01)
            job = await first.store.get(job.id)

    async with stack.running(stack.new_bot(services={"picpik": PROVIDERS["picpik"]})) as second:
        final = await stack.final(interaction)
        [record] = await settled(second, stack.fake.member.id, 1)

    assert "❌ NGPU is not set up on this bot any more." in final.content
    assert_finished_cleanly(final)
    assert (record.state, record.failure_kind) == (LifecycleState.FAILED, rendering.NOT_CONFIGURED)
    [imagine] = [c for c in stack.fake.commands() if c["name"] == "imagine"]
    provider = next(o for o in imagine["options"] if o["name"] == "provider")
    assert [c["value"] for c in provider["choices"]] == ["picpik"]
