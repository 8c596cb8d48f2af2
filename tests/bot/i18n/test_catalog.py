"""The catalogs: every English text has a Chinese one with the same fields, and ``t()`` picks by locale."""

from __future__ import annotations

import string

import discord
import pytest

from bot.i18n import DEFAULT_LOCALE, load_catalog, resolve_locale, t
from bot.i18n.catalog import ZH_CN, Catalog, placeholders


def test_every_text_is_translated_with_the_same_fields() -> None:
    catalog = load_catalog()
    english, chinese = catalog.texts[DEFAULT_LOCALE], catalog.texts[ZH_CN]
    assert english, "the catalogs are empty"
    assert sorted(set(english) - set(chinese)) == [], "texts without a Simplified Chinese version"
    assert sorted(set(chinese) - set(english)) == [], "Chinese texts with no English original"
    mismatched = {key: (placeholders(english[key]), placeholders(chinese[key])) for key in english
                  if placeholders(english[key]) != placeholders(chinese[key])}
    assert mismatched == {}


def test_chinese_texts_are_not_english_copies() -> None:
    catalog = load_catalog()
    english, chinese = catalog.texts[DEFAULT_LOCALE], catalog.texts[ZH_CN]
    # texts with no letters at all (emoji + a field) may be identical
    def has_words(text: str) -> bool:
        return any(c.isalpha() for literal, *_ in string.Formatter().parse(text) for c in literal)

    copies = [key for key in english if english[key] == chinese[key] and has_words(english[key])]
    assert copies == []


def test_keys_are_namespaced_by_their_catalog_module() -> None:
    import importlib
    import pkgutil

    import bot.i18n.catalogs as package

    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        stray = [key for key in getattr(module, "EN", {}) if not key.startswith(f"{info.name}.")]
        assert stray == [], f"{info.name}: keys outside its namespace"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [(discord.Locale.chinese, ZH_CN), ("zh-CN", ZH_CN), ("zh-TW", "en"), ("en-US", "en"), (None, "en"),
     (discord.Locale.french, "en")],
)
def test_locales_resolve_to_a_catalog(locale: object, expected: str) -> None:
    assert resolve_locale(locale) == expected


def test_t_formats_in_the_chosen_language_and_falls_back_to_english() -> None:
    catalog = Catalog(texts={"en": {"x.hello": "Hello {name}", "x.only": "Only English"},
                             ZH_CN: {"x.hello": "你好 {name}"}})
    assert catalog.text("x.hello", "zh-CN", name="鲍勃") == "你好 鲍勃"
    assert catalog.text("x.hello", discord.Locale.german, name="Bob") == "Hello Bob"
    assert catalog.text("x.only", "zh-CN") == "Only English"
    with pytest.raises(KeyError):
        catalog.text("x.missing", "en")


def test_the_real_catalog_answers_in_chinese() -> None:
    assert t("common.unexpected", "zh-CN") != t("common.unexpected", "en-US")
