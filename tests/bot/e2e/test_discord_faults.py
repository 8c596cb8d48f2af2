"""Discord misbehaving while jobs run: rate-limited edits, small and refused uploads, a dropped gateway, and
the services' preview images reaching the progress messages. The whole bot on loopback (see conftest)."""

from __future__ import annotations

import asyncio
import io
import json
import os

import aiohttp
from PIL import Image

from bot.app import GridBot
from bot.poller import PREVIEW_SIDE
from storage.jobs import JobRecord
from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import FINISH_TIMEOUT, PREVIEW_PREFIX, Stack, has_result
from tests.bot.e2e.test_imagine import assert_is_grid, job_of, settled
from tests.fake_discord import StoredMessage
from tests.fake_discord.state import RequestRecord

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG"


def versions_with_files(message: StoredMessage) -> int:
    """How many times the message got its result: a job delivered once has exactly one such version (a progress
    preview, attached while the job runs, is no result)."""
    return sum(has_result(version) for version in message.versions)


def the_file(message: StoredMessage) -> bytes:
    (attachment,) = message.attachments
    return attachment.data


async def delivered(bot: GridBot, message: StoredMessage) -> JobRecord:
    """The job behind ``message`` once its row is closed (that happens just after Discord confirms the edit)."""
    deadline = asyncio.get_running_loop().time() + FINISH_TIMEOUT
    while (record := await bot.store.get(job_of(message))).state.is_open:
        assert asyncio.get_running_loop().time() < deadline, record
        await asyncio.sleep(0.02)
    assert record.state is LifecycleState.DELIVERED and record.delivered_at is not None
    assert record.message_id == message.id
    return record


def edits_of(stack: Stack, message: StoredMessage) -> list[RequestRecord]:
    """Every PATCH of ``message`` (by its id or as ``@original``), in order."""
    ends = (f"/messages/{message.id}", "/messages/@original")
    return [r for r in stack.fake.state.requests if r.method == "PATCH" and r.route.endswith(ends)]


async def test_rate_limited_edits_wait_for_retry_after_and_the_grid_arrives_once(stack: Stack, bot: GridBot) -> None:
    retry_after = 0.25
    stack.fake.faults.rate_limit_edits(every=2, times=None, retry_after=retry_after)  # every other edit
    final = await stack.final(await stack.imagine("a heron in the reeds", provider="ngpu"))

    assert_is_grid(final)
    assert versions_with_files(final) == 1
    await delivered(bot, final)
    edits = edits_of(stack, final)
    limited = [n for n, request in enumerate(edits) if request.status == 429]
    assert limited, [r.status for r in edits]
    for n in limited:
        # discord.py waited for Retry-After (the body's exact value) before sending the same edit again
        waited = (edits[n + 1].at - edits[n].at).total_seconds()
        assert waited >= retry_after - 0.005, (n, waited)
    assert edits[-1].status == 200


async def test_a_small_upload_limit_gets_a_jpeg_within_it_and_is_stored_per_job(stack: Stack, bot: GridBot) -> None:
    limit = 20_000  # the emulators' grids are ~30 kB as PNG
    stack.fake.faults.upload_limit = limit
    final = await stack.final(await stack.imagine("a quiet harbour", provider="picpik"))

    data = the_file(final)
    assert data.startswith(JPEG_MAGIC) and len(data) <= limit, len(data)
    assert final.attachments[0].filename.endswith(".jpg")
    assert_is_grid(final)
    record = await delivered(bot, final)
    assert record.upload_limit == limit

    # a button's interaction brings its own limit, and the follow-up is held to it
    stack.fake.faults.upload_limit = limit // 2
    click = await stack.fake.click_button(final, final.custom_ids[0])  # U1
    upscale = await stack.final(click)
    assert len(the_file(upscale)) <= limit // 2
    [child] = await bot.store.children(record.id)
    assert child.upload_limit == limit // 2


async def test_a_refused_file_is_made_smaller_and_delivered_once(stack: Stack, bot: GridBot) -> None:
    accepted = 25_000  # below the ~30 kB PNG the advertised 10 MiB allows
    stack.fake.faults.accepted_upload_limit = accepted
    interaction = await stack.imagine("a lantern in the fog", provider="picpik")
    final = await stack.final(interaction)

    refused = [r for r in edits_of(stack, final) if r.status == 413]
    assert refused, "the first file should have been refused"
    assert interaction.payload["attachment_size_limit"] == 10 * 1024 * 1024
    data = the_file(final)
    assert data.startswith(JPEG_MAGIC) and len(data) <= accepted, len(data)
    assert_is_grid(final)
    assert versions_with_files(final) == 1
    record = await delivered(bot, final)
    assert record.poll_errors == 0  # made smaller within the same delivery, not by a retry later


async def test_a_dropped_gateway_loses_neither_the_running_job_nor_a_command_sent_meanwhile(
    stack: Stack, bot: GridBot
) -> None:
    fake = stack.fake
    running = await stack.imagine("a slow glacier", provider="ngpu")
    await fake.wait_for_original(running, lambda m: "🎨" in m.content, timeout=5)
    async with fake.gateway_outage() as cut:
        assert cut == 1
        during = await stack.imagine("a meteor shower", provider="midjourney")
        await asyncio.sleep(0.2)
        assert not fake.gateway.connected() and fake.original_message(during) is None

    first, second = await stack.final(running), await stack.final(during)
    for message in (first, second):
        assert_is_grid(message)
        assert versions_with_files(message) == 1
        await delivered(bot, message)
    assert "a meteor shower" in second.content
    assert len(await settled(bot, fake.member.id, 2)) == 2
    assert fake.gateway.identify_count == 1 and fake.gateway.resume_count == 1
    (resumed,) = [c for c in fake.gateway.connections if c.resumed]
    assert "INTERACTION_CREATE" in resumed.replayed


async def test_progress_shows_the_percentage_with_the_services_preview_image(stack: Stack, bot: GridBot) -> None:
    final = await stack.final(await stack.imagine("a koi pond from above", provider="midjourney"))

    previews = [v for v in final.versions if v.embeds and v.attachments and not v.components]
    assert previews, [(v.content, v.embeds) for v in final.versions]
    assert any("%" in v.content for v in previews), [v.content for v in previews]
    # the preview is a file attached to the message, shown through Discord's own link: never the service's address
    [attached] = previews[-1].attachments
    assert attached.filename.startswith(PREVIEW_PREFIX)
    url = previews[-1].embeds[0]["image"]["url"]
    assert url == attached.url and url.startswith(stack.fake.base_url)
    service = os.environ["MIDJOURNEY_BASE_URL"]  # where the emulator's own preview links point
    assert not [v.embeds for v in final.versions if service in json.dumps(v.embeds)]
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        preview = Image.open(io.BytesIO(await response.read()))
        assert 0 < max(preview.size) <= PREVIEW_SIDE
    assert final.embeds == []  # the final grid replaces the preview
    assert [a.filename for a in final.attachments] == [f"grid_{job_of(final)}.png"]
    assert the_file(final).startswith(PNG_MAGIC)
