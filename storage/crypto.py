"""Encryption at rest: members' service keys, login tokens and interaction tokens are sealed before SQLite sees them.

``SecretBox`` wraps ``cryptography``'s Fernet (AES-128-CBC + HMAC-SHA256, authenticated) in a ``MultiFernet``:
the first key seals, every key opens. That is how a key is rotated — put the new key first, keep the old one
after it until everything is sealed again, then drop it.

The keys come from ``SECRETS_MASTER_KEY`` (comma-separated) or, when that is unset, from a key file generated on
first run with owner-only permissions. A database file copied alone reveals no secret.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SecretConfigError(RuntimeError):
    """The keys cannot be loaded (malformed key, unsafe key file). The message never contains a key."""


class SecretUnreadable(ValueError):
    """A sealed value cannot be opened: sealed with a key that is no longer configured, or altered."""


class SecretBox:
    """Seals and opens short texts with the configured keys (the first seals, all open)."""

    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise SecretConfigError("no encryption key was given")
        try:
            fernets = [Fernet(key) for key in keys]
        except (ValueError, TypeError):
            # the key itself must not appear in the message, only which one is wrong
            raise SecretConfigError(
                "an encryption key is not a valid Fernet key (32 url-safe base64-encoded bytes); "
                "make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from None
        self._current = fernets[0]
        # a separate key for fingerprints, derived from the first key, so a lookup name never shows its input
        self._fingerprint_key = hashlib.sha256(b"gridbot fingerprint\0" + keys[0]).digest()
        self._all = MultiFernet(fernets)
        self.key_count = len(fernets)

    def __repr__(self) -> str:
        return f"SecretBox(keys={self.key_count})"

    def seal(self, text: str) -> str:
        return self._all.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._all.decrypt(sealed.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError, ValueError):
            raise SecretUnreadable(
                "a stored secret cannot be decrypted: it was sealed with a key that is not configured, or altered"
            ) from None

    def is_current(self, sealed: str) -> bool:
        """Whether ``sealed`` was sealed with the first (current) key; False means it should be sealed again."""
        return self.key_count == 1 or self.sealed_with_current(sealed)

    def sealed_with_current(self, sealed: str) -> bool:
        """Whether the first (current) key opens ``sealed``, however many keys there are (``is_current`` skips
        the check with one key: there is nothing else to seal with)."""
        try:
            self._current.decrypt(sealed.encode("ascii"))
        except (InvalidToken, ValueError):
            return False
        return True

    def fingerprint(self, text: str) -> str:
        """A keyed hash of ``text`` for lookups by a name that is itself private (e.g. a login's user name).

        It follows the first key: after a rotation old fingerprints no longer match, so what was stored under them
        can no longer be found (``SealedTokenStore.drop_stale`` deletes it at start-up).
        """
        return hmac.new(self._fingerprint_key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def load_secret_box(master_keys: str | None, key_file: Path) -> SecretBox:
    """The box from ``master_keys`` (comma-separated, first seals) when given, else from ``key_file``.

    The key file is created on first run (0600, atomically) and must not be readable by anyone but its owner.
    """
    if master_keys is not None and master_keys.strip():
        return SecretBox([part.strip().encode("ascii") for part in master_keys.split(",") if part.strip()])
    return SecretBox(_read_or_create_key_file(key_file))


def _read_or_create_key_file(path: Path) -> list[bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes starting at once cannot both write a key; the loser reads the winner's
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key_file(path)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(Fernet.generate_key() + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    return _read_key_file(path)


def _read_key_file(path: Path) -> list[bytes]:
    mode = path.stat().st_mode
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretConfigError(
            f"the key file {path} can be read by other users (mode {stat.S_IMODE(mode):o}); "
            f"make it owner-only with: chmod 600 {path}"
        )
    # one key a line: the first seals, the others still open (rotation without the environment variable)
    keys = [line.strip().encode("ascii") for line in path.read_text(encoding="ascii").splitlines() if line.strip()]
    if not keys:
        raise SecretConfigError(
            f"the key file {path} holds no key: restore it from a backup "
            "(deleting it makes a new key, and the secrets sealed with the old one are lost)"
        )
    return keys
