"""``/jobs``, ``/job`` and the admin-only ``/bot-status`` through the fake Discord: a member sees only their own
jobs, with links; ``/job`` cannot be used to probe other members' numbers; admin commands refuse everyone else."""

from __future__ import annotations

import re
import time
from typing import Any

from providers.core.models import JobHandle, JobKind, JobStatus
from storage.jobs import JobRecord
from tests.bot.e2e.conftest import Stack
from tests.fake_discord import InteractionRecord, StoredMessage

#: rows written straight into the table are parked this far ahead, so the poller never asks a service about them
PARKED = 3600.0
MANAGE_GUILD = 1 << 5


async def answer(stack: Stack, interaction: InteractionRecord) -> StoredMessage:
    return await stack.fake.wait_for_original(interaction)


def description(message: StoredMessage) -> str:
    [embed] = message.embeds
    return embed.get("description") or ""


def fields(message: StoredMessage) -> dict[str, str]:
    [embed] = message.embeds
    return {field["name"]: field["value"] for field in embed.get("fields", [])}


def listed_ids(message: StoredMessage) -> list[int]:
    return [int(number) for number in re.findall(r"\*\*#(\d+)\*\*", description(message))]


async def parked_job(bot, owner_id: int, prompt: str, **values: Any) -> JobRecord:
    return await bot.store.create(
        kind=values.pop("kind", JobKind.IMAGINE),
        provider=values.pop("provider", "ngpu"),
        owner_id=owner_id,
        channel_id=values.pop("channel_id", 1),
        request={"prompt": prompt},
        next_poll_at=time.time() + PARKED,
        **values,
    )


async def running_job(bot, owner_id: int, prompt: str, progress: float) -> JobRecord:
    record = await parked_job(bot, owner_id, prompt)
    handle = JobHandle(provider="ngpu", kind=JobKind.IMAGINE, job_id=f"parked-{record.id}")
    await bot.store.mark_submitted(record.id, handle, next_poll_at=time.time() + PARKED)
    await bot.store.record_progress(record.id, JobStatus.RUNNING, progress, next_poll_at=time.time() + PARKED)
    return await bot.store.get(record.id)


async def finished_jobs(stack: Stack, bot, count: int) -> list[JobRecord]:
    async def all_closed() -> list[JobRecord]:
        return await bot.store.jobs_for_owner(stack.fake.member.id, 50)

    deadline = time.monotonic() + 15
    while True:
        records = await all_closed()
        if sum(record.state.is_terminal for record in records) >= count:
            return records
        assert time.monotonic() < deadline, [(r.id, r.state) for r in records]
        await stack.fake.state.changed(0.05)


# --- /jobs ---------------------------------------------------------------------------------------------------


async def test_jobs_lists_the_members_own_jobs_newest_first_with_state_and_links(stack: Stack, bot) -> None:
    member, guild, channel = stack.fake.member, stack.fake.guild, stack.fake.channel
    delivered = await stack.final(await stack.imagine("a red fox in the snow", provider="ngpu"))
    stack.arm("ngpu", "task_fails")
    await stack.final(await stack.imagine("a storm over the sea", provider="ngpu"))
    done, failed = sorted(await finished_jobs(stack, bot, 2), key=lambda r: r.id)
    running = await running_job(bot, member.id, "a lighthouse at dusk", 42)
    waiting = await parked_job(bot, member.id, "a *bold* @everyone prompt " + "x" * 200)
    someone_elses = await parked_job(bot, stack.fake.admin.id, "the admin's secret plan")

    reply = await answer(stack, await stack.fake.send_slash_command("jobs", user=member))

    assert reply.ephemeral
    assert listed_ids(reply) == [waiting.id, running.id, failed.id, done.id]
    text = description(reply)
    assert f"#{someone_elses.id}" not in text and "secret plan" not in text
    entries = dict(zip(listed_ids(reply), re.split(r"\n\n", text), strict=True))
    assert "✅ delivered" in entries[done.id] and "a red fox in the snow" in entries[done.id]
    assert f"https://discord.com/channels/{guild.id}/{channel.id}/{delivered.id}" in entries[done.id]
    assert "NGPU" in entries[done.id] and re.search(r"<t:\d+:R>", entries[done.id])
    assert "❌ failed: NGPU could not finish the images." in entries[failed.id]
    assert "🎨 running 42 %" in entries[running.id]
    assert "⏳ waiting" in entries[waiting.id] and "discord.com" not in entries[waiting.id]
    # shortened, and the member's markdown and mentions cannot format or ping anything
    assert "…" in entries[waiting.id] and "x" * 100 not in entries[waiting.id]
    assert "\\*bold\\*" in entries[waiting.id] and "@everyone" not in entries[waiting.id]
    assert reply.button_labels == []  # one page: no paging buttons


