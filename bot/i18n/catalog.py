"""The merged text catalog and ``t()``. Pure: no Discord client, no I/O beyond importing the catalog modules."""

from __future__ import annotations

import importlib
import pkgutil
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Final

DEFAULT_LOCALE: Final = "en"
ZH_CN: Final = "zh-CN"
SUPPORTED_LOCALES: Final = (DEFAULT_LOCALE, ZH_CN)
CATALOG_PACKAGE: Final = "bot.i18n.catalogs"


def resolve_locale(locale: object) -> str:
    """The catalog locale for a Discord locale (``discord.Locale`` or its value, e.g. ``"zh-CN"``); English
    for everything we have no translation for (``zh-TW`` readers get English rather than a guess)."""
    value = str(getattr(locale, "value", locale) or "")
    return ZH_CN if value == ZH_CN else DEFAULT_LOCALE


def placeholders(text: str) -> frozenset[str]:
    """The ``{name}`` fields of a format string."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


@dataclass(frozen=True)
class Catalog:
    #: locale → key → format string
    texts: Mapping[str, Mapping[str, str]]
    #: English command text → Simplified Chinese
    commands_zh_cn: Mapping[str, str] = field(default_factory=dict)

    def text(self, key: str, locale: object = None, /, **values: object) -> str:
        english = self.texts[DEFAULT_LOCALE].get(key)
        if english is None:
            raise KeyError(f"no text {key!r} in the catalog")
        chosen = self.texts.get(resolve_locale(locale), {}).get(key, english)
        return chosen.format(**values)


def _merge(into: dict[str, str], new: Mapping[str, str], origin: str) -> None:
    for key, value in new.items():
        if key in into and into[key] != value:
            raise ValueError(f"{origin}: {key!r} is defined twice with different texts")
        into[key] = value


@cache
def load_catalog(package: str = CATALOG_PACKAGE) -> Catalog:
    """Every catalog module under ``package`` merged (each defines ``EN``, ``ZH_CN`` and may define
    ``COMMANDS_ZH_CN``); a key defined twice with different texts is an error."""
    root = importlib.import_module(package)
    english: dict[str, str] = {}
    chinese: dict[str, str] = {}
    commands: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package}.{info.name}")
        _merge(english, getattr(module, "EN", {}), module.__name__)
        _merge(chinese, getattr(module, "ZH_CN", {}), module.__name__)
        _merge(commands, getattr(module, "COMMANDS_ZH_CN", {}), module.__name__)
    return Catalog(texts={DEFAULT_LOCALE: english, ZH_CN: chinese}, commands_zh_cn=commands)


def t(key: str, locale: object = None, /, **values: object) -> str:
    """The text ``key`` in ``locale`` (a ``discord.Locale``, its value, or None for English), formatted."""
    return load_catalog().text(key, locale, **values)


def command_translation(text: str, locale: object) -> str | None:
    """A command description, option description or choice name in ``locale``; None when not translated."""
    if resolve_locale(locale) != ZH_CN:
        return None
    return load_catalog().commands_zh_cn.get(text)
