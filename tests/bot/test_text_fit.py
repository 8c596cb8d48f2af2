"""Text made to fit Discord's limits as sent: escaped before it is cut, cut on a boundary (never inside an escape, a
surrogate pair or a grapheme), the cut marked, and embeds within every limit whatever goes in."""

from __future__ import annotations

import re

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text_fit import (
    CONTENT_CHARS,
    ELLIPSIS,
    clipped,
    cut_start,
    fit_content,
    fit_embed,
    fit_embeds,
    is_boundary,
    neutral_within,
    neutralised,
)
from tests.bot.limits.registry import covers
from tests.bot.limits.sent_form import embeds_problems, pings
from tests.bot.limits.strategies import ADVERSARIAL, EMOJI, PROPERTIES

_MARKDOWN_CHARS = "*_~|`"


def unescaped_markdown(text: str) -> list[int]:
    """Positions of markdown characters not escaped by an odd run of backslashes."""
    found = []
    for position, character in enumerate(text):
        if character in _MARKDOWN_CHARS:
            before = text[:position]
            if (len(before) - len(before.rstrip("\\"))) % 2 == 0:
                found.append(position)
    return found


@PROPERTIES
@given(text=ADVERSARIAL, limit=st.integers(0, 3_000))
@covers(clipped, cut_start)
def test_a_cut_fits_ends_on_a_boundary_and_is_marked(text: str, limit: int) -> None:
    cut = clipped(text, limit)
    assert len(cut) <= limit
    if len(text) <= limit:
        assert cut == text
        return
    if limit >= len(ELLIPSIS):
        assert cut.endswith(ELLIPSIS)
        kept = cut[: -len(ELLIPSIS)]
        assert text.startswith(kept) and is_boundary(text, len(kept))
    unmarked = cut_start(text, limit)
    assert len(unmarked) <= limit and text.startswith(unmarked) and is_boundary(text, len(unmarked))


@PROPERTIES
@given(text=ADVERSARIAL, limit=st.integers(1, 3_000))
@covers(neutralised, neutral_within)
def test_inert_text_neither_formats_nor_pings_and_its_cut_splits_no_escape(text: str, limit: int) -> None:
    inert = neutralised(text)
    assert pings(inert) == []
    if "://" not in text:  # links are left as they are (escaping would break them)
        assert unescaped_markdown(inert) == []
    shown = neutral_within(text, limit)
    assert len(shown) <= limit and pings(shown) == []
    if "://" not in text:
        assert unescaped_markdown(shown) == []
    if shown != neutralised(" ".join(text.split())):  # it was cut: no backslash may be left to escape the mark
        head = shown.removesuffix(ELLIPSIS)
        assert (len(head) - len(head.rstrip("\\"))) % 2 == 0


@pytest.mark.parametrize("emoji", [emoji for emoji in EMOJI if emoji != "🇺🇸🇬🇧🇫🇷"])  # each one grapheme
def test_an_emoji_or_a_letter_with_its_marks_is_kept_whole_or_left_out(emoji: str) -> None:
    text = "ab" + emoji + "cd"
    for limit in range(len(ELLIPSIS), len(text)):
        kept = clipped(text, limit).removesuffix(ELLIPSIS)
        assert kept in ("a", "ab", "ab" + emoji, "ab" + emoji + "c", ""), (emoji, limit, kept)


def test_a_flag_is_never_cut_in_half_and_surrogates_stay_paired() -> None:
    flags = "🇺🇸🇬🇧🇫🇷"  # three flags, six regional indicators
    for limit in range(1, len(flags) + 1):
        kept = clipped(flags, limit).removesuffix(ELLIPSIS)
        assert len(kept) % 2 == 0
    paired = "x\ud83d\ude00y"  # a pair as a JSON decoder can leave it
    assert clipped(paired, 3) == "x…"


def test_an_escape_is_never_split_and_a_backslash_never_escapes_the_mark() -> None:
    text = neutralised("*" * 50)
    assert text == "\\*" * 50
    for limit in range(2, 30):
        cut = clipped(text, limit)
        assert re.fullmatch(r"(\\\*)*…", cut), cut
    assert neutralised("a\\") == "a\\\\"  # a member's own backslash cannot escape the bot's closing **
    assert neutralised("@everyone <@&1> <@!2>") == "@\u200beveryone <@\u200b&1> <@\u200b!2>"


@PROPERTIES
@given(
    title=ADVERSARIAL,
    description=ADVERSARIAL,
    fields=st.lists(st.tuples(ADVERSARIAL, ADVERSARIAL), max_size=30),
    footer=ADVERSARIAL,
    author=ADVERSARIAL,
)
@covers(fit_embed, fit_embeds)
def test_any_embed_is_brought_within_every_limit(
    title: str, description: str, fields: list[tuple[str, str]], footer: str, author: str
) -> None:
    embed = discord.Embed(title=title * 3, description=description * 5)
    for name, value in fields:
        embed.add_field(name=name * 10, value=value * 10)
    embed.set_footer(text=footer * 10)
    embed.set_author(name=author * 5)
    assert embeds_problems([fit_embed(embed)]) == []
    copies = fit_embeds([discord.Embed(title=title, description=description * 3) for _ in range(12)])
    assert embeds_problems(copies) == [] and len(copies) <= 10


@PROPERTIES
@given(text=ADVERSARIAL.map(lambda text: text * 3))
@covers(fit_content)
def test_content_is_cut_to_a_message(text: str) -> None:
    assert fit_content(None) is None
    fitted = fit_content(text) or ""
    assert len(fitted) <= CONTENT_CHARS and (fitted == text or fitted.endswith(ELLIPSIS))
