"""Every way a job can fail ends its message with a specific reason and no spinner: a service that is down,
one that keeps failing, one that never finishes — in the member's language."""

from __future__ import annotations

import socket

import pytest

from bot.app import GridBot
from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_imagine import assert_finished_cleanly, settled


def bot_with_service_settings(stack: Stack, service: str, **changes: object) -> GridBot:
    settings = stack.settings.model_copy(deep=True)
    settings.services[service] = settings.services[service].model_copy(update=changes)
    bot = GridBot(settings, front_end=stack.front_end)
    stack.bots.append(bot)
    return bot


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_a_service_that_cannot_be_reached_is_named(stack: Stack) -> None:
    dead = bot_with_service_settings(stack, "ngpu", base_url=f"http://127.0.0.1:{closed_port()}")
    async with stack.running(dead):
        final = await stack.final(await stack.imagine("a quiet lake", provider="ngpu"))
        [record] = await settled(dead, stack.fake.member.id, 1)
    assert "❌ NGPU could not be reached. Try again later." in final.content
    assert_finished_cleanly(final)
    assert record.state is LifecycleState.FAILED


async def test_a_service_that_keeps_failing_says_it_had_a_problem(stack: Stack, bot) -> None:
    stack.arm("jumdata", "server_error", times=None)
    final = await stack.final(await stack.imagine("a paper lantern", provider="jumdata"))
    [record] = await settled(bot, stack.fake.member.id, 1)
    # a 5xx answer is a refusal (the job was not taken), so it is reported as such, not as "unknown"
    assert "❌ Jumdata AI绘画 had a problem on its side. Try again later." in final.content
    assert_finished_cleanly(final)
    assert (record.state, record.failure_kind) == (LifecycleState.FAILED, "server")


@pytest.mark.parametrize(("locale", "says"), [("en-US", "❌ Picpik did not finish in time."),
                                              ("zh-CN", "❌ Picpik 未能按时完成。")])
async def test_a_job_that_never_finishes_times_out_with_a_clear_message(stack: Stack, locale: str, says: str) -> None:
    impatient = bot_with_service_settings(stack, "picpik", job_timeout_seconds=0.2)
    async with stack.running(impatient):
        interaction = await stack.fake.send_slash_command(
            "imagine", {"prompt": "a slow sunrise", "provider": "picpik"}, user=stack.fake.member, locale=locale
        )
        final = await stack.final(interaction)
        [record] = await settled(impatient, stack.fake.member.id, 1)
    assert says in final.content
    assert_finished_cleanly(final)
    assert (record.state, record.failure_kind) == (LifecycleState.FAILED, "timeout")
