"""How the console shows things: app states in words, bundle cards, the app list and one app, action messages.

Everything a service wrote (names, descriptions, remarks, error words) is escaped, so it can neither format the
message nor ping anyone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Final

import discord

from bot import rendering
from bot.exts.picpik_app._models import APP_FAILED, AppAction, AppActionRequest, AppWatch
from bot.i18n import t
from providers.core.errors import ErrorKind
from providers.picpik.app_models import AppState, PicpikApp, PicpikBundle, fen_to_yuan, format_yuan
from storage.jobs import JobRecord
from storage.lifecycle import LifecycleState

#: apps per page of ``list``; bundle cards per page of ``bundles`` (one embed each; Discord allows 10)
APPS_PER_PAGE: Final = 10
BUNDLES_PER_PAGE: Final = 5
#: a bundle's description on its card, and a remark or an error in a line, are cut to these lengths
DESCRIPTION_LIMIT: Final = 300
LINE_LIMIT: Final = 120
_STABLE_ICONS: Final = {AppState.RUNNING: "✅", AppState.SHUT_DOWN: "⏹️", AppState.DELETED: "🗑️"}


def safe(text: str | None, limit: int = LINE_LIMIT) -> str:
    """A service's text, shortened, with its markdown and mentions made inert."""
    shortened = rendering.shortened(text or "", limit)
    return discord.utils.escape_mentions(discord.utils.escape_markdown(shortened))


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


def state_words(code: int | None, locale: object, action: AppAction | None = None) -> str:
    """The state with its mark: ✅ running, ⏹️ shut down, 🗑️ deleted, ❌ any failure, ⏳ on its way."""
    state = AppState.parse(code) if code is not None else (AppState.DELETED if action is AppAction.DELETE else None)
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


def bundle_card(bundle: PicpikBundle, locale: object) -> discord.Embed:
    embed = discord.Embed(title=safe(bundle.Name or bundle.BundleId, 250), description=safe(bundle.Description, 300))
    embed.add_field(name=t("picpik_app.field.version", locale), value=safe(bundle.Version) or "—")
    embed.add_field(name=t("picpik_app.field.region", locale), value=safe(bundle.Region) or "—")
    embed.add_field(name=t("picpik_app.field.price", locale), value=price_text(bundle, locale))
    if bundle.LogoUrl and bundle.LogoUrl.startswith(("https://", "http://")):
        embed.set_thumbnail(url=bundle.LogoUrl)
    embed.set_footer(text=bundle.BundleId)
    return embed


def bundles_page(bundles: Sequence[PicpikBundle], page: int, locale: object) -> tuple[str, list[discord.Embed]]:
    """The heading and the cards of page ``page`` (within range)."""
    pages = pages_of(len(bundles), BUNDLES_PER_PAGE)
    shown = bundles[(page - 1) * BUNDLES_PER_PAGE : page * BUNDLES_PER_PAGE]
    heading = t("picpik_app.bundles_heading", locale, page=page, pages=pages, total=len(bundles))
    return heading, [bundle_card(bundle, locale) for bundle in shown]


def bundle_choice_name(bundle: PicpikBundle) -> str:
    parts = (bundle.Name or bundle.BundleId, bundle.Version, bundle.Region, f"{bundle.hourly_price}/h")
    return rendering.shortened(" · ".join(part for part in parts if part), 100)


# --- apps --------------------------------------------------------------------------------------------------


def _created(app: PicpikApp) -> str:
    return f"<t:{app.CreateTime}:R>" if app.CreateTime else "—"


def _bundle(app: PicpikApp) -> str:
    return safe(" ".join(part for part in (app.BundleName or app.BundleId, app.BundleVersion) if part)) or "—"


def app_line(app: PicpikApp, locale: object) -> str:
    remark = safe(app.Remark) if app.Remark else t("picpik_app.no_remark", locale)
    address = f"`{safe(app.IP, 60)}`" if app.IP else t("picpik_app.no_address", locale)
    return t(
        "picpik_app.app_line",
        locale,
        app=app.AppId,
        remark=remark,
        bundle=_bundle(app),
        address=address,
        state=state_words(app.State, locale),
        created=_created(app),
    )


