"""The queue end to end: over a server's limits a job waits with its place in line shown, and is delivered once
its turn comes, across a restart too; a full queue refuses privately. Real discord.py, the fake Discord, the
service emulators (0.6 s jobs) and a SQLite file."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest

from bot.app import GridBot
from bot.credentials import guild_ref
from storage.keys import KeyScope
from storage.lifecycle import LifecycleState
from storage.settings import ServerSettings
from tests.bot.e2e.conftest import Stack, has_result, is_final
from tests.bot.e2e.test_imagine import assert_is_grid, job_of, settled
from tests.emulators.picpik import TEST_PRIVATE_KEY, TEST_PUBLIC_KEY
from tests.emulators.picpik import requests_for as picpik_requests
from tests.fake_discord import StoredMessage

S = LifecycleState


async def set_limits(stack: Stack, bot: GridBot, **limits: object) -> None:
    await bot.settings_store.save_server(stack.fake.guild.id, ServerSettings.model_validate(limits))


async def until_state(stack: Stack, bot: GridBot, job_id: int, *states: LifecycleState) -> None:
    async def reached() -> bool:
        return (await bot.store.get(job_id)).state in states

    deadline = asyncio.get_running_loop().time() + 10
    while not await reached():
        assert asyncio.get_running_loop().time() < deadline, f"job {job_id} never reached {states}"
        await asyncio.sleep(0.01)


def generations(stack: Stack) -> int:
    return len(picpik_requests(stack.emulators["picpik"], "GenerateImages"))


def place(message: StoredMessage) -> int | None:
    """How many jobs waiting for the same thing go before this one, as its message says (None: not waiting)."""
    found = re.search(r"^⏳ Waiting .*: (\d+)\.$", message.content, re.MULTILINE)
    return None if found is None else int(found[1])


def waiting(ahead: int) -> object:
    return lambda message: place(message) == ahead


def delivered_once(message: StoredMessage) -> None:
    assert sum(1 for version in message.versions if has_result(version)) == 1, "the result was sent more than once"


async def test_a_second_job_over_the_member_limit_waits_with_its_position_then_is_delivered(
    stack: Stack, bot: GridBot
) -> None:
    await set_limits(stack, bot, max_running_per_member=1)
    first = await stack.imagine("a red kite", provider="picpik")
    second = await stack.imagine("a blue kite", provider="picpik")

    shown = await stack.fake.wait_for_original(second, waiting(0))
    assert not shown.ephemeral and not shown.loading
    assert "**a blue kite**" in shown.content and f"<@{stack.fake.member.id}>" in shown.content
    assert "you have 1 running here, at most 1 at once" in shown.content
    assert "your jobs waiting ahead of it: 0." in shown.content

    first_final, second_final = await stack.final(first), await stack.final(second)
    assert_is_grid(second_final)
    delivered_once(second_final)
    assert second_final.versions[0].content == shown.versions[0].content  # the message that waited got the grid
    records = {r.id: r for r in await settled(bot, stack.fake.member.id, 2)}
    a, b = records[job_of(first_final)], records[job_of(second_final)]
    # sent only once the first had been delivered
    assert a.delivered_at is not None and b.sent_at is not None and b.sent_at >= a.delivered_at
    assert (a.state, b.state) == (S.DELIVERED, S.DELIVERED)
    assert generations(stack) == 2


async def test_places_move_up_as_jobs_ahead_leave_and_are_edited_only_when_they_change(
    stack: Stack, bot: GridBot
) -> None:
    await set_limits(stack, bot, max_running_per_member=1)
    interactions = [await stack.imagine(f"kite number {n}", provider="ngpu") for n in (1, 2, 3)]
    await stack.fake.wait_for_original(interactions[2], waiting(1))

    finals = [await stack.final(interaction) for interaction in interactions]

    third = [place(version) for version in finals[2].versions]
    assert [ahead for ahead in third if ahead is not None] == [1, 0]
    for message in finals:
        assert_is_grid(message)
        delivered_once(message)


async def test_another_member_is_not_held_back_by_the_member_limit(stack: Stack, bot: GridBot) -> None:
    await set_limits(stack, bot, max_running_per_member=1)
    carol = stack.fake.add_user("carol")
    mine = await stack.imagine("a tall ship", provider="ngpu")
    options = {"prompt": "a paper lantern", "provider": "ngpu"}
    theirs = await stack.fake.send_slash_command("imagine", options, user=carol)
    for interaction in (mine, theirs):
        message = await stack.final(interaction)
        assert_is_grid(message)
        assert not any(place(version) is not None for version in message.versions)


async def test_a_full_queue_refuses_privately_and_writes_nothing(stack: Stack, bot: GridBot) -> None:
    await set_limits(stack, bot, max_running_per_member=1, queue_cap=1)
    running = await stack.imagine("a lighthouse", provider="picpik")
    queued = await stack.imagine("a harbour", provider="picpik")
    await stack.fake.wait_for_original(queued, waiting(0))

    refused = await stack.fake.wait_for_original(await stack.imagine("a pier", provider="picpik"), lambda m: True)

    assert refused.ephemeral
    assert refused.content.startswith("⚠️ The queue is full (1 waiting in this server)")
    assert "limit of jobs running at once (1 of 1)" in refused.content
    for interaction in (running, queued):
        assert_is_grid(await stack.final(interaction))
    records = await settled(bot, stack.fake.member.id, 2)
    assert len(records) == 2 and not any("a pier" in (r.request_json or "") for r in records)
    assert generations(stack) == 2


async def test_with_no_queue_a_job_over_the_limit_is_refused_in_the_members_language(
    stack: Stack, bot: GridBot
) -> None:
    await set_limits(stack, bot, max_running_per_member=1, queue_cap=0)
    running = await stack.imagine("a lighthouse", provider="picpik")
    refused = await stack.fake.wait_for_original(
        await stack.fake.send_slash_command(
            "imagine", {"prompt": "a pier", "provider": "picpik"}, user=stack.fake.member, locale="zh-CN"
        ),
        lambda m: True,
    )
    assert refused.ephemeral
    assert "本服务器最多允许同时 1 个" in refused.content and "队列" not in refused.content
    assert_is_grid(await stack.final(running))


@pytest.fixture
async def on_server_keys(stack: Stack) -> AsyncIterator[GridBot]:
    """A bot with no Picpik keys of its own: Picpik jobs run on the keys the server set."""
    picpik = stack.settings.services["picpik"].model_copy(update={"public_key": None, "private_key": None})
    settings = stack.settings.model_copy(update={"services": {**stack.settings.services, "picpik": picpik}})
    async with stack.running(GridBot(settings, front_end=stack.front_end)) as bot:
        fields = {"public_key": TEST_PUBLIC_KEY, "private_key": TEST_PRIVATE_KEY}
        await bot.key_store.set(KeyScope.GUILD, stack.fake.guild.id, "picpik", fields, "••••")
        yield bot


async def test_over_the_daily_allowance_on_server_keys_a_job_waits_for_the_reset(
    stack: Stack, on_server_keys: GridBot
) -> None:
    bot = on_server_keys
    await set_limits(stack, bot, daily_server_key_jobs=1, server_keys_allowed=True)
    first = await stack.final(await stack.imagine("a windmill", provider="picpik"))
    assert_is_grid(first)

    second = await stack.imagine("a watermill", provider="picpik")
    shown = await stack.fake.wait_for_original(second, waiting(0))
    assert "this server's keys have used today's allowance (jobs per day: 1);" in shown.content
    reset = int(re.search(r"<t:(\d+):R>", shown.content)[1])  # type: ignore[index]
    assert reset % 86_400 == 0 and 0 < reset - (await bot.store.get(job_of(first))).created_at <= 86_400
    await asyncio.sleep(0.3)  # the first job's end and a few walks of the line later: still waiting
    assert not is_final(stack.fake.original_message(second))  # type: ignore[arg-type]
    assert generations(stack) == 1

    # the admin raises the allowance: the next walk of the line sends it
    await set_limits(stack, bot, daily_server_key_jobs=2, server_keys_allowed=True)
    final = await stack.final(second)
    assert_is_grid(final)
    delivered_once(final)
    records = await settled(bot, stack.fake.member.id, 2)
    assert {r.credential_ref for r in records} == {guild_ref(stack.fake.guild.id)}


async def test_jobs_waiting_for_the_daily_allowance_count_the_whole_servers_line(
    stack: Stack, on_server_keys: GridBot
) -> None:
    bot = on_server_keys
    await set_limits(stack, bot, daily_server_key_jobs=1, server_keys_allowed=True)
    carol = stack.fake.add_user("carol")
    assert_is_grid(await stack.final(await stack.imagine("a windmill", provider="picpik")))  # today's one job

    mine = await stack.imagine("a watermill", provider="picpik")
    await stack.fake.wait_for_original(mine, waiting(0))
    options = {"prompt": "a sawmill", "provider": "picpik"}
    theirs = await stack.fake.send_slash_command("imagine", options, user=carol)

    # not "position 1" for both: the member's job is ahead of carol's in the line for the allowance
    shown = await stack.fake.wait_for_original(theirs, waiting(1))
    assert "Waiting for the server's daily allowance" in shown.content
    assert "ahead of this one, in the whole server: 1." in shown.content
    assert place(stack.fake.original_message(mine)) == 0  # type: ignore[arg-type]
    assert generations(stack) == 1


async def test_a_job_waiting_for_its_members_slot_counts_only_that_members_jobs(stack: Stack, bot: GridBot) -> None:
    await set_limits(stack, bot, max_running_per_member=1)
    carol = stack.fake.add_user("carol")
    options = {"prompt": "a paper lantern", "provider": "ngpu"}
    for user in (stack.fake.member, carol):
        await stack.fake.send_slash_command("imagine", options, user=user)
    waits = [await stack.fake.send_slash_command("imagine", options, user=user) for user in (stack.fake.member, carol)]

    # each waits only for its own member's running job: nobody else's job goes before it
    for interaction in waits:
        shown = await stack.fake.wait_for_original(interaction, waiting(0))
        assert "you have 1 running here, at most 1 at once" in shown.content
    for interaction in waits:
        assert_is_grid(await stack.final(interaction))


async def test_a_waiting_job_whose_keys_are_removed_is_reported_failed(stack: Stack, on_server_keys: GridBot) -> None:
    bot = on_server_keys
    await set_limits(stack, bot, daily_server_key_jobs=1, server_keys_allowed=True)
    assert_is_grid(await stack.final(await stack.imagine("a windmill", provider="picpik")))
    second = await stack.imagine("a watermill", provider="picpik")
    await stack.fake.wait_for_original(second, waiting(0))

    assert await bot.key_store.remove(KeyScope.GUILD, stack.fake.guild.id, "picpik")

    final = await stack.final(second)
    assert "❌ The Picpik keys this job was started with were removed" in final.content
    records = await settled(bot, stack.fake.member.id, 2)
    assert sorted((r.state, r.failure_kind) for r in records) == [(S.DELIVERED, None), (S.FAILED, "keys_removed")]
    assert generations(stack) == 1


async def test_a_button_over_the_limit_waits_too(stack: Stack, bot: GridBot) -> None:
    grid = await stack.final(await stack.imagine("a castle", provider="picpik"))
    await set_limits(stack, bot, max_running_per_member=1)
    running = await stack.imagine("a moat", provider="picpik")
    upscale = await stack.fake.click_button(grid, f"job:{job_of(grid)}:U3")

    await stack.fake.wait_for_original(upscale, waiting(0))
    upscaled = await stack.final(upscale)
    assert "Image #3" in upscaled.content and len(upscaled.attachments) == 1
    assert_is_grid(await stack.final(running))


async def test_a_job_waiting_through_a_restart_is_released_and_delivered_once(stack: Stack) -> None:
    async with stack.running() as first_bot:
        await set_limits(stack, first_bot, max_running_per_member=1)
        running = await stack.imagine("a lantern in the fog", provider="midjourney")
        queued = await stack.imagine("a lantern at dawn", provider="midjourney")
        await stack.fake.wait_for_original(queued, waiting(0))
        jobs = await first_bot.store.jobs_for_owner(stack.fake.member.id, 5)
        [sent] = [r for r in jobs if r.state is not S.WAITING]
        assert len(jobs) == 2
        await until_state(stack, first_bot, sent.id, S.SUBMITTED, S.RUNNING)  # sent before the restart: followed after
    assert not is_final(stack.fake.original_message(queued))  # type: ignore[arg-type]
    stack.fake.expire_interaction(queued)  # its 15 minutes are over: the bot token edits its message

    async with stack.running() as second_bot:
        final = await stack.final(queued)
        assert_is_grid(await stack.final(running))
        records = await settled(second_bot, stack.fake.member.id, 2)

    assert_is_grid(final)
    delivered_once(final)
    assert final.current.via == "bot edit"
    assert [m for m in stack.fake.messages if "a lantern at dawn" in m.content] == [final]
    assert sorted(r.state for r in records) == [S.DELIVERED, S.DELIVERED]
