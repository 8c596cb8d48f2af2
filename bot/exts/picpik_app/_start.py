"""Starting an app action: its message, its row (before Picpik is called), the call, then the poller follows it.

The same order as a picture job (``bot.job_start``), so a crash at any point leaves a row the poller can finish.
It does not go through ``start_job``: an admin's action on the server's apps is not a member's picture job, so
the server's image rules, limits and queue do not apply to it.

The message is public: an app can take longer than the 15 minutes an interaction token lives, and only a public
message can still be edited after that (with the bot token). It shows ids and states, never an address or a key.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Final

import discord

from bot.exts.picpik_app import _render
from bot.exts.picpik_app._models import (
    WANTED,
    AppAction,
    AppActionRequest,
    AppWatch,
    NotCreated,
    Observation,
    action_handle_id,
)
from bot.exts.picpik_app._service import ServerApps
from bot.i18n import t
from bot.job_start import deferred_message_id
from providers.core.errors import ErrorKind, ProviderError
from providers.core.models import JobHandle, JobKind
from providers.picpik.app_models import AppState
from providers.picpik.apps import AppActions
from storage.lifecycle import LifecycleState

if TYPE_CHECKING:
    from bot.app import GridBot

log = logging.getLogger(__name__)

_UNEXPECTED = "An unexpected error happened while the action was being sent."
#: how long a create waits for Picpik's bundle list to name its bundle (the message is deferred by then)
BUNDLE_NAME_SECONDS: Final = 3.0
#: errors after which an action on an existing app may or may not have happened: its state will tell
_OUTCOME_UNKNOWN = frozenset({ErrorKind.SUBMIT_UNKNOWN, ErrorKind.TIMEOUT})


async def open_public_message(
    interaction: discord.Interaction[GridBot], *, from_button: bool, closing: str | None
) -> int:
    """The id of the public message the action will live in. A slash command answers "thinking…"; a button first
    closes the message it is on (a private confirmation: its text becomes ``closing``; with None, the text stays and
    only the buttons go), then posts the message."""
    if not from_button:
        return await deferred_message_id(interaction)
    if closing is None:
        await interaction.response.edit_message(view=None)
    else:
        await interaction.response.edit_message(content=closing, view=None)
    message = await interaction.followup.send(t("picpik_app.sending", interaction.locale), wait=True)
    return message.id


async def run_app_action(
    interaction: discord.Interaction[GridBot],
    apps: ServerApps,
    request: AppActionRequest,
    *,
    from_button: bool = False,
    closing: str | None = "",
    before: dict[str, int] | None = None,
) -> None:
    """``before``: the app's state just read by the caller ({} when it could not be); None, and it is read here."""
    bot, locale = interaction.client, interaction.locale
    message_id = await open_public_message(interaction, from_button=from_button, closing=closing)
    if request.action is AppAction.CREATE and request.bundle_name is None and request.bundle_id:
        request = await with_bundle_name(apps.actions, request)
    record = await bot.store.create(
        kind=JobKind.APP_ACTION,
        provider=apps.provider.name,
        owner_id=interaction.user.id,
        channel_id=interaction.channel_id or 0,
        guild_id=interaction.guild_id,
        message_id=message_id,
        interaction_token=interaction.token,
        token_expires_at=interaction.expires_at.timestamp(),
        locale=locale.value,
        request=request,
        credential_ref=apps.ref,
    )
    if before is None:
        before = await states_before(apps.actions, request)
    try:
        watch = await send_action(apps.actions, request, before)
    except ProviderError as error:
        if error.kind in _OUTCOME_UNKNOWN and request.app_id is not None:
            watch = AppWatch(action=request.action, apps=[request.app_id], before=before)  # the app's state will say
        elif error.kind is ErrorKind.SUBMIT_UNKNOWN:
            await bot.store.mark_submit_unknown(record.id, error.user_message, expected=LifecycleState.PENDING)
            bot.poller.wake()
            return
        else:
            await bot.pool.record_use(apps.provider.name, apps.ref, failure=error.kind)
            # due at once: the poller sends the message saying why. The row keeps the error's English message, as
            # the poller's own failures do; the message shows the reason in the admin's language, Picpik's own
            # words (quoted in it) as they came, and the rest to English readers only (``_render._reason``)
            await bot.store.mark_failed(
                record.id,
                error.kind.value,
                error.user_message,
                next_poll_at=time.time(),
                expected=LifecycleState.PENDING,
            )
            bot.poller.wake()
            return
    except Exception:
        log.exception("app action %s: sending it to Picpik failed unexpectedly", record.id)
        await bot.store.mark_submit_unknown(record.id, _UNEXPECTED, expected=LifecycleState.PENDING)
        bot.poller.wake()
        return
    await bot.pool.record_use(apps.provider.name, apps.ref)
    await _follow(bot, interaction, record.id, message_id, watch, apps)


