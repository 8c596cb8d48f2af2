"""``providers.core.scrub``: a service's text without the keys, in every form they may be echoed, on one line."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, SecretStr

from providers.core.scrub import MIN_SECRET_RUN, NO_SECRETS, REDACTED, Scrubber, encodings, one_line, secret_values

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


LONG_SECRET = "Sup3rSecretValue123xyz"


@pytest.mark.parametrize(
    ("echoed", "expected"),
    [
        ('{"PrivateKey": "Sup3rSecretValue12..."}', f'{{"PrivateKey": "{REDACTED}..."}}'),
        ("bad key Sup3rSecretV…", f"bad key {REDACTED}…"),
        ('invalid key "Sup3rSecretValue123xy".', f'invalid key "{REDACTED}".'),
        ("key=%53up3rSecretValue123xyz", f"key={REDACTED}"),  # an escape at its start
        ("key=%53%75%70%33%72%53ecretV and more", f"key={REDACTED} and more"),
        ("key=%2553%2575%2570%2533%2572Sec.", f"key={REDACTED}."),  # escaped twice
        ("x etValue123 y", f"x {REDACTED} y"),  # a piece from its middle, as it is or base64
        (f"b64 {base64.b64encode(LONG_SECRET.encode()).decode()[3:14]} end", f"b64 {REDACTED} end"),
    ],
)
def test_a_piece_of_a_secret_anywhere_is_taken_out(echoed: str, expected: str) -> None:
    assert Scrubber([LONG_SECRET])(echoed) == expected


def test_short_pieces_and_short_secrets_are_left_alone() -> None:
    # seven characters of a long secret, and pieces of a secret shorter than eight, say nothing
    assert Scrubber([LONG_SECRET])("see Sup3rSe, 100% sure") == "see Sup3rSe, 100% sure"
    assert Scrubber(["abcdefg"])("abcdef abcdefg %61%62%63%64%65%66%67") == f"abcdef {REDACTED} {REDACTED}"


#: secrets long enough for pieces of them to count (see ``MIN_SECRET_RUN``)
LONG_KEYS = st.text(KEY_CHARACTERS, min_size=MIN_SECRET_RUN, max_size=40)


@given(secret=LONG_KEYS, data=st.data(), before=st.text(), after=st.text())
def test_no_piece_of_eight_or_more_characters_of_a_secret_ever_survives(
    secret: str, data: st.DataObject, before: str, after: str
) -> None:
    start = data.draw(st.integers(0, len(secret) - MIN_SECRET_RUN))
    end = data.draw(st.integers(start + MIN_SECRET_RUN, len(secret)))
    cleaned = _folded(Scrubber([secret])(before + secret[start:end] + after))
    windows = {_folded(secret[i : i + MIN_SECRET_RUN]) for i in range(len(secret) - MIN_SECRET_RUN + 1)}
    assert not [window for window in windows if window in cleaned]


def _folded(text: str) -> str:
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)
