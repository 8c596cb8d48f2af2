"""Untrusted input end to end: an image link on a private address is refused without being fetched, and garbage
from a service (wrong types, missing fields, a huge reply, a decompression bomb) fails that job alone with a clear
reason while the other jobs are still delivered."""

from __future__ import annotations

import asyncio

import pytest

from bot.i18n import t
from providers.core.url_policy import FetchSettings
from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_blend import COLOURS, png
from tests.bot.e2e.test_failure_kinds import bot_with_service_settings
from tests.bot.e2e.test_imagine import assert_finished_cleanly, settled
from tests.emulators.ngpu import STATE_KEY as NGPU_STATE

REFUSED = {
    "en-US": "private or local network address",
    "zh-CN": t("validation.address_not_allowed", "zh-CN"),
}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
async def test_an_image_on_a_private_address_is_refused_before_anything_is_sent(stack: Stack, locale: str) -> None:
    # this bot keeps the default policy: the fake Discord's attachment links are on loopback
    strict = bot_with_service_settings(stack, "ngpu", fetch=FetchSettings(_env_file=None, allowed_networks=""))
    tasks_before = len(_ngpu_tasks(stack))
    async with stack.running(strict):
        interaction = await stack.fake.send_slash_command(
            "describe", {"image": png("cat.png", COLOURS[1]), "provider": "ngpu"}, user=stack.fake.member,
            locale=locale,
        )
        final = await stack.final(interaction)
        [record] = await settled(strict, stack.fake.member.id, 1)
    assert "❌" in final.content and REFUSED[locale] in final.content
    assert_finished_cleanly(final)
    assert (record.state, record.failure_kind) == (LifecycleState.FAILED, "invalid_input")
    assert len(_ngpu_tasks(stack)) == tasks_before  # nothing reached the service


def _ngpu_tasks(stack: Stack) -> dict:
    return stack.emulators["ngpu"][NGPU_STATE].tasks


async def _two_ngpu_jobs(stack: Stack, bot, fault: str) -> tuple:
    """A job armed with ``fault`` and a well-formed one beside it, both followed to their final message."""
    stack.arm("ngpu", fault)
    tasks_before = len(_ngpu_tasks(stack))
    broken = await stack.imagine("a broken lantern", provider="ngpu")
    await stack.wait(lambda: len(_ngpu_tasks(stack)) == tasks_before + 1, "the armed job submitted")
    healthy = await stack.imagine("a whole lantern", provider="ngpu")
    finals = await asyncio.gather(stack.final(broken), stack.final(healthy))
    records = sorted(await settled(bot, stack.fake.member.id, 2), key=lambda r: r.id)
    return finals, records


@pytest.mark.parametrize("fault", ["wrong_types", "missing_fields", "huge_reply"])
async def test_garbage_from_a_service_fails_that_job_only(stack: Stack, bot, fault: str) -> None:
    (broken, healthy), (failed, delivered) = await _two_ngpu_jobs(stack, bot, fault)

    assert not broken.attachments
    assert_finished_cleanly(broken)
    assert "❌ NGPU answered something the bot could not understand." in broken.content
    assert (failed.state, failed.failure_kind) == (LifecycleState.FAILED, "decode")
    assert healthy.attachments and "❌" not in healthy.content
    assert delivered.state is LifecycleState.DELIVERED


async def test_a_decompression_bomb_fails_its_job_without_being_decoded(stack: Stack, bot) -> None:
    (bomb, healthy), (failed, delivered) = await _two_ngpu_jobs(stack, bot, "decompression_bomb")

    # the size is read from the header and refused before any pixel is decoded (8000×8000 would need ~190 MB)
    assert "❌" in bomb.content and "8000×8000" in bomb.content and "40 megapixels" in bomb.content
    assert not bomb.attachments
    assert_finished_cleanly(bomb)
    assert (failed.state, failed.failure_kind) == (LifecycleState.FAILED, "undeliverable")
    assert healthy.attachments and delivered.state is LifecycleState.DELIVERED
