"""Logging for the bot: one handler on the root logger, whose filter takes every secret out of every record.

Secrets reach log records from places the bot does not control: discord.py logs each request's URL at DEBUG,
and an interaction's URL carries its token (``/interactions/<id>/<token>/callback``, ``/webhooks/<app>/<token>``);
a service's error may echo a header or a JSON body. So the filter sits on the *handler*, where every record of
every logger (discord.py's, aiohttp's and ours) passes, and redacts:

* the values it was given: the bot token and every ``SecretStr`` in the settings (keys, passwords, workspace ids),
  plus any added later with ``SecretRedactor.add`` (members' own keys as they are used);
* what looks like a secret whatever its value: Discord interaction and webhook tokens in URLs, ``Bearer …``,
  JSON web tokens (the Midjourney-style API's login tokens), and ``"token"``/``"password"``/``…secret…``
  values in JSON or Python reprs.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import Final, TextIO

from pydantic import BaseModel, SecretStr

REDACTED: Final = "[redacted]"
#: shorter values are not treated as secrets (redacting "1" everywhere would make logs unreadable)
MIN_SECRET_LENGTH: Final = 6
LOG_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_KEY_NAMES = r"[\w-]*(?:token|password|passwd|secret|private[_-]?key|privatekey|workspace[_-]?id|authorization)[\w-]*"
_PATTERNS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    # interaction callbacks and webhooks: the path segment after the id is the token
    (re.compile(r"(/(?:interactions|webhooks)/\d+/)[^/?\s'\"]+"), rf"\1{REDACTED}"),
    (re.compile(r"(\bBearer\s+)[^\s'\",]+", re.IGNORECASE), rf"\1{REDACTED}"),
    # a JWT: three base64url parts, the first two JSON objects ("eyJ" = '{"')
    (re.compile(r"\beyJ[\w-]*\.eyJ[\w-]*\.[\w-]*"), REDACTED),
    # "token": "…", 'password': '…', app_secret=…  (JSON, Python reprs, query strings)
    (re.compile(rf"""(["']?\b{_KEY_NAMES}["']?\s*[:=]\s*["']?)[^"'\s,&}})]+""", re.IGNORECASE), rf"\1{REDACTED}"),
)


class SecretRedactor(logging.Filter):
    """A handler filter that rewrites each record with its secrets replaced by ``[redacted]``."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | SecretStr | None) -> None:
        """Redact this value from now on (a key a member just saved, a token a service just issued)."""
        value = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        if value is not None and len(value.strip()) >= MIN_SECRET_LENGTH:
            # a new set, not an in-place add: a record being redacted in another thread keeps iterating its own
            self._secrets = self._secrets | {value.strip()}

    def redact(self, text: str) -> str:
        # longest first, so a secret that contains another is replaced whole
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the format: logging would print them raw to stderr
            message = f"{record.msg} (unprintable arguments)"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            # rendered here so the traceback (exception messages, reprs of locals' values) is redacted too
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def settings_secrets(settings: BaseModel) -> list[str]:
    """Every ``SecretStr`` value anywhere in ``settings`` (nested models, dicts and lists included)."""
    found: list[str] = []
    _collect(settings, found)
    return found


def _collect(value: object, found: list[str]) -> None:
    if isinstance(value, SecretStr):
        found.append(value.get_secret_value())
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _collect(getattr(value, name), found)
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, found)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _collect(item, found)


#: the redactors ``configure_logging`` installed: ``redact_from_now_on`` teaches each of them
_INSTALLED: list[SecretRedactor] = []


def redact_from_now_on(secrets: Iterable[str | SecretStr | None]) -> None:
    """Secrets learnt at run time (a member's or server's keys, opened to build their provider): every installed
    log handler redacts them from now on. Nothing logs keys by design; this makes sure a mistake cannot."""
    values = list(secrets)
    for redactor in _INSTALLED:
        for value in values:
            redactor.add(value)


def configure_logging(
    level: str | int, secrets: Iterable[str | None] = (), *, stream: TextIO | None = None
) -> logging.Handler:
    """Send every logger's records through one redacting handler on the root logger; returns the handler.

    Replaces ``logging.basicConfig``: the filter must be on the handler (a logger's own filters do not see the
    records its children propagate).
    """
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    redactor = SecretRedactor(secrets)
    handler.addFilter(redactor)
    _INSTALLED.append(redactor)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return handler
