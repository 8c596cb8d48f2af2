"""``/picpik-app`` actions end to end against a Picpik emulator that behaves like a slow, sometimes failing service:
a stop followed until the app is shut down, a change that begins late, an action never acted on, every failure
state, apps that failed deleted as they are, "Delete now" after "Stop it first" (across a restart), a deleted app
that drops out of the list, the seed's map-shaped lists, and the app actions' own time limit.

The helpers are ``test_picpik_app``'s: the server's keys are the emulator's second key pair.
"""

from __future__ import annotations

import re
import time

import pytest

from bot.app import GridBot
from providers.core.models import JobKind
from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.picpik_app.test_picpik_app import (
    STATE_WORDS,
    action_rows,
    add_app,
    answer,
    app_state,
    buttons,
    console,
    description,
    public_message,
    server_keys,
    settled,
    until,
)
from tests.emulators.picpik import STATE_KEY
from tests.fake_discord import StoredMessage

CREATE = {"bundle": "bundle-comfyui-sdxl", "region": "cn-wlcb"}


async def _confirmed(stack: Stack, app_id: str, op: str, marker: str) -> StoredMessage:
    """``/picpik-app delete``, its ``op`` button pressed, and the public message of what follows, once settled."""
    admin = stack.fake.admin
    confirmation = await answer(stack, await console(stack, "delete", {"app": app_id}))
    await stack.fake.click_button(confirmation, f"picpik-app:{op}:{app_id}:{admin.id}", user=admin)
    return await settled(stack, await until(stack, lambda: public_message(stack, marker), f"the {op} message"))


# --- stop, and actions that do not go as asked ----------------------------------------------------------------


async def test_stop_follows_the_app_until_it_is_shut_down(stack: Stack, admin_bot: GridBot) -> None:
    app_id = add_app(stack, 1)

    stopped = await settled(stack, await console(stack, "stop", {"app": app_id}))

    assert not stopped.ephemeral
    assert stopped.content.splitlines() == [
        f"🖥️ **Stop** · Picpik app · <@{stack.fake.admin.id}> · #1",
        f"`{app_id}` — ⏹️ shut down",
    ]
    assert any(f"`{app_id}` — ⏳ shutting down" in version.content for version in stopped.versions)
    assert stopped.button_labels == []  # a stop of its own offers no delete
    [row] = await action_rows(admin_bot, stack, 1)
    assert row.state is LifecycleState.DELIVERED and app_state(stack, app_id) == 6


async def test_a_stop_picpik_never_acts_on_ends_with_a_cross_and_why(stack: Stack, admin_bot: GridBot) -> None:
    english, chinese = add_app(stack, 1), add_app(stack, 1)
    stack.arm("picpik", "action_ignored", times=2)  # accepted, and the app stays running

    ignored = await settled(stack, await console(stack, "stop", {"app": english}))
    in_chinese = await settled(stack, await console(stack, "stop", {"app": chinese}, locale="zh-CN"))

    assert ignored.content.splitlines()[1:] == [f"`{english}` — ❌ did not reach shut down (it is running)"]
    assert "✅" not in ignored.content
    assert in_chinese.content.splitlines()[1:] == [f"`{chinese}` — ❌ 未能达到“已关机”（当前：运行中）"]
    rows = await action_rows(admin_bot, stack, 2)
    assert [(row.state, row.failure_kind) for row in rows] == [(LifecycleState.FAILED, "app_failed")] * 2


async def test_a_create_that_creates_nothing_says_so(stack: Stack, admin_bot: GridBot) -> None:
    stack.arm("picpik", "create_nothing")  # RetCode 0, and no Results at all

    final = await settled(stack, await console(stack, "create", CREATE))

    assert final.content.splitlines()[1:] == ["❌ No app was created."]
    [row] = await action_rows(admin_bot, stack, 1)
    assert (row.state, row.failure_kind) == (LifecycleState.FAILED, "app_failed")


async def test_a_retried_start_is_not_judged_by_the_failure_it_starts_from(stack: Stack, admin_bot: GridBot) -> None:
    # Picpik begins the start 0.8 s after taking it: for a while the app still shows "start failed" from the try
    # before. The grace after an action, 1.2 s here, lets the bot wait that out.
    # (an ``AppActionFollower`` of the bot's own copy of the extension: discord.py loads it afresh for each bot)
    admin_bot.job_followers[JobKind.APP_ACTION].grace_seconds = 1.2  # type: ignore[attr-defined]
    stack.emulators["picpik"][STATE_KEY].lag_seconds = 0.8
    app_id = add_app(stack, -4)
    stack.arm("picpik", "late_transition")

    final = await settled(stack, await console(stack, "start", {"app": app_id}))

    [row] = await action_rows(admin_bot, stack, 1)
    assert f"`{app_id}` — ✅ running" in final.content and row.state is LifecycleState.DELIVERED
    waited = [version.content for version in final.versions if "❌ start failed" in version.content]
    assert waited and all("⏳ Waiting for Picpik to act on it…" in content for content in waited)


