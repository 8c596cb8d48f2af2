"""How the console shows things: app states in words, bundle cards, the app list and one app, action messages.

Everything a service wrote (names, descriptions, remarks, error words) is escaped, so it can neither format the
message nor ping anyone; ids and addresses go inside backticks instead, where only a backtick matters. Every text
is cut to a length that keeps the longest page within Discord's limits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Final

import discord
from yarl import URL

from bot import rendering
from bot.exts.picpik_app._models import APP_FAILED, WANTED, AppAction, AppActionRequest, AppWatch, Observation
from bot.exts.picpik_app._views import DELETE_NOW, confirm_custom_id
from bot.i18n import t
from bot.i18n.catalog import DEFAULT_LOCALE, resolve_locale
from bot.text_fit import clipped, fit_embed, fit_embeds, neutral_within
from providers.core.errors import ErrorKind
from providers.picpik.app_models import AppState, PicpikApp, PicpikBundle, fen_to_yuan, format_yuan
from storage.jobs import JobRecord
from storage.lifecycle import LifecycleState

#: apps per page of ``list``; bundle cards per page of ``bundles`` (one embed each; Discord allows 10)
APPS_PER_PAGE: Final = 10
BUNDLES_PER_PAGE: Final = 5
#: a bundle's description on its card, and a remark or an error in a line, are cut to these lengths (escapes
#: included). With them the longest page stays within Discord's limits (``tests/bot/exts/picpik_app/test_render``)
DESCRIPTION_LIMIT: Final = 300
LINE_LIMIT: Final = 120
#: a remark and a bundle in a line of ``list`` (ten lines a page) and the words of a failed create
LIST_TEXT_LIMIT: Final = 80
#: a remark where it is shown on its own (``info``, the form's answer): whole, even the longest the form takes (128
#: characters, every one of them escaped)
REMARK_LIMIT: Final = 1000
#: a bundle's name (an embed title), an app id, an address or a bundle id
TITLE_LIMIT: Final = 250
ID_LIMIT: Final = 64
ADDRESS_LIMIT: Final = 60
#: Discord's limits: a message's content, an embed's description, a link in an embed (a thumbnail's)
CONTENT_MAX: Final = 2000
DESCRIPTION_MAX: Final = 4096
URL_MAX: Final = 2048
_STABLE_ICONS: Final = {AppState.RUNNING: "✅", AppState.SHUT_DOWN: "⏹️", AppState.DELETED: "🗑️"}
#: the state an app shows while an action is under way (what "never seen on its way" names)
_UNDER_WAY: Final = {
    AppAction.CREATE: AppState.INITIALISING,
    AppAction.START: AppState.STARTING,
    AppAction.STOP: AppState.SHUTTING_DOWN,
    AppAction.RESTART: AppState.RESTARTING,
    AppAction.DELETE: AppState.DELETING,
}


def safe(text: str | None, limit: int = LINE_LIMIT) -> str:
    """A service's text on one line, its markdown and mentions made inert, then cut to ``limit`` characters: cut
    after escaping, so the escapes count, the result is never longer than ``limit`` and no escape is split."""
    return neutral_within(text or "", limit)


def code(text: str | None, limit: int = ID_LIMIT) -> str:
    """A service's id or address in backticks; "" when there is none. Only backticks are taken out (they would end
    the span): markdown does nothing inside one, so escaping it would show the backslashes."""
    plain = rendering.shortened((text or "").replace("`", ""), limit)
    return f"`{plain}`" if plain else ""


def fitted(text: str, limit: int) -> str:
    """The last guard of a Discord limit (the parts are cut so that it is not needed)."""
    return clipped(text, limit)


def pages_of(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


# --- states ------------------------------------------------------------------------------------------------


def state_name(code: int | None, action: AppAction | None, locale: object) -> str:
    """An app's state in words (all 18 the documents list; others by their number)."""
    if code is None:
        # Inference: a deleted app may drop out of the list instead of showing state 8
        return t("picpik_app.state.8" if action is AppAction.DELETE else "picpik_app.state.missing", locale)
    if AppState.parse(code) is None:
        return t("picpik_app.state.unknown", locale, code=code)
    return t(f"picpik_app.state.{code}", locale)


def _state_of(code: int | None, action: AppAction | None) -> AppState | None:
    # Inference: a deleted app may drop out of the list instead of showing state 8
    return AppState.parse(code) if code is not None else (AppState.DELETED if action is AppAction.DELETE else None)


