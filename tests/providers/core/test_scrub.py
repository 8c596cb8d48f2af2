"""``providers.core.scrub``: a service's text without the keys, in every form they may be echoed, on one line."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, SecretStr

from providers.core.scrub import NO_SECRETS, REDACTED, Scrubber, encodings, one_line, secret_values

SECRET = 'Sk/3+9=äq"x'  # characters that every encoding changes


@pytest.mark.parametrize(
    "echoed",
    [
        SECRET,
        quote(SECRET, safe=""),
        quote(SECRET),
        quote_plus(SECRET),
        quote(SECRET, safe="").lower(),  # a service that lower-cases its escapes
        json.dumps(SECRET)[1:-1],
        json.dumps(SECRET, ensure_ascii=False)[1:-1],
        base64.b64encode(SECRET.encode()).decode(),
        base64.b64encode(SECRET.encode()).decode().rstrip("="),
        base64.urlsafe_b64encode(SECRET.encode()).decode(),
        SECRET.upper(),
    ],
)
def test_every_form_of_the_secret_is_taken_out(echoed: str) -> None:
    cleaned = Scrubber([SECRET])(f"bad key: {echoed} (check it)")
    assert cleaned == f"bad key: {REDACTED} (check it)"


def test_a_secret_cut_short_at_the_end_is_taken_out_too() -> None:
    secret = "0123456789abcdef"
    assert Scrubber([secret])("key 0123456789ab") == f"key {REDACTED}"
    # a few characters say nothing and are left alone
    assert Scrubber([secret])("version 01234") == "version 01234"


def test_shortening_comes_after_the_secret_is_gone() -> None:
    secret = "S" * 40
    text = "x" * 90 + secret
    cleaned = Scrubber([secret])(text, limit=100)
    assert "SSSSSS" not in cleaned and cleaned.endswith(REDACTED)


def test_an_invisible_character_inside_the_secret_does_not_hide_it() -> None:
    assert Scrubber(["topsecret42"])("k=top\u200bsecret42") == f"k={REDACTED}"


def test_control_characters_and_line_breaks_become_one_line() -> None:
    # the right-to-left override is dropped: it would turn the rest of the message around
    assert one_line("a\r\nb\x00c\td\u2028e \u202ef   g") == "a b c d e f g"
    assert NO_SECRETS("line one\n\n line two\x1b[31m", limit=12) == "line one li…"
    assert NO_SECRETS(None, default="no details") == "no details"
    assert NO_SECRETS("   \n", default="none") == "none"


def test_the_secrets_of_a_credentials_model_and_more() -> None:
    class Keys(BaseModel):
        public: str
        private: SecretStr
        other: SecretStr

    keys = Keys(public="pub-1", private=SecretStr("priv-2"), other=SecretStr("oth-3"))
    assert secret_values(keys) == ("priv-2", "oth-3")
    scrub = Scrubber.of(keys, "token-4", None)
    assert scrub("pub-1 priv-2 oth-3 token-4") == f"pub-1 {REDACTED} {REDACTED} {REDACTED}"
    assert scrub.with_secrets("new-5")("new-5 priv-2") == f"{REDACTED} {REDACTED}"
    assert scrub.with_secrets(None) is scrub
    assert secret_values(None) == ()


def test_encodings_are_never_empty() -> None:
    assert "" not in encodings("a")


#: what a key may hold (``providers.core.credentials`` refuses control characters); not the marks the scrub writes
KEY_CHARACTERS = st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zs", "Zl", "Zp"), blacklist_characters="•…")


@given(secret=st.text(KEY_CHARACTERS, min_size=1, max_size=40), before=st.text(), after=st.text())
def test_no_text_ever_carries_the_secret_out(secret: str, before: str, after: str) -> None:
    cleaned = Scrubber([secret])(before + secret + after, limit=200)
    assert secret not in cleaned
    assert "\n" not in cleaned and len(cleaned) <= 200
