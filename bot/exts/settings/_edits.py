"""What a change asked for becomes, before anything is saved: pure functions over the settings models.

A value a member or an admin typed that cannot be stored raises ``SettingRefused`` with a catalog key (in
``bot/i18n/catalogs/settings.py``) and the values that fill it, so the commands answer in the member's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from pydantic import ValidationError

from providers.core.validation import parse_aspect_ratio
from storage.settings import (
    MAX_BANNED_WORD_LENGTH,
    MAX_BANNED_WORDS,
    MAX_BANNED_WORDS_CHARS,
    MAX_CHANNELS,
    MAX_WORDS_PER_CHANGE,
    ServerSettings,
)

#: the choice value that means "no preference of my own": the next default applies
DEFAULT_CHOICE: Final = "default"
#: what separates words added or removed in one go (ASCII and full-width commas, the ideographic comma, lines)
_WORD_SEPARATORS = re.compile(r"[,，、;；\n]+")
#: a Chinese keyboard's full-width colon, as /imagine accepts it
_FULL_WIDTH_COLON = str.maketrans({"：": ":"})


class SettingRefused(Exception):
    """A value that cannot be stored; ``key`` names the catalog text that says why."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class WordsChange:
    """The banned-words list after an ``add`` or ``remove``, and what happened to each word asked for."""

    words: tuple[str, ...]
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def chosen_service(value: str | None) -> str | None:
    """A service option's value as stored: None for the "default" choice."""
    return None if value in (None, "", DEFAULT_CHOICE) else value


def normalised_aspect(text: str) -> str:
    """``16:9`` (also ``16x9``, ``16：9``, `` 16 : 9 ``) as ``16:9``; the range rules /imagine applies.
    Raises ``InvalidInputError`` (with a catalog key) for anything else."""
    width, height = parse_aspect_ratio(text.strip().translate(_FULL_WIDTH_COLON))
    return f"{width}:{height}"


def split_words(text: str) -> list[str]:
    """The words of one ``add`` or ``remove``: comma-separated (any comma), spaces inside a phrase kept,
    blanks dropped. More than ``MAX_WORDS_PER_CHANGE`` at once is refused: a list never holds more."""
    words = [" ".join(part.split()) for part in _WORD_SEPARATORS.split(text) if part.strip()]
    if len(words) > MAX_WORDS_PER_CHANGE:
        raise SettingRefused("settings.words.too_many_at_once", count=len(words), limit=MAX_WORDS_PER_CHANGE)
    return words


def words_chars(words: Iterable[str]) -> int:
    return sum(len(word) for word in words)


def add_words(existing: Sequence[str], text: str) -> WordsChange:
    """``existing`` with the new words of ``text`` appended; a word already listed (in any case) is skipped."""
    words = list(existing)
    seen = {word.casefold() for word in words}
    added: list[str] = []
    already: list[str] = []
    for word in split_words(text):
        if len(word) > MAX_BANNED_WORD_LENGTH:
            raise SettingRefused("settings.words.too_long", word=word[:20] + "…", limit=MAX_BANNED_WORD_LENGTH)
        if word.casefold() in seen:
            already.append(word)
            continue
        seen.add(word.casefold())
        words.append(word)
        added.append(word)
    if not added and not already:
        raise SettingRefused("settings.words.none_given")
    if len(words) > MAX_BANNED_WORDS:
        room = max(0, MAX_BANNED_WORDS - len(existing))
        raise SettingRefused("settings.words.too_many", limit=MAX_BANNED_WORDS, room=room)
    if added and words_chars(words) > MAX_BANNED_WORDS_CHARS:
        room = max(0, MAX_BANNED_WORDS_CHARS - words_chars(existing))
        raise SettingRefused("settings.words.too_long_list", limit=MAX_BANNED_WORDS_CHARS, room=room)
    return WordsChange(tuple(words), added, already)


def remove_words(existing: Sequence[str], text: str) -> WordsChange:
    """``existing`` without the words of ``text`` (matched in any case)."""
    gone = {word.casefold(): word for word in split_words(text)}
    if not gone:
        raise SettingRefused("settings.words.none_given")
    kept = tuple(word for word in existing if word.casefold() not in gone)
    removed = [word for word in existing if word.casefold() in gone]
    listed = {word.casefold() for word in existing}
    missing = [word for key, word in gone.items() if key not in listed]
    return WordsChange(kept, removed, missing)


def added_channel(channels: frozenset[int] | None, channel_id: int) -> frozenset[int]:
    current = channels or frozenset()
    if channel_id not in current and len(current) >= MAX_CHANNELS:
        raise SettingRefused("settings.channels.too_many", limit=MAX_CHANNELS)
    return current | {channel_id}


def removed_channel(channels: frozenset[int] | None, channel_id: int) -> frozenset[int] | None:
    """The channels without ``channel_id``; None (every channel) once none is left, because an empty list
    would silence the bot everywhere, which nobody asks for by removing one channel."""
    remaining = (channels or frozenset()) - {channel_id}
    return remaining or None


def limit_value(number: int | None, current: int | None) -> int | None:
    """A limit option: not given keeps ``current``, 0 means no limit."""
    if number is None:
        return current
    return number or None


def allowed_from_selection(selected: Iterable[str], offered: Mapping[str, object]) -> frozenset[str] | None:
    """The services picked in the select menu; None (every service, also ones added later) when all are."""
    chosen = frozenset(name for name in selected if name in offered)
    if not chosen:
        raise SettingRefused("settings.services.none_chosen")
    return None if chosen >= frozenset(offered) else chosen


def updated(settings: ServerSettings, **changes: object) -> ServerSettings:
    """``settings`` with ``changes``, validated as a whole (ranges, lengths). Raises ``SettingRefused``."""
    try:
        return ServerSettings.model_validate({**settings.model_dump(), **changes})
    except ValidationError as error:
        fields = ", ".join(sorted({str(e["loc"][0]) for e in error.errors() if e["loc"]}))
        raise SettingRefused("settings.invalid", fields=fields or "?") from None
