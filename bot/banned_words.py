"""Finding a server's banned words in a prompt.

A word is found case-insensitively and as a whole word: "cat" is in "A Cat!" and "cat-girl" but not in
"category". Scripts written without spaces (Chinese, Japanese, Korean, Thai) have no whole words to find, so a
banned word written in one of them is found anywhere, as a substring ("猫" in "一只猫在睡觉"); a Latin word
next to such characters still counts as whole ("cat" in "一只cat在睡觉"). Both sides are NFKC-normalised first,
so full-width letters ("ＣＡＴ") and other look-alike forms are caught too. A phrase matches with any spacing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

#: scripts written without spaces between words: Han, kana, Hangul, Thai, and their compatibility forms
_UNSPACED = re.compile(
    "["
    "\u0e00-\u0e7f"  # Thai
    "\u2e80-\u2fdf"  # CJK radicals, Kangxi radicals
    "\u3005-\u3007\u3021-\u3029"  # ideographic iteration mark, numerals
    "\u3040-\u30ff\u31f0-\u31ff"  # Hiragana, Katakana
    "\u3100-\u312f\u3130-\u318f"  # Bopomofo, Hangul compatibility Jamo
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK unified ideographs (and extension A)
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # half-width Katakana
    "\U00020000-\U0003134f"  # CJK extensions B–G
    "]"
)


def normalised(text: str) -> str:
    """The form both prompts and banned words are compared in: NFKC, case-folded, spacing collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def is_unspaced(word: str) -> bool:
    """Whether ``word`` is written (at least partly) in a script without spaces, so is found as a substring."""
    return _UNSPACED.search(normalised(word)) is not None


@lru_cache(maxsize=2048)
def _whole_word_pattern(word: str) -> re.Pattern[str]:
    # the word's own spaces match any run of spaces; \w on either side would make it part of a longer word
    body = r"\s+".join(re.escape(part) for part in word.split(" "))
    return re.compile(rf"(?<!\w){body}(?!\w)")


def found_in(text: str, word: str) -> bool:
    """Whether the banned ``word`` occurs in ``text`` (see the module's docstring for what counts)."""
    wanted = normalised(word)
    if not wanted:
        return False
    haystack = normalised(text)
    if is_unspaced(wanted):
        return wanted in haystack
    # characters of unspaced scripts are letters to \w: as spaces they end a Latin word instead
    return _whole_word_pattern(wanted).search(_UNSPACED.sub(" ", haystack)) is not None


def banned_words_in(texts: Iterable[str | None], banned: Iterable[str]) -> list[str]:
    """The banned words found in any of ``texts``, as the server wrote them, each once, in the list's order."""
    present = [text for text in texts if text]
    if not present:
        return []
    found: list[str] = []
    for word in banned:
        if word not in found and any(found_in(text, word) for text in present):
            found.append(word)
    return found
