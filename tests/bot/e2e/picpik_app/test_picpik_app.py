"""``/picpik-app`` end to end: the real bot against the fake Discord and the Picpik emulator.

The server's Picpik keys here are the emulator's *second* key pair, while the bot's settings hold the first: apps
live under the key pair that made them, so every app the console shows or touches proves it used the server's keys.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from bot.app import GridBot
from providers.core.models import JobKind
from storage.jobs import JobRecord
from storage.keys import KeyScope
from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import FINISH_TIMEOUT, Stack
from tests.emulators.picpik import BUNDLES, KEY_PAIRS, REQUESTS_KEY, STATE_KEY, TEST_PUBLIC_KEY
from tests.emulators.picpik._state import EmulatedApp
from tests.fake_discord import FakeUser, InteractionRecord, StoredMessage

T = TypeVar("T")

SERVER_PUBLIC_KEY = "second-public-key"
COMMAND = "picpik-app"
NOT_AN_ADMIN = "Only members with the Manage Server permission in this server can use this command."
#: the 18 states of the seed, in its order, with the words the console shows for them
STATE_WORDS = {
    1: "running",
    2: "initialising",
    3: "initialising the ComfySrv service",
    4: "Comfy starting",
    5: "shutting down",
    6: "shut down",
    7: "deleting",
    8: "deleted",
    9: "restarting",
    10: "starting",
    -2: "initialisation failed",
    -3: "ComfySrv service initialisation failed",
    -4: "start failed",
    -5: "shutdown failed",
    -6: "delete failed",
    -7: "restart failed",
    -8: "create failed",
    -9: "ComfySrv service interrupted",
}


async def server_keys(bot: GridBot, stack: Stack) -> None:
    fields = {"public_key": SERVER_PUBLIC_KEY, "private_key": KEY_PAIRS[SERVER_PUBLIC_KEY]}
    await bot.key_store.set(KeyScope.GUILD, stack.fake.guild.id, "picpik", fields, masked="••••-key")


def add_app(stack: Stack, state: int, *, remark: str = "", owner: str = SERVER_PUBLIC_KEY, bundle: int = 0) -> str:
    """An app already in the account, sitting in ``state``."""
    emulated = stack.emulators["picpik"][STATE_KEY]
    app = EmulatedApp(
        app_id=emulated.new_id("app-", 10),
        owner=owner,
        bundle=BUNDLES[bundle],
        remark=remark,
        ip=f"10.10.1.{len(emulated.apps) + 10}",
        api_key=emulated.new_id("", 20),
        created=int(time.time()) - 3600,
    )
    app.move(time.monotonic(), [], state, emulated.step_seconds)
    emulated.apps[app.app_id] = app
    return app.app_id


def app_calls(stack: Stack) -> list[str]:
    """The Picpik actions received, apart from the model list every bot loads at start-up."""
    return [entry["Action"] for entry in stack.emulators["picpik"][REQUESTS_KEY] if entry["Action"] != "ListModels"]


def app_state(stack: Stack, app_id: str) -> int:
    return stack.emulators["picpik"][STATE_KEY].apps[app_id].state(time.monotonic())


async def console(
    stack: Stack,
    subcommand: str,
    options: dict[str, Any] | None = None,
    *,
    user: FakeUser | None = None,
    locale: str = "en-US",
) -> InteractionRecord:
    return await stack.fake.send_slash_command(
        COMMAND, options or {}, subcommand=subcommand, user=user or stack.fake.admin, locale=locale
    )


async def answer(stack: Stack, interaction: InteractionRecord) -> StoredMessage:
    return await stack.fake.wait_for_original(interaction, lambda m: not m.loading)


async def until(stack: Stack, predicate: Callable[[], T | None], what: str) -> T:
    return await stack.fake.wait_for(predicate, timeout=FINISH_TIMEOUT, what=what)  # type: ignore[return-value]


async def settled(stack: Stack, message: StoredMessage | InteractionRecord) -> StoredMessage:
    """An action's message once it no longer shows anything under way."""

    def done() -> StoredMessage | None:
        current = (
            stack.fake.original_message(message)
            if isinstance(message, InteractionRecord)
            else (stack.fake.message(message.id))
        )
        if current is None or current.loading or "⏳" in current.content:
            return None
        return current

    return await until(stack, done, "the action's final message")


