"""``/keys list``'s text: the outcome of each key's last call in the reader's language, within Discord's limit."""

from __future__ import annotations

import pytest

from bot.exts.keys._list import MESSAGE_LIMIT, kind_text, list_text, status_text
from bot.i18n.catalog import DEFAULT_LOCALE, ZH_CN, load_catalog
from providers.core.errors import ErrorKind
from providers.registry import PROVIDERS
from storage.keys import KeyScope, KeySummary

T0 = 1_700_000_000.0


def summary(service: str, outcome: str | None, *, scope: KeyScope = KeyScope.USER, used: bool = True) -> KeySummary:
    return KeySummary(
        scope=scope,
        owner_id=1,
        service=service,
        masked="••••abcd",
        created_at=T0,
        updated_at=T0,
        last_used_at=T0 + 60 if used else None,
        last_outcome=outcome,
    )


def display(service: str) -> str:
    return PROVIDERS[service].display_name if service in PROVIDERS else service


def test_every_failure_kind_has_words_in_both_languages() -> None:
    texts = load_catalog().texts
    for kind in ErrorKind:
        assert f"keys.kind.{kind.value}" in texts[DEFAULT_LOCALE] and f"keys.kind.{kind.value}" in texts[ZH_CN]


@pytest.mark.parametrize(
    ("outcome", "english", "chinese"),
    [
        ("ok", "worked", "成功"),
        ("auth", "the keys were refused (not accepted by the service)", "密钥被拒绝（服务不接受这些密钥）"),
        ("server", "failed (an error at the service); the service did not get to judge the keys", "未能对密钥作出判断"),
        ("not_found", "failed (something asked for was not found); the keys themselves were accepted", "密钥本身是"),
        ("moderation", "failed (the service's moderation refused the prompt)", "内容审核"),
        ("timeout", "failed (the service did not answer in time)", "未能及时响应"),
        ("failed", "failed", "失败"),
        ("a-kind-from-the-future", "failed (an error)", "失败（出错）"),
    ],
)
def test_the_outcome_is_worded_in_the_readers_language(outcome: str, english: str, chinese: str) -> None:
    assert english in status_text(summary("picpik", outcome), "en-US")
    assert chinese in status_text(summary("picpik", outcome), "zh-CN")


@pytest.mark.parametrize("kind", [kind.value for kind in ErrorKind])
def test_only_kinds_that_came_after_the_service_took_the_keys_say_they_were_accepted(kind: str) -> None:
    english = status_text(summary("picpik", kind), "en-US")
    said = [verdict for verdict in ("were accepted", "were refused", "did not get to judge") if verdict in english]
    assert len(said) == 1, english  # every kind has its verdict
    if kind in {"server", "timeout", "connection", "decode", "submit_unknown", "rate_limited"}:
        assert said == ["did not get to judge"]
    chinese = status_text(summary("picpik", kind), "zh-CN")
    assert not any("a" <= ch.lower() <= "z" for ch in chinese.split(">")[-1]), chinese


def test_a_kind_from_a_later_version_makes_no_claim_about_the_keys() -> None:
    text = status_text(summary("picpik", "a-kind-from-the-future"), "en-US")
    assert text.endswith(": failed (an error)")


def test_unused_and_unknown_outcomes() -> None:
    assert status_text(summary("picpik", None, used=False), "en-US") == "not used yet"
    unknown = status_text(summary("picpik", None), "en-US")
    assert unknown.startswith("last used <t:") and ":" not in unknown.split(">")[-1]  # no verdict it cannot know
    assert kind_text("quota", "zh-CN") == "余额或额度不足"


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_every_key_with_the_longest_outcome_fits_in_one_message(locale: str) -> None:
    longest = max((kind.value for kind in ErrorKind), key=lambda k: len(status_text(summary("picpik", k), locale)))
    own = [summary(service, longest) for service in PROVIDERS]
    server = [summary(service, longest, scope=KeyScope.GUILD) for service in PROVIDERS]

    text = list_text(own, server, display, locale)

    assert len(text) <= MESSAGE_LIMIT
    assert text.count("\n• ") == 2 * len(PROVIDERS)  # nothing had to be left out


def test_more_keys_than_fit_are_cut_at_a_whole_line_and_counted() -> None:
    many = [summary(f"service-{n:03d}-with-a-long-name", "submit_unknown") for n in range(60)]

    text = list_text(many, many, display, "en-US")

    assert len(text) <= MESSAGE_LIMIT
    shown = text.count("\n• ")
    assert 0 < shown < 120
    assert text.endswith(f"… and {120 - shown} more")
    assert all(line.startswith(("• ", "**", "… and")) or not line for line in text.splitlines())
