"""Members' images end to end: each is fetched and decoded before any service is asked (a text file named .png, a
decompression bomb and a truncated PNG are refused privately, in the member's language, with no emulator receiving
anything), and a job that waits in its server's queue is still delivered after Discord's links to its images
expired: its links are refreshed, and its checked bytes were held."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import time

import aiohttp
import pytest
from PIL import Image

from bot.app import GridBot
from providers.core.models import JobKind
from storage.jobs import JobRecord
from storage.lifecycle import LifecycleState
from storage.settings import ServerSettings
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_blend import COLOURS, mj_job_requests, png
from tests.bot.e2e.test_imagine import assert_finished_cleanly, assert_is_grid, settled
from tests.emulators import jumdata, midjourney, ngpu, picpik
from tests.fake_discord import InteractionRecord, StoredMessage, Upload

S = LifecycleState
DAY = 86_400.0


def not_a_picture() -> Upload:
    return Upload("cat.png", b"this is not a picture at all, only words. " * 20, "image/png")


def bomb() -> Upload:
    """Made by Pillow: 8000 × 8000 pixels (64 megapixels, past the bot's 40, below Pillow's own guard) in a few
    kilobytes."""
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")
    return Upload("bomb.png", buffer.getvalue(), "image/png")


def truncated() -> Upload:
    """A photo-like PNG cut off in the middle of its pixel data (its header, and so its size, still read)."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3)).save(buffer, format="PNG")
    data = buffer.getvalue()
    return Upload("half.png", data[: len(data) * 6 // 10], "image/png")


BAD = {"text": not_a_picture, "bomb": bomb, "truncated": truncated}
SAYS = {
    "text": "“cat.png” is not an image the bot can read",
    "bomb": "“bomb.png” is 8000×8000 pixels; images of up to 40 megapixels are accepted.",
    "truncated": "“half.png” is not an image the bot can read",
}


def options_with(command: str, image: Upload) -> dict[str, object]:
    if command == "blend":
        return {"image1": png("fine.png", COLOURS[0]), "image2": image}
    if command == "talk":
        return {"image": image, "text": "Hello there."}
    return {"image": image}


def service_requests(stack: Stack) -> int:
    """Every request any emulator received (logins included)."""
    keys = (picpik.REQUESTS_KEY, midjourney.REQUESTS_KEY, jumdata.REQUESTS_KEY, ngpu.REQUESTS_KEY)
    names = ("picpik", "midjourney", "jumdata", "ngpu")
    return sum(len(stack.emulators[name][key]) for name, key in zip(names, keys, strict=True))


async def command(stack: Stack, name: str, options: dict, locale: str = "en-US") -> InteractionRecord:
    return await stack.fake.send_slash_command(name, options, user=stack.fake.member, locale=locale)


@pytest.mark.parametrize("bad", list(BAD))
@pytest.mark.parametrize("name", ["describe", "blend", "talk"])
async def test_a_bad_image_is_refused_privately_before_any_service_is_asked(
    stack: Stack, bot: GridBot, name: str, bad: str
) -> None:
    before = service_requests(stack)
    answer = await stack.fake.wait_for_original(await command(stack, name, options_with(name, BAD[bad]())))

    assert answer.ephemeral and answer.content.startswith(f"⚠️ {SAYS[bad]}"), answer.content
    assert await bot.store.jobs_for_owner(stack.fake.member.id, 10) == []
    assert service_requests(stack) == before


@pytest.mark.parametrize("service", ["midjourney", "ngpu"])
async def test_services_that_take_links_are_protected_too(stack: Stack, bot: GridBot, service: str) -> None:
    before = service_requests(stack)
    answer = await stack.fake.wait_for_original(
        await command(stack, "describe", {"image": bomb(), "provider": service}, locale="zh-CN")
    )

    assert answer.ephemeral
    assert answer.content == "⚠️ “bomb.png”有 8000×8000 像素；图片最多 40 百万像素。"
    assert service_requests(stack) == before


async def test_a_check_that_outlasts_the_first_answer_fails_the_job_and_sends_nothing(
    stack: Stack, bot: GridBot
) -> None:
    bot.member_images.answer_budget = 0  # as if the download were slow: the command answers before the check ends
    before = service_requests(stack)
    interaction = await command(stack, "describe", {"image": not_a_picture(), "provider": "picpik"})
    final = await stack.final(interaction)

    assert_finished_cleanly(final)
    assert final.content.splitlines()[1:] == [
        "❌ The bot did not send this job to Picpik: an attached image cannot be used.",
        f"> {SAYS['text']}: attach a complete PNG, JPEG, WebP or GIF file (this one is something else, or damaged).",
    ]
    [record] = await settled(bot, stack.fake.member.id, 1)
    assert (record.state, record.failure_kind) == (S.FAILED, "image_refused")
    assert service_requests(stack) == before


async def test_a_good_image_reaches_the_service_as_the_bytes_that_were_checked(stack: Stack, bot: GridBot) -> None:
    photo = png("cat.png", COLOURS[2], (80, 60))
    await stack.fake.wait_for_original(
        await command(stack, "describe", {"image": photo, "provider": "picpik"}), lambda m: bool(m.embeds)
    )
    [sent] = picpik.requests_for(stack.emulators["picpik"], "DescribeImages")
    assert json.dumps(sent).count(_b64(photo.data)) == 1


# --- a job that waits ---------------------------------------------------------------------------------------


async def hold_the_line(stack: Stack, bot: GridBot) -> JobRecord:
    """A job of the member's that counts as running and that no service is asked about: with one running job
    allowed, the member's next job waits until the test ends this one (``end_the_line``)."""
    await bot.settings_store.save_server(stack.fake.guild.id, ServerSettings(max_running_per_member=1))
    return await bot.store.create(
        kind=JobKind.IMAGINE,
        provider="ngpu",
        owner_id=stack.fake.member.id,
        guild_id=stack.fake.guild.id,
        channel_id=stack.fake.channel.id,
        next_poll_at=time.time() + 3600,
    )


async def end_the_line(bot: GridBot, blocker: JobRecord) -> None:
    await bot.store.mark_failed(blocker.id, "test", "ended by the test", next_poll_at=time.time(), expected=S.PENDING)


async def waiting_job(stack: Stack, bot: GridBot, interaction: InteractionRecord) -> JobRecord:
    """The job of ``interaction`` once it waits in line with its place shown (and nothing sent)."""
    found: list[JobRecord] = []

    async def waits() -> bool:
        jobs = await bot.store.jobs_for_owner(stack.fake.member.id, 5)
        found[:] = [r for r in jobs if r.state is S.WAITING and r.message_id is not None]
        return bool(found)

    deadline = time.monotonic() + 5
    while not await waits():
        assert time.monotonic() < deadline, "the job never waited in line"
        await asyncio.sleep(0.02)
    shown = await stack.fake.wait_for_original(interaction)
    assert not shown.loading and not shown.ephemeral and "⏳" in shown.content
    return found[0]


def links_of(interaction: InteractionRecord) -> list[str]:
    attached = interaction.payload["data"]["resolved"]["attachments"]
    return [attached[o["value"]]["url"] for o in interaction.payload["data"]["options"] if o["value"] in attached]


async def status_of(link: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(link) as response:
        return response.status


async def a_day_later(stack: Stack, links: list[str]) -> None:
    stack.fake.state.cdn.clock_offset = 2 * DAY
    assert [await status_of(link) for link in links] == [404] * len(links)  # Discord's links have expired


async def delivered(stack: Stack, bot: GridBot, interaction: InteractionRecord, check: object) -> StoredMessage:
    message = await stack.fake.wait_for_original(interaction, check)  # type: ignore[arg-type]
    await settled(bot, stack.fake.member.id, 2)
    return message


async def test_a_waiting_blend_whose_links_expired_is_delivered_through_refreshed_links(
    stack: Stack, bot: GridBot
) -> None:
    blocker = await hold_the_line(stack, bot)
    two = {"image1": png("a.png", COLOURS[0]), "image2": png("b.png", COLOURS[1])}
    interaction = await command(stack, "blend", two)
    record = await waiting_job(stack, bot, interaction)
    assert len(await bot.member_images.held.held(record.id)) == 2  # the checked bytes, kept while it waits
    originals = links_of(interaction)
    await a_day_later(stack, originals)

    await end_the_line(bot, blocker)
    final = await stack.final(interaction)

    assert_is_grid(final)
    assert stack.fake.state.cdn.refreshed == [originals]
    [sent] = [r["body"]["content"] for r in mj_job_requests(stack) if r["path"].endswith("/jobs/blend")]
    links = sent.split(" --")[0].split()
    assert len(links) == 2 and not set(links) & set(originals)
    assert [await status_of(link) for link in links] == [200, 200]
    assert (await bot.store.get(record.id)).state is S.DELIVERED
    assert await bot.member_images.held.held(record.id) == []  # gone once sent


async def test_a_waiting_describe_is_sent_the_held_bytes_when_discord_will_not_refresh(
    stack: Stack, bot: GridBot
) -> None:
    blocker = await hold_the_line(stack, bot)
    photo = png("cat.png", COLOURS[3], (72, 48))
    interaction = await command(stack, "describe", {"image": photo, "provider": "picpik"})
    record = await waiting_job(stack, bot, interaction)
    await a_day_later(stack, links_of(interaction))
    stack.fake.state.cdn.refuse_refresh = True

    await end_the_line(bot, blocker)
    answer = await delivered(stack, bot, interaction, lambda m: bool(m.embeds))

    assert answer.embeds[0]["description"]
    [sent] = picpik.requests_for(stack.emulators["picpik"], "DescribeImages")
    assert json.dumps(sent).count(_b64(photo.data)) == 1
    assert (await bot.store.get(record.id)).state is S.DELIVERED
    assert await bot.member_images.held.held_bytes() == 0


async def test_a_talk_over_the_limit_waits_then_is_delivered(stack: Stack, bot: GridBot) -> None:
    blocker = await hold_the_line(stack, bot)
    interaction = await command(stack, "talk", {"image": png("face.png", COLOURS[4]), "text": "Good morning."})
    record = await waiting_job(stack, bot, interaction)
    assert record.kind is JobKind.TALK
    originals = links_of(interaction)
    await a_day_later(stack, originals)

    await end_the_line(bot, blocker)
    message = await delivered(stack, bot, interaction, lambda m: bool(m.attachments))

    [video] = message.attachments
    assert video.data == ngpu.FAKE_MP4
    [sent] = [
        r for r in stack.emulators["ngpu"][ngpu.REQUESTS_KEY] if r.query.get("paramUrl") == "sadTalker" and r.taken
    ]
    photo_link = sent.inner_data()["image_url"]
    assert photo_link not in originals and await status_of(photo_link) == 200
    assert (await bot.store.get(record.id)).state is S.DELIVERED


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