def state_words(code: int | None, locale: object, action: AppAction | None = None) -> str:
    """The state with its mark: ✅ running, ⏹️ shut down, 🗑️ deleted, ❌ any failure, ⏳ on its way."""
    state = _state_of(code, action)
    if state is None:
        icon = "❔"
    elif state.is_failure:
        icon = "❌"
    else:
        icon = _STABLE_ICONS.get(state, "⏳")
    return f"{icon} {state_name(code, action, locale)}"


# --- bundles -----------------------------------------------------------------------------------------------


def price_text(bundle: PicpikBundle, locale: object) -> str:
    """Yuan per hour; the original price struck through when the bundle is discounted."""
    actual, original = fen_to_yuan(bundle.ActualHourPrice), fen_to_yuan(bundle.OriginalHourPrice)
    if actual is not None and original is not None and original > actual:
        return t(
            "picpik_app.price_discounted",
            locale,
            price=bundle.hourly_price,
            original=format_yuan(bundle.OriginalHourPrice),
        )
    price = bundle.hourly_price if actual is not None else format_yuan(bundle.OriginalHourPrice)
    return t("picpik_app.price", locale, price=price)


def logo_url(url: str | None) -> str | None:
    """A bundle's logo as a link Discord takes (a host, no spaces or control characters, at most ``URL_MAX``
    characters: one link Discord refuses fails the whole message, 400) and members may be shown (https to a named
    public host, ``rendering.shareable_link``: never plain http nor an address of the service's network), else
    None."""
    if not url or len(url) > URL_MAX or any(character.isspace() or not character.isprintable() for character in url):
        return None
    try:
        parsed = URL(url)
    except ValueError:
        return None
    return rendering.shareable_link(url, URL_MAX) if parsed.host else None


def bundle_card(bundle: PicpikBundle, locale: object) -> discord.Embed:
    title = safe(bundle.Name or bundle.BundleId, TITLE_LIMIT)
    embed = discord.Embed(title=title, description=safe(bundle.Description, DESCRIPTION_LIMIT))
    embed.add_field(name=t("picpik_app.field.version", locale), value=safe(bundle.Version) or "—")
    embed.add_field(name=t("picpik_app.field.region", locale), value=safe(bundle.Region) or "—")
    embed.add_field(name=t("picpik_app.field.price", locale), value=price_text(bundle, locale))
    logo = logo_url(bundle.LogoUrl)
    if logo is not None:
        embed.set_thumbnail(url=logo)
    embed.set_footer(text=rendering.shortened(bundle.BundleId, 100))  # a footer is plain text: nothing to escape
    return fit_embed(embed)


def bundles_page(bundles: Sequence[PicpikBundle], page: int, locale: object) -> tuple[str, list[discord.Embed]]:
    """The heading and the cards of page ``page`` (within range)."""
    pages = pages_of(len(bundles), BUNDLES_PER_PAGE)
    shown = bundles[(page - 1) * BUNDLES_PER_PAGE : page * BUNDLES_PER_PAGE]
    heading = t("picpik_app.bundles_heading", locale, page=page, pages=pages, total=len(bundles))
    return heading, fit_embeds([bundle_card(bundle, locale) for bundle in shown])


def bundle_choice_name(bundle: PicpikBundle) -> str:
    parts = (bundle.Name or bundle.BundleId, bundle.Version, bundle.Region, f"{bundle.hourly_price}/h")
    return rendering.shortened(" · ".join(part for part in parts if part), 100)


# --- apps --------------------------------------------------------------------------------------------------


def _created(app: PicpikApp) -> str:
    return f"<t:{app.CreateTime}:R>" if app.CreateTime else "—"


def _bundle(app: PicpikApp, limit: int = LINE_LIMIT) -> str:
    return safe(" ".join(part for part in (app.BundleName or app.BundleId, app.BundleVersion) if part), limit) or "—"


def _address(app: PicpikApp, locale: object) -> str:
    return code(app.IP, ADDRESS_LIMIT) or t("picpik_app.no_address", locale)


def app_line(app: PicpikApp, locale: object) -> str:
    remark = safe(app.remark, LIST_TEXT_LIMIT) or t("picpik_app.no_remark", locale)
    return t(
        "picpik_app.app_line",
        locale,
        app=code(app.AppId),
        remark=remark,
        bundle=_bundle(app, LIST_TEXT_LIMIT),
        address=_address(app, locale),
        state=state_words(app.State, locale),
        created=_created(app),
    )


