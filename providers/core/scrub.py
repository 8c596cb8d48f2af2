"""A service's own words made safe to quote in an error: the keys taken out, one line, a bounded length.

Services quote what they were sent. An error message or a task's failure reason may echo a key, a password, a
login token — and those texts are shown to a member, stored with the job (``jobs.failure_message``) and logged.
Every provider passes every text a service supplies through its ``Scrubber`` before the text goes into a
``ProviderError`` or a failed ``JobState``:

* each secret value of the credentials (the ``SecretStr`` fields, plus login tokens the client holds) is replaced
  by ``REDACTED`` — as it is, URL-encoded, JSON-escaped and base64-encoded (the forms a request may carry it in,
  and so the forms an echo may take), in any letter case;
* any run of at least ``MIN_SECRET_RUN`` characters of one of those forms, wherever it stands, is replaced too: a
  service that cut the key short (``"Sup3rSecretValue12..."``, ``bad key Sup3rSecretV…``) or quoted it with
  something glued on (``"Sup3rSecretValue123xy".``) must not leak most of it. Secrets shorter than that are taken
  out only whole (a few characters would match ordinary words); a public part that shares such a run with a
  secret loses that run too (safe side);
* a text that ends in the first ``MIN_CUT_SECRET`` or more characters of a secret loses them too;
* the first two also on the text with its ``%XX`` escapes decoded (up to three times, for ``%2553``): what
  a secret found there covers in the text as it is, escapes and all, is replaced (``key=%53up3r…``);
* control and invisible format characters are dropped or turned into spaces, and runs of white space collapse
  to one, so a quoted text cannot break a message's layout;
* the secrets are taken out *before* the text is shortened, so a cut can never leave part of one behind.

Public parts (Picpik's PublicKey, a user name, Jumdata's appId, a BTC address) stay: members see them in
``/keys list`` already, and they often name what went wrong.
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Final
from urllib.parse import quote, quote_plus

from pydantic import BaseModel, SecretStr

#: what a secret is replaced with
REDACTED: Final = "•••"
#: the shortest end of a text taken for the start of a cut-off secret (shorter ones say nothing and would
#: redact ordinary words)
MIN_CUT_SECRET: Final = 6
#: the shortest run of a secret's characters taken for a piece of it anywhere in a text (and the shortest secret
#: whose pieces are looked for: a shorter one is taken out only whole)
MIN_SECRET_RUN: Final = 8
#: how many times a text is percent-decoded to look for a secret (``%2553`` is ``%53`` is ``S``)
_DECODE_ROUNDS: Final = 3
_HEX: Final = frozenset("0123456789abcdefABCDEF")
#: characters dropped outright (invisible: a zero-width space inside an echoed key must not hide it)
_DROPPED: Final = frozenset({"Cf", "Cs"})
#: characters turned into a space (tab, line breaks, other control characters)
_SPACED: Final = frozenset({"Cc", "Zl", "Zp"})


def encodings(secret: str) -> set[str]:
    """The forms ``secret`` may take in a request, and so in a service's echo of it."""
    raw = secret.encode()
    forms = {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}
    forms |= {json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode("ascii")
        forms |= {text, text.rstrip("=")}
    return {form for form in forms if form}


def secret_values(credentials: BaseModel | None) -> tuple[str, ...]:
    """The values of every ``SecretStr`` field of a credentials model (None: no credentials)."""
    if credentials is None:
        return ()
    values = (getattr(credentials, name) for name in type(credentials).model_fields)
    return tuple(value.get_secret_value() for value in values if isinstance(value, SecretStr))


def _fold(text: str) -> str:
    """``text`` lower-cased character by character, keeping every character's place (``İ`` lower-cases to two
    characters and is kept as it is), so that a place in the folded text is the same place in ``text``."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def _visible(text: str) -> str:
    """``text`` without its invisible format characters (``one_line`` drops them too)."""
    return "".join(char for char in text if unicodedata.category(char) not in _DROPPED)


def one_line(text: str) -> str:
    """``text`` without control or invisible characters, its white space collapsed to single spaces."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in _DROPPED:
            continue
        kept.append(" " if category in _SPACED else char)
    return " ".join("".join(kept).split())


class Scrubber:
    """Cleans service texts of one set of secrets (see the module docstring). Immutable; cheap to call."""

    __slots__ = ("_forms", "_pattern", "_runs", "_secrets")

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: tuple[str, ...] = tuple(dict.fromkeys(secret for secret in secrets if secret))
        forms_of = {secret: encodings(secret) for secret in self._secrets}
        # longest first: a form that contains another is replaced whole
        self._forms = sorted({form for forms in forms_of.values() for form in forms}, key=len, reverse=True)
        alternatives = "|".join(re.escape(form) for form in self._forms)
        self._pattern = re.compile(alternatives, re.IGNORECASE) if self._forms else None
        # every MIN_SECRET_RUN-character window of every form of a long enough secret: a text's window found here
        # is a piece of a secret (one set lookup per place in the text, however many secrets)
        self._runs: frozenset[str] = frozenset(
            folded[start : start + MIN_SECRET_RUN]
            for secret in self._secrets
            if len(secret) >= MIN_SECRET_RUN
            for form in forms_of[secret]
            for folded in (_fold(form),)
            for start in range(len(folded) - MIN_SECRET_RUN + 1)
        )

    @classmethod
    def of(cls, credentials: BaseModel | None, *more: str | None) -> Scrubber:
        """The scrubber of a credentials model's secrets, and of ``more`` (a login token, say)."""
        return cls((*secret_values(credentials), *more))

    def with_secrets(self, *more: str | None) -> Scrubber:
        """This scrubber with ``more`` secrets (None and empty values are ignored)."""
        extra = [secret for secret in more if secret and secret not in self._secrets]
        return Scrubber((*self._secrets, *extra)) if extra else self

    def __call__(self, text: str | None, *, limit: int | None = None, default: str = "") -> str:
        """``text`` safe to quote: secrets out, one line, at most ``limit`` characters (``…`` marks a cut);
        ``default`` when nothing is left."""
        # invisible characters out first: one inside a secret would split it into pieces too short to find
        cleaned = self._redact(one_line(self._redact(_visible(text or ""))))
        if limit is not None and len(cleaned) > limit:
            cleaned = cleaned[: max(limit - 1, 0)].rstrip() + "…"
        return cleaned or default

    def _redact(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._cut_secret_at_end(_replaced(text, self._secret_spans(text)))

    def _secret_spans(self, text: str) -> list[tuple[int, int]]:
        """Where ``text`` holds a secret (a whole form, or a run of ``_runs``), as it is and percent-decoded,
        as ``(start, end)`` places in ``text``."""
        spans: list[tuple[int, int]] = []
        view, places = text, list(range(len(text) + 1))  # places[i]: where view[i] starts in text
        for _ in range(_DECODE_ROUNDS + 1):
            found = [(m.start(), m.end()) for m in self._pattern.finditer(view)] if self._pattern else []
            found += self._runs_in(view)
            spans += [(places[start], places[end]) for start, end in found]
            decoded = _percent_decoded(view)
            if decoded is None:
                break
            view, decoded_places = decoded
            places = [places[place] for place in decoded_places]
        return spans

    def _runs_in(self, text: str) -> list[tuple[int, int]]:
        """Where ``text`` holds a run of a secret's characters at least ``MIN_SECRET_RUN`` long: every window of the
        text found in ``_runs`` (overlapping windows are joined by ``_replaced``)."""
        if not self._runs or len(text) < MIN_SECRET_RUN:
            return []
        folded, runs, width = _fold(text), self._runs, MIN_SECRET_RUN
        starts = range(len(text) - width + 1)
        return [(start, start + width) for start in starts if folded[start : start + width] in runs]

    def _cut_secret_at_end(self, text: str) -> str:
        last = text[-1:].lower()
        for form in self._forms:
            for length in range(min(len(form) - 1, len(text)), MIN_CUT_SECRET - 1, -1):
                # compared slice to slice: lower-casing may change a string's length, never a character's place
                if form[length - 1].lower() == last and text[-length:].lower() == form[:length].lower():
                    return text[:-length] + REDACTED
        return text


def _replaced(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each stretch that ``spans`` cover (overlapping or touching ones as one) replaced by
    ``REDACTED``."""
    if not spans:
        return text
    pieces: list[str] = []
    kept_from = 0
    for start, end in sorted(spans):
        if start > kept_from or not pieces:
            pieces += [text[kept_from:start], REDACTED]
        kept_from = max(kept_from, end)
    pieces.append(text[kept_from:])
    return "".join(pieces)


def _percent_decoded(text: str) -> tuple[str, list[int]] | None:
    """``text`` with its ``%XX`` escapes of ASCII characters decoded, and for each place in it (and its end) the
    place in ``text`` it comes from; None when there is nothing to decode. Escapes of other bytes stay as they
    are: their encoded forms are among a secret's ``encodings`` already."""
    if "%" not in text:
        return None
    chars: list[str] = []
    places: list[int] = []
    index = 0
    while index < len(text):
        escape = text[index + 1 : index + 3]
        if text[index] == "%" and len(escape) == 2 and escape[0] in "01234567" and escape[1] in _HEX:
            chars.append(chr(int(escape, 16)))
            places.append(index)
            index += 3
        else:
            chars.append(text[index])
            places.append(index)
            index += 1
    if len(chars) == len(text):
        return None
    return "".join(chars), [*places, len(text)]


#: for texts of a service called without keys, and a default: still one line and bounded, nothing to take out
NO_SECRETS: Final = Scrubber()