async def action_rows(bot: GridBot, stack: Stack, closed: int) -> list[JobRecord]:
    """The admin's app actions, once ``closed`` of them are over (delivered or failed), oldest first."""
    deadline = time.monotonic() + FINISH_TIMEOUT
    while True:
        rows = [r for r in await bot.store.jobs_for_owner(stack.fake.admin.id, 50) if r.kind is JobKind.APP_ACTION]
        if sum(r.state.is_terminal for r in rows) >= closed:
            return sorted(rows, key=lambda r: r.id)
        assert time.monotonic() < deadline, [(r.id, r.state) for r in rows]
        await stack.fake.state.changed(0.05)


def description(message: StoredMessage) -> str:
    return "\n".join(embed.get("description") or "" for embed in message.embeds)


def buttons(message: StoredMessage) -> list[dict[str, Any]]:
    return [c for row in message.components for c in row.get("components", [])]


# --- looking things up -----------------------------------------------------------------------------------------


async def test_bundles_are_cards_with_prices_struck_through_when_discounted(stack: Stack, admin_bot) -> None:
    reply = await answer(stack, await console(stack, "bundles"))

    assert reply.ephemeral and reply.content == "**Picpik bundles** · page 1 of 1 · 3 bundles"
    comfy, webui, flux = reply.embeds
    assert comfy["title"] == "ComfyUI SDXL" and comfy["description"] == "ComfyUI with SDXL checkpoints"
    fields = {field["name"]: field["value"] for field in comfy["fields"]}
    # prices come in fen: 199 fen an hour, 299 before the discount
    assert fields == {"Version": "1.2.0", "Region": "cn-wlcb", "Price": "~~¥2.99~~ **¥1.99** per hour"}
    assert comfy["thumbnail"]["url"] == "https://picpik.example/logo/comfy.png"
    assert webui["fields"][2]["value"] == "~~¥0.1199~~ **¥0.0999** per hour"
    assert flux["fields"][2]["value"] == "¥4.50 per hour"  # not discounted: nothing struck through
    assert buttons(reply) == []

    chinese = await answer(stack, await console(stack, "bundles", locale="zh-CN"))
    assert chinese.embeds[0]["fields"][2] == {"name": "价格", "value": "每小时 ~~¥2.99~~ **¥1.99**", "inline": True}


async def test_many_bundles_are_paged_with_buttons(stack: Stack, admin_bot, monkeypatch: pytest.MonkeyPatch) -> None:
    more = [{**BUNDLES[0], "BundleId": f"bundle-{n}", "Name": f"Bundle {n}"} for n in range(7)]
    monkeypatch.setattr("tests.emulators.picpik._actions.BUNDLES", more)

    first = await answer(stack, await console(stack, "bundles"))
    assert [e["title"] for e in first.embeds] == [f"Bundle {n}" for n in range(5)]
    assert [b.get("disabled", False) for b in buttons(first)] == [True, False]

    await stack.fake.click_button(first, "picpik-app:page:bundles:2", user=stack.fake.admin)
    second = await until(stack, lambda: (m := stack.fake.message(first.id)) and "page 2 of 2" in m.content and m, "p2")
    assert [e["title"] for e in second.embeds] == ["Bundle 5", "Bundle 6"]


async def test_list_shows_every_app_and_all_eighteen_states_in_words(stack: Stack, admin_bot) -> None:
    apps = {code: add_app(stack, code, remark=f"node {code}") for code in STATE_WORDS}
    add_app(stack, 1, remark="the operator's own app", owner=TEST_PUBLIC_KEY)  # the settings' keys: not listed

    first = await answer(stack, await console(stack, "list"))
    assert first.ephemeral and first.embeds[0]["footer"]["text"] == "Page 1 of 2 · 18 apps"
    page_one = description(first)  # the message itself turns into page 2
    await stack.fake.click_button(first, "picpik-app:page:apps:2", user=stack.fake.admin)
    second = await until(
        stack, lambda: (m := stack.fake.message(first.id)) and "Page 2" in m.embeds[0]["footer"]["text"] and m, "p2"
    )
    entries = page_one.split("\n\n") + description(second).split("\n\n")

    assert len(entries) == 18 and "operator" not in "".join(entries)
    by_app = {re.search(r"`(app-\w+)`", entry)[1]: entry for entry in entries}  # type: ignore[index]
    for code, app_id in apps.items():
        entry = by_app[app_id]
        mark = "❌" if code < 0 else {1: "✅", 6: "⏹️", 8: "🗑️"}.get(code, "⏳")
        assert f"{mark} {STATE_WORDS[code]} ·" in entry, entry
        assert f"node {code}" in entry and "ComfyUI SDXL 1.2.0" in entry and "`10.10.1." in entry
        assert re.search(r"created <t:\d+:R>", entry)

    chinese = await answer(stack, await console(stack, "list", locale="zh-CN"))
    assert "✅ 运行中" in description(chinese) and "⏹️ 已关机" in description(chinese)


