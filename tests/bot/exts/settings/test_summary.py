"""What settings replies look like at their largest: every list within Discord's sizes, cut on whole items with
"… and N more", in both languages."""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest

from bot.exts.settings._edits import WordsChange, add_words, remove_words
from bot.exts.settings._summary import (
    WORDS_PAGE_CHARS,
    channels_value,
    embed,
    member_fields,
    server_fields,
    switches_value,
    words_change_text,
    words_pages,
)
from bot.i18n import t
from bot.text_fit import CHANNELS_IN_TEXT_CHARS, CONTENT_CHARS, FIELD_CHARS, fitted
from providers.registry import PROVIDERS
from storage.settings import (
    MAX_BANNED_WORD_LENGTH,
    MAX_BANNED_WORDS,
    MAX_CHANNELS,
    MAX_WORDS_PER_CHANGE,
    MemberSettings,
    ServerSettings,
)

LOCALES = ("en-US", "zh-CN")
#: the longest snowflakes Discord hands out today (19 digits)
BIG_IDS = [1_300_000_000_000_000_000 + n for n in range(MAX_CHANNELS)]
#: the largest list an older row may hold (200 words of 60 characters: more than can be added today)
LARGEST_WORDS = tuple(f"{'w' * (MAX_BANNED_WORD_LENGTH - 4)}{n:04d}" for n in range(MAX_BANNED_WORDS))
LARGEST = ServerSettings(
    allowed_services=frozenset(PROVIDERS),
    default_service="midjourney",
    max_running_per_member=50,
    daily_server_key_jobs=100_000,
    queue_cap=100,
    banned_words=LARGEST_WORDS,
    channel_ids=frozenset(BIG_IDS),
    server_keys_allowed=True,
    others_may_press=True,
    ngpu_requires_ainn=True,
)


def embed_problems(shown: discord.Embed) -> list[str]:
    """Where an embed breaks Discord's limits (title 256, description 4,096, 25 fields of 256/1,024, footer
    2,048, 6,000 together)."""
    data: dict[str, Any] = shown.to_dict()
    fields = data.get("fields", [])
    problems = [f"{len(fields)} fields"] if len(fields) > 25 else []
    sizes = {"title": 256, "description": 4096}
    problems += [key for key, limit in sizes.items() if len(data.get(key) or "") > limit]
    problems += [f"field {f['name']!r}" for f in fields if len(f["name"]) > 256 or not 0 < len(f["value"]) <= 1024]
    footer = (data.get("footer") or {}).get("text") or ""
    problems += ["footer"] if len(footer) > 2048 else []
    total = len(data.get("title") or "") + len(data.get("description") or "") + len(footer)
    total += sum(len(f["name"]) + len(f["value"]) for f in fields)
    return [*problems, f"{total} characters together"] if total > 6000 else problems


def test_fitted_keeps_whole_items_and_says_how_many_more() -> None:
    items = [f"<#{n}>" for n in BIG_IDS]
    text = fitted(items, 200, "en-US")
    assert len(text) <= 200 and text.endswith("more")
    shown = text.split(", ")[:-1]
    assert shown == items[: len(shown)]  # every mention whole
    assert text.endswith(f"… and {len(items) - len(shown)} more")
    assert fitted(items[:3], 200, "en-US") == ", ".join(items[:3])  # all of them fit: no note
    assert fitted(["x" * 50], 20, "en-US") == "… and 1 more"
    assert fitted(items, 200, "zh-CN").endswith("个")


@pytest.mark.parametrize("locale", LOCALES)
def test_fifty_channels_fit_a_field_and_a_message_on_whole_mentions(locale: str) -> None:
    in_field = channels_value(LARGEST, locale)
    in_text = channels_value(LARGEST, locale, CHANNELS_IN_TEXT_CHARS)

    assert len(in_field) <= FIELD_CHARS and len(in_text) <= CHANNELS_IN_TEXT_CHARS
    for value in (in_field, in_text):
        mentions = re.findall(r"<#\d+>", value)
        assert mentions == [f"<#{n}>" for n in BIG_IDS[: len(mentions)]]
        assert re.sub(r"<#\d+>(, )?", "", value).strip() in {"", t("settings.more", locale, count=50 - len(mentions))}
    assert len(t("settings.channels.saved", locale, value=in_text)) <= CONTENT_CHARS
    assert channels_value(ServerSettings(channel_ids=frozenset()), locale)  # never an empty field


@pytest.mark.parametrize("locale", LOCALES)
def test_the_largest_rules_fit_show_and_settings_show(locale: str) -> None:
    rules = embed("title", server_fields(LARGEST, PROVIDERS, locale))
    rules.set_footer(text=t("settings.server.footer", locale))
    assert embed_problems(rules) == []

    member = MemberSettings(default_service="picpik", default_aspect="16:9", results_by_dm=True)
    mine = embed(t("settings.member.title", locale), member_fields(member, LARGEST, PROVIDERS, locale))
    rules.set_footer(text=t("settings.member.admin_hint", locale))
    together = discord.Embed(title="x")
    for one in (mine, rules):  # two embeds of one message share the 6,000
        for field in one.fields:
            together.add_field(name=field.name or "", value=field.value or "")
    assert embed_problems(together) == []
    assert len(t("settings.switches.saved", locale, value=switches_value(LARGEST, locale))) <= CONTENT_CHARS


def test_a_value_too_long_for_a_field_is_cut_visibly_as_a_last_resort() -> None:
    [field] = embed("title", [("name", "y" * 2000)]).fields
    assert field.value is not None and len(field.value) == FIELD_CHARS and field.value.endswith("…")


@pytest.mark.parametrize("locale", LOCALES)
def test_adding_or_removing_the_most_words_answers_within_a_message(locale: str) -> None:
    # the largest cases: 200 nine-letter words added, and 200 not-listed words removed (more is refused)
    added = add_words((), ",".join(f"w{n:07d}x" for n in range(MAX_WORDS_PER_CHANGE)))
    missing = remove_words(LARGEST_WORDS[:5], ",".join(chr(0x4E00 + n) for n in range(MAX_WORDS_PER_CHANGE)))
    halves = WordsChange(LARGEST_WORDS[:100], list(LARGEST_WORDS[:100]), list(LARGEST_WORDS[100:]))
    for change, keys in (
        (added, ("settings.words.added", "settings.words.already")),
        (missing, ("settings.words.removed", "settings.words.missing")),
        (halves, ("settings.words.added", "settings.words.already")),
    ):
        text = words_change_text(change, *keys, locale)
        assert len(text) <= CONTENT_CHARS, len(text)
        first = change.changed or change.unchanged
        assert f"`{first[0]}`" in text and t("settings.more", locale, count=1)[:3] in text


def test_the_words_list_pages_hold_every_word_once_in_order() -> None:
    pages = words_pages(LARGEST_WORDS)

    assert len(pages) > 1 and all(len(page) <= WORDS_PAGE_CHARS for page in pages)
    listed = [line.strip("`") for page in pages for line in page.split("\n")]
    assert listed == list(LARGEST_WORDS)
    for page in pages:
        shown = discord.Embed(title=t("settings.words.title", "en-US", count=len(LARGEST_WORDS)), description=page)
        shown.set_footer(text=t("settings.words.page", "zh-CN", page=9, pages=9))
        assert embed_problems(shown) == []
    assert words_pages(["a`b"]) == ["`aˋb`"]  # a backtick cannot end the code style early
