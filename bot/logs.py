"""Logging for the bot: one handler on the root logger, whose filter takes every secret out of every record.

Secrets reach log records from places the bot does not control: discord.py logs each request's URL at DEBUG,
and an interaction's URL carries its token (``/interactions/<id>/<token>/callback``, ``/webhooks/<app>/<token>``);
at DEBUG its gateway logs every incoming event as a dict *before* any bot code runs, a keys form's submit included,
with what the member typed; a service's error may echo a header or a JSON body. So the filter sits on the
*handler*, where every record of every logger (discord.py's, aiohttp's and ours) passes, and redacts:

* what members typed into forms: the values of a form submit (an interaction of type 5) and of every text input,
  in a record's arguments (dicts and lists, copied, never changed in place) and in its text;
* the values it was given: the bot token and every ``SecretStr`` in the settings (keys, passwords, workspace ids),
  for good, and members' keys while a provider built with them is alive (``hold_secrets``);
* what looks like a secret whatever its value: Discord interaction and webhook tokens in URLs, ``Bearer …``,
  JSON web tokens (the Midjourney-style API's login tokens), and ``"token"``/``"password"``/``…secret…``
  values in JSON or Python reprs.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import weakref
from collections import Counter, OrderedDict, deque
from collections.abc import Iterable, Mapping
from typing import Final, TextIO

from pydantic import BaseModel, SecretStr

REDACTED: Final = "[redacted]"
#: shorter values are not treated as secrets (redacting "1" everywhere would make logs unreadable)
MIN_SECRET_LENGTH: Final = 6
LOG_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: up to this many secrets each is looked for in every record; beyond, only those whose first characters occur
SCAN_THRESHOLD: Final = 64
#: secrets no longer held (their provider is gone) stay redacted until this many newer ones were let go
RECENTLY_RELEASED: Final = 1024

#: Discord's interaction type of a form (modal) submit, and component type of a text input
_MODAL_SUBMIT: Final = 5
_TEXT_INPUT: Final = 4
_TYPED_FIELDS: Final = frozenset({"value", "values"})

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
#: a component's ``value`` in text that names components (a payload formatted before it reached the filter)
_COMPONENT_VALUE: Final = re.compile(
    r"""(["']values?["']\s*:\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\[[^\]]*\]|[^,}\s]+)"""
)


# --- what members typed into forms --------------------------------------------------------------------------


def scrub_payload(value: object) -> object:
    """``value`` with every form value masked: all ``value``/``values`` in the data of a form submit, and the
    ``value`` of any text input. Returns ``value`` itself when there is nothing to mask, else a changed copy."""
    if isinstance(value, dict):
        if value.get("type") == _MODAL_SUBMIT and isinstance(value.get("data"), dict):
            return {**value, "data": _mask_typed(value["data"])}
        changed: dict[object, object] | None = None
        if value.get("type") == _TEXT_INPUT and "custom_id" in value and "value" in value:
            changed = {**value, "value": REDACTED}
        for name, item in value.items():
            scrubbed = scrub_payload(item)
            if scrubbed is not item:
                changed = changed if changed is not None else dict(value)
                changed[name] = scrubbed
        return value if changed is None else changed
    if isinstance(value, list | tuple):
        items = [scrub_payload(item) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return items if isinstance(value, list) else tuple(items)
    return value


def _mask_typed(value: object) -> object:
    if isinstance(value, dict):
        return {name: REDACTED if name in _TYPED_FIELDS else _mask_typed(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_typed(item) for item in value]
    return value


def _scrub_arguments(args: object) -> object:
    if isinstance(args, Mapping):  # ``log("%(a)s", {"a": …})``: the mapping is the arguments
        return scrub_payload(dict(args))
    if isinstance(args, tuple) and any(isinstance(arg, dict | list | tuple) for arg in args):
        return scrub_payload(args)
    return args


# --- values known to be secret ------------------------------------------------------------------------------


class SecretRedactor(logging.Filter):
    """A handler filter that rewrites each record with its secrets replaced by ``[redacted]``.

    Secrets given to the constructor or ``add`` are redacted for good; those given to ``hold`` until they are
    released as often as they were held, and then until ``RECENTLY_RELEASED`` newer ones were released (a log
    line about a provider being closed may still name its key). So the set stays as large as the keys in use,
    not as every key ever seen. Looking for them costs the same for 10 or 10,000: past ``SCAN_THRESHOLD``, only
    the secrets whose first ``MIN_SECRET_LENGTH`` characters occur in the text are looked for.
    """

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._pinned: set[str] = set()
        self._held: Counter[str] = Counter()
        self._recent: OrderedDict[str, None] = OrderedDict()
        #: releases from finalizers (which may run inside ``redact``, holding the lock): applied under the lock
        self._releases: deque[tuple[str, ...]] = deque()
        #: every value redacted now, by its first ``MIN_SECRET_LENGTH`` characters
        self._by_prefix: dict[str, set[str]] = {}
        self._count = 0
        self._longest_first: tuple[str, ...] | None = ()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | SecretStr | None) -> None:
        """Redact this value from now on, for good (the bot's own settings)."""
        value = _usable(secret)
        if value is not None:
            with self._lock:
                self._pinned.add(value)
                self._refresh(value)

    def hold(self, secrets: Iterable[str | SecretStr | None]) -> tuple[str, ...]:
        """Redact these values until ``release`` (a member's keys, while a provider built with them lives)."""
        values = tuple(value for secret in secrets if (value := _usable(secret)) is not None)
        with self._lock:
            for value in values:
                self._held[value] += 1
                self._recent.pop(value, None)
                self._refresh(value)
        return values

    def release(self, values: tuple[str, ...]) -> None:
        """The values ``hold`` returned are no longer in use. Safe from any thread and from a finalizer."""
        self._releases.append(values)

    def __len__(self) -> int:
        with self._lock:
            self._apply_releases()
            return self._count

    def redact(self, text: str) -> str:
        with self._lock:
            self._apply_releases()
            secrets = self._candidates(text)
        for secret in secrets:
            text = text.replace(secret, REDACTED)
        if "custom_id" in text:
            text = _COMPONENT_VALUE.sub(rf"\1'{REDACTED}'", text)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = _scrub_arguments(record.args)  # type: ignore[assignment]
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

    # --- internals (under the lock) ---------------------------------------------------------------------

    def _candidates(self, text: str) -> tuple[str, ...] | list[str]:
        """The secrets to look for in ``text``, longest first (a secret containing another is replaced whole)."""
        if self._count <= SCAN_THRESHOLD:
            if self._longest_first is None:
                everything = (secret for group in self._by_prefix.values() for secret in group)
                self._longest_first = tuple(sorted(everything, key=len, reverse=True))
            return self._longest_first
        width = MIN_SECRET_LENGTH
        windows = {text[start : start + width] for start in range(len(text) - width + 1)}
        found = [secret for prefix in self._by_prefix.keys() & windows for secret in self._by_prefix[prefix]]
        return sorted(found, key=len, reverse=True)

    def _apply_releases(self) -> None:
        while self._releases:
            for value in self._releases.popleft():
                count = self._held.get(value, 0)
                if count > 1:
                    self._held[value] = count - 1
                elif count == 1:
                    del self._held[value]
                    self._recent[value] = None
                    self._recent.move_to_end(value)
        while len(self._recent) > RECENTLY_RELEASED:
            oldest, _ = self._recent.popitem(last=False)
            self._refresh(oldest)

    def _refresh(self, value: str) -> None:
        """Index ``value`` or drop it, as its reasons to be redacted say."""
        wanted = value in self._pinned or self._held[value] > 0 or value in self._recent
        group = self._by_prefix.get(value[:MIN_SECRET_LENGTH])
        present = group is not None and value in group
        if wanted == present:
            return
        if wanted:
            self._by_prefix.setdefault(value[:MIN_SECRET_LENGTH], set()).add(value)
            self._count += 1
        else:
            assert group is not None
            group.discard(value)
            if not group:
                del self._by_prefix[value[:MIN_SECRET_LENGTH]]
            self._count -= 1
        self._longest_first = None


def _usable(secret: str | SecretStr | None) -> str | None:
    value = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    if value is None or len(value.strip()) < MIN_SECRET_LENGTH:
        return None
    return value.strip()


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


#: the redactors ``configure_logging`` installed: ``redact_from_now_on`` and ``hold_secrets`` teach each of them
_INSTALLED: list[SecretRedactor] = []


def redact_from_now_on(secrets: Iterable[str | SecretStr | None]) -> None:
    """Secrets every installed log handler redacts for good from now on."""
    values = list(secrets)
    for redactor in _INSTALLED:
        for value in values:
            redactor.add(value)


class SecretHold:
    """Secrets redacted while held: ``tie_to`` an object (released when it is garbage), or ``release``."""

    def __init__(self, secrets: Iterable[str | SecretStr | None]) -> None:
        values = list(secrets)
        self._held = [(redactor, redactor.hold(values)) for redactor in _INSTALLED]

    def release(self) -> None:
        held, self._held = self._held, []
        for redactor, values in held:
            redactor.release(values)

    def tie_to(self, owner: object) -> None:
        weakref.finalize(owner, self.release)


def hold_secrets(secrets: Iterable[str | SecretStr | None]) -> SecretHold:
    """Secrets learnt at run time (a member's or server's keys, opened to build their provider): every installed
    log handler redacts them while the hold lasts. Nothing logs keys by design; this makes sure a mistake cannot."""
    return SecretHold(secrets)


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