async def test_info_shows_one_app_and_its_key_only_when_asked(stack: Stack, admin_bot) -> None:
    app_id = add_app(stack, 1, remark="studio")
    key = stack.emulators["picpik"][STATE_KEY].apps[app_id].api_key
    choices = await stack.fake.autocomplete(COMMAND, {"app": ""}, "app", subcommand="info", user=stack.fake.admin)
    assert choices == [{"name": f"{app_id} · studio · ComfyUI SDXL · running", "value": app_id}]

    info = await answer(stack, await console(stack, "info", {"app": app_id}))

    assert info.ephemeral
    [card] = info.embeds
    fields = {field["name"]: field["value"] for field in card["fields"]}
    assert card["title"] == app_id and card["description"] == "studio"
    assert fields["State"] == "✅ running (1)" and fields["Address"].startswith("`10.10.1.")
    assert key not in str(info.payload())
    pressed = await stack.fake.click_button(info, f"picpik-app:key:{app_id}", user=stack.fake.admin)
    revealed = await answer(stack, pressed)
    assert revealed.ephemeral and revealed.id != info.id and key in revealed.content


async def test_remark_is_changed_through_a_form(stack: Stack, admin_bot) -> None:
    app_id = add_app(stack, 1, remark="old note")
    await console(stack, "remark", {"app": app_id})
    await stack.wait(lambda: [m for m in stack.fake.state.modals if not m.submitted], "the remark form")

    saved = await answer(stack, await stack.fake.submit_modal({"remark": "render box"}, user=stack.fake.admin))

    assert saved.ephemeral and saved.content == f"✅ The remark of `{app_id}` is now “render box”."
    assert stack.emulators["picpik"][STATE_KEY].apps[app_id].remark == "render box"


async def test_an_empty_remark_clears_it(stack: Stack, admin_bot) -> None:
    app_id = add_app(stack, 1, remark="old note")
    await console(stack, "remark", {"app": app_id})
    await stack.wait(lambda: [m for m in stack.fake.state.modals if not m.submitted], "the remark form")

    cleared = await answer(stack, await stack.fake.submit_modal({"remark": "   "}, user=stack.fake.admin))

    assert cleared.ephemeral and cleared.content == f"✅ The remark of `{app_id}` is cleared."
    # NewRemark is required, and the emulator refuses "" as missing: a clear is sent as one space
    [sent] = bodies(stack, "ModifyPicpikAppRemark")
    assert sent["NewRemark"] == " "
    info = await answer(stack, await console(stack, "info", {"app": app_id}))
    assert info.embeds[0]["description"] == "no remark"
    listed = await answer(stack, await console(stack, "list"))
    assert f"**`{app_id}`** · no remark" in description(listed)


# --- actions followed until the apps settle ----------------------------------------------------------------------


async def test_create_reports_each_app_and_follows_them_until_running(stack: Stack, admin_bot) -> None:
    admin = stack.fake.admin
    bundles = await stack.fake.autocomplete(COMMAND, {"bundle": "flux"}, "bundle", subcommand="create", user=admin)
    assert [c["value"] for c in bundles] == ["bundle-flux-studio"]
    regions = await stack.fake.autocomplete(
        COMMAND, {"bundle": "bundle-flux-studio", "region": ""}, "region", subcommand="create", user=admin
    )
    assert [c["value"] for c in regions] == ["hk", "cn-wlcb"]
    stack.arm("picpik", "create_partial")

    options = {"bundle": "bundle-comfyui-sdxl", "region": "cn-wlcb", "count": 3, "remark": "batch"}
    interaction = await console(stack, "create", options)
    final = await settled(stack, interaction)

    assert not final.ephemeral
    lines = final.content.splitlines()
    assert lines[0].startswith("🖥️ **Create** · 3 × ComfyUI SDXL · cn-wlcb · “batch” · <@")
    created = [line for line in lines if line.endswith("— ✅ running")]
    assert len(created) == 2 and all(line.startswith("`app-") for line in created)
    # the app that could not be created keeps the id Picpik gave it (listed in state -8, so it can be deleted)
    [not_created] = [line for line in lines if "not created" in line]
    failed_id = re.fullmatch(r"`(app-\w+)` — ❌ not created: No GPU left in cn-wlcb", not_created)[1]  # type: ignore[index]
    assert app_state(stack, failed_id) == -8
    shown = "\n".join(version.content for version in final.versions)
    assert "initialising" in shown  # the message kept itself up to date on the way
    [row] = await action_rows(admin_bot, stack, 1)
    assert row.state is LifecycleState.DELIVERED and row.credential_ref == f"guild:{stack.fake.guild.id}"
    owners = {app.owner for app in stack.emulators["picpik"][STATE_KEY].apps.values()}
    assert owners == {SERVER_PUBLIC_KEY}
    listed = await answer(stack, await stack.fake.send_slash_command("jobs", user=admin))
    assert f"#{row.id}" in description(listed) and "Picpik app action" in description(listed)


