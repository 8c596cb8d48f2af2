"""Lists that must fit Discord's sizes: whole items only, as many as fit, then "… and N more".

Discord refuses (400) a message whose content passes 2,000 characters or an embed field past 1,024, and the
member then sees a generic failure although the change was made. Lists a server's admins can grow (channels,
banned words) go through ``fitted`` wherever they are shown. Its text, ``settings.more``, is in the settings
catalog.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from bot.i18n import t

#: a message's content holds 2,000 characters
CONTENT_CHARS: Final = 2_000
#: an embed field's value holds 1,024 characters
FIELD_CHARS: Final = 1_024
#: the channels named in a message's content, leaving room for the sentence around them
CHANNELS_IN_TEXT_CHARS: Final = 1_500


def fitted(items: Sequence[str], budget: int, locale: object, *, separator: str = ", ") -> str:
    """``items`` joined, whole ones only, as many as fit in ``budget`` characters, then "… and N more"."""
    reserve = len(separator) + len(t("settings.more", locale, count=len(items)))
    shown: list[str] = []
    used = 0
    for index, item in enumerate(items):
        cost = len(item) + (len(separator) if shown else 0)
        # the last item needs no room for "… and N more" after it
        room = budget if index == len(items) - 1 else budget - reserve
        if used + cost > room:
            break
        shown.append(item)
        used += cost
    hidden = len(items) - len(shown)
    if not hidden:
        return separator.join(shown)
    return separator.join([*shown, t("settings.more", locale, count=hidden)])


def channel_mentions(channel_ids: Iterable[int], budget: int, locale: object) -> str:
    """The channels as mentions, in id order, fitted to ``budget`` like ``fitted``."""
    return fitted([f"<#{channel_id}>" for channel_id in sorted(channel_ids)], budget, locale)