async def test_jobs_pages_with_buttons_and_the_page_option(stack: Stack, bot) -> None:
    member = stack.fake.member
    made = [await parked_job(bot, member.id, f"prompt number {n}") for n in range(23)]
    newest_first = [record.id for record in reversed(made)]

    reply = await answer(stack, await stack.fake.send_slash_command("jobs", user=member))
    assert listed_ids(reply) == newest_first[:10]
    assert reply.embeds[0]["footer"]["text"] == "Page 1 of 3 · 23 jobs"
    assert [c.get("disabled", False) for c in _buttons(reply)] == [True, False]

    clicked = await stack.fake.click_button(reply, "jobs:page:2", user=member)
    # the private message is updated in place
    assert await stack.fake.wait_for(lambda: clicked.callback_type, what="the page button's answer") == 7
    page_two = stack.fake.message(reply.id)
    assert listed_ids(page_two) == newest_first[10:20]
    assert [c.get("disabled", False) for c in _buttons(page_two)] == [False, False]

    last = await answer(stack, await stack.fake.send_slash_command("jobs", {"page": 3}, user=member))
    assert listed_ids(last) == newest_first[20:]
    beyond = await answer(stack, await stack.fake.send_slash_command("jobs", {"page": 4}, user=member))
    assert beyond.ephemeral and beyond.content == "⚠️ There is no page 4: you have 3."

    chinese = await answer(stack, await stack.fake.send_slash_command("jobs", user=member, locale="zh-CN"))
    assert chinese.embeds[0]["title"] == "你的任务" and "⏳ 等待中" in description(chinese)
    assert [b["label"] for b in _buttons(chinese)] == ["更新", "更早"]


async def test_jobs_without_any_job_says_how_to_start(stack: Stack, bot) -> None:
    reply = await answer(stack, await stack.fake.send_slash_command("jobs", user=stack.fake.member))
    assert reply.ephemeral and "/imagine" in reply.content and not reply.embeds


def _buttons(message: StoredMessage) -> list[dict[str, Any]]:
    return [c for row in message.components for c in row.get("components", [])]


# --- /job ----------------------------------------------------------------------------------------------------


async def test_job_shows_an_own_job_in_full_with_its_own_follow_ups(stack: Stack, bot) -> None:
    member, admin = stack.fake.member, stack.fake.admin
    grid = await stack.final(await stack.imagine("a castle on a hill", provider="ngpu"))
    [record] = await finished_jobs(stack, bot, 1)
    await stack.fake.click_button(grid, f"job:{record.id}:U2", user=member)
    await finished_jobs(stack, bot, 2)
    # a follow-up someone else started from this grid is theirs: not listed
    others = await parked_job(bot, admin.id, "admin's remix", parent_job_id=record.id, grid_index=3,
                              kind=JobKind.REMIX)

    reply = await answer(stack, await stack.fake.send_slash_command("job", {"id": record.id}, user=member))

    assert reply.ephemeral
    [embed] = reply.embeds
    assert embed["title"] == f"Job #{record.id} · Imagine"
    assert embed["description"] == "a castle on a hill"
    shown = fields(reply)
    assert shown["State"] == "✅ delivered" and shown["Service"] == "NGPU"
    assert shown["Message"] == f"https://discord.com/channels/{stack.fake.guild.id}/{stack.fake.channel.id}/{grid.id}"
    [child] = [r for r in await bot.store.children(record.id) if r.owner_id == member.id]
    assert f"#{child.id}" in shown["Follow-ups"] and "Upscale 2 · ✅ delivered" in shown["Follow-ups"]
    assert f"#{others.id}" not in shown["Follow-ups"]

    upscale = await answer(stack, await stack.fake.send_slash_command("job", {"id": child.id}, user=member))
    assert fields(upscale)["Started from"] == f"#{record.id}, image 2"


