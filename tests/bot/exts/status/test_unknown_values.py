"""``/bot-status``'s unknown-values section: the most frequent first, a few at most, within one embed field, in the
reader's language, the services' values shown literally."""

from __future__ import annotations

from bot.exts.status._unknown_values import MOST_SHOWN, unknown_values_field
from bot.i18n.catalog import load_catalog, placeholders
from bot.text_fit import FIELD_CHARS
from providers.core.unknown_values import MAX_VALUE_CHARS, UnknownValue

NAMES = {"jumdata": "Jumdata AI绘画", "ngpu": "NGPU"}


def test_none_seen_says_so_in_both_languages() -> None:
    assert unknown_values_field({}, NAMES, "en-US") == ("Unknown service values", "✅ None since the bot started.")
    assert unknown_values_field({}, NAMES, "zh-CN") == ("未知的服务返回值", "✅ 自机器人启动以来没有。")


def test_the_most_frequent_come_first_with_the_services_names_and_a_pointer_to_report() -> None:
    counts = {
        UnknownValue("ngpu", "result_code", "103"): 1,
        UnknownValue("jumdata", "query data.status", "2"): 7,
        UnknownValue("somewhere", "errno", "12"): 3,
    }
    _, value = unknown_values_field(counts, NAMES, "en-US")
    lines = value.split("\n")
    assert lines[:3] == [
        "• Jumdata AI绘画 · query data.status: 2 (7×)",
        "• somewhere · errno: 12 (3×)",  # a service the bot does not list keeps its own name
        "• NGPU · result\\_code: 103 (1×)",
    ]
    assert lines[3].startswith("-# Please report these")
    _, chinese = unknown_values_field(counts, NAMES, "zh-CN")
    assert chinese.split("\n")[0] == "• Jumdata AI绘画 · query data.status：2（7 次）"
    assert chinese.split("\n")[-1].startswith("-# 请将这些值报告给机器人的维护者")


def test_a_few_at_most_then_how_many_more() -> None:
    counts = {UnknownValue("jumdata", "code", str(700 + n)): 100 - n for n in range(12)}
    _, value = unknown_values_field(counts, NAMES, "en-US")
    lines = value.split("\n")
    assert lines[:MOST_SHOWN] == [f"• Jumdata AI绘画 · code: {700 + n} ({100 - n}×)" for n in range(MOST_SHOWN)]
    assert lines[MOST_SHOWN] == f"… and {12 - MOST_SHOWN} more"
    _, chinese = unknown_values_field(counts, NAMES, "zh-CN")
    assert f"……还有 {12 - MOST_SHOWN} 个" in chinese


def test_long_values_full_of_formatting_stay_within_one_field_and_are_shown_literally() -> None:
    value_text = ("*_`~|>" * 20)[:MAX_VALUE_CHARS]
    counts = {UnknownValue("jumdata", f"field {n} " + "x" * 60, value_text): 1000 + n for n in range(40)}
    for locale in ("en-US", "zh-CN"):
        _, value = unknown_values_field(counts, NAMES, locale)
        assert len(value) <= FIELD_CHARS
        listed = [line for line in value.split("\n") if line.startswith("•")]
        assert 1 <= len(listed) <= MOST_SHOWN
        assert all("\\*\\_\\`" in line for line in listed)  # escaped: no bold, italics or code from a service
        more = 40 - len(listed)
        assert f"… and {more} more" in value or f"……还有 {more} 个" in value


def test_a_value_cannot_mention_anyone_or_escape_the_line() -> None:
    _, value = unknown_values_field({UnknownValue("jumdata", "code", "@everyone \\**x**"): 1}, NAMES, "en-US")
    line = value.split("\n")[0]
    assert "@everyone" not in line and "@\u200beveryone" in line
    assert line.endswith("\\\\\\*\\*x\\*\\* (1×)")  # the backslash doubled, the stars escaped


def test_texts_are_in_the_catalog_translated_with_the_same_fields() -> None:
    texts = load_catalog().texts
    english = {key: text for key, text in texts["en"].items() if key.startswith("status.unknown_")}
    assert {key.removeprefix("status.unknown_") for key in english} == {"values", "none", "line", "report"}
    for key, text in english.items():
        assert placeholders(text) == placeholders(texts["zh-CN"][key]), key
