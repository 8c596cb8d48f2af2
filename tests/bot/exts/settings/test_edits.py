"""What a settings change becomes before it is saved: words, channels, limits, services, aspect ratios."""

from __future__ import annotations

import pytest

from bot.exts.settings import _edits
from bot.exts.settings._edits import SettingRefused
from providers.core.errors import InvalidInputError
from storage.settings import (
    MAX_BANNED_WORD_LENGTH,
    MAX_BANNED_WORDS,
    MAX_BANNED_WORDS_CHARS,
    MAX_CHANNELS,
    MAX_WORDS_PER_CHANGE,
    ServerSettings,
)

SERVICES = {"picpik": object(), "midjourney": object(), "ngpu": object()}


def test_words_are_split_on_any_comma_and_keep_inner_spaces() -> None:
    assert _edits.split_words(" gore,blood，nsfw   art、 x ;y\n\n, ") == ["gore", "blood", "nsfw art", "x", "y"]


def test_adding_words_skips_ones_already_listed_in_any_case() -> None:
    change = _edits.add_words(("Gore",), "gore, Blood, blood, cats")

    assert change.words == ("Gore", "Blood", "cats")
    assert change.changed == ["Blood", "cats"] and change.unchanged == ["gore", "blood"]


def test_removing_words_matches_any_case_and_names_the_missing_ones() -> None:
    change = _edits.remove_words(("Gore", "Blood", "cats"), "BLOOD, dogs")

    assert change.words == ("Gore", "cats")
    assert change.changed == ["Blood"] and change.unchanged == ["dogs"]


@pytest.mark.parametrize("text", ["", " , ，", "\n"])
def test_no_words_is_refused(text: str) -> None:
    with pytest.raises(SettingRefused) as refused:
        _edits.add_words((), text)
    assert refused.value.key == "settings.words.none_given"
    with pytest.raises(SettingRefused):
        _edits.remove_words(("a",), text)


def test_a_word_too_long_or_a_list_too_long_is_refused_whole() -> None:
    with pytest.raises(SettingRefused) as too_long:
        _edits.add_words((), "fine, " + "x" * (MAX_BANNED_WORD_LENGTH + 1))
    assert too_long.value.key == "settings.words.too_long"

    full = tuple(f"w{i}" for i in range(MAX_BANNED_WORDS - 1))
    assert len(_edits.add_words(full, "last").words) == MAX_BANNED_WORDS
    with pytest.raises(SettingRefused) as too_many:
        _edits.add_words(full, "one, two")
    assert too_many.value.key == "settings.words.too_many" and too_many.value.values["room"] == 1


def test_channels_are_added_up_to_the_cap_and_removing_the_last_means_every_channel() -> None:
    assert _edits.added_channel(None, 5) == {5}
    assert _edits.added_channel(frozenset({5}), 5) == {5}
    assert _edits.removed_channel(frozenset({5, 6}), 5) == {6}
    assert _edits.removed_channel(frozenset({5}), 5) is None
    assert _edits.removed_channel(None, 5) is None

    full = frozenset(range(MAX_CHANNELS))
    assert _edits.added_channel(full, 0) == full  # already listed: no room needed
    with pytest.raises(SettingRefused):
        _edits.added_channel(full, MAX_CHANNELS)


def test_a_limit_not_given_is_kept_and_zero_clears_it() -> None:
    assert _edits.limit_value(None, 3) == 3
    assert _edits.limit_value(0, 3) is None
    assert _edits.limit_value(7, None) == 7


def test_services_picked_all_mean_every_service_also_later_ones() -> None:
    assert _edits.allowed_from_selection(["ngpu", "picpik"], SERVICES) == {"ngpu", "picpik"}
    assert _edits.allowed_from_selection(list(SERVICES), SERVICES) is None
    assert _edits.allowed_from_selection(["ngpu", "gone"], SERVICES) == {"ngpu"}
    with pytest.raises(SettingRefused):
        _edits.allowed_from_selection(["gone"], SERVICES)


@pytest.mark.parametrize(("typed", "stored"), [("16:9", "16:9"), (" 2 : 3 ", "2:3"), ("16x9", "16:9"), ("4：3", "4:3")])
def test_aspect_ratios_are_stored_as_width_colon_height(typed: str, stored: str) -> None:
    assert _edits.normalised_aspect(typed) == stored


@pytest.mark.parametrize(("typed", "key"), [("wide", "not_an_aspect_ratio"), ("0:1", "aspect_ratio_zero"),
                                            ("9:1", "aspect_ratio_extreme")])
def test_aspect_ratios_obey_the_rules_imagine_applies(typed: str, key: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        _edits.normalised_aspect(typed)
    assert refused.value.key == key


def test_service_choice_default_means_none() -> None:
    assert _edits.chosen_service("default") is None and _edits.chosen_service("ngpu") == "ngpu"


def test_updated_rules_are_validated_as_a_whole() -> None:
    assert _edits.updated(ServerSettings(), queue_cap=3).queue_cap == 3
    with pytest.raises(SettingRefused) as refused:
        _edits.updated(ServerSettings(), queue_cap=-1, max_running_per_member=0)
    assert refused.value.key == "settings.invalid"
    assert refused.value.values["fields"] == "max_running_per_member, queue_cap"


def test_one_change_names_at_most_as_many_words_as_a_list_holds() -> None:
    too_many = ", ".join(f"w{i}" for i in range(MAX_WORDS_PER_CHANGE + 1))
    for edit in (_edits.add_words, _edits.remove_words):
        with pytest.raises(SettingRefused) as refused:
            edit((), too_many)
        assert refused.value.key == "settings.words.too_many_at_once"
        assert refused.value.values == {"count": MAX_WORDS_PER_CHANGE + 1, "limit": MAX_WORDS_PER_CHANGE}
    assert len(_edits.add_words((), too_many.rsplit(",", 1)[0]).words) == MAX_WORDS_PER_CHANGE


def test_the_words_together_have_a_size_cap_checked_when_adding() -> None:
    long_word = "x" * MAX_BANNED_WORD_LENGTH
    nearly_full = tuple(f"{long_word[:-3]}{i:03d}" for i in range(MAX_BANNED_WORDS_CHARS // MAX_BANNED_WORD_LENGTH))
    room = MAX_BANNED_WORDS_CHARS - sum(map(len, nearly_full))
    assert len(_edits.add_words(nearly_full, "y" * room).words) == len(nearly_full) + 1
    with pytest.raises(SettingRefused) as refused:
        _edits.add_words(nearly_full, "y" * (room + 1))
    assert refused.value.key == "settings.words.too_long_list" and refused.value.values["room"] == room
    # an older, larger list still loses words, and naming only listed words changes nothing
    larger = (*nearly_full, "z" * MAX_BANNED_WORD_LENGTH)
    assert _edits.remove_words(larger, "z" * MAX_BANNED_WORD_LENGTH).words == nearly_full
    assert _edits.add_words(larger, nearly_full[0]).words == larger