@pytest.mark.parametrize(
    ("subcommand", "state", "fault", "failure"),
    [
        ("create", None, "app_init_fails", -2),
        ("create", None, "comfy_init_fails", -3),
        ("stop", 1, "app_stop_fails", -5),
        ("restart", 1, "app_restart_fails", -7),
        ("start", 6, "comfy_interrupted", -9),
    ],
)
async def test_each_failure_state_ends_the_action_as_a_failure(
    stack: Stack, admin_bot: GridBot, subcommand: str, state: int | None, fault: str, failure: int
) -> None:
    options = CREATE if state is None else {"app": add_app(stack, state)}
    stack.arm("picpik", fault)

    final = await settled(stack, await console(stack, subcommand, options))

    [line] = [line for line in final.content.splitlines() if line.startswith("`app-")]
    assert re.fullmatch(rf"`app-\w+` — ❌ {re.escape(STATE_WORDS[failure])}", line), line
    [row] = await action_rows(admin_bot, stack, 1)
    assert (row.state, row.failure_kind) == (LifecycleState.FAILED, "app_failed")


# --- delete ------------------------------------------------------------------------------------------------------


async def test_an_app_that_failed_to_come_up_is_deleted_as_it_is(stack: Stack, admin_bot: GridBot) -> None:
    app_id = add_app(stack, -2, remark="broken")

    offered = await answer(stack, await console(stack, "delete", {"app": app_id}))

    assert offered.content == (
        f"`{app_id}` is ❌ initialisation failed. Delete it (broken)? Picpik removes it for good."
    )
    assert offered.button_labels == ["Delete", "Cancel"]
    stack.arm("picpik", "app_delete_fails")
    await stack.fake.click_button(offered, f"picpik-app:delete:{app_id}:{stack.fake.admin.id}", user=stack.fake.admin)
    failed = await settled(stack, await until(stack, lambda: public_message(stack, "**Delete**"), "delete message"))
    assert f"`{app_id}` — ❌ delete failed" in failed.content

    deleted = await _confirmed(stack, app_id, "delete", "— 🗑️")  # a failed delete is asked again
    assert f"`{app_id}` — 🗑️ deleted" in deleted.content and app_state(stack, app_id) == 8


async def test_an_app_on_its_way_up_or_still_up_is_offered_a_stop_first(stack: Stack, admin_bot: GridBot) -> None:
    stack.emulators["picpik"][STATE_KEY].step_seconds = 0.3
    starting, interrupted, odd = add_app(stack, 10), add_app(stack, -9), add_app(stack, 42)
    stack.emulators["picpik"][STATE_KEY].apps[starting].move(time.monotonic(), [10], 1, 5.0)  # starting for 5 s

    stop_first = await answer(stack, await console(stack, "delete", {"app": interrupted}))
    wait = await answer(stack, await console(stack, "delete", {"app": odd}))
    offered = await answer(stack, await console(stack, "delete", {"app": starting}))

    assert stop_first.content.startswith(f"`{interrupted}` is ❌ ComfySrv service interrupted. Picpik deletes only")
    assert stop_first.button_labels == ["Stop it first", "Cancel"]
    assert wait.content == (  # a state the documents do not list: nothing is guessed
        f"`{odd}` is ❔ unknown state 42. Once it settles (running, shut down or failed), /picpik-app delete offers "
        "what can be done."
    )
    assert wait.button_labels == []
    assert offered.content == (
        f"`{starting}` is ⏳ starting. Picpik deletes only apps that are shut down: stop it first, then delete it."
    )
    assert offered.button_labels == ["Stop it first", "Cancel"]
    admin = stack.fake.admin
    await stack.fake.click_button(offered, f"picpik-app:stop:{starting}:{admin.id}", user=admin)
    stopped = await settled(stack, await until(stack, lambda: public_message(stack, "**Stop**"), "the stop message"))
    assert f"`{starting}` — ⏹️ shut down" in stopped.content and app_state(stack, starting) == 6
    assert stopped.button_labels == ["Delete now"]