async def test_an_app_that_fails_to_start_is_shown_as_a_failure(stack: Stack, admin_bot) -> None:
    app_id = add_app(stack, 6)
    stack.arm("picpik", "app_start_fails")

    failed = await settled(stack, await console(stack, "start", {"app": app_id}))

    assert f"`{app_id}` — ❌ start failed" in failed.content
    [row] = await action_rows(admin_bot, stack, 1)
    assert (row.state, row.failure_kind) == (LifecycleState.FAILED, "app_failed")

    again = await settled(stack, await console(stack, "start", {"app": app_id}))  # Picpik lets a failed start retry
    assert f"`{app_id}` — ✅ running" in again.content


async def test_an_action_picpik_refuses_ends_with_its_reason_in_the_admins_language(stack: Stack, admin_bot) -> None:
    app_id = add_app(stack, 6)

    refused = await settled(stack, await console(stack, "restart", {"app": app_id}, locale="zh-CN"))  # shut down

    assert refused.content.splitlines() == [
        f"🖥️ **重启** · Picpik 应用 · <@{stack.fake.admin.id}> · #1",
        f"`{app_id}`",
        "❌ Picpik 没有接受这个请求。",
        # the service's own words stay as they came, in a sentence of the admin's language
        f"> Picpik 返回：“App \\[{app_id}] cannot restart in state 6”",  # an escaped [ shows as [
    ]
    [row] = await action_rows(admin_bot, stack, 1)
    assert (row.state, row.failure_kind) == (LifecycleState.FAILED, "invalid_input")


async def test_delete_of_a_running_app_is_refused_then_stop_then_delete(stack: Stack, admin_bot) -> None:
    admin = stack.fake.admin
    app_id = add_app(stack, 1, remark="old node")

    refused = await answer(stack, await console(stack, "delete", {"app": app_id}))

    assert refused.ephemeral and app_state(stack, app_id) == 1
    assert refused.content == (
        f"`{app_id}` is ✅ running. Picpik deletes only apps that are shut down: stop it first, then delete it."
    )
    assert refused.button_labels == ["Stop it first", "Cancel"]
    stop_id = f"picpik-app:stop:{app_id}:{admin.id}"
    await stack.fake.click_button(refused, stop_id, user=admin)
    closed = await until(stack, lambda: (m := stack.fake.message(refused.id)) and not m.components and m, "closed")
    assert closed.content == f"Stop `{app_id}`: the message below follows it."
    stopped = await settled(stack, await until(stack, lambda: public_message(stack, "**Stop**"), "the stop message"))
    assert f"`{app_id}` — ⏹️ shut down" in stopped.content and app_state(stack, app_id) == 6
    assert stopped.button_labels == ["Delete now"]  # pressing it is shown in test_picpik_app_lifecycle

    confirm = await answer(stack, await console(stack, "delete", {"app": app_id}))
    assert confirm.content == f"Delete the app `{app_id}` (old node)? Picpik removes it for good."
    assert confirm.button_labels == ["Delete", "Cancel"]
    await stack.fake.click_button(confirm, f"picpik-app:delete:{app_id}:{admin.id}", user=admin)
    deleted = await settled(stack, await until(stack, lambda: public_message(stack, "**Delete**"), "delete message"))

    assert f"`{app_id}` — 🗑️ deleted" in deleted.content and app_state(stack, app_id) == 8
    actions = app_calls(stack)
    assert actions.count("StopPicpikApp") == 1 and actions.count("DeletePicpikApp") == 1