def apps_page(apps: Sequence[PicpikApp], page: int, locale: object, *, total: int | None = None) -> discord.Embed:
    """A page of the list; ``total``: how many apps Picpik says there are, named in the footer when fewer came."""
    pages = pages_of(len(apps), APPS_PER_PAGE)
    shown = apps[(page - 1) * APPS_PER_PAGE : page * APPS_PER_PAGE]
    lines = "\n\n".join(app_line(app, locale) for app in shown)
    embed = discord.Embed(title=t("picpik_app.apps_title", locale), description=fitted(lines, DESCRIPTION_MAX))
    if total is not None and total > len(apps):
        footer = t("picpik_app.apps_footer_partial", locale, page=page, pages=pages, shown=len(apps), total=total)
    else:
        footer = t("picpik_app.apps_footer", locale, page=page, pages=pages, total=len(apps))
    embed.set_footer(text=footer)
    return fit_embed(embed)


def app_card(app: PicpikApp, locale: object) -> discord.Embed:
    """One app in full, except its API key (shown only on request, to the one who asks)."""
    title = rendering.shortened(app.AppId, ID_LIMIT)
    embed = discord.Embed(title=title, description=safe(app.remark, REMARK_LIMIT) or t("picpik_app.no_remark", locale))
    fields = (
        ("state", f"{state_words(app.State, locale)} ({app.State})"),
        ("bundle", _bundle(app)),
        ("bundle_id", code(app.BundleId) or "—"),
        ("address", _address(app, locale)),
        ("created", f"<t:{app.CreateTime}:F>" if app.CreateTime else "—"),
        ("api_key", t("picpik_app.api_key_hidden", locale)),
    )
    for key, value in fields:
        embed.add_field(name=t(f"picpik_app.field.{key}", locale), value=value, inline=key != "api_key")
    return fit_embed(embed)


def app_choice_name(app: PicpikApp, locale: object) -> str:
    parts = (app.AppId, app.remark, app.BundleName, state_name(app.State, None, locale))
    return rendering.shortened(" · ".join(part for part in parts if part), 100)


# --- an action's message -----------------------------------------------------------------------------------


def action_text(
    record: JobRecord,
    watch: AppWatch | None,
    seen: Observation,
    service: str = "Picpik",
    *,
    final: bool = False,
) -> str:
    """The action's message: what was asked, each app with its state, the creates that failed, and at the end,
    when the action failed, why (an app that did not get where the action wanted, nothing created, or the reason the
    action did not get as far as the apps' states, with the state each app was last seen in)."""
    locale = record.locale
    request = record.request_as(AppActionRequest)
    action = request.action if request is not None else (watch.action if watch is not None else AppAction.START)
    lines = [_heading(record, request, action)]
    apps = watch.apps if watch is not None else ([request.app_id] if request is not None and request.app_id else [])
    failed = final and record.state is LifecycleState.FAILING
    astray = failed and record.failure_kind == APP_FAILED
    for app in apps:
        if app not in seen.apps:  # not looked at yet; at the end, the reason below says why it never was
            lines.append(code(app) if final else f"{code(app)} — {t('picpik_app.state.asked', locale)}")
        elif failed and not astray:  # stopped following it (time limit, an error): where it was when last seen
            state = state_words(seen.apps[app], locale, action)
            lines.append(f"{code(app)} — {t('picpik_app.last_seen', locale, state=state)}")
        else:
            never_moved = watch is not None and watch.starts_where_it_ends(app) and app not in seen.moved
            outcome = _outcome(seen.apps[app], action, locale, astray=astray, never_moved=never_moved)
            lines.append(f"{code(app)} — {outcome}")
    for not_created in watch.not_created if watch is not None else ():
        reason = safe(not_created.message, LIST_TEXT_LIMIT) or f"RetCode {not_created.code}"
        line = t("picpik_app.not_created", locale, reason=reason)
        lines.append(f"{code(not_created.app_id)} — {line}" if not_created.app_id else line)
    if astray and not apps:
        lines.append(t("picpik_app.nothing_created", locale))
    if failed and not astray:
        lines += _reason(record, service)
    if not final and all(_shows_stable(seen.apps.get(app, 0), action) for app in apps):
        # every app still shows a state it rests in (or there is none to show yet): the change has not shown yet,
        # and the message says it waits
        lines.append(t("picpik_app.waiting", locale))
    return fitted("\n".join(lines), CONTENT_MAX)


