"""Hypothesis strategies for text a member or a service can put in a message: markdown-heavy, over-long, CJK,
emoji (with skin tones, ZWJ families, flags, keycaps, tag sequences), right-to-left and zero-width marks, mentions
of every kind, links and addresses, and anything else Unicode allows (lone surrogates aside: they cannot arrive as
UTF-8)."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st

LOCALES = ("en-US", "zh-CN")
MARKDOWN = "*_~|`>#-[]()\\"
MENTIONS = (
    "@everyone",
    "@here",
    "<@123>",
    "<@!123>",
    "<#1>",
    "<@&1>",
    "<@&123456789012345678>",
    "<@123456789012345678>",
    "@123456789012345678",
)
EMOJI = (
    "👍🏽",
    "👨‍👩‍👧‍👦",
    "🏳️‍🌈",
    "🇯🇵",
    "🇺🇸🇬🇧🇫🇷",
    "1️⃣",
    "🏴󠁧󠁢󠁥󠁮󠁧󠁿",
    "🧑🏿‍🚀",
    "é",  # e + combining acute
    "각",  # Hangul jamo
)
MARKS = ("\u200f", "\u202e", "\u2066", "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "שלום", "مرحبا", "\r\n")
#: where a service runs, as its words may quote it
ADDRESSES = ("http://164.90.147.104:8091/jobs/1", "10.0.0.5:80", "https://cdn.example/a_b*c.png", "http://nas/x")
_CJK = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=40)
_ANY = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
PIECES = st.one_of(
    st.text(MARKDOWN, min_size=1, max_size=60),
    st.sampled_from(MENTIONS),
    st.sampled_from(EMOJI),
    st.sampled_from(MARKS),
    st.sampled_from(ADDRESSES),
    _CJK,
    _ANY,
    st.just(" "),
)
#: a mix of the pieces, up to a few thousand characters
TEXT = st.lists(PIECES, max_size=60).map("".join)
#: one piece repeated past any limit (a 6,000-character markdown run, a wall of flags)
LONG = st.builds(lambda piece, times: piece * times, PIECES, st.integers(1, 400)).map(lambda text: text[:8_000])
ADVERSARIAL = st.one_of(TEXT, LONG)
NON_EMPTY = ADVERSARIAL.filter(lambda text: bool(text.strip()))
LOCALE = st.sampled_from(LOCALES)
#: real Discord ids are 17 to 20 digits; a job id is a SQLite integer
SNOWFLAKE = st.integers(10**16, 2**63 - 1)
JOB_ID = st.integers(1, 2**63 - 1)

PROPERTIES = settings(max_examples=60, deadline=None)
