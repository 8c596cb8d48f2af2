"""``/picpik-app`` checks before and around an action: a start of a running app (a stop of a shut down one) answered
privately with nothing sent, the grace after an action as a setting, the remark form with an old list or a remark
longer than the bot's own limit, a bundle logo Discord would refuse, a list Picpik sends only part of, a create's
bundle named without the autocomplete, and the app autocomplete on every subcommand that names an app.

The helpers are ``test_picpik_app``'s: the server's keys are the emulator's second key pair.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.app import GridBot
from bot.exts.picpik_app import PicpikAppCog
from providers.core.models import JobKind
from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.picpik_app.test_picpik_app import (
    COMMAND,
    action_rows,
    add_app,
    answer,
    app_calls,
    app_state,
    bodies,
    console,
    server_keys,
    settled,
    until,
)
from tests.bot.e2e.picpik_app.test_picpik_app_edges import remark_form, remark_input
from tests.emulators.common import FAULTS_KEY
from tests.emulators.picpik import BUNDLES, STATE_KEY

# --- already where the action would take it ---------------------------------------------------------------------


async def test_a_start_of_a_running_app_or_a_stop_of_a_shut_down_one_is_answered_privately(
    stack: Stack, admin_bot: GridBot
) -> None:
    running, shut_down = add_app(stack, 1), add_app(stack, 6)

    started = await answer(stack, await console(stack, "start", {"app": running}))
    stopped = await answer(stack, await console(stack, "stop", {"app": shut_down}, locale="zh-CN"))

    assert started.ephemeral and stopped.ephemeral
    assert started.content == f"⚠️ `{running}` is already running (✅ running): nothing was sent to Picpik."
    assert stopped.content == f"⚠️ `{shut_down}` 已经关机（⏹️ 已关机）：没有向 Picpik 发送任何请求。"
    assert app_calls(stack) == ["ListPicpikApps", "ListPicpikApps"]  # each app looked at, nothing sent
    assert await admin_bot.store.jobs_for_owner(stack.fake.admin.id, 10) == []
    # the other way round the action goes ahead, and the app's state read first is its state before
    final = await settled(stack, await console(stack, "stop", {"app": running}))
    assert f"`{running}` — ⏹️ shut down" in final.content and app_state(stack, running) == 6


# --- the grace after an action is a setting ---------------------------------------------------------------------


async def test_a_picpik_slower_than_ten_seconds_scaled_is_waited_for_as_the_setting_says(stack: Stack) -> None:
    # the setting, not a fixed 10 s times the poll scale (0.3 s here): Picpik shows the stop 0.8 s after taking it
    front_end = stack.front_end.model_copy(update={"app_settle_grace_seconds": 1.5})
    stack.emulators["picpik"][STATE_KEY].lag_seconds = 0.8
    app_id = add_app(stack, 1)
    stack.arm("picpik", "late_transition")

    async with stack.running(stack.new_bot(front_end=front_end)) as bot:
        await server_keys(bot, stack)
        assert bot.job_followers[JobKind.APP_ACTION].grace_seconds == 1.5  # type: ignore[attr-defined]
        final = await settled(stack, await console(stack, "stop", {"app": app_id}))
        [row] = await action_rows(bot, stack, 1)

    assert final.content.splitlines()[1:] == [f"`{app_id}` — ⏹️ shut down"]
    assert row.state is LifecycleState.DELIVERED


# --- the remark form ----------------------------------------------------------------------------------------------


async def test_an_old_list_does_not_fill_the_remark_form(stack: Stack, admin_bot: GridBot) -> None:
    app_id = add_app(stack, 1, remark="as listed")
    await answer(stack, await console(stack, "list"))  # the list is kept for the autocomplete
    stack.emulators["picpik"][STATE_KEY].apps[app_id].remark = "changed since"
    # (the bot's own copy of the extension: discord.py loads it afresh for each bot)
    cog: Any = admin_bot.get_cog(PicpikAppCog.__cog_name__)
    cog.console.apps._clock = lambda: time.monotonic() + 60  # the list is a minute old now
    faults = stack.emulators["picpik"][FAULTS_KEY]
    faults.arm("hang")  # Picpik does not say the remark in time

    form = await remark_form(stack, app_id)
    faults.clear("hang")

    field = remark_input(form)
    assert "value" not in field and field["placeholder"] == "Picpik did not say the current remark: empty keeps it"
    kept = await answer(stack, await stack.fake.submit_modal({"remark": ""}, user=stack.fake.admin))
    assert kept.content.startswith("Nothing was changed")
    assert stack.emulators["picpik"][STATE_KEY].apps[app_id].remark == "changed since"


async def test_a_remark_longer_than_the_bots_limit_is_kept_whole(stack: Stack, admin_bot: GridBot) -> None:
    long_remark = "render node " + "x" * 188  # 200 characters, set outside the bot
    app_id = add_app(stack, 1, remark=long_remark)

    field = remark_input(await remark_form(stack, app_id))
    assert field["value"] == long_remark and field["max_length"] == 200
    untouched = await answer(stack, await stack.fake.submit_modal({"remark": long_remark}, user=stack.fake.admin))

    assert untouched.content.startswith(f"✅ The remark of `{app_id}` is now “render node xxx")
    assert stack.emulators["picpik"][STATE_KEY].apps[app_id].remark == long_remark
    assert bodies(stack, "ModifyPicpikAppRemark") == []  # nothing to write: it is the remark Picpik has

    # a new remark as long is held to the bot's 128 characters
    await remark_form(stack, app_id)
    other = long_remark.replace("x", "y")
    refused = await answer(stack, await stack.fake.submit_modal({"remark": other}, user=stack.fake.admin))
    assert refused.content == "⚠️ A remark can be at most 128 characters long."
    assert stack.emulators["picpik"][STATE_KEY].apps[app_id].remark == long_remark


# --- bundles and lists ---------------------------------------------------------------------------------------------


async def test_a_logo_link_discord_would_refuse_is_left_out(
    stack: Stack, admin_bot: GridBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = [
        {**BUNDLES[0], "LogoUrl": "https://exa mple.com/a b.png"},
        {**BUNDLES[1], "LogoUrl": "ftp://picpik.example/logo.png"},
        {**BUNDLES[2]},
    ]
    monkeypatch.setattr("tests.emulators.picpik._actions.BUNDLES", bad)

    reply = await answer(stack, await console(stack, "bundles"))

    assert [embed.get("thumbnail", {}).get("url") for embed in reply.embeds] == [None, None, BUNDLES[2]["LogoUrl"]]


@pytest.mark.parametrize(
    ("locale", "footer"),
    [
        ("en-US", "Page 1 of 2 · 20 of 25 apps: Picpik did not send the others"),
        ("zh-CN", "第 1/2 页 · 共 25 个应用，Picpik 只返回了其中 20 个"),
    ],
)
async def test_a_list_picpik_sends_only_part_of_says_how_many_exist(
    stack: Stack, admin_bot: GridBot, locale: str, footer: str
) -> None:
    for number in range(25):
        add_app(stack, 1, remark=f"node {number}")
    stack.arm("picpik", "page_ignored", times=None)  # every page is the first 20

    listed = await answer(stack, await console(stack, "list", locale=locale))

    assert listed.embeds[0]["footer"]["text"] == footer
    # a page that adds no app ends the reading
    assert [body.get("Page") for body in bodies(stack, "ListPicpikApps")] == [None, 2]


async def test_a_create_names_its_bundle_though_no_autocomplete_loaded_the_list(
    stack: Stack, admin_bot: GridBot
) -> None:
    final = await settled(stack, await console(stack, "create", {"bundle": "bundle-comfyui-sdxl", "region": "cn-wlcb"}))

    assert final.content.splitlines()[0].startswith("🖥️ **Create** · 1 × ComfyUI SDXL · cn-wlcb · <@")
    assert app_calls(stack)[:2] == ["ListPicpikBundles", "CreatePicpikApp"]


# --- the app autocomplete ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("subcommand", ["info", "remark", "start", "stop", "restart", "delete"])
async def test_every_subcommand_that_names_an_app_offers_the_servers_apps(
    stack: Stack, admin_bot: GridBot, subcommand: str
) -> None:
    mine = [add_app(stack, 1, remark="render node"), add_app(stack, 6, remark="spare")]
    add_app(stack, 1, owner="test-public-key")  # another account's app: never offered

    every = await stack.fake.autocomplete(COMMAND, {"app": ""}, "app", subcommand=subcommand, user=stack.fake.admin)
    typed = await stack.fake.autocomplete(
        COMMAND, {"app": "spare"}, "app", subcommand=subcommand, user=stack.fake.admin
    )
    refused = await stack.fake.actions.autocomplete(
        COMMAND,
        {"app": ""},
        "app",
        locale="en-US",
        subcommand=subcommand,
        user=stack.fake.member,
        guild=stack.fake.guild,
        channel=stack.fake.channel,
    )
    await until(stack, lambda: refused.callback_type, "the autocomplete's answer")

    assert sorted(choice["value"] for choice in every) == sorted(mine)
    assert [choice["value"] for choice in typed] == [mine[1]]
    assert refused.autocomplete_choices == []  # members without Manage Server are offered nothing
