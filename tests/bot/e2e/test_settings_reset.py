"""Server rules that could not be read: ``/server-settings show`` warns the admin which ones were reset (closed,
``storage.settings``), in their language, until they are set again. End to end through the fake Discord."""

from __future__ import annotations

import json

from bot.app import GridBot
from bot.i18n import t
from storage.settings import SERVER_SETTINGS_VERSION
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_settings import answer, server_settings


async def test_show_warns_about_rules_that_were_reset_until_they_are_set_again(stack: Stack, bot: GridBot) -> None:
    broken = {"settings_version": SERVER_SETTINGS_VERSION, "channel_ids": "general", "max_running_per_member": 0}
    assert bot.db is not None
    await bot.db.execute(
        "INSERT INTO server_settings (guild_id, settings_json, updated_at) VALUES (?, ?, 0)",
        (stack.fake.guild.id, json.dumps(broken)),
    )

    shown = (await server_settings(stack, "show")).embeds[0]
    names = ", ".join(t(f"settings_reset.{name}", "en-US") for name in ("channel_ids", "max_running_per_member"))
    assert shown["description"] == t("settings_reset.warning", "en-US", fields=names)
    in_chinese = await answer(stack, await stack.fake.send_slash_command(
        "server-settings", None, user=stack.fake.admin, subcommand="show", locale="zh-CN"
    ))
    assert in_chinese.embeds[0]["description"].startswith("⚠️ 本服务器的部分设置无法读取")

    await server_settings(stack, "channels clear")  # the admin sets the channels again
    shown = (await server_settings(stack, "show")).embeds[0]
    assert shown["description"] == t("settings_reset.warning", "en-US", fields=names.split(", ")[1])
