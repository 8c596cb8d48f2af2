"""``/picpik-app`` where Picpik says less than the bot would like: a restart it never acts on, a remark it does not say
in time, more apps than one page holds, prices sent as numbers; and a remark as long as the form takes.

The helpers are ``test_picpik_app``'s: the server's keys are the emulator's second key pair.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.picpik_app.test_picpik_app import (
    COMMAND,
    action_rows,
    add_app,
    answer,
    app_state,
    bodies,
    console,
    description,
    public_message,
    settled,
    until,
)
from tests.emulators.common import FAULTS_KEY
from tests.emulators.picpik import BUNDLES, STATE_KEY
from tests.fake_discord import StoredMessage
from tests.fake_discord.interactions import ModalShown


def remark_input(modal: ModalShown) -> dict[str, Any]:
    """The form's text input (inside its label)."""

    def inputs(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found = []
        for item in items:
            if item.get("custom_id") == "remark":
                found.append(item)
            found += inputs(item.get("components", []) + ([item["component"]] if "component" in item else []))
        return found

    [text_input] = inputs(modal.components)
    return text_input


async def remark_form(stack: Stack, app_id: str) -> ModalShown:
    await console(stack, "remark", {"app": app_id})
    return await until(stack, lambda: next((m for m in stack.fake.state.modals if not m.submitted), None), "the form")


# --- a restart Picpik never carries out ------------------------------------------------------------------------


async def test_a_restart_picpik_never_carries_out_ends_with_a_cross_not_running(stack: Stack, admin_bot) -> None:
    english, chinese = add_app(stack, 1), add_app(stack, 1)
    stack.arm("picpik", "action_ignored", times=2)  # accepted; the app stays running and never shows restarting

    ignored = await settled(stack, await console(stack, "restart", {"app": english}))
    in_chinese = await settled(stack, await console(stack, "restart", {"app": chinese}, locale="zh-CN"))

    assert ignored.content.splitlines()[1:] == [
        f"`{english}` — ❌ Picpik never showed it restarting (it is still running)"
    ]
    # on the way it showed the app running, as it was, while waiting for Picpik; never as the restart's outcome
    assert all("⏳ Waiting for Picpik" in version.content for version in ignored.versions if "✅" in version.content)
    assert in_chinese.content.splitlines()[1:] == [
        f"`{chinese}` — ❌ Picpik 始终未显示其进入“重启中”（当前仍为：运行中）"
    ]
    rows = await action_rows(admin_bot, stack, 2)
    assert [(row.state, row.failure_kind) for row in rows] == [(LifecycleState.FAILED, "app_failed")] * 2


# --- the remark form -----------------------------------------------------------------------------------------


async def test_the_remark_form_shows_the_remark_picpik_has_though_no_list_was_loaded(stack: Stack, admin_bot) -> None:
    app_id = add_app(stack, 1, remark="precious note")

    form = await remark_form(stack, app_id)  # no list, no autocomplete before: Picpik is asked for this app

    field = remark_input(form)
    assert field["value"] == "precious note" and field["placeholder"] == "Empty clears the remark"
    [asked] = bodies(stack, "ListPicpikApps")
    assert asked["AppId"] == app_id


async def test_a_form_opened_without_the_remark_keeps_it_when_sent_empty(stack: Stack, admin_bot) -> None:
    app_id = add_app(stack, 1, remark="precious note")
    faults = stack.emulators["picpik"][FAULTS_KEY]
    faults.arm("hang")  # Picpik does not answer: the form opens all the same, within Discord's 3 s

    opened = time.monotonic()
    form = await remark_form(stack, app_id)
    faults.clear("hang")

    assert time.monotonic() - opened < 2.5
    field = remark_input(form)
    assert "value" not in field and field["placeholder"] == "Picpik did not say the current remark: empty keeps it"
    kept = await answer(stack, await stack.fake.submit_modal({"remark": ""}, user=stack.fake.admin))
    assert kept.ephemeral
    assert kept.content.startswith(f"Nothing was changed: Picpik did not say the current remark of `{app_id}`")
    assert stack.emulators["picpik"][STATE_KEY].apps[app_id].remark == "precious note"
    assert bodies(stack, "ModifyPicpikAppRemark") == []

    # what is typed into such a form is saved as usual
    faults.arm("hang")
    await remark_form(stack, app_id)
    faults.clear("hang")
    saved = await answer(stack, await stack.fake.submit_modal({"remark": "new note"}, user=stack.fake.admin))
    assert saved.content == f"✅ The remark of `{app_id}` is now “new note”."


async def test_a_remark_as_long_as_the_form_takes_is_shown_whole(stack: Stack, admin_bot) -> None:
    app_id = add_app(stack, 1)
    remark = "_*" * 64  # 128 characters, every one of them escaped when shown
    await remark_form(stack, app_id)

    saved = await answer(stack, await stack.fake.submit_modal({"remark": remark}, user=stack.fake.admin))
    info = await answer(stack, await console(stack, "info", {"app": app_id}))

    shown = "\\_\\*" * 64
    assert saved.content == f"✅ The remark of `{app_id}` is now “{shown}”."
    assert info.embeds[0]["description"] == shown


# --- more apps than one page ---------------------------------------------------------------------------------


async def test_every_app_is_listed_when_picpik_sends_them_a_page_at_a_time(stack: Stack, admin_bot) -> None:
    apps = [add_app(stack, 1, remark=f"node {n}") for n in range(25)]
    stack.arm("picpik", "pages_by_default", times=None)  # 20 at a time, TotalCount 25

    first = await answer(stack, await console(stack, "list"))
    assert first.embeds[0]["footer"]["text"] == "Page 1 of 3 · 25 apps"
    shown = set(re.findall(r"`(app-\w+)`", description(first)))
    for page in (2, 3):
        await stack.fake.click_button(first, f"picpik-app:page:apps:{page}", user=stack.fake.admin)
        footer = f"Page {page} of 3"
        current = await until(
            stack,
            lambda footer=footer: (m := stack.fake.message(first.id)) and footer in m.embeds[0]["footer"]["text"] and m,
            footer,
        )
        shown |= set(re.findall(r"`(app-\w+)`", description(current)))
    assert shown == set(apps)


async def test_deleting_an_app_beyond_the_first_page_is_followed_until_it_is_gone(stack: Stack, admin_bot) -> None:
    stack.emulators["picpik"][STATE_KEY].step_seconds = 1.0  # deleting lasts a second
    stack.arm("picpik", "pages_by_default", times=None)
    stack.arm("picpik", "deleted_vanish", times=None)  # once deleted, it drops out of the list
    for number in range(24):
        add_app(stack, 1, remark=f"node {number}")
    last = add_app(stack, 6, remark="the last one")  # the 25th: not on the first page
    admin = stack.fake.admin

    confirm = await answer(stack, await console(stack, "delete", {"app": last}))
    await stack.fake.click_button(confirm, f"picpik-app:delete:{last}:{admin.id}", user=admin)
    deleted = await settled(stack, await until(stack, lambda: public_message(stack, "**Delete**"), "delete message"))
    state_when_shown = app_state(stack, last)

    assert f"`{last}` — 🗑️ deleted" in deleted.content
    assert state_when_shown == 8  # not believed deleted while Picpik still showed it deleting
    assert any("⏳ deleting" in version.content for version in deleted.versions)
    followed = [body for body in bodies(stack, "ListPicpikApps") if body.get("AppId") == last]
    assert len(followed) >= 2  # the follow asks for the app itself, not the first page of the list


# --- prices as numbers ---------------------------------------------------------------------------------------


async def test_bundles_with_prices_sent_as_numbers_are_offered_and_shown(
    stack: Stack, admin_bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    numeric = [
        {**BUNDLES[0], "ActualHourPrice": 199, "OriginalHourPrice": 299},
        {**BUNDLES[2], "ActualHourPrice": -5, "OriginalHourPrice": "1e2000"},  # garbled: no price to show
    ]
    monkeypatch.setattr("tests.emulators.picpik._actions.BUNDLES", numeric)

    admin = stack.fake.admin
    choices = await stack.fake.autocomplete(COMMAND, {"bundle": ""}, "bundle", subcommand="create", user=admin)
    reply: StoredMessage = await answer(stack, await console(stack, "bundles"))

    assert [choice["value"] for choice in choices] == ["bundle-comfyui-sdxl", "bundle-flux-studio"]
    assert choices[0]["name"].endswith("¥1.99/h") and choices[1]["name"].endswith("?/h")
    prices = [embed["fields"][2]["value"] for embed in reply.embeds]
    assert prices == ["~~¥2.99~~ **¥1.99** per hour", "? per hour"]