async def _follow(
    bot: GridBot,
    interaction: discord.Interaction[GridBot],
    job_id: int,
    message_id: int,
    watch: AppWatch,
    apps: ServerApps,
) -> None:
    """Show the action as sent, then hand it to the poller (shown first: until the row says "submitted" the
    poller leaves it alone, so this edit can never land on top of a later state)."""
    handle = JobHandle(
        provider=apps.provider.name, kind=JobKind.APP_ACTION, job_id=action_handle_id(job_id), meta=watch.model_dump()
    )
    record = await bot.store.get(job_id)
    shown = _render.action_text(record, watch, Observation())
    try:
        await interaction.followup.edit_message(message_id, content=shown)
        bot.poller.note_progress_shown(job_id, shown)
    except discord.HTTPException as error:
        log.info("app action %s: could not show that it was sent: %s", job_id, error)
    await bot.store.mark_submitted(
        job_id, handle, next_poll_at=bot.poller.first_poll_at(apps.provider), expected=LifecycleState.PENDING
    )
    bot.poller.wake()


async def with_bundle_name(actions: AppActions, request: AppActionRequest) -> AppActionRequest:
    """A create's request with its bundle's name, for the message (the autocomplete's list was not at hand): asked
    after the answer was deferred, for ``BUNDLE_NAME_SECONDS`` at most; failing that the message shows the id."""
    try:
        async with asyncio.timeout(BUNDLE_NAME_SECONDS):
            bundles = await actions.list_all_bundles()
    except (ProviderError, TimeoutError) as error:
        log.info("the name of bundle %s could not be read: %s", request.bundle_id, str(error) or "no answer in time")
        return request
    name = next((bundle.Name for bundle in bundles if bundle.BundleId == request.bundle_id and bundle.Name), None)
    return request.model_copy(update={"bundle_name": name}) if name else request


async def states_before(actions: AppActions, request: AppActionRequest) -> dict[str, int]:
    """The state of the app an action is about, just before it is sent ({} for a create, or when Picpik does not
    say: the action itself is then sent all the same, and Picpik's answer to it tells)."""
    if request.action is AppAction.CREATE or not request.app_id:
        return {}
    try:
        listed = (await actions.list_apps(app_id=request.app_id)).Apps
    except ProviderError as error:
        log.info("app action on %s: its state before could not be read: %s", request.app_id, error.kind.value)
        return {}
    return {app.AppId: app.State for app in listed if app.AppId == request.app_id}


def already_there(action: AppAction, code: int | None) -> bool:
    """Whether an app in state ``code`` already is where a start or a stop would take it (a restart always acts)."""
    if code is None or action not in (AppAction.START, AppAction.STOP):
        return False
    return AppState.parse(code) in WANTED[action]


async def send_action(actions: AppActions, request: AppActionRequest, before: dict[str, int]) -> AppWatch:
    """Ask Picpik; what to watch afterwards (the apps created, or the one acted on, with its state ``before``)."""
    if request.action is AppAction.CREATE:
        created = await actions.create_app(
            request.region or "", request.bundle_id or "", remark=request.remark or None, count=request.count
        )
        ids = [result.AppId for result in created.created if result.AppId]
        failed = [
            NotCreated(code=result.RetCode, message=result.ErrMsg or "", app_id=result.AppId or None)
            for result in created.failed
        ]
        return AppWatch(action=request.action, apps=ids, not_created=failed)
    app_id = request.app_id or ""
    if already_there(request.action, before.get(app_id)):
        # a start of a running app or a stop of a shut down one (the "Stop it first" button pressed late): nothing to
        # send. Watched without its state before, so the state it is found in is believed at once as the outcome
        return AppWatch(action=request.action, apps=[app_id])
    calls = {
        AppAction.START: actions.start_app,
        AppAction.STOP: actions.stop_app,
        AppAction.RESTART: actions.restart_app,
        AppAction.DELETE: actions.delete_app,
    }
    await calls[request.action](app_id)
    return AppWatch(action=request.action, apps=[app_id], before=before)
