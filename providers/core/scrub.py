"""A service's own words made safe to quote in an error: the keys taken out, one line, a bounded length.

Services quote what they were sent. An error message or a task's failure reason may echo a key, a password, a
login token — and those texts are shown to a member, stored with the job (``jobs.failure_message``) and logged.
Every provider passes every text a service supplies through its ``Scrubber`` before the text goes into a
``ProviderError`` or a failed ``JobState``:

* each secret value of the credentials (the ``SecretStr`` fields, plus login tokens the client holds) is replaced
  by ``REDACTED`` — as it is, URL-encoded, JSON-escaped and base64-encoded (the forms a request may carry it in,
  and so the forms an echo may take), in any letter case;
* a text that ends in the first characters of a secret (a service that cut its own message short) loses them too;
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

    __slots__ = ("_forms", "_pattern", "_secrets")

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: tuple[str, ...] = tuple(dict.fromkeys(secret for secret in secrets if secret))
        # longest first: a form that contains another is replaced whole
        self._forms = sorted({form for secret in self._secrets for form in encodings(secret)}, key=len, reverse=True)
        alternatives = "|".join(re.escape(form) for form in self._forms)
        self._pattern = re.compile(alternatives, re.IGNORECASE) if self._forms else None

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
        cleaned = self._redact(one_line(self._redact(text or "")))
        if limit is not None and len(cleaned) > limit:
            cleaned = cleaned[: max(limit - 1, 0)].rstrip() + "…"
        return cleaned or default

    def _redact(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._cut_secret_at_end(self._pattern.sub(REDACTED, text))

    def _cut_secret_at_end(self, text: str) -> str:
        last = text[-1:].lower()
        for form in self._forms:
            for length in range(min(len(form) - 1, len(text)), MIN_CUT_SECRET - 1, -1):
                # compared slice to slice: lower-casing may change a string's length, never a character's place
                if form[length - 1].lower() == last and text[-length:].lower() == form[:length].lower():
                    return text[:-length] + REDACTED
        return text


#: for texts of a service called without keys, and a default: still one line and bounded, nothing to take out
NO_SECRETS: Final = Scrubber()
