"""``/bot-status``'s section on values the services sent that the bot does not know.

Each provider reports such a value (a status word, an error number, a reply shape) to ``providers.core.unknown_values``
and keeps the job open rather than guess. This section shows the operator the most frequent of them since the bot
started, within one embed field, and asks them to report them: each is a correction waiting to be made to one of the
services' tables.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.i18n import t
from bot.text_fit import FIELD_CHARS, neutralised
from providers.core.unknown_values import UnknownValue

#: the most values listed; the rest are counted in "… and N more"
MOST_SHOWN = 5



def unknown_values_field(
    counts: Mapping[UnknownValue, int], display_names: Mapping[str, str], locale: object
) -> tuple[str, str]:
    """The embed field (name, value): the most frequent unknown values, or that there were none."""
    name = t("status.unknown_values", locale)
    if not counts:
        return name, t("status.unknown_none", locale)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    lines = [_line(seen, count, display_names, locale) for seen, count in ordered]
    footer = t("status.unknown_report", locale)
    listed = _most_that_fit(lines, FIELD_CHARS - len(footer) - 1, locale)
    return name, f"{listed}\n{footer}"


def _line(seen: UnknownValue, count: int, display_names: Mapping[str, str], locale: object) -> str:
    # the value is the service's text: shown as sent, never as Discord formatting or a mention
    return t(
        "status.unknown_line",
        locale,
        service=display_names.get(seen.service, seen.service),
        field=neutralised(seen.field),
        value=neutralised(seen.value),
        count=count,
    )


def _most_that_fit(lines: list[str], budget: int, locale: object) -> str:
    """The first ``MOST_SHOWN`` lines that fit in ``budget`` with room for "… and N more" when some are left out."""
    shown: list[str] = []
    used = 0
    for index, line in enumerate(lines[:MOST_SHOWN]):
        # room for "… and N more" unless this is the very last line (``len(lines)`` has at least as many digits as N)
        reserve = len(t("settings.more", locale, count=len(lines))) + 1 if index < len(lines) - 1 else 0
        cost = len(line) + (1 if shown else 0)
        if used + cost + reserve > budget:
            break
        shown.append(line)
        used += cost
    hidden = len(lines) - len(shown)
    if hidden:
        shown.append(t("settings.more", locale, count=hidden))
    return "\n".join(shown)
