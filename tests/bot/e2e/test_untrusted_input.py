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


async def _jobs_around(stack: Stack, bot, service: str, fault: str) -> tuple:
    """A well-formed job, then one armed with ``fault`` while the first is still running, then another well-formed
    one at once: a service that answers for many jobs per call is asked about the three together. All three are
    followed to their final message; returns (messages, rows), each in that order."""
    before = _submitted(stack, service)
    early = await stack.imagine("an early lantern", provider=service)
    await stack.wait(lambda: _submitted(stack, service) == before + 1, "the early job submitted")
    stack.arm(service, fault)
    broken = await stack.imagine("a broken lantern", provider=service)
    await stack.wait(lambda: _submitted(stack, service) == before + 2, "the armed job submitted")
    healthy = await stack.imagine("a whole lantern", provider=service)
    finals = await asyncio.gather(stack.final(early), stack.final(broken), stack.final(healthy))
    records = sorted(await settled(bot, stack.fake.member.id, 3), key=lambda r: r.id)
    return finals, records


def _asked_with_others(stack: Stack, service: str, fault: str) -> bool:
    """Whether the broken job was asked about in one call together with another job (Picpik's ListTasksDetails;
    every page of the Midjourney-style API's /jobs/find lists the account's jobs together anyway)."""
    if service != "picpik":
        return True
    tasks = stack.emulators[service][picpik.STATE_KEY].tasks
    (broken,) = [uid for uid, task in tasks.items() if task.garbage == fault]
    calls = picpik.requests_for(stack.emulators[service], "ListTasksDetails")
    return any(broken in call["TaskUIDList"] and len(call["TaskUIDList"]) > 1 for call in calls)


async def _two_ngpu_jobs(stack: Stack, bot, fault: str) -> tuple:
    (_, *finals), (_, *records) = await _jobs_around(stack, bot, "ngpu", fault)
    return finals, records


GARBAGE = [
    pytest.param(service, fault, id=f"{service}-{fault}")
    for service in ("picpik", "midjourney", "jumdata", "ngpu")
    for fault in ("wrong_types", "missing_fields", "huge_reply")
]


@pytest.mark.parametrize(("service", "fault"), GARBAGE)
async def test_garbage_from_a_service_fails_that_job_only(stack: Stack, bot, service: str, fault: str) -> None:
    # a service that answers for many jobs per call is asked about the broken one together with healthy ones: a
    # reply that cannot be read as a whole (over the size cap) is narrowed down until only the broken job's is
    (early, broken, healthy), (first, failed, delivered) = await _jobs_around(stack, bot, service, fault)

    assert not broken.attachments
    assert_finished_cleanly(broken)
    name = PROVIDERS[service].display_name
    assert f"❌ {name} answered something the bot could not understand." in broken.content, broken.content
    if fault == "huge_reply":
        assert "larger than" in broken.content, broken.content  # the reason, not only that it failed
    assert (failed.state, failed.failure_kind) == (LifecycleState.FAILED, "decode")
    for message, record in ((early, first), (healthy, delivered)):
        assert message.attachments and "❌" not in message.content, message.content
        assert record.state is LifecycleState.DELIVERED
    assert _asked_with_others(stack, service, fault)


async def test_a_decompression_bomb_fails_its_job_without_being_decoded(stack: Stack, bot) -> None:
    (bomb, healthy), (failed, delivered) = await _two_ngpu_jobs(stack, bot, "decompression_bomb")

    # the size is read from the header and refused before any pixel is decoded (8000×8000 would need ~190 MB)
    assert "❌" in bomb.content and "8000×8000" in bomb.content and "40 megapixels" in bomb.content
    assert not bomb.attachments
    assert_finished_cleanly(bomb)
    assert (failed.state, failed.failure_kind) == (LifecycleState.FAILED, "undeliverable")
    assert healthy.attachments and delivered.state is LifecycleState.DELIVERED
