"""What each part of ``/picpik-app`` does, for the commands and the buttons alike.

Looking things up (``bundles``, ``list``, ``info``, the API key, the delete confirmation, the remark) is private
to the admin who asks. Actions that change an app go to ``_start`` and live in a public message.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

import discord

from bot import rendering
from bot.exts.picpik_app import _render, _views
from bot.exts.picpik_app._lookup import ListCache
from bot.exts.picpik_app._models import AppAction, AppActionRequest
from bot.exts.picpik_app._service import ServerApps, admin_refusal, checked_app_id, server_apps
from bot.exts.picpik_app._start import already_there, run_app_action
from bot.i18n import t
from bot.i18n.errors import error_text
from bot.modal_values import submitted_values
from bot.replies import refuse
from bot.text_fit import fit_content
from providers.core.errors import NotFoundError, ProviderError
from providers.picpik.app_models import AppState, PicpikApp, PicpikBundle
from providers.picpik.apps import AppActions

if TYPE_CHECKING:
    from bot.app import GridBot

log = logging.getLogger(__name__)

Listing = Literal["apps", "bundles"]
_PER_PAGE: Final[Mapping[str, int]] = {"apps": _render.APPS_PER_PAGE, "bundles": _render.BUNDLES_PER_PAGE}
#: how long the remark form (and a start, stop or restart) waits for Picpik to say the app's remark (state) (asked
#: once, not retried): a form or a message must be the first answer, within Discord's 3 s, and the keys must be looked
#: up before
REMARK_READ_SECONDS: Final = 1.5


class Console:
    """The console of one bot: the lists its autocompletes offer, and every answer."""

    def __init__(self, apps: ListCache[PicpikApp], bundles: ListCache[PicpikBundle]) -> None:
        self.apps = apps
        self.bundles = bundles

    # --- access --------------------------------------------------------------------------------------

    async def _account(self, interaction: discord.Interaction[GridBot], *, check: bool = False) -> ServerApps | None:
        """The server's Picpik account; None after a private refusal. ``check``: the admin check commands get
        from ``require_admin``, for buttons and forms."""
        refusal = admin_refusal(interaction) if check else None
        found = refusal or await server_apps(interaction.client, interaction.guild_id or 0, interaction.locale)
        if isinstance(found, str):
            await refuse(interaction, found)
            return None
        return found

    async def _app_id(self, interaction: discord.Interaction[GridBot], typed: str) -> str | None:
        app_id = checked_app_id(typed)
        if app_id is None:
            shown = rendering.shortened(typed, 60)
            await refuse(interaction, t("picpik_app.bad_app_id", interaction.locale, app=shown))
        return app_id

    # --- lists ---------------------------------------------------------------------------------------

    async def show_page(
        self, interaction: discord.Interaction[GridBot], what: Listing, page: int, *, from_button: bool = False
    ) -> None:
        """A page of the server's apps or of Picpik's bundles, privately, with ◀ / ▶ when there are more."""
        account = await self._account(interaction, check=from_button)
        if account is None:
            return
        locale = interaction.locale
        if from_button:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
        items: list[Any]
        total: int | None = None  # how many apps Picpik says there are (it may send fewer)
        try:
            if what == "apps":
                items, total = await account.actions.list_all_apps_counted()
            else:
                items = await account.actions.list_all_bundles()
        except ProviderError as error:
            await _answer_error(interaction, error_text(error, locale), keep_message=from_button)
            return
        if what == "apps":
            self.apps.put(interaction.guild_id or 0, items)
        if not items:
            await interaction.edit_original_response(content=t(f"picpik_app.no_{what}", locale), embeds=[], view=None)
            return
        pages = _render.pages_of(len(items), _PER_PAGE[what])
        page = min(max(page, 1), pages)
        if what == "apps":
            content, embeds = "", [_render.apps_page(items, page, locale, total=total)]
        else:
            content, embeds = _render.bundles_page(items, page, locale)
        view = _views.page_view(what, page, pages, locale)
        await interaction.edit_original_response(content=content, embeds=embeds, view=view)

    # --- one app -------------------------------------------------------------------------------------

    async def show_app(self, interaction: discord.Interaction[GridBot], typed: str) -> None:
        """One app in full, privately; its API key only behind a button."""
        app_id = await self._app_id(interaction, typed)
        account = await self._account(interaction) if app_id is not None else None
        if app_id is None or account is None:
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        app = await self._find(interaction, account.actions, app_id)
        if app is not None:
            locale = interaction.locale
            await interaction.edit_original_response(
                embed=_render.app_card(app, locale), view=_views.info_view(app.AppId, locale)
            )

    async def reveal_key(self, interaction: discord.Interaction[GridBot], app_id: str) -> None:
        """The app's API key, in a private message of its own, to the admin who pressed for it."""
        account = await self._account(interaction, check=True)
        if account is None:
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        app = await self._find(interaction, account.actions, app_id)
        if app is None:
            return
        locale = interaction.locale
        key = app.ApiKey.get_secret_value() if app.ApiKey is not None else ""
        text = t("picpik_app.api_key", locale, app=app_id, key=key) if key else t("picpik_app.no_api_key", locale)
        await interaction.edit_original_response(content=fit_content(text))

    async def _find(
        self, interaction: discord.Interaction[GridBot], actions: AppActions, app_id: str
    ) -> PicpikApp | None:
        """The app as Picpik lists it now; None after saying (in the deferred private answer) why not."""
        locale = interaction.locale
        try:
            listed = (await actions.list_apps(app_id=app_id)).Apps
        except NotFoundError:
            listed = []
        except ProviderError as error:
            await _answer_error(interaction, error_text(error, locale))
            return None
        app = next((app for app in listed if app.AppId == app_id), None)
        if app is None:
            await _answer_error(interaction, t("picpik_app.no_app", locale, app=app_id))
        return app

    # --- remark --------------------------------------------------------------------------------------

    async def open_remark_form(self, interaction: discord.Interaction[GridBot], typed: str) -> None:
        """The remark form, filled with the remark Picpik has now. A form must be the first answer, so Picpik gets
        ``REMARK_READ_SECONDS`` to say it; failing that, a list loaded within the last ``APPS_TTL_SECONDS`` says it,
        and failing that the form opens empty and says that an empty answer keeps the remark (it must never silently
        clear one, nor write back one that may have changed since)."""
        app_id = await self._app_id(interaction, typed)
        account = await self._account(interaction) if app_id is not None else None
        if app_id is None or account is None:
            return
        locale = interaction.locale
        listed: list[PicpikApp] | None
        try:
            async with asyncio.timeout(REMARK_READ_SECONDS):
                listed = list((await account.actions.look_up_app(app_id)).Apps)
        except NotFoundError:
            listed = []
        except (ProviderError, TimeoutError) as error:
            log.info("the remark of %s could not be read for its form: %s", app_id, str(error) or "no answer in time")
            listed = self.apps.fresh(interaction.guild_id or 0)  # an old list may show a remark changed since
            if listed is not None and all(app.AppId != app_id for app in listed):
                listed = None  # not in it: still unknown, not missing
        if listed is not None and all(app.AppId != app_id for app in listed):
            await refuse(interaction, t("picpik_app.no_app", locale, app=app_id))
            return
        current = next((app.remark for app in listed or () if app.AppId == app_id), None)
        form = _views.remark_form(app_id, current, locale, known=listed is not None)
        await interaction.response.send_modal(form)

    async def save_remark(self, interaction: discord.Interaction[GridBot], match: re.Match[str]) -> None:
        account = await self._account(interaction, check=True)
        if account is None:
            return
        app_id, locale = match["app"], interaction.locale
        data: Mapping[str, Any] = interaction.data or {}  # type: ignore[assignment]
        remark = " ".join(str(submitted_values(data.get("components", [])).get(_views.REMARK_INPUT) or "").split())
        if not remark and match["keep"]:
            # the form did not show the remark Picpik has: empty is no decision to clear it
            await interaction.response.send_message(t("picpik_app.remark_kept", locale, app=app_id), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        untouched = False
        if len(remark) > _views.REMARK_MAX_CHARS:
            # longer than a new remark may be: only a remark Picpik already has (set elsewhere), left as it was, and
            # then nothing is written (the form puts it on one line: writing that back would change it)
            untouched = await self._is_current_remark(account.actions, app_id, remark)
            if not untouched:
                limit = _views.REMARK_MAX_CHARS
                await _answer_error(interaction, t("picpik_app.remark_too_long", locale, limit=limit))
                return
        try:
            # an empty remark clears it (how Picpik is told so is the client's: ``AppActions.modify_app_remark``)
            if not untouched:
                await account.actions.modify_app_remark(app_id, remark)
        except ProviderError as error:
            await _answer_error(interaction, error_text(error, locale))
            return
        self.apps.forget(interaction.guild_id or 0)
        key = "picpik_app.remark_saved" if remark else "picpik_app.remark_cleared"
        shown = _render.safe(remark, _render.REMARK_LIMIT)
        await interaction.edit_original_response(content=t(key, locale, app=app_id, remark=shown))

    @staticmethod
    async def _is_current_remark(actions: AppActions, app_id: str, remark: str) -> bool:
        """Whether ``remark`` is the app's remark in Picpik now (as the form shows it: on one line)."""
        try:
            listed = (await actions.list_apps(app_id=app_id)).Apps
        except ProviderError:
            return False
        current = next((app.remark for app in listed if app.AppId == app_id), None) or ""
        return " ".join(current.split()) == remark

    # --- actions -------------------------------------------------------------------------------------

    async def act(self, interaction: discord.Interaction[GridBot], action: AppAction, typed: str) -> None:
        """Start, stop or restart an app; the public message follows it until it settles. A start of a running app or
        a stop of a shut down one is answered privately, and nothing is sent: the app is already there."""
        app_id = await self._app_id(interaction, typed)
        account = await self._account(interaction) if app_id is not None else None
        if app_id is None or account is None:
            return
        locale = interaction.locale
        try:
            # the first answer is due within Discord's 3 s: asked once, briefly; failing that, the action goes ahead
            # and its state before is read after the answer (``run_app_action``)
            async with asyncio.timeout(REMARK_READ_SECONDS):
                listed = (await account.actions.look_up_app(app_id)).Apps
        except NotFoundError:
            listed = []
        except (ProviderError, TimeoutError) as error:
            log.info("the state of %s could not be read before %s: %s", app_id, action.value, str(error) or "no answer")
            await run_app_action(interaction, account, AppActionRequest(action=action, app_id=app_id))
            return
        app = next((app for app in listed if app.AppId == app_id), None)
        if app is None:
            await refuse(interaction, t("picpik_app.no_app", locale, app=app_id))
            return
        if already_there(action, app.State):
            words = _render.state_words(app.State, locale)
            await refuse(interaction, t(f"picpik_app.already_{action.value}", locale, app=app_id, state=words))
            return
        request = AppActionRequest(action=action, app_id=app_id)
        await run_app_action(interaction, account, request, before={app_id: app.State})

    async def create(
        self,
        interaction: discord.Interaction[GridBot],
        bundle_id: str,
        region: str,
        count: int,
        remark: str | None,
    ) -> None:
        locale = interaction.locale
        bundle_id, region = bundle_id.strip(), region.strip()
        remark = " ".join((remark or "").split()) or None
        known = self.bundles.peek(interaction.guild_id or 0)
        bundle = next((b for b in known or [] if b.BundleId == bundle_id), None)
        if not bundle_id or not region or (known and bundle is None):
            await refuse(interaction, t("picpik_app.bad_bundle", locale, bundle=rendering.shortened(bundle_id, 60)))
            return
        if remark is not None and len(remark) > _views.REMARK_MAX_CHARS:
            await refuse(interaction, t("picpik_app.remark_too_long", locale, limit=_views.REMARK_MAX_CHARS))
            return
        account = await self._account(interaction)
        if account is None:
            return
        request = AppActionRequest(
            action=AppAction.CREATE,
            bundle_id=bundle_id,
            bundle_name=bundle.Name if bundle is not None else None,
            region=region,
            count=count,
            remark=remark,
        )
        self.apps.forget(interaction.guild_id or 0)
        await run_app_action(interaction, account, request)

    # --- delete, with a confirmation -----------------------------------------------------------------

    async def ask_delete(self, interaction: discord.Interaction[GridBot], typed: str) -> None:
        """A private confirmation: Delete when Picpik deletes the app as it is (shut down, or a failure that left it
        down), an offer to stop it first when it is, may be or is on its way up (``STOPPABLE_STATES``), else why it
        cannot be deleted yet (shutting down, deleting, or a state the documents do not list)."""
        app_id = await self._app_id(interaction, typed)
        account = await self._account(interaction) if app_id is not None else None
        if app_id is None or account is None:
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        app = await self._find(interaction, account.actions, app_id)
        if app is None:
            return
        locale, owner = interaction.locale, interaction.user.id
        state = app.state
        words = _render.state_words(app.State, locale)
        view: discord.ui.View | None = None
        if state is not None and state.can_delete:
            what = _render.safe(app.remark or app.BundleName or app.BundleId or "", 60)
            key = "picpik_app.delete_confirm" if state is AppState.SHUT_DOWN else "picpik_app.delete_confirm_failed"
            text = t(key, locale, app=app_id, what=what, state=words)
            view = _views.confirm_view("delete", app_id, owner, locale)
        elif state is not None and state.can_stop:
            text = t("picpik_app.delete_not_shut_down", locale, app=app_id, state=words)
            view = _views.confirm_view("stop", app_id, owner, locale)
        elif state is not None and state in (AppState.SHUTTING_DOWN, AppState.DELETING, AppState.DELETED):
            text = t(f"picpik_app.delete_wait_{state.value}", locale, app=app_id, state=words)
        else:  # a state the documents do not list
            text = t("picpik_app.delete_wait", locale, app=app_id, state=words)
        await interaction.edit_original_response(content=text, view=view)

    async def confirm(self, interaction: discord.Interaction[GridBot], op: str, app_id: str, owner_id: int) -> None:
        """Delete, Stop it first, or Delete now (under that stop's message): only for the admin who asked."""
        locale = interaction.locale
        if interaction.user.id != owner_id:
            await refuse(interaction, t("picpik_app.not_yours", locale, owner=owner_id))
            return
        account = await self._account(interaction, check=True)
        if account is None:
            return
        action = AppAction.STOP if op == "stop" else AppAction.DELETE
        what = t(f"picpik_app.action.{action.value}", locale)
        # the stop's public message keeps its text (only its button goes); a private confirmation says what follows
        closing = None if op == _views.DELETE_NOW else t("picpik_app.confirmed", locale, action=what, app=app_id)
        self.apps.forget(interaction.guild_id or 0)
        request = AppActionRequest(action=action, app_id=app_id, then_delete=action is AppAction.STOP)
        await run_app_action(interaction, account, request, from_button=True, closing=closing)

    async def cancel(self, interaction: discord.Interaction[GridBot], owner_id: int) -> None:
        locale = interaction.locale
        if interaction.user.id != owner_id:
            await refuse(interaction, t("picpik_app.not_yours", locale, owner=owner_id))
            return
        await interaction.response.edit_message(content=t("picpik_app.cancelled", locale), view=None)

    # --- autocompletes -------------------------------------------------------------------------------

    async def app_choices(self, interaction: discord.Interaction[GridBot], typed: str) -> list[tuple[str, str]]:
        """(name, app id) of the server's apps matching what was typed; nothing for anyone but an admin."""
        account = await self._quiet_account(interaction)
        if account is None:
            return []
        apps = await self.apps.get(interaction.guild_id or 0, account.actions.list_all_apps)
        named = [(_render.app_choice_name(app, interaction.locale), app.AppId) for app in apps]
        return _matching(named, typed)

    async def bundle_choices(self, interaction: discord.Interaction[GridBot], typed: str) -> list[tuple[str, str]]:
        account = await self._quiet_account(interaction)
        if account is None:
            return []
        bundles = await self.bundles.get(interaction.guild_id or 0, account.actions.list_all_bundles)
        return _matching([(_render.bundle_choice_name(b), b.BundleId) for b in bundles], typed)

    async def region_choices(
        self, interaction: discord.Interaction[GridBot], typed: str, bundle_id: str | None
    ) -> list[tuple[str, str]]:
        """The regions bundles are offered in, the chosen bundle's first."""
        account = await self._quiet_account(interaction)
        if account is None:
            return []
        bundles = await self.bundles.get(interaction.guild_id or 0, account.actions.list_all_bundles)
        chosen = [b.Region for b in bundles if b.BundleId == bundle_id and b.Region]
        regions = list(dict.fromkeys([*chosen, *(b.Region for b in bundles if b.Region)]))
        return _matching([(region, region) for region in regions], typed)

    async def _quiet_account(self, interaction: discord.Interaction[GridBot]) -> ServerApps | None:
        # autocompletes run no command checks: without this, anyone could list the server's apps by typing
        if admin_refusal(interaction) is not None:
            return None
        found = await server_apps(interaction.client, interaction.guild_id or 0, interaction.locale)
        return found if isinstance(found, ServerApps) else None


def _matching(named: list[tuple[str, str]], typed: str) -> list[tuple[str, str]]:
    wanted = typed.strip().casefold()
    found = [(name, value) for name, value in named if len(value) <= 100 and wanted in f"{name} {value}".casefold()]
    return found[:25]


async def _answer_error(interaction: discord.Interaction[GridBot], message: str, *, keep_message: bool = False) -> None:
    """Say what went wrong in the deferred private answer; ``keep_message`` (a page button) leaves the page as it
    was and says it beside it."""
    text = rendering.input_error_text(message)
    try:
        if keep_message:
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.edit_original_response(content=text, embeds=[], view=None)
    except discord.HTTPException:
        log.warning("could not tell the admin what went wrong", exc_info=True)