async def test_job_answers_someone_elses_job_exactly_like_a_missing_one(stack: Stack, bot) -> None:
    member = stack.fake.member
    theirs = await parked_job(bot, stack.fake.admin.id, "the admin's secret plan")
    missing = theirs.id + 1000

    other = await answer(stack, await stack.fake.send_slash_command("job", {"id": theirs.id}, user=member))
    absent = await answer(stack, await stack.fake.send_slash_command("job", {"id": missing}, user=member))

    assert other.ephemeral and absent.ephemeral and not other.embeds
    assert other.content == f"⚠️ You have no job #{theirs.id}. /jobs lists yours."
    assert absent.content.replace(str(missing), "N") == other.content.replace(str(theirs.id), "N")
    huge = await answer(stack, await stack.fake.send_slash_command("job", {"id": 2**62}, user=member))
    assert huge.content.startswith("⚠️ You have no job")


async def test_the_id_option_offers_only_the_members_own_jobs(stack: Stack, bot) -> None:
    member = stack.fake.member
    mine = [await parked_job(bot, member.id, f"a cat number {n}") for n in range(3)]
    await parked_job(bot, stack.fake.admin.id, "a cat of the admin")

    choices = await stack.fake.autocomplete("job", {"id": ""}, "id", user=member)
    assert [c["value"] for c in choices] == [r.id for r in reversed(mine)]
    assert choices[0]["name"] == f"#{mine[-1].id} · Imagine · a cat number 2 · NGPU"
    typed = await stack.fake.autocomplete("job", {"id": "number 1"}, "id", user=member)
    assert [c["value"] for c in typed] == [mine[1].id]


# --- /bot-status and the admin helper --------------------------------------------------------------------------


async def test_bot_status_is_for_server_managers(stack: Stack, bot) -> None:
    await running_job(bot, stack.fake.member.id, "a lighthouse", 10)
    await parked_job(bot, stack.fake.member.id, "a teapot", provider="picpik")

    reply = await answer(stack, await stack.fake.send_slash_command("bot-status", user=stack.fake.admin))

    assert reply.ephemeral
    shown = fields(reply)
    assert "✅ NGPU: 1 open jobs" in shown["Services"] and "0 waiting, 1 running, 0 being sent" in shown["Services"]
    assert "✅ Picpik: 1 open jobs" in shown["Services"]
    assert "✅ Jumdata AI绘画: 0 open jobs" in shown["Services"]
    assert shown["Job poller"].startswith("✅ Keeping up; next check <t:")


async def test_a_member_without_manage_server_is_refused_in_their_language(stack: Stack, bot) -> None:
    refused = await answer(stack, await stack.fake.send_slash_command("bot-status", user=stack.fake.member))
    assert refused.ephemeral and not refused.embeds
    assert refused.content == "⚠️ Only members with the Manage Server permission in this server can use this command."

    chinese = await stack.fake.send_slash_command("bot-status", user=stack.fake.member, locale="zh-CN")
    assert (await answer(stack, chinese)).content == "⚠️ 只有在本服务器拥有“管理服务器”权限的成员才能使用此命令。"


async def test_in_a_direct_message_admin_commands_say_they_need_a_server(stack: Stack, bot) -> None:
    refused = await answer(stack, await stack.fake.send_slash_command("bot-status", user=stack.fake.admin, dm=True))
    assert refused.ephemeral
    assert refused.content == "⚠️ This command only works in a server, not in direct messages."


async def test_admin_commands_are_synced_hidden_from_members_and_out_of_dms(stack: Stack, bot) -> None:
    commands = {command["name"]: command for command in stack.fake.commands()}
    status = commands["bot-status"]
    assert int(status["default_member_permissions"]) == MANAGE_GUILD
    assert status["dm_permission"] is False
    assert status["contexts"] == [0]  # guild only
    for name in ("jobs", "job"):  # a member's own commands stay open to everyone, DMs included
        assert commands[name]["default_member_permissions"] is None
