"""Property-based tests over everything an admin or a member types into the settings: banned words to add or
remove, limits, channels, a default aspect ratio. Whatever the input, the outcome is a stored setting that is
valid (and reads back the same) or a friendly refusal with a catalog text, never a crash, and every answer fits
in a Discord message."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.exts.settings import _edits
from bot.exts.settings._edits import SettingRefused
from bot.exts.settings._summary import channels_value, embed, server_fields, words_change_text, words_pages
from bot.i18n import t
from bot.i18n.errors import error_text
from bot.text_fit import CHANNELS_IN_TEXT_CHARS, CONTENT_CHARS
from providers.core.errors import InvalidInputError
from providers.registry import PROVIDERS
from storage.settings import MAX_CHANNELS, MemberSettings, ServerSettings
from tests.bot.exts.settings.test_summary import embed_problems

LOCALES = ("en-US", "zh-CN")
#: what an admin might paste: words, phrases, every kind of comma, markdown, CJK, emoji, control characters
WORD_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(",，、;；\n `*_~|> ")),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=2000,  # the option's own cap
)
EXISTING_WORDS = st.lists(st.text(min_size=1, max_size=60).map(str.strip).filter(bool), max_size=60, unique=True)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def refusal_reads(refused: SettingRefused, *expected: str) -> None:
    """A refusal the member can read in both languages (and, when given, one of the ``expected`` texts)."""
    assert not expected or refused.key in expected
    for locale in LOCALES:
        text = t(refused.key, locale, **refused.values)
        assert text and len(text) <= CONTENT_CHARS


def explained(error: InvalidInputError, locale: str) -> None:
    assert error_text(error, locale)


def stored_and_read_back(rules: ServerSettings) -> None:
    again = ServerSettings.model_validate_json(rules.model_dump_json())
    assert again == rules


@FAST
@given(existing=EXISTING_WORDS, text=WORD_TEXT, adding=st.booleans(), locale=st.sampled_from(LOCALES))
def test_banned_words_add_or_remove_never_crash(existing: list[str], text: str, adding: bool, locale: str) -> None:
    try:
        rules = _edits.updated(ServerSettings(), banned_words=tuple(existing))
    except SettingRefused:
        return  # the strategy made a list the model itself refuses: not a case an admin can reach
    edit, keys = (
        (_edits.add_words, ("settings.words.added", "settings.words.already"))
        if adding
        else (_edits.remove_words, ("settings.words.removed", "settings.words.missing"))
    )
    try:
        change = edit(rules.banned_words, text)
        new = _edits.updated(rules, banned_words=change.words)
    except SettingRefused as refused:
        refusal_reads(refused)
        return
    stored_and_read_back(new)
    assert len(words_change_text(change, *keys, locale)) <= CONTENT_CHARS
    assert all(len(page) <= 4096 for page in words_pages(new.banned_words))


@FAST
@given(
    running=st.one_of(st.none(), st.integers(-10, 200)),
    daily=st.one_of(st.none(), st.integers(-10, 200_000)),
    cap=st.one_of(st.none(), st.integers(-10, 500)),
    start=st.sampled_from([ServerSettings(), ServerSettings(max_running_per_member=3, daily_server_key_jobs=9)]),
)
def test_limits_are_stored_valid_or_refused(
    running: int | None, daily: int | None, cap: int | None, start: ServerSettings
) -> None:
    try:
        new = _edits.updated(
            start,
            max_running_per_member=_edits.limit_value(running, start.max_running_per_member),
            daily_server_key_jobs=_edits.limit_value(daily, start.daily_server_key_jobs),
            queue_cap=start.queue_cap if cap is None else cap,
        )
    except SettingRefused as refused:
        refusal_reads(refused, "settings.invalid")
        return
    stored_and_read_back(new)


CHANNEL_IDS = st.integers(1, 2**63 - 1)


@FAST
@given(
    first=st.lists(CHANNEL_IDS, max_size=MAX_CHANNELS + 5),  # up to the cap and past it
    steps=st.lists(st.tuples(st.sampled_from(["add", "remove", "clear"]), CHANNEL_IDS), max_size=30),
    locale=st.sampled_from(LOCALES),
)
def test_any_sequence_of_channel_changes_keeps_a_valid_list(
    first: list[int], steps: list[tuple[str, int]], locale: str
) -> None:
    rules = ServerSettings()
    for action, channel_id in [*(("add", channel_id) for channel_id in first), *steps]:
        try:
            if action == "add":
                channels = _edits.added_channel(rules.channel_ids, channel_id)
            elif action == "remove":
                channels = _edits.removed_channel(rules.channel_ids, channel_id)
            else:
                channels = None
            rules = _edits.updated(rules, channel_ids=channels)
        except SettingRefused as refused:
            refusal_reads(refused, "settings.channels.too_many")
            continue
        assert rules.channel_ids is None or 0 < len(rules.channel_ids) <= MAX_CHANNELS
        stored_and_read_back(rules)
        value = channels_value(rules, locale, CHANNELS_IN_TEXT_CHARS)
        assert len(t("settings.channels.saved", locale, value=value)) <= CONTENT_CHARS
        assert embed_problems(embed("t", server_fields(rules, PROVIDERS, locale))) == []


@FAST
@given(typed=st.text(max_size=20), locale=st.sampled_from(LOCALES))
def test_a_default_aspect_is_stored_normalised_or_refused_in_words(typed: str, locale: str) -> None:
    try:
        aspect = _edits.normalised_aspect(typed)
    except InvalidInputError as error:
        explained(error, locale)
        return
    width, height = (int(part) for part in aspect.split(":"))
    assert width > 0 and height > 0 and 1 / 4 <= width / height <= 4
    assert _edits.normalised_aspect(aspect) == aspect  # stored as it will be read
    MemberSettings.model_validate_json(MemberSettings(default_aspect=aspect).model_dump_json())
