"""The console's buttons and form as Discord components, and the ``custom_id`` templates they are answered by.

Every view is sent *stopped* (discord.py keeps nothing in memory and no timer runs): its buttons are answered by
the ``DynamicItem`` classes in ``_buttons`` and the form by the cog's listener, whatever their age, so a page or a
confirmation opened before a restart still works after it.
"""

from __future__ import annotations

from typing import Final

import discord

from bot.exts.picpik_app._service import APP_ID_PATTERN
from bot.i18n import t

PAGE_TEMPLATE: Final = r"picpik-app:page:(?P<what>apps|bundles):(?P<page>\d{1,4})"
KEY_TEMPLATE: Final = rf"picpik-app:key:(?P<app>{APP_ID_PATTERN})"
#: under a stop that was asked for on the way to a delete, once the app is shut down: delete it now
DELETE_NOW: Final = "delnow"
#: delete (the app can be deleted), stop (it is not shut down yet), or delete now (under the stop's own message);
#: ``owner`` is the admin who asked, the only one who may answer. At most 18 + 60 + 1 + 20 = 99 characters
CONFIRM_TEMPLATE: Final = (
    rf"picpik-app:(?P<op>delete|stop|{DELETE_NOW}):(?P<app>{APP_ID_PATTERN}):(?P<owner>\d{{1,20}})"
)
CANCEL_TEMPLATE: Final = r"picpik-app:cancel:(?P<owner>\d{1,20})"
#: ``:keep`` marks a form opened without the current remark (Picpik did not say it in time): empty keeps the remark
REMARK_TEMPLATE: Final = rf"picpik-app:remark:(?P<app>{APP_ID_PATTERN})(?P<keep>:keep)?"
REMARK_INPUT: Final = "remark"
#: Inference: the documents give no length for a remark; 128 characters keep a new one readable in a list. A longer
#: remark Picpik already has (set elsewhere) is shown whole in the form and kept as it is when left untouched
REMARK_MAX_CHARS: Final = 128
#: Discord's limit for a text input's value
FORM_INPUT_MAX: Final = 4000


def page_custom_id(what: str, page: int) -> str:
    return f"picpik-app:page:{what}:{page}"


def key_custom_id(app_id: str) -> str:
    return f"picpik-app:key:{app_id}"


def confirm_custom_id(op: str, app_id: str, owner_id: int) -> str:
    return f"picpik-app:{op}:{app_id}:{owner_id}"


def cancel_custom_id(owner_id: int) -> str:
    return f"picpik-app:cancel:{owner_id}"


def remark_custom_id(app_id: str, *, known: bool = True) -> str:
    return f"picpik-app:remark:{app_id}" + ("" if known else ":keep")


def _stopped(*items: discord.ui.Item[discord.ui.View]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    view.stop()
    return view


def page_view(what: str, page: int, pages: int, locale: object) -> discord.ui.View | None:
    """◀ / ▶ when there is more than one page."""
    if pages <= 1:
        return None
    buttons = (("picpik_app.previous", page - 1, "◀"), ("picpik_app.next", page + 1, "▶"))
    return _stopped(
        *(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                label=t(label, locale),
                emoji=emoji,
                custom_id=page_custom_id(what, target),
                disabled=not 1 <= target <= pages,
            )
            for label, target, emoji in buttons
        )
    )


def info_view(app_id: str, locale: object) -> discord.ui.View:
    return _stopped(
        discord.ui.Button(
            style=discord.ButtonStyle.secondary,
            label=t("picpik_app.show_key", locale),
            emoji="🔑",
            custom_id=key_custom_id(app_id),
        )
    )


def confirm_view(op: str, app_id: str, owner_id: int, locale: object) -> discord.ui.View:
    """Delete (or first stop) and Cancel, for the admin who asked."""
    confirm = discord.ui.Button(
        style=discord.ButtonStyle.danger if op == "delete" else discord.ButtonStyle.primary,
        label=t(f"picpik_app.{op}_button", locale),
        emoji="🗑️" if op == "delete" else "⏹️",
        custom_id=confirm_custom_id(op, app_id, owner_id),
    )
    cancel = discord.ui.Button(
        style=discord.ButtonStyle.secondary,
        label=t("picpik_app.cancel_button", locale),
        custom_id=cancel_custom_id(owner_id),
    )
    return _stopped(confirm, cancel)


def remark_form(app_id: str, current: str | None, locale: object, *, known: bool = True) -> discord.ui.Modal:
    """The remark form, filled with the ``current`` remark. ``known``: whether that is the remark Picpik has (else it
    is empty, says so, and an empty answer keeps the remark rather than clearing it)."""
    modal = discord.ui.Modal(
        title=t("picpik_app.remark_title", locale)[:45],
        custom_id=remark_custom_id(app_id, known=known),
        timeout=None,
    )
    hint = "picpik_app.remark_hint" if known else "picpik_app.remark_hint_unknown"
    current = (current or "")[:FORM_INPUT_MAX]
    text_input = discord.ui.TextInput(
        custom_id=REMARK_INPUT,
        style=discord.TextStyle.short,
        default=current or None,
        placeholder=t(hint, locale)[:100],
        # room for the remark as it is (never cut: an untouched remark is saved unchanged); a new one is held to
        # ``REMARK_MAX_CHARS`` when it is saved
        max_length=max(REMARK_MAX_CHARS, len(current)),
        required=False,
    )
    modal.add_item(discord.ui.Label(text=t("picpik_app.remark_label", locale, app=app_id)[:45], component=text_input))
    # stopped: not kept by discord.py; the cog's listener answers the submit by its custom_id
    modal.stop()
    return modal
