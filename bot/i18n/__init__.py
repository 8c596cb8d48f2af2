"""Texts in the member's language: English and Simplified Chinese.

Two kinds of text:

* **Runtime texts** (replies, progress, failures) go through ``t(key, locale, **values)``. Each feature keeps
  its texts in its own module under ``bot.i18n.catalogs`` (``EN`` and ``ZH_CN`` dicts keyed by dotted names),
  found at import time like the extensions are. A missing translation falls back to English, never to a
  key or an error.
* **Command texts** (descriptions, option descriptions, choice names) stay plain English in the decorators;
  ``CatalogTranslator`` finds their translation in the catalogs' ``COMMANDS_ZH_CN`` (English text → Chinese).
  Command and option *names* are not translated, so the command a member reads about is the one they type.
"""

from bot.i18n.catalog import (
    DEFAULT_LOCALE,
    SUPPORTED_LOCALES,
    Catalog,
    command_translation,
    load_catalog,
    resolve_locale,
    t,
)
from bot.i18n.translator import CatalogTranslator

__all__ = [
    "DEFAULT_LOCALE",
    "SUPPORTED_LOCALES",
    "Catalog",
    "CatalogTranslator",
    "command_translation",
    "load_catalog",
    "resolve_locale",
    "t",
]
