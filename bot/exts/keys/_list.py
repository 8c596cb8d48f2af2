"""What ``/keys list`` says: each stored key masked, when it was last used and how that call went, in the reader's
language, within Discord's 2,000 characters however many keys there are."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Final

import discord

from bot.credentials import KEY_FAILURE_KINDS
from bot.i18n import t
from bot.i18n.catalog import DEFAULT_LOCALE, load_catalog
from bot.text_fit import CONTENT_CHARS
from providers.core.errors import ErrorKind
from storage.keys import OUTCOME_OK, KeySummary

#: Discord's longest message
MESSAGE_LIMIT: Final = CONTENT_CHARS
#: the outcome migration 0009 gave calls noted before kinds were kept (they failed; the kind was not stored)
LEGACY_FAILED: Final = "failed"
#: failures the service gave after it took the keys: the keys themselves were accepted
ACCEPTED_KINDS: Final = frozenset(
    {ErrorKind.INVALID_INPUT, ErrorKind.UNSUPPORTED, ErrorKind.NOT_FOUND, ErrorKind.MODERATION, ErrorKind.JOB_FAILED}
)
#: failures before the service judged the keys: it did not answer (or not so that the bot could read it), or turned
#: the call away for its rate
UNJUDGED_KINDS: Final = frozenset(
    {ErrorKind.SERVER, ErrorKind.TIMEOUT, ErrorKind.CONNECTION, ErrorKind.DECODE, ErrorKind.SUBMIT_UNKNOWN,
     ErrorKind.RATE_LIMITED}
)
_ENTRY: Final = "\n• "


def list_text(
    own: Sequence[KeySummary],
    server: Sequence[KeySummary] | None,
    display: Callable[[str], str],
    locale: object,
    *,
    limit: int = MESSAGE_LIMIT,
) -> str:
    """The member's keys, then the server's (``server`` None: the reader may not see them), then a hint."""
    lines = [t("keys.list_user", locale), *_entries(own, display, locale)]
    if server is not None:
        lines += ["", t("keys.list_guild", locale), *_entries(server, display, locale)]
    lines += ["", t("keys.list_hint", locale)]
    if server is not None:
        lines.append(t("keys.list_hint_guild", locale))
    return _within(("\n".join(lines)), locale, limit)


def server_list_text(
    server: Sequence[KeySummary], display: Callable[[str], str], locale: object, *, limit: int = MESSAGE_LIMIT
) -> str:
    """``/server-settings keys list``: the server's keys only, then where to change them."""
    lines = [t("keys.list_guild", locale), *_entries(server, display, locale), "", t("keys.list_hint_guild", locale)]
    return _within("\n".join(lines), locale, limit)


def status_text(summary: KeySummary, locale: object) -> str:
    """``last used 5 minutes ago: worked`` — or which kind of failure, and whether the keys were the cause."""
    if summary.last_used_at is None:
        return t("keys.never_used", locale)
    when = discord.utils.format_dt(datetime.fromtimestamp(summary.last_used_at, UTC), "R")
    outcome = summary.last_outcome
    if outcome is None:
        return t("keys.used", locale, when=when)
    if outcome == OUTCOME_OK:
        return t("keys.worked", locale, when=when)
    if outcome == LEGACY_FAILED:
        return t("keys.failed_no_reason", locale, when=when)
    if outcome in KEY_FAILURE_KINDS:
        verdict = "keys.keys_refused"
    elif outcome in ACCEPTED_KINDS:
        verdict = "keys.call_failed"
    elif outcome in UNJUDGED_KINDS:
        verdict = "keys.call_unanswered"
    else:  # a kind this version does not know: no claim about the keys
        verdict = "keys.call_failed_unjudged"
    return t(verdict, locale, when=when, reason=kind_text(outcome, locale))


def kind_text(kind: str, locale: object) -> str:
    key = f"keys.kind.{kind}"
    return t(key if key in load_catalog().texts[DEFAULT_LOCALE] else "keys.kind.unknown", locale)


def _entries(summaries: Sequence[KeySummary], display: Callable[[str], str], locale: object) -> list[str]:
    if not summaries:
        return [t("keys.list_empty", locale)]
    return [
        t(
            "keys.list_line",
            locale,
            service=display(s.service),
            masked=_in_code(s.masked),
            status=status_text(s, locale),
        )
        for s in summaries
    ]


def _in_code(text: str) -> str:
    """The end of a member's public key field, inside backticks: a backtick in it (a look-alike instead) would end
    the code span and let what follows format the list."""
    return text.replace("`", "ˋ")


def _within(text: str, locale: object, limit: int) -> str:
    """``text``, or as many whole lines of it as fit with a last line saying how many keys were left out."""
    if len(text) <= limit:
        return text
    room = limit - len(t("keys.list_more", locale, count=10**6)) - 1
    kept = text[:room].rsplit("\n", 1)[0]
    left_out = text.count(_ENTRY) - kept.count(_ENTRY)
    return f"{kept}\n{t('keys.list_more', locale, count=max(left_out, 1))}"
