"""/settings and /server-settings end to end, and the switches they store taking effect: whose keys a job may
use, who may press a job's buttons, and the copy of a result by direct message."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.app import GridBot
from storage.keys import KeyScope
from storage.settings import MAX_CHANNELS, MAX_WORDS_PER_CHANGE, ServerSettings
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_imagine import job_of
from tests.bot.e2e.test_keys import SECOND_PRIVATE_KEY, SECOND_PUBLIC_KEY, picpik_public_keys, set_keys
from tests.bot.e2e.test_keys import keyless as keyless  # the fixture, for these tests too
from tests.emulators.picpik import REQUESTS_KEY, TEST_PRIVATE_KEY, TEST_PUBLIC_KEY
from tests.fake_discord import FakeChannel, FakeUser, InteractionRecord, StoredMessage


async def answer(stack: Stack, interaction: InteractionRecord) -> StoredMessage:
    return await stack.fake.wait_for_original(interaction, lambda m: not m.loading)


async def settings(stack: Stack, sub: str, options: dict[str, Any] | None = None, **context: Any) -> StoredMessage:
    user = context.pop("user", stack.fake.member)
    return await answer(stack, await stack.fake.send_slash_command("settings", options, user=user, subcommand=sub,
                                                                   **context))


async def server_settings(
    stack: Stack, sub: str, options: dict[str, Any] | None = None, *, user: FakeUser | None = None
) -> StoredMessage:
    interaction = await stack.fake.send_slash_command(
        "server-settings", options, user=user or stack.fake.admin, subcommand=sub
    )
    return await answer(stack, interaction)


def fields(message: StoredMessage, embed: int = 0) -> dict[str, str]:
    """The fields of one embed (0: the member's own settings; 1: the server's rules below them)."""
    return {field["name"]: field["value"] for field in message.embeds[embed].get("fields", [])}


async def stored(bot: GridBot, stack: Stack) -> ServerSettings:
    return await bot.settings_store.server(stack.fake.guild.id)


# --- a member's preferences ---------------------------------------------------------------------------------


async def test_a_member_sets_preferences_and_show_reflects_them(stack: Stack, bot: GridBot) -> None:
    before = await settings(stack, "show")
    assert before.ephemeral and fields(before)["Default service"] == "the server's default"
    assert "Rules in this server" in [embed.get("title") for embed in before.embeds]

    saved = await settings(stack, "set", {"service": "ngpu", "aspect": "16：9", "results_by_dm": True})

    assert saved.ephemeral and saved.content.startswith("✅")
    shown = fields(await settings(stack, "show"))
    assert shown["Default service"] == "NGPU"
    assert shown["Default aspect ratio"] == "16:9"
    assert shown["Results also by direct message"] == "on"
    member = await bot.settings_store.member(stack.fake.member.id)
    assert (member.default_service, member.default_aspect, member.results_by_dm) == ("ngpu", "16:9", True)

    await settings(stack, "clear", {"preference": "aspect"})
    await settings(stack, "set", {"service": "default"})
    member = await bot.settings_store.member(stack.fake.member.id)
    assert (member.default_service, member.default_aspect, member.results_by_dm) == (None, None, True)


async def test_a_bad_aspect_ratio_is_refused_privately_and_nothing_changes(stack: Stack, bot: GridBot) -> None:
    refused = await settings(stack, "set", {"aspect": "9:1", "results_by_dm": True})

    assert refused.ephemeral and refused.content.startswith("⚠️") and "between 1:4 and 4:1" in refused.content
    assert (await bot.settings_store.member(stack.fake.member.id)).results_by_dm is False
    chinese = await settings(stack, "set", {"aspect": "wide"}, locale="zh-CN")
    assert "宽高比" in chinese.content


async def test_settings_work_in_direct_messages_without_server_rules(stack: Stack, bot: GridBot) -> None:
    await settings(stack, "set", {"aspect": "2:3"}, dm=True)
    shown = await settings(stack, "show", dm=True)

    assert fields(shown)["Default aspect ratio"] == "2:3"
    assert [embed.get("title") for embed in shown.embeds] == ["Your settings"]


# --- the server's rules -------------------------------------------------------------------------------------


async def test_a_member_without_manage_server_is_refused(stack: Stack, bot: GridBot) -> None:
    [command] = [c for c in stack.fake.commands() if c["name"] == "server-settings"]
    assert int(command["default_member_permissions"]) == 1 << 5  # Manage Server: hidden from members by default
    assert command.get("contexts") == [0]  # servers only

    attempts = (("show", None), ("switches", {"others_may_press": True}), ("banned-words add", {"words": "x"}))
    for sub, options in attempts:
        refused = await server_settings(stack, sub, options, user=stack.fake.member)
        assert refused.ephemeral and "Manage Server" in refused.content, sub
    assert await stored(bot, stack) == ServerSettings()


async def test_an_admin_changes_the_rules_and_they_are_stored(stack: Stack, bot: GridBot) -> None:
    limits = await server_settings(stack, "limits", {"running_per_member": 2, "daily_server_key_jobs": 30})
    assert limits.ephemeral and "Running jobs per member: 2" in limits.content
    await server_settings(stack, "limits", {"running_per_member": 0, "queue_cap": 5})

    added = await server_settings(stack, "banned-words add", {"words": "Gore, blood，gore , nsfw art"})
    assert "Banned (3): `Gore`, `blood`, `nsfw art`" in added.content
    assert "Already banned (1): `gore`" in added.content
    removed = await server_settings(stack, "banned-words remove", {"words": "BLOOD, cats"})
    assert "No longer banned (1): `blood`" in removed.content and "Not on the list (1): `cats`" in removed.content
    listed = await server_settings(stack, "banned-words list")
    assert listed.embeds[0]["description"] == "`Gore`\n`nsfw art`"

    general = stack.fake.channel
    art = FakeChannel(stack.fake.state.snowflakes.next(), "art", stack.fake.guild.id)
    stack.fake.guild.channels.append(art)
    await server_settings(stack, "channels add", {"channel": general})
    channels = await server_settings(stack, "channels add", {"channel": art})
    assert f"<#{general.id}>" in channels.content and f"<#{art.id}>" in channels.content

    switches = await server_settings(stack, "switches", {"server_keys": False, "ngpu_requires_ainn": True})
    assert "Server keys for members without their own: off" in switches.content
    assert "members without keys of their own are asked to set theirs (/keys set)" in switches.content

    rules = await stored(bot, stack)
    assert rules.max_running_per_member is None and rules.daily_server_key_jobs == 30 and rules.queue_cap == 5
    assert rules.banned_words == ("Gore", "nsfw art")
    assert rules.channel_ids == {general.id, art.id}
    assert (rules.server_keys_allowed, rules.others_may_press, rules.ngpu_requires_ainn) == (False, False, True)

    await server_settings(stack, "channels clear")
    assert (await stored(bot, stack)).channel_ids is None
    shown = fields(await server_settings(stack, "show"))
    assert shown["Banned words"] == "2 words or phrases" and shown["Channels the bot answers in"] == "every channel"
    member_view = fields(await settings(stack, "show"), embed=1)
    assert member_view["Limits"].startswith("Running jobs per member: no limit")


async def test_allowed_services_are_picked_in_a_menu_and_a_default_must_be_allowed(stack: Stack, bot: GridBot) -> None:
    await server_settings(stack, "default-service", {"service": "jumdata"})
    picker = await server_settings(stack, "services")
    assert picker.ephemeral and picker.custom_ids == ["server-settings:services"]

    await stack.fake.choose(picker, "server-settings:services", ["picpik", "ngpu"], user=stack.fake.admin)
    updated = await stack.fake.wait_for(lambda: "✅" in stack.fake.message(picker.id).content, what="the confirmation")

    assert updated
    confirmation = stack.fake.message(picker.id).content
    assert "Picpik, NGPU" in confirmation and "bot's default is used instead" in confirmation
    rules = await stored(bot, stack)
    assert rules.allowed_services == {"picpik", "ngpu"} and rules.default_service is None

    refused = await server_settings(stack, "default-service", {"service": "jumdata"})
    assert refused.content.startswith("⚠️") and "/server-settings services" in refused.content
    assert (await stored(bot, stack)).default_service is None

    everything = ["picpik", "midjourney", "jumdata", "ngpu"]
    await stack.fake.choose(picker, "server-settings:services", everything, user=stack.fake.admin)
    await stack.wait(lambda: "every service" in stack.fake.message(picker.id).content, "the second confirmation")
    assert (await stored(bot, stack)).allowed_services is None


# --- the switches at work -----------------------------------------------------------------------------------


async def test_others_may_press_lets_another_member_start_a_job_on_their_own_keys(
    stack: Stack, keyless: GridBot
) -> None:
    owner, presser = stack.fake.member, stack.fake.add_user("carol")
    await set_keys(stack, owner, {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY})
    await set_keys(stack, presser, {"public_key": TEST_PUBLIC_KEY, "private_key": TEST_PRIVATE_KEY})
    grid = await stack.final(await stack.imagine("a paper boat", provider="picpik"))
    job_id = job_of(grid)

    refused = await answer(stack, await stack.fake.click_button(grid, f"job:{job_id}:V1", user=presser))
    assert refused.ephemeral and "who started this job" in refused.content
    assert await keyless.store.children(job_id) == []

    await server_settings(stack, "switches", {"others_may_press": True})
    calls_before = len(stack.emulators["picpik"][REQUESTS_KEY])
    varied = await stack.final(await stack.fake.click_button(grid, f"job:{job_id}:V1", user=presser))

    assert varied.attachments, varied.content
    [child] = await keyless.store.children(job_id)
    assert child.owner_id == presser.id and child.credential_ref == f"user:{presser.id}"
    assert set(picpik_public_keys(stack, calls_before)) == {TEST_PUBLIC_KEY}


async def test_server_keys_pay_for_members_jobs_only_once_the_admin_switches_it_on(
    stack: Stack, keyless: GridBot
) -> None:
    # keys the admin set for the server (for /picpik-app, say); the switch is left as it comes: off
    keys = {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY}
    await keyless.key_store.set(KeyScope.GUILD, stack.fake.guild.id, "picpik", keys, masked="••••")
    shown = fields(await server_settings(stack, "show"))
    assert "Server keys for members without their own: off" in shown["Switches"]
    assert "the server's keys serve only the admin commands" in shown["Switches"]
    calls_before = len(stack.emulators["picpik"][REQUESTS_KEY])

    told = await answer(stack, await stack.imagine("a harbour at dawn", provider="picpik"))

    assert told.ephemeral and "/keys set" in told.content
    assert picpik_public_keys(stack, calls_before) == []
    assert await keyless.store.jobs_for_owner(stack.fake.member.id, 1) == []

    switched = await server_settings(stack, "switches", {"server_keys": True})
    assert "billed to, the server's keys" in switched.content
    await stack.final(await stack.imagine("a harbour at dawn", provider="picpik"))
    [job] = await keyless.store.jobs_for_owner(stack.fake.member.id, 1)
    assert job.credential_ref == f"guild:{stack.fake.guild.id}"


async def test_results_by_dm_sends_the_picture_and_a_link_after_the_grid(stack: Stack, bot: GridBot) -> None:
    member, admin = stack.fake.member, stack.fake.admin
    await settings(stack, "set", {"results_by_dm": True})
    # someone without the preference first: by the time the member's copy arrives, theirs would have too
    kite = await stack.fake.send_slash_command("imagine", {"prompt": "a kite", "provider": "ngpu"}, user=admin)
    await stack.final(kite)

    grid = await stack.final(await stack.imagine("a lantern festival", provider="ngpu"))
    [copy] = await stack.fake.wait_for(lambda: stack.fake.direct_messages(member), what="the copy by DM")

    assert grid.attachments
    assert [a.filename for a in copy.attachments] == [grid.attachments[0].filename]
    assert copy.attachments[0].data == grid.attachments[0].data
    assert f"/channels/{stack.fake.guild.id}/{stack.fake.channel.id}/{grid.id}" in copy.content
    assert "lantern festival" in copy.content
    assert stack.fake.direct_messages(admin) == []


async def test_a_closed_dm_costs_only_the_copy(
    stack: Stack, bot: GridBot, caplog: pytest.LogCaptureFixture
) -> None:
    member = stack.fake.member
    stack.fake.state.closed_dms.add(member.id)
    await settings(stack, "set", {"results_by_dm": True})

    with caplog.at_level(logging.INFO, logger="bot.dm_copy"):
        grid = await stack.final(await stack.imagine("a quiet pond", provider="ngpu"))
        await stack.wait(lambda: "accepts no direct messages" in caplog.text, "the note in the log")

    assert grid.attachments and stack.fake.direct_messages(member) == []
    [job] = await bot.store.jobs_for_owner(member.id, 1)
    assert job.state.value == "delivered"
    assert [r.levelno for r in caplog.records if r.name == "bot.dm_copy"] == [logging.INFO]


async def test_the_services_picker_still_works_after_a_restart(stack: Stack) -> None:
    async with stack.running():
        picker = await server_settings(stack, "services")

    async with stack.running() as restarted:
        await stack.fake.choose(picker, "server-settings:services", ["midjourney"], user=stack.fake.admin)
        await stack.wait(lambda: "✅" in stack.fake.message(picker.id).content, "the confirmation")

        assert (await stored(restarted, stack)).allowed_services == {"midjourney"}


# --- the largest inputs -------------------------------------------------------------------------------------


def assert_fits(message: StoredMessage) -> None:
    """Within what Discord takes (the fake checks content and descriptions; fields are checked here)."""
    assert len(message.content) <= 2000
    for shown in message.embeds:
        values = [field["value"] for field in shown.get("fields", [])]
        assert all(0 < len(value) <= 1024 for value in values), [len(value) for value in values]
        footer = (shown.get("footer") or {}).get("text") or ""
        assert len(shown.get("title") or "") + len(shown.get("description") or "") + len(footer) + sum(
            len(field["name"]) + len(field["value"]) for field in shown.get("fields", [])
        ) <= 6000


async def test_the_most_banned_words_at_once_are_saved_and_answered_within_a_message(
    stack: Stack, bot: GridBot
) -> None:
    words = [f"w{n:07d}x" for n in range(MAX_WORDS_PER_CHANGE)]  # 200 nine-letter words: 1,999 characters

    added = await server_settings(stack, "banned-words add", {"words": ",".join(words)})

    assert added.ephemeral and added.content.startswith("✅ Banned (200): `w0000000x`, `w0000001x`")
    assert "… and " in added.content and "The list has 200 words or phrases." in added.content
    assert_fits(added)
    assert (await stored(bot, stack)).banned_words == tuple(words)

    # 1,000 words to remove at once (the option's 2,000 characters): refused, nothing changed
    cjk = ",".join(chr(0x4E00 + n) for n in range(1000))
    refused = await server_settings(stack, "banned-words remove", {"words": cjk})
    assert refused.ephemeral and "at most 200 can be added or removed at once" in refused.content
    others = ",".join(word[:-1] + "z" for word in words)
    missing = await server_settings(stack, "banned-words remove", {"words": others})
    assert missing.content.startswith("Not on the list (200): `w0000000z`") and "… and " in missing.content
    removed = await server_settings(stack, "banned-words remove", {"words": ",".join(words)})
    assert removed.content.startswith("✅ No longer banned (200):")
    for message in (refused, missing, removed):
        assert_fits(message)
    assert (await stored(bot, stack)).banned_words == ()


async def test_a_long_banned_words_list_is_shown_in_pages(stack: Stack, bot: GridBot) -> None:
    words = [f"w{n:017d}x" for n in range(200)]  # 3,800 characters together: more than one embed shows
    for half in (words[:100], words[100:]):
        await server_settings(stack, "banned-words add", {"words": ",".join(half)})

    first = await server_settings(stack, "banned-words list")
    second = await server_settings(stack, "banned-words list", {"page": 2})
    past_the_end = await server_settings(stack, "banned-words list", {"page": 9})

    assert first.embeds[0]["footer"]["text"].startswith("Page 1 of 2")
    assert second.embeds[0]["footer"]["text"].startswith("Page 2 of 2")
    listed = [line.strip("`") for m in (first, second) for line in m.embeds[0]["description"].split("\n")]
    assert listed == words
    assert past_the_end.embeds == second.embeds
    for message in (first, second):
        assert_fits(message)


async def test_fifty_channels_show_on_whole_mentions(stack: Stack, bot: GridBot) -> None:
    ids = [1_300_000_000_000_000_000 + n for n in range(MAX_CHANNELS)]
    await bot.settings_store.save_server(stack.fake.guild.id, ServerSettings(channel_ids=frozenset(ids)))

    shown = await server_settings(stack, "show")
    listed = await server_settings(stack, "channels list")
    member_view = await settings(stack, "show", user=stack.fake.admin)

    value = fields(shown)["Channels the bot answers in"]
    assert value.startswith(f"<#{ids[0]}>, <#{ids[1]}>") and value.endswith("more")
    mentions = value.split(", ")[:-1]
    assert mentions == [f"<#{n}>" for n in ids[: len(mentions)]]  # not one cut in the middle
    assert value.endswith(f"… and {len(ids) - len(mentions)} more")
    assert all(f"<#{n}>" in listed.content for n in ids)  # a message has room for all fifty
    for message in (shown, listed, member_view):
        assert_fits(message)