def apps_page(apps: Sequence[PicpikApp], page: int, locale: object) -> discord.Embed:
    pages = pages_of(len(apps), APPS_PER_PAGE)
    shown = apps[(page - 1) * APPS_PER_PAGE : page * APPS_PER_PAGE]
    embed = discord.Embed(
        title=t("picpik_app.apps_title", locale), description="\n\n".join(app_line(app, locale) for app in shown)
    )
    embed.set_footer(text=t("picpik_app.apps_footer", locale, page=page, pages=pages, total=len(apps)))
    return embed


def app_card(app: PicpikApp, locale: object) -> discord.Embed:
    """One app in full, except its API key (shown only on request, to the one who asks)."""
    embed = discord.Embed(title=app.AppId, description=safe(app.Remark) or t("picpik_app.no_remark", locale))
    fields = (
        ("state", f"{state_words(app.State, locale)} ({app.State})"),
        ("bundle", _bundle(app)),
        ("bundle_id", f"`{safe(app.BundleId, 80)}`" if app.BundleId else "—"),
        ("address", f"`{safe(app.IP, 60)}`" if app.IP else t("picpik_app.no_address", locale)),
        ("created", f"<t:{app.CreateTime}:F>" if app.CreateTime else "—"),
        ("api_key", t("picpik_app.api_key_hidden", locale)),
    )
    for key, value in fields:
        embed.add_field(name=t(f"picpik_app.field.{key}", locale), value=value, inline=key != "api_key")
    return embed


def app_choice_name(app: PicpikApp, locale: object) -> str:
    parts = (app.AppId, app.Remark, app.BundleName, state_name(app.State, None, locale))
    return rendering.shortened(" · ".join(part for part in parts if part), 100)


# --- an action's message -----------------------------------------------------------------------------------


def action_text(
    record: JobRecord,
    watch: AppWatch | None,
    seen: Mapping[str, int | None],
    service: str = "Picpik",
    *,
    final: bool = False,
) -> str:
    """The action's message: what was asked, each app with its state, the creates that failed, and at the end,
    when the action did not get as far as the apps' states, why."""
    locale = record.locale
    request = record.request_as(AppActionRequest)
    action = request.action if request is not None else (watch.action if watch is not None else AppAction.START)
    lines = [_heading(record, request, action)]
    apps = watch.apps if watch is not None else ([request.app_id] if request is not None and request.app_id else [])
    for app in apps:
        if app in seen:
            lines.append(f"`{app}` — {state_words(seen[app], locale, action)}")
        else:  # not looked at yet; at the end, the reason below says why it never was
            lines.append(f"`{app}`" if final else f"`{app}` — {t('picpik_app.state.asked', locale)}")
    for failed in watch.not_created if watch is not None else ():
        reason = safe(failed.message) or f"RetCode {failed.code}"
        lines.append(t("picpik_app.not_created", locale, reason=reason))
    if final and record.state is LifecycleState.FAILING and record.failure_kind != APP_FAILED:
        lines += _reason(record, service)
    return "\n".join(lines)


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
    """Why an action ended before its apps settled, in the admin's language."""
    locale, kind = record.locale, record.failure_kind
    if kind == ErrorKind.TIMEOUT:
        return [t("picpik_app.reason.timeout", locale)]
    if kind == ErrorKind.SUBMIT_UNKNOWN:
        return [t("picpik_app.reason.submit_unknown", locale)]
    # "no longer knows this job" is the picture jobs' sentence: here it is an app or a bundle it does not know
    reason = t("picpik_app.reason.not_found", locale) if kind == ErrorKind.NOT_FOUND else None
    lines = [f"❌ {reason or rendering.failure_reason(kind, service, locale)}"]
    details = safe(record.failure_message, rendering.DETAILS_DISPLAY_LIMIT)
    if details and details not in lines[0]:
        lines.append(f"> {details}")
    return lines
