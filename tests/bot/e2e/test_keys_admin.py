"""Keys, second round, end to end: the server's keys under ``/server-settings keys`` (hidden from members without
Manage Server, and refused to them when they run it anyway), every answer of the keys form wholly in Chinese for a
Chinese reader, and keys that cannot be keys (a BTC address that is none, a control character) refused with what is
wrong before anything is sent."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.app import GridBot
from storage.keys import KeyScope
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_keys import SECOND_PRIVATE_KEY, SECOND_PUBLIC_KEY, answer, without_settings_keys
from tests.emulators import jumdata, midjourney, ngpu
from tests.emulators.common import FAULTS_KEY
from tests.fake_discord import FakeUser, StoredMessage

MANAGE_GUILD = 1 << 5
PICPIK_KEYS = {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY}
SERVICE_NAMES = ("Midjourney-style API", "Jumdata AI绘画", "Picpik", "NGPU")


@pytest.fixture
async def keyless(stack: Stack) -> AsyncIterator[GridBot]:
    """A bot whose settings have no Picpik keys: Picpik calls run on the keys the test gives through the form."""
    bot = GridBot(without_settings_keys(stack.settings, "picpik"), front_end=stack.front_end)
    async with stack.running(bot) as client:
        yield client


async def server_keys(
    stack: Stack, sub: str, options: dict[str, str] | None, user: FakeUser, locale: str = "en-US"
) -> StoredMessage:
    interaction = await stack.fake.send_slash_command(
        "server-settings", options, user=user, subcommand=f"keys {sub}", locale=locale
    )
    return await answer(stack, interaction)


async def submit_form(
    stack: Stack, command: tuple[str, dict[str, str], str], values: dict[str, str], user: FakeUser, locale: str
) -> StoredMessage:
    """Run the command that opens a keys form, fill it in, and the answer once the keys were checked."""
    name, options, subcommand = command
    await stack.fake.send_slash_command(name, options, user=user, subcommand=subcommand, locale=locale)
    await stack.wait(lambda: [m for m in stack.fake.state.modals if not m.submitted], "the keys form")
    submitted = await stack.fake.submit_modal(values, user=user, locale=locale)
    return await stack.fake.wait_for_original(submitted, lambda m: not m.loading)


async def own_keys_form(
    stack: Stack, service: str, values: dict[str, str], locale: str = "en-US"
) -> StoredMessage:
    return await submit_form(stack, ("keys", {"service": service}, "set"), values, stack.fake.member, locale)


def english_words(text: str) -> list[str]:
    """Words of four or more Latin letters, once the service names and commands (in backticks) are taken out."""
    for name in SERVICE_NAMES:
        text = text.replace(name, "")
    return re.findall(r"[A-Za-z]{4,}", re.sub(r"`[^`]*`", "", text))


async def test_an_admin_manages_the_servers_keys_under_server_settings(stack: Stack, keyless: GridBot) -> None:
    admin, member, guild = stack.fake.admin, stack.fake.member, stack.fake.guild
    [command] = [c for c in stack.fake.commands() if c["name"] == "server-settings"]
    assert int(command["default_member_permissions"]) == MANAGE_GUILD and command["contexts"] == [0]
    [group] = [o for o in command["options"] if o["name"] == "keys"]
    assert sorted(o["name"] for o in group["options"]) == ["list", "remove", "set"]

    saved = await submit_form(
        stack, ("server-settings", {"service": "picpik"}, "keys set"), PICPIK_KEYS, admin, "en-US"
    )
    assert stack.fake.state.modals[-1].title == "This server's Picpik keys"
    assert saved.ephemeral and "The server's Picpik keys work and are saved" in saved.content
    assert await keyless.key_store.get(KeyScope.GUILD, guild.id, "picpik") == PICPIK_KEYS
    assert await keyless.key_store.get(KeyScope.USER, admin.id, "picpik") is None

    listed = await server_keys(stack, "list", None, admin)
    assert listed.ephemeral and "**This server's keys**" in listed.content and "**Your keys**" not in listed.content
    assert "Picpik `••••-key` · not used yet" in listed.content and SECOND_PRIVATE_KEY not in listed.content
    assert "`/server-settings keys set`" in listed.content

    # a member without Manage Server, who runs the command anyway (Discord only hides it by default)
    forms_before = len(stack.fake.state.modals)
    for sub, options in (("set", {"service": "picpik"}), ("list", None), ("remove", {"service": "picpik"})):
        refused = await server_keys(stack, sub, options, member)
        assert refused.ephemeral and "Manage Server" in refused.content, sub
        assert "Picpik `" not in refused.content
    assert len(stack.fake.state.modals) == forms_before
    assert await keyless.key_store.get(KeyScope.GUILD, guild.id, "picpik") == PICPIK_KEYS

    removed = await server_keys(stack, "remove", {"service": "picpik"}, admin)
    assert removed.ephemeral and removed.content == "The server's Picpik keys were removed."
    assert await keyless.key_store.get(KeyScope.GUILD, guild.id, "picpik") is None
    assert "none yet" in (await server_keys(stack, "list", None, admin, "en-US")).content
    chinese = await server_keys(stack, "list", None, admin, "zh-CN")
    assert "**本服务器的密钥**" in chinese.content and english_words(chinese.content) == []


async def test_every_answer_of_the_keys_form_is_chinese_for_a_chinese_reader(stack: Stack, keyless: GridBot) -> None:
    wrong = {
        "picpik": {"public_key": SECOND_PUBLIC_KEY, "private_key": "not-the-private-key"},
        "midjourney": {"username": midjourney.TEST_USERNAME, "password": "not-the-password"},
        "jumdata": {"app_id": jumdata.TEST_APP_ID, "app_secret": "not-the-app-secret"},
        "ngpu": {"workspace_id": "not-the-workspace"},
    }
    answers = {service: await own_keys_form(stack, service, values, "zh-CN") for service, values in wrong.items()}
    stack.arm("picpik", "server_error", times=None)
    answers["server error"] = await own_keys_form(stack, "picpik", PICPIK_KEYS, "zh-CN")
    stack.emulators["picpik"][FAULTS_KEY].clear()
    answers["not valid"] = await own_keys_form(stack, "ngpu", {"workspace_id": "w\tw"}, "zh-CN")
    answers["saved"] = await own_keys_form(stack, "picpik", PICPIK_KEYS, "zh-CN")

    for case, reply in answers.items():
        assert reply.ephemeral and english_words(reply.content) == [], (case, reply.content)
    assert answers["picpik"].content == "❌ Picpik 表示这些密钥不可用：服务不接受这些密钥。 没有保存任何内容。"
    assert answers["server error"].content == "⚠️ 无法检查这些密钥：服务出错。 没有保存任何内容，请稍后再试。"
    # English readers keep the service's own, fuller words
    english = await own_keys_form(stack, "jumdata", wrong["jumdata"])
    assert "refused the app ID or the signature" in english.content


async def test_keys_that_cannot_be_keys_are_refused_naming_what_is_wrong(stack: Stack, keyless: GridBot) -> None:
    calls_before = len(stack.emulators["ngpu"][ngpu.REQUESTS_KEY])
    bad_address = {"workspace_id": ngpu.TEST_WORKSPACE_ID, "btc_address": "not an address!"}

    english = await own_keys_form(stack, "ngpu", bad_address)
    chinese = await own_keys_form(stack, "ngpu", bad_address, "zh-CN")
    nul = await own_keys_form(stack, "ngpu", {"workspace_id": "work\x00space-42"})
    nul_chinese = await own_keys_form(stack, "ngpu", {"workspace_id": "work\u200bspace-42"}, "zh-CN")

    assert english.content.endswith(
        "These do not fit NGPU's keys: A BTC address is 14 to 100 letters and digits, like bc1p…; check the one given."
    )
    assert "BTC 地址由 14 到 100 个字母和数字组成" in chinese.content and english_words(chinese.content) == []
    assert "NGPU's Workspace ID contains a control or invisible character" in nul.content
    assert "Something went wrong" not in nul.content and "space-42" not in nul.content
    assert "NGPU 的工作空间 ID中含有控制字符或不可见字符" in nul_chinese.content
    assert all(reply.ephemeral for reply in (english, chinese, nul, nul_chinese))
    assert len(stack.emulators["ngpu"][ngpu.REQUESTS_KEY]) == calls_before  # nothing was sent
    assert await keyless.key_store.get(KeyScope.USER, stack.fake.member.id, "ngpu") is None


async def test_a_password_is_kept_as_typed_and_a_space_at_its_end_pointed_out(stack: Stack, keyless: GridBot) -> None:
    typed = {"username": f"  {midjourney.TEST_USERNAME} ", "password": f"{midjourney.TEST_PASSWORD} "}

    refused = await own_keys_form(stack, "midjourney", typed)

    # the space was sent (the emulator's password has none), and the answer says it was kept
    assert "do not work" in refused.content and "Nothing was saved" in refused.content
    assert "Note: your Password starts or ends with a space, kept as typed" in refused.content
    logins = [r for r in stack.emulators["midjourney"][midjourney.REQUESTS_KEY] if r["path"] == "/auth/login"]
    assert (logins[-1]["body"] or {}).get("username") == midjourney.TEST_USERNAME  # a user name is trimmed
