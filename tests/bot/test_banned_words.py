"""Banned words: case-insensitive whole words in spaced scripts, substrings in scripts without spaces."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.banned_words import banned_words_in, found_in, is_unspaced

ascii_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8)
han = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=6)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("a Cat on the roof", "cat"),
        ("A CAT!", "Cat"),
        ("cat-girl in armour", "cat"),
        ("(cat)", "cat"),
        ("a red   fox\nin snow", "red fox"),
        ("一只猫在睡觉", "猫"),
        ("一张色情图片", "色情"),
        ("一只cat在睡觉", "cat"),
        ("ｃａｔ", "cat"),  # full-width letters are the same word
        ("a cat", "ＣＡＴ"),
        ("ねこがいる", "ねこ"),
        ("고양이가 있다", "고양이"),
        ("straße", "STRASSE"),  # case folding, not only lower-casing
    ],
)
def test_found(text: str, word: str) -> None:
    assert found_in(text, word)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("a category of things", "cat"),
        ("concatenate", "cat"),
        ("cats", "cat"),
        ("red foxes", "red fox"),
        ("a fox that is red", "red fox"),
        ("一只狗", "猫"),
        ("anything", "   "),
    ],
)
def test_not_found(text: str, word: str) -> None:
    assert not found_in(text, word)


def test_the_words_found_are_named_as_the_server_wrote_them_each_once_in_list_order() -> None:
    banned = ["Gore", "cat", "猫", "dog", "CAT"]
    assert banned_words_in(["a cat and GORE", None, "一只猫", "cat"], banned) == ["Gore", "cat", "猫", "CAT"]
    assert banned_words_in([None, ""], banned) == []
    assert banned_words_in(["a dog"], []) == []


def test_which_words_count_as_unspaced() -> None:
    assert is_unspaced("猫") and is_unspaced("AI绘画") and is_unspaced("ねこ") and is_unspaced("แมว")
    assert not is_unspaced("cat") and not is_unspaced("café") and not is_unspaced("кот")


@given(st.lists(ascii_words, max_size=8), ascii_words)
def test_a_latin_word_is_found_exactly_when_it_is_one_of_the_prompts_words(words: list[str], word: str) -> None:
    text = " ".join(words)
    assert found_in(text, word) == (word.casefold() in [w.casefold() for w in words])


@given(ascii_words, ascii_words, ascii_words)
def test_a_latin_word_inside_a_longer_word_is_not_found(before: str, word: str, after: str) -> None:
    assert not found_in(f"{before}{word}{after}", word)
    assert not found_in(f"{before}{word}", word) and not found_in(f"{word}{after}", word)


@given(st.text(max_size=10), han, st.text(max_size=10))
def test_a_chinese_word_is_found_wherever_it_is(before: str, word: str, after: str) -> None:
    assert found_in(before + word + after, word)
