"""The keys form's fields: the masked hint shows no part of a secret, and every field has words in both languages."""

from __future__ import annotations

import pytest

from bot.exts.keys._fields import (
    LABEL_LIMIT,
    PLACEHOLDER_LIMIT,
    edge_spaced,
    entered_fields,
    field_words,
    key_fields,
    masked_hint,
)
from bot.exts.keys._form import TITLE_LIMIT, keys_form
from bot.i18n.catalog import DEFAULT_LOCALE, ZH_CN, load_catalog
from providers.registry import PROVIDERS
from storage.keys import MASK, KeyScope

#: one realistic set of keys per service (a secret's tail must never reach the hint)
KEYS = {
    "picpik": {"public_key": "pk-public-1234abcd", "private_key": "sk-private-9876wxyz"},
    "midjourney": {"username": "alice-the-artist", "password": "hunter2-password"},
    "jumdata": {"app_id": "app-id-5566", "app_secret": "app-secret-7788zz"},
    "ngpu": {"workspace_id": "ngpu_workspace-4242"},
}


def secret_tails(service: str, fields: dict[str, str]) -> list[str]:
    """Every ending of 3 or more characters of the service's secret fields."""
    secret_names = {f.name for f in key_fields(PROVIDERS[service]) if f.secret}
    return [value[-n:] for name, value in fields.items() if name in secret_names for n in range(3, len(value) + 1)]


@pytest.mark.parametrize("service", sorted(KEYS))
def test_the_hint_masks_a_public_field_and_shows_nothing_of_a_secret(service: str) -> None:
    hint = masked_hint(PROVIDERS[service], KEYS[service])
    assert hint.startswith(MASK)
    assert not [tail for tail in secret_tails(service, KEYS[service]) if tail in hint], hint


def test_the_hint_of_each_service_names_its_identifier() -> None:
    assert masked_hint(PROVIDERS["picpik"], KEYS["picpik"]) == "••••abcd"  # the PublicKey, not the PrivateKey
    assert masked_hint(PROVIDERS["midjourney"], KEYS["midjourney"]) == "••••tist"  # the user name
    assert masked_hint(PROVIDERS["jumdata"], KEYS["jumdata"]) == "••••66"  # the app id
    # NGPU: the workspace id is the secret; the BTC address is public, its end is shown when there is one
    assert masked_hint(PROVIDERS["ngpu"], KEYS["ngpu"]) == MASK
    with_address = {**KEYS["ngpu"], "btc_address": "bc1qexampleaddress0000wxyz"}
    assert masked_hint(PROVIDERS["ngpu"], with_address) == "••••wxyz"


@pytest.mark.parametrize("service", sorted(PROVIDERS))
@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_every_field_of_every_service_has_catalog_words(service: str, locale: str) -> None:
    catalog = load_catalog()
    cls = PROVIDERS[service]
    for field in key_fields(cls):
        key = f"keys.field.{service}.{field.name}"
        for language in (DEFAULT_LOCALE, ZH_CN):
            assert key in catalog.texts[language] and f"{key}.help" in catalog.texts[language], (key, language)
        label, help_text = field_words(cls, field, locale)
        assert label == catalog.text(key, locale)[:LABEL_LIMIT] and len(label) <= LABEL_LIMIT
        assert help_text and len(help_text) <= PLACEHOLDER_LIMIT


def test_the_form_speaks_the_members_language_and_says_whose_keys() -> None:
    ngpu = PROVIDERS["ngpu"]
    own, server = keys_form(ngpu, KeyScope.USER, "zh-CN"), keys_form(ngpu, KeyScope.GUILD, "zh-CN")
    assert own.title == "你的 NGPU 密钥" and server.title == "本服务器的 NGPU 密钥"
    payload = own.to_dict()
    labels = [component["label"] for component in payload["components"]]
    assert labels == ["工作空间 ID", "BTC 地址（可选）"]
    descriptions = [component["description"] for component in payload["components"]]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in descriptions), descriptions
    optional = payload["components"][1]["component"]
    assert optional["required"] is False and optional["placeholder"] == "可选：没有就留空"
    english = keys_form(PROVIDERS["midjourney"], KeyScope.GUILD, "en-US")
    assert english.title == "This server's Midjourney-style API keys" and len(english.title) <= TITLE_LIMIT


def test_a_secret_is_kept_as_typed_but_for_the_line_breaks_a_paste_brings() -> None:
    midjourney, picpik = PROVIDERS["midjourney"], PROVIDERS["picpik"]
    typed = {"username": "  alice \n", "password": " pass word \r\n"}

    entered = entered_fields(midjourney, typed)

    assert entered == {"username": "alice", "password": " pass word "}  # a password may begin or end with a space
    assert edge_spaced(midjourney, entered) == next(f for f in key_fields(midjourney) if f.name == "password")
    assert edge_spaced(midjourney, {"username": " alice ", "password": "pass word"}) is None  # public ones: trimmed
    assert entered_fields(picpik, {"public_key": "pk", "private_key": " \n "}) == {"public_key": "pk"}  # blank: none


def test_a_refusal_quoting_the_service_never_shows_its_address() -> None:
    from bot.exts.keys._form import reason_text
    from providers.core.errors import ServerError

    error = ServerError("The service says: upstream http://10.2.3.4:8091/auth/login failed (10.2.3.4)", provider="x")
    text = reason_text(error, DEFAULT_LOCALE)
    assert "10.2.3.4" not in text and "upstream" in text