async def test_only_the_admin_who_asked_can_confirm_a_delete(stack: Stack, admin_bot) -> None:
    admin, other_admin = stack.fake.admin, stack.fake.add_user("another admin", admin=True)
    app_id = add_app(stack, 6)
    confirm = await answer(stack, await console(stack, "delete", {"app": app_id}))
    custom_id = f"picpik-app:delete:{app_id}:{admin.id}"

    with pytest.raises(ValueError, match="ephemeral"):  # nobody else even sees it …
        await stack.fake.click_button(confirm, custom_id, user=other_admin)
    # … and a forged press of its button is refused all the same
    forged = await stack.fake.actions.dispatch(
        3,
        {"custom_id": custom_id, "component_type": 2},
        user=other_admin,
        guild=stack.fake.guild,
        channel=stack.fake.channel,
        locale="en-US",
        message=confirm,
    )
    assert (await answer(stack, forged)).content == f"⚠️ Only <@{admin.id}>, who asked, can answer this."

    await stack.fake.click_button(confirm, f"picpik-app:cancel:{admin.id}", user=admin)
    cancelled = await until(stack, lambda: (m := stack.fake.message(confirm.id)) and not m.components and m, "cancel")
    assert cancelled.content == "Cancelled: nothing was changed."
    assert app_state(stack, app_id) == 6
    assert "DeletePicpikApp" not in app_calls(stack)


async def test_a_transition_is_followed_to_its_end_across_a_bot_restart(stack: Stack) -> None:
    stack.emulators["picpik"][STATE_KEY].step_seconds = 2.0  # restarting lasts long enough to restart the bot
    app_id = add_app(stack, 1)
    async with stack.running() as first:
        await server_keys(first, stack)
        interaction = await console(stack, "restart", {"app": app_id})
        await stack.fake.wait_for_original(interaction, lambda m: "⏳ restarting" in m.content)
    assert "✅" not in (stack.fake.original_message(interaction) or interaction).content  # type: ignore[union-attr]

    async with stack.running() as second:
        final = await settled(stack, interaction)
        [row] = await action_rows(second, stack, 1)

    assert f"`{app_id}` — ✅ running" in final.content
    assert sum("✅ running" in version.content for version in final.versions) == 1
    assert row.state is LifecycleState.DELIVERED


# --- who may ----------------------------------------------------------------------------------------------------


async def test_a_member_without_manage_server_is_refused(stack: Stack, admin_bot) -> None:
    member = stack.fake.member
    app_id = add_app(stack, 1)

    for subcommand, options in (("list", {}), ("start", {"app": app_id}), ("delete", {"app": app_id})):
        refused = await answer(stack, await console(stack, subcommand, options, user=member))
        assert refused.ephemeral
        assert refused.content == f"⚠️ {NOT_AN_ADMIN}"
    typed = await stack.fake.actions.autocomplete(
        COMMAND,
        {"app": ""},
        "app",
        locale="en-US",
        subcommand="start",
        user=member,
        guild=stack.fake.guild,
        channel=stack.fake.channel,
    )
    await until(stack, lambda: typed.callback_type, "the autocomplete's answer")
    assert typed.autocomplete_choices == []  # nor can they list the apps by typing
    [command] = [c for c in stack.fake.commands() if c["name"] == COMMAND]
    assert int(command["default_member_permissions"]) == 1 << 5 and command["contexts"] == [0]
    assert app_state(stack, app_id) == 1
    assert app_calls(stack) == []


async def test_without_server_keys_the_console_says_how_to_add_them(stack: Stack, bot) -> None:
    # the bot's settings have Picpik keys, but apps are billed by the hour: only the server's own keys are used
    refused = await answer(stack, await console(stack, "list"))
    assert refused.ephemeral and "`/server-settings keys set service:Picpik`" in refused.content
    assert app_calls(stack) == []


def bodies(stack: Stack, action: str) -> list[dict[str, Any]]:
    return [entry["body"] for entry in stack.emulators["picpik"][REQUESTS_KEY] if entry["Action"] == action]


def public_message(stack: Stack, marker: str) -> StoredMessage | None:
    return next((m for m in reversed(stack.fake.messages) if not m.ephemeral and marker in m.content), None)
