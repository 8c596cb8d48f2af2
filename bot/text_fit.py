"""Discord's sizes, and text made to fit them *as sent*: after escaping, translation and formatting.

Discord refuses (400, code 50035) a whole message when one part is too long — content past 2,000 characters, an
embed field past 1,024, a button label past 80 — and an edit it refuses shows nothing at all. Escaping makes text
longer (``*`` becomes ``\\*``), so a prompt that fits before escaping may not fit after: every limit here is
applied to the escaped, translated, formatted text, and a cut is made on that text.

* ``neutralised`` makes member or service text inert: markdown escaped (backslashes too), mentions broken.
* ``clipped`` cuts to a length without splitting an escape (``\\*``), a surrogate pair or a grapheme (an emoji
  with its modifiers, a ZWJ family, a flag's two regional indicators, a letter and its combining marks), and
  marks the cut with "…".
* ``fit_content`` and ``fit_embed`` are the last guard of a whole message's parts; the builders cut their parts
  first, so what the reader loses is the end of the longest text, not the structure around it.
* ``fitted`` lists whole items only, then "… and N more" (channels, banned words).

Lengths are counted in Unicode code points, as Discord's API validates them (an inference: see the README).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Final

import discord

from bot.i18n import t

#: a message's content holds 2,000 characters
CONTENT_CHARS: Final = 2_000
#: an embed field's value holds 1,024 characters, its name 256
FIELD_CHARS: Final = 1_024
FIELD_NAME_CHARS: Final = 256
#: an embed's title, description, footer and author name
TITLE_CHARS: Final = 256
DESCRIPTION_CHARS: Final = 4_096
FOOTER_CHARS: Final = 2_048
AUTHOR_CHARS: Final = 256
#: all of a message's embeds together, and how many a message carries
EMBED_TOTAL_CHARS: Final = 6_000
EMBEDS_PER_MESSAGE: Final = 10
FIELDS_PER_EMBED: Final = 25
#: a button's label; a select option's label and description; an autocomplete or command choice's name
BUTTON_LABEL_CHARS: Final = 80
OPTION_LABEL_CHARS: Final = 100
OPTION_DESCRIPTION_CHARS: Final = 100
CHOICE_NAME_CHARS: Final = 100
#: a modal's title, a text input's label, placeholder and value
MODAL_TITLE_CHARS: Final = 45
INPUT_LABEL_CHARS: Final = 45
INPUT_PLACEHOLDER_CHARS: Final = 100
INPUT_VALUE_CHARS: Final = 4_000
#: the channels named in a message's content, leaving room for the sentence around them
CHANNELS_IN_TEXT_CHARS: Final = 1_500
#: what marks a cut
ELLIPSIS: Final = "…"

#: a mention as Discord reads it in text: @everyone, @here, <@id>, <@!id>, <@&id> (any length of id: an escape
#: must not depend on the id being a real one)
_MENTION: Final = re.compile(r"@(everyone|here|[!&]?\d)")
#: a link as Discord reads one in text (discord.py's pattern): kept whole
_LINK: Final = re.compile(r"<[^: >]+:/[^ >]+>|(?:https?|steam)://[^\s<]+[^<.,:;\"'\]\s]")
#: what formats text anywhere in a line, and what formats a line from its start (a quote, a heading, a list item)
_INLINE_MARKDOWN: Final = re.compile(r"[\\*_~|`\[]")
_LINE_START_MARKDOWN: Final = re.compile(r"^(?:>(?:>>)?\s|#{1,3}|\s*-)", re.MULTILINE)
_ZERO_WIDTH_SPACE: Final = "\u200b"
_ZWJ: Final = "\u200d"


# --- making text inert ---------------------------------------------------------------------------------------


def neutralised(text: str) -> str:
    """``text`` with its markdown shown as typed and no mention able to ping: every inline markdown character
    (``\\ * _ ~ | ` [``) escaped wherever it stands, a quote, heading or list mark escaped at a line's start, links
    left as they are (an escape would break them; Discord reads a link whole, so nothing in it formats), then a
    zero-width space after every ``@`` that starts a mention.

    Discord's own ``escape_markdown`` escapes only the ``[`` of a masked link, so ``[x](**y**)`` would still turn
    bold: here each character is escaped on its own."""
    parts: list[str] = []
    last = 0
    for link in _LINK.finditer(text):
        parts += [_escaped(text[last : link.start()]), link[0]]
        last = link.end()
    parts.append(_escaped(text[last:]))
    return unmentioned("".join(parts))


def _escaped(text: str) -> str:
    inline = _INLINE_MARKDOWN.sub(lambda found: f"\\{found[0]}", text)
    return _LINE_START_MARKDOWN.sub(lambda found: f"\\{found[0]}", inline)


def unmentioned(text: str) -> str:
    """``text`` with a zero-width space after every ``@`` that starts a mention (for a link, which markdown
    escapes would break): it reads the same and pings nobody, whatever the id (Discord's own escape only breaks
    ids of 17 to 20 digits)."""
    return _MENTION.sub(lambda found: f"@{_ZERO_WIDTH_SPACE}{found[1]}", text)


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (line breaks too) as one space."""
    return " ".join(text.split())


def neutral_within(text: str, limit: int, *, flat: bool = True) -> str:
    """``text`` made inert (``neutralised``; on one line unless ``flat`` is False), then cut to ``limit``
    characters: the escapes count, and the cut never splits one."""
    return clipped(neutralised(one_line(text) if flat else text), limit)


# --- cutting -------------------------------------------------------------------------------------------------


def _extends(character: str) -> bool:
    """Whether ``character`` belongs to the grapheme before it (a combining mark, a joiner, a variation selector,
    an emoji modifier or tag, a Hangul vowel or final)."""
    code = ord(character)
    return (
        unicodedata.category(character) in ("Mn", "Mc", "Me")
        or character == _ZWJ
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or 0x1160 <= code <= 0x11FF
        or 0xD7B0 <= code <= 0xD7FF
    )


def _regional(character: str) -> bool:
    return 0x1F1E6 <= ord(character) <= 0x1F1FF


def is_boundary(text: str, index: int) -> bool:
    """Whether ``text`` may be cut before ``text[index]`` without splitting a grapheme, a surrogate pair, a
    CR LF or a markdown escape (an odd run of backslashes before the cut would escape what follows it)."""
    if index <= 0 or index >= len(text):
        return True
    before, after = text[index - 1], text[index]
    if "\ud800" <= before <= "\udbff" and "\udc00" <= after <= "\udfff":
        return False
    if before == "\r" and after == "\n":
        return False
    if _extends(after) or before == _ZWJ:
        return False
    if _regional(before) and _regional(after):
        run = 0
        while index - run - 1 >= 0 and _regional(text[index - run - 1]):
            run += 1
        if run % 2:  # the cut would leave half a flag
            return False
    backslashes = len(text[:index]) - len(text[:index].rstrip("\\"))
    return backslashes % 2 == 0


def clipped(text: str, limit: int, *, mark: str = ELLIPSIS) -> str:
    """``text`` when it fits in ``limit`` characters; else its longest start that ends on a boundary
    (``is_boundary``), followed by ``mark``, within ``limit`` in all."""
    if len(text) <= limit:
        return text
    if limit < len(mark):
        return mark[:limit] if limit > 0 else ""
    end = limit - len(mark)
    while end > 0 and not is_boundary(text, end):
        end -= 1
    head = text[:end]
    trimmed = head.rstrip(" ")
    # a space left before the mark reads badly; unless taking it away would leave a backslash escaping the mark
    return (trimmed if is_boundary(text, len(trimmed)) else head) + mark


def cut_start(text: str, limit: int) -> str:
    """Like ``clipped`` without the mark: for a value a member edits (a form's pre-filled text), where "…" would
    become part of what they send."""
    return clipped(text, limit, mark="")


# --- whole messages ------------------------------------------------------------------------------------------


def fit_content(text: str | None) -> str | None:
    """A message's content within 2,000 characters (None stays None: no content)."""
    return None if text is None else clipped(text, CONTENT_CHARS)


def embed_length(embed: discord.Embed) -> int:
    """What Discord counts towards the 6,000 characters of a message's embeds."""
    return len(embed)


def fit_embed(embed: discord.Embed, *, total: int = EMBED_TOTAL_CHARS) -> discord.Embed:
    """``embed`` (changed in place, and returned) within every embed limit: each part cut to its own size, the
    fields beyond 25 dropped, then the longest texts cut until the whole is within ``total`` characters."""
    if embed.title:
        embed.title = clipped(embed.title, TITLE_CHARS)
    if embed.description:
        embed.description = clipped(embed.description, DESCRIPTION_CHARS)
    while len(embed.fields) > FIELDS_PER_EMBED:
        embed.remove_field(FIELDS_PER_EMBED)
    for index, field in enumerate(embed.fields):
        name = clipped(field.name or ELLIPSIS, FIELD_NAME_CHARS)
        value = clipped(field.value or ELLIPSIS, FIELD_CHARS)
        embed.set_field_at(index, name=name, value=value, inline=bool(field.inline))
    if embed.footer.text:
        embed.set_footer(text=clipped(embed.footer.text, FOOTER_CHARS), icon_url=embed.footer.icon_url)
    if embed.author.name:
        embed.set_author(name=clipped(embed.author.name, AUTHOR_CHARS), url=embed.author.url,
                         icon_url=embed.author.icon_url)
    excess = embed_length(embed) - total
    if excess > 0 and embed.description:
        embed.description = clipped(embed.description, max(len(ELLIPSIS), len(embed.description) - excess))
        excess = embed_length(embed) - total
    while excess > 0:
        longest = max(range(len(embed.fields)), key=lambda i: len(embed.fields[i].value or ""), default=None)
        if longest is None or len(embed.fields[longest].value or "") <= len(ELLIPSIS):
            break
        field = embed.fields[longest]
        value = clipped(field.value or "", max(len(ELLIPSIS), len(field.value or "") - excess))
        embed.set_field_at(longest, name=field.name, value=value, inline=bool(field.inline))
        excess = embed_length(embed) - total
    while excess > 0 and embed.fields:  # only their names are left to make room: the last fields go
        embed.remove_field(len(embed.fields) - 1)
        excess = embed_length(embed) - total
    return embed


def fit_embeds(embeds: Sequence[discord.Embed]) -> list[discord.Embed]:
    """At most 10 embeds, each within its limits, together within 6,000 characters (later ones share what the
    earlier ones left; one that gets no room is dropped)."""
    shown: list[discord.Embed] = []
    left = EMBED_TOTAL_CHARS
    for embed in embeds[:EMBEDS_PER_MESSAGE]:
        if left <= len(ELLIPSIS) * 4:
            break
        fit_embed(embed, total=left)
        if embed_length(embed) > left:
            break
        shown.append(embed)
        left -= embed_length(embed)
    return shown


# --- lists ---------------------------------------------------------------------------------------------------


def fitted(items: Sequence[str], budget: int, locale: object, *, separator: str = ", ") -> str:
    """``items`` joined, whole ones only, as many as fit in ``budget`` characters, then "… and N more" (its text,
    ``settings.more``, is in the settings catalog)."""
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