def _shows_stable(code_: int | None, action: AppAction) -> bool:
    state = _state_of(code_, action)
    return state is not None and state.is_stable


def _outcome(code_: int | None, action: AppAction, locale: object, *, astray: bool, never_moved: bool) -> str:
    """An app's state; at the end of a failed action, an app that rests somewhere the action did not want says so,
    and so does one that never showed the action under way (a restart of a running app still running)."""
    state = _state_of(code_, action)
    wanted = WANTED[action]
    if astray and state in wanted and never_moved:
        under_way = state_name(_UNDER_WAY[action].value, action, locale)
        return t("picpik_app.never_moved", locale, under_way=under_way, now=state_name(code_, action, locale))
    if not astray or state in wanted or (state is not None and state.is_failure):
        return state_words(code_, locale, action)
    return t(
        "picpik_app.not_reached",
        locale,
        wanted=state_name(min(wanted).value, action, locale),
        now=state_name(code_, action, locale),
    )


def final_buttons(record: JobRecord, watch: AppWatch | None) -> tuple[tuple[rendering.ButtonSpec, ...], ...]:
    """Under a "Stop it first" that ended shut down: 🗑️ Delete now, for the admin who asked (a ``ConfirmButton``)."""
    request = record.request_as(AppActionRequest)
    if (
        request is None
        or not request.then_delete
        or request.action is not AppAction.STOP
        or not request.app_id
        or record.state is not LifecycleState.DELIVERING
    ):
        return ()
    custom_id = confirm_custom_id(DELETE_NOW, request.app_id, record.owner_id)
    label = t("picpik_app.delete_now_button", record.locale)
    return ((rendering.ButtonSpec(custom_id=custom_id, label=label, emoji="🗑️"),),)


def _heading(record: JobRecord, request: AppActionRequest | None, action: AppAction) -> str:
    what = t(f"picpik_app.action.{action.value}", record.locale)
    if action is AppAction.CREATE and request is not None:
        bundle = safe(request.bundle_name or request.bundle_id, 60)
        subject = f"{request.count or 1} × {bundle} · {safe(request.region, 40)}"
        if request.remark:
            subject += f" · “{safe(request.remark, 60)}”"
    else:
        subject = t("picpik_app.subject_app", record.locale)
    return f"🖥️ **{what}** · {subject} · <@{record.owner_id}> · #{record.id}"


def _reason(record: JobRecord, service: str) -> list[str]:
    """Why an action ended before its apps settled, in the admin's language: the reason, then Picpik's own words (as
    they came) when it gave some. The bot's own detail is English, so only English readers get it."""
    locale, kind = record.locale, record.failure_kind
    if kind == ErrorKind.TIMEOUT:
        return [t("picpik_app.reason.timeout", locale)]
    if kind == ErrorKind.SUBMIT_UNKNOWN:
        return [t("picpik_app.reason.submit_unknown", locale)]
    # "no longer knows this job" is the picture jobs' sentence: here it is an app or a bundle it does not know
    reason = t("picpik_app.reason.not_found", locale) if kind == ErrorKind.NOT_FOUND else None
    lines = [f"❌ {reason or rendering.failure_reason(kind, service, locale)}"]
    message = record.failure_message or ""
    words = service_words(message)
    if words:
        lines.append(f"> {t('picpik_app.service_says', locale, words=safe(words, rendering.DETAILS_DISPLAY_LIMIT))}")
    elif resolve_locale(locale) == DEFAULT_LOCALE:
        details = safe(message, rendering.DETAILS_DISPLAY_LIMIT)
        if details and details not in lines[0]:
            lines.append(f"> {details}")
    return lines


#: how ``providers.picpik.codes.error_for_retcode`` quotes the service's ``Message`` after its own English sentence
_SERVICE_WORDS: Final = re.compile(r"Picpik says: “(?P<words>.*)”\s*$", re.DOTALL)


def service_words(message: str) -> str | None:
    """Picpik's own words in an error's message (its ``Message``, quoted by the client), or None when it has none."""
    found = _SERVICE_WORDS.search(message)
    if found is None:
        return None
    return found["words"].strip() or None