async def test_stop_it_first_ends_with_delete_now_for_the_admin_who_asked_after_a_restart(stack: Stack) -> None:
    admin, other_admin = stack.fake.admin, stack.fake.add_user("another admin", admin=True)
    app_id = add_app(stack, 1, remark="old node")
    async with stack.running() as first:
        await server_keys(first, stack)
        stopped = await _confirmed(stack, app_id, "stop", "**Stop**")
    [button] = buttons(stopped)
    assert (button["label"], button["emoji"]["name"]) == ("Delete now", "🗑️")
    assert button["custom_id"] == f"picpik-app:delnow:{app_id}:{admin.id}"

    async with stack.running() as second:  # a new process answers the button
        refused = await answer(stack, await stack.fake.click_button(stopped, button["custom_id"], user=other_admin))
        await stack.fake.click_button(stopped, button["custom_id"], user=admin)
        deleted = await settled(stack, await until(stack, lambda: public_message(stack, "**Delete**"), "delete"))
        rows = await action_rows(second, stack, 2)

    assert refused.ephemeral and refused.content == f"⚠️ Only <@{admin.id}>, who asked, can answer this."
    assert f"`{app_id}` — 🗑️ deleted" in deleted.content and app_state(stack, app_id) == 8
    after = stack.fake.message(stopped.id)
    assert after.content == stopped.content and after.button_labels == []  # the stop's record stays, its button goes
    assert [row.state for row in rows] == [LifecycleState.DELIVERED] * 2


async def test_a_deleted_app_that_drops_out_of_the_list_is_shown_deleted(stack: Stack, admin_bot: GridBot) -> None:
    stack.arm("picpik", "deleted_vanish", times=None)
    app_id, kept = add_app(stack, 6, remark="old"), add_app(stack, 1, remark="kept")

    deleted = await _confirmed(stack, app_id, "delete", "**Delete**")

    assert f"`{app_id}` — 🗑️ deleted" in deleted.content
    [row] = await action_rows(admin_bot, stack, 1)
    assert row.state is LifecycleState.DELIVERED
    listed = description(await answer(stack, await console(stack, "list")))
    assert app_id not in listed and kept in listed
    gone = await answer(stack, await console(stack, "info", {"app": app_id}))
    assert gone.content.startswith(f"⚠️ This server's Picpik account has no app `{app_id}`.")


# --- the seed's shapes, and the time limit -------------------------------------------------------------------------


async def test_lists_sent_as_the_seeds_maps_are_read_too(stack: Stack, admin_bot: GridBot) -> None:
    stack.arm("picpik", "map_shape", times=None)  # Bundles, Apps and Results as objects keyed by id
    app_id = add_app(stack, 1, remark="mapped")
    stack.arm("picpik", "create_partial")

    bundles = await answer(stack, await console(stack, "bundles"))
    listed = await answer(stack, await console(stack, "list"))
    created = await settled(stack, await console(stack, "create", {**CREATE, "count": 2}))

    assert [embed["title"] for embed in bundles.embeds] == ["ComfyUI SDXL", "SD WebUI", "Flux Studio"]
    assert f"**`{app_id}`** · mapped" in description(listed)
    lines = created.content.splitlines()
    assert sum(line.endswith("— ✅ running") for line in lines) == 1
    assert sum(line.endswith("— ❌ not created: No GPU left in cn-wlcb") for line in lines) == 1


async def test_an_app_action_has_its_own_time_limit_not_the_picture_jobs(stack: Stack) -> None:
    stack.emulators["picpik"][STATE_KEY].step_seconds = 1.2  # starting takes 1.2 s
    picpik = stack.settings.services["picpik"]
    stack.settings.services["picpik"] = picpik.model_copy(update={"job_timeout_seconds": 0.4})  # pictures: 0.4 s
    slow, slower = add_app(stack, 6), add_app(stack, 6)

    async with stack.running() as bot:  # app actions: the default hour
        await server_keys(bot, stack)
        started = await settled(stack, await console(stack, "start", {"app": slow}))
    assert f"`{slow}` — ✅ running" in started.content

    front_end = stack.front_end.model_copy(update={"app_action_timeout_seconds": 0.4})
    async with stack.running(stack.new_bot(front_end=front_end)):
        interaction = await console(stack, "start", {"app": slower})
        timed_out = await stack.fake.wait_for_original(interaction, lambda m: "⌛" in m.content)
    assert timed_out.content.splitlines()[1:] == [
        f"`{slower}` — last seen: ⏳ starting",  # the last look, kept in the row
        "⌛ Stopped following: the app did not settle in time. /picpik-app list shows where it is now.",
    ]
