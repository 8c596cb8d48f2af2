"""Untrusted input end to end: an image link on a private address is refused without being fetched, and garbage
from any of the four services (wrong types, missing fields, a huge reply, a decompression bomb) fails that job
alone with a clear reason while the bot goes on delivering the other jobs."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import GridBot
from providers.core.url_policy import FetchSettings
from providers.registry import PROVIDERS
from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_blend import COLOURS, png
from tests.bot.e2e.test_imagine import assert_finished_cleanly, settled
from tests.emulators import jumdata, midjourney, picpik
from tests.emulators.ngpu import STATE_KEY as NGPU_STATE

REFUSED = {
    "en-US": "⚠️ “cat.png” is on a private or local network address; the bot only fetches images from public addresses.",
    "zh-CN": "⚠️ “cat.png”位于私有或本地网络地址；机器人只从公网地址获取图片。",
}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
async def test_an_image_on_a_private_address_is_refused_before_anything_is_sent(stack: Stack, locale: str) -> None:
    # this bot keeps the default policy: the fake Discord's attachment links are on loopback
    settings = stack.settings.model_copy(update={"fetch": FetchSettings(_env_file=None, allowed_networks="")})
    strict = GridBot(settings, front_end=stack.front_end)
    stack.bots.append(strict)
    tasks_before = len(_ngpu_tasks(stack))
    async with stack.running(strict):
        interaction = await stack.fake.send_slash_command(
            "describe", {"image": png("cat.png", COLOURS[1]), "provider": "ngpu"}, user=stack.fake.member,
            locale=locale,
        )
        answer = await stack.fake.wait_for_original(interaction)
        assert await strict.store.jobs_for_owner(stack.fake.member.id, 5) == []
    assert answer.ephemeral and answer.content == REFUSED[locale]
    assert len(_ngpu_tasks(stack)) == tasks_before  # nothing reached the service


def _ngpu_tasks(stack: Stack) -> dict:
    return stack.emulators["ngpu"][NGPU_STATE].tasks


def _submitted(stack: Stack, service: str) -> int:
    """How many jobs ``service``'s emulator has been given."""
    emulator = stack.emulators[service]
    if service == "picpik":
        return len(emulator[picpik.STATE_KEY].tasks)
    if service == "midjourney":
        return len(emulator[midjourney.STATE_KEY].jobs)
    if service == "jumdata":
        return len(emulator[jumdata.TASKS_KEY])
    return len(_ngpu_tasks(stack))


async def _two_jobs(stack: Stack, bot, service: str, fault: str, *, in_turn: bool = False) -> tuple:
    """A job armed with ``fault`` and a well-formed one beside it (or after it, ``in_turn``), both followed to their
    final message."""
    stack.arm(service, fault)
    before = _submitted(stack, service)
    broken = await stack.imagine("a broken lantern", provider=service)
    await stack.wait(lambda: _submitted(stack, service) == before + 1, "the armed job submitted")
    if in_turn:
        await stack.final(broken)
        if service == "midjourney":  # every page of recent jobs lists the broken one: the service comes right again
            for job in stack.emulators[service][midjourney.STATE_KEY].jobs:
                job.garbage = None
    healthy = await stack.imagine("a whole lantern", provider=service)
    finals = await asyncio.gather(stack.final(broken), stack.final(healthy))
    records = sorted(await settled(bot, stack.fake.member.id, 2), key=lambda r: r.id)
    return finals, records


async def _two_ngpu_jobs(stack: Stack, bot, fault: str) -> tuple:
    return await _two_jobs(stack, bot, "ngpu", fault)


GARBAGE = [
    pytest.param(service, fault, id=f"{service}-{fault}")
    for service in ("picpik", "midjourney", "jumdata", "ngpu")
    for fault in ("wrong_types", "missing_fields", "huge_reply")
]


@pytest.mark.parametrize(("service", "fault"), GARBAGE)
async def test_garbage_from_a_service_fails_that_job_only(stack: Stack, bot, service: str, fault: str) -> None:
    # a huge reply from a service that answers for many jobs at once is unreadable for all of them: the next job
    # is sent once that one has failed
    in_turn = fault == "huge_reply" and PROVIDERS[service].answers_many_per_call
    (broken, healthy), (failed, delivered) = await _two_jobs(stack, bot, service, fault, in_turn=in_turn)

    assert not broken.attachments
    assert_finished_cleanly(broken)
    name = PROVIDERS[service].display_name
    assert f"❌ {name} answered something the bot could not understand." in broken.content, broken.content
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
