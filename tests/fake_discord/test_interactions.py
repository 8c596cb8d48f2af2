"""More of what users do through the fake: autocomplete, select menus, subcommands with permission checks,
direct messages and locales, options checked against the synced schema, and a click after a restart."""

from __future__ import annotations

import pytest

from tests.fake_discord import FakeDiscord
from tests.fake_discord.sample_bot import GridBot


async def test_autocomplete_returns_the_bots_choices(fake: FakeDiscord, bot: GridBot) -> None:
    choices = await fake.autocomplete("pick", {"model": "fl"}, focused="model")
    assert choices == [{"name": "Flux", "value": "flux"}, {"name": "Flux-Pro", "value": "flux-pro"}]
    answer = await fake.wait_for_original(await fake.send_slash_command("pick", {"model": "sdxl"}))
    assert answer.content == "picked sdxl"


async def test_a_select_menu_choice_updates_the_message(fake: FakeDiscord, bot: GridBot) -> None:
    menu = await fake.wait_for_original(await fake.send_slash_command("style"))
    assert menu.custom_ids == ["style_menu"]
    choice = await fake.choose(menu, "style_menu", ["photo"])
    await fake.wait_for(lambda: choice.callback_type == 7, what="the update")
    assert menu.content == "style: photo" and menu.components == []
    assert menu.edits[-1].via == "callback update"


async def test_member_permissions_decide_a_runtime_check(fake: FakeDiscord, bot: GridBot) -> None:
    as_admin = await fake.send_slash_command("admin", {"days": 3}, subcommand="purge", user=fake.admin)
    as_member = await fake.send_slash_command("admin", {"days": 3}, subcommand="purge", user=fake.member)
    assert (await fake.wait_for_original(as_admin)).content == "purged 3 days"
    refused = await fake.wait_for_original(as_member)
    assert refused.content == "only administrators may do that" and refused.ephemeral
    admin_payload = as_admin.payload["member"]["permissions"]
    member_payload = as_member.payload["member"]["permissions"]
    assert int(admin_payload) & 8 and not int(member_payload) & 8


async def test_options_are_checked_against_the_synced_schema(fake: FakeDiscord, bot: GridBot) -> None:
    with pytest.raises(ValueError, match="outside the declared range"):
        await fake.send_slash_command("admin", {"days": 31}, subcommand="purge", user=fake.admin)
    with pytest.raises(ValueError, match="needs a subcommand"):
        await fake.send_slash_command("admin", {"days": 1})
    with pytest.raises(ValueError, match="needs option"):
        await fake.send_slash_command("imagine", {})
    with pytest.raises(ValueError, match="has no option"):
        await fake.send_slash_command("imagine", {"prompt": "x", "colour": "red"})
    with pytest.raises(LookupError, match="never synced"):
        await fake.send_slash_command("unknown")


async def test_direct_messages_and_locales(fake: FakeDiscord, bot: GridBot) -> None:
    in_guild = await fake.send_slash_command("where", locale="zh-CN")
    in_dm = await fake.send_slash_command("where", dm=True)
    assert (await fake.wait_for_original(in_guild)).content == "Fake Guild, locale zh-CN"
    assert (await fake.wait_for_original(in_dm)).content == "a direct message, locale en-US"
    assert "member" not in in_dm.payload and in_dm.payload["user"]["id"] == str(fake.member.id)


async def test_a_new_process_handles_a_click_on_a_message_of_the_old_one(fake: FakeDiscord) -> None:
    first = GridBot()
    async with fake.running(first):
        reply = await fake.wait_for_original(
            await fake.send_slash_command("imagine", {"prompt": "before the restart"}), lambda m: bool(m.custom_ids)
        )
    assert not fake.gateway.connected()

    second = GridBot()
    async with fake.running(second):
        click = await fake.click_button(reply, "grid:7:U2")
        answer = await fake.wait_for_original(click)
    assert answer.content == "upscaling image 2 of job 7"
    assert fake.gateway.identify_count == 2


async def test_nothing_is_dispatched_without_a_connected_bot(fake: FakeDiscord) -> None:
    with pytest.raises(RuntimeError, match="no bot is connected"):
        await fake.send_slash_command("imagine", {"prompt": "x"})
