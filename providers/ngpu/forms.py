"""The contested forms of an NGPU request, and what this process has learned about which ones NGPU takes.

The seed and NGPU's own public Discord bot disagree on two forms of the same requests:

* ``Authorization``: the seed writes ``Bearer <workspace id>``; NGPU's bot sends the bare id.
* ``data`` (the image's own request body inside a pass-through): the seed types it as a string; NGPU's bot sends
  the JSON object itself.

And on one path: the BRC-20 check is ``/brc20/checkAddress`` in the seed, ``/user/brc20/checkAddress`` in NGPU's
bot. The client tries the operator's setting first and the other form once when NGPU refuses the first before
taking the call; the form that worked is kept here for the life of the process, per workspace (or per NGPU
address for the public BRC-20 path), and tried first from then on, so only the first call pays the refusal.

A workspace is known here only by a hash of NGPU's address and its id, keyed with a secret of this process: the id
itself is a secret and never kept outside the credentials, and the short tag logs show cannot be turned back into
it, not even by hashing guessed ids.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Literal, TypeVar

F = TypeVar("F")


class AuthForm(StrEnum):
    #: ``Authorization: Bearer <workspace id>`` (the seed)
    BEARER = "bearer"
    #: ``Authorization: <workspace id>`` (NGPU's own bot)
    BARE = "bare"

    def header(self, workspace_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {workspace_id}" if self is AuthForm.BEARER else workspace_id}

    @property
    def other(self) -> AuthForm:
        return AuthForm.BARE if self is AuthForm.BEARER else AuthForm.BEARER

    @property
    def described(self) -> str:
        # worded without the header's own text, which the log filter rightly blanks wherever it appears
        return "the Bearer-prefixed form (the word Bearer, then the id)" if self is AuthForm.BEARER else (
            "the bare id (the id alone)"
        )


class DataForm(StrEnum):
    #: ``"data": {...}``, the JSON object itself (NGPU's own bot)
    OBJECT = "object"
    #: ``"data": "{...}"``, the object's JSON text (the seed's table)
    STRING = "string"

    @property
    def other(self) -> DataForm:
        return DataForm.STRING if self is DataForm.OBJECT else DataForm.OBJECT


#: NGPU's own bot's path first, the seed's second (``NgpuSettings.brc20_path`` names the first to try)
Brc20Path = Literal["user/brc20/checkAddress", "brc20/checkAddress"]
BRC20_PATHS: Final[tuple[Brc20Path, Brc20Path]] = ("user/brc20/checkAddress", "brc20/checkAddress")


def other_brc20_path(path: Brc20Path) -> Brc20Path:
    return BRC20_PATHS[1] if path == BRC20_PATHS[0] else BRC20_PATHS[0]


def form_of_data(value: Any) -> DataForm | None:
    """The form a ``data`` value came in; None when it carries nothing (absent, null, empty text)."""
    if isinstance(value, dict | list):
        return DataForm.OBJECT
    if isinstance(value, str) and value.strip():
        return DataForm.STRING
    return None


#: keys the workspace hashes: workspace ids can be guessable (NGPU's own bot's run in sequence), so a plain hash in a
#: log could be matched against guesses; keyed with a secret of this process only, it cannot
_PROCESS_KEY: Final = secrets.token_bytes(32)


def workspace_key(base_url: str, workspace_id: str) -> str:
    """Who a learned form belongs to: NGPU's address and the workspace, hashed with this process's own key (the id
    is a secret)."""
    text = f"{base_url.rstrip('/')}\n{workspace_id}".encode()
    return hmac.new(_PROCESS_KEY, text, hashlib.sha256).hexdigest()


def workspace_tag(key: str) -> str:
    """A few characters of the key, for logs: enough to tell two workspaces apart within this process's logs."""
    return key[:8]


@dataclass
class WorkspaceForms:
    """The forms NGPU accepted for one workspace (None: not seen accepted yet)."""

    auth: AuthForm | None = None
    data: DataForm | None = None


class LearnedForms:
    """Process-wide memory of accepted forms. Every client shares the one instance, ``LEARNED``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._workspaces: dict[str, WorkspaceForms] = {}
        self._brc20: dict[str, Brc20Path] = {}
        #: per event loop (an asyncio lock belongs to one): (workspace key, what) → the lock of its discovery
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, str], asyncio.Lock]] = (
            weakref.WeakKeyDictionary()
        )

    def lock(self, key: str, what: str) -> asyncio.Lock:
        """The lock held while a workspace's ``what`` ("auth", "data") is being found, so concurrent calls wait for
        the one finding it instead of each paying the refusal."""
        loop = asyncio.get_running_loop()
        with self._lock:
            return self._locks.setdefault(loop, {}).setdefault((key, what), asyncio.Lock())

    def of(self, key: str) -> WorkspaceForms:
        with self._lock:
            forms = self._workspaces.get(key)
            return WorkspaceForms() if forms is None else WorkspaceForms(forms.auth, forms.data)

    def accept_auth(self, key: str, form: AuthForm) -> None:
        with self._lock:
            self._workspaces.setdefault(key, WorkspaceForms()).auth = form

    def accept_data(self, key: str, form: DataForm) -> None:
        with self._lock:
            self._workspaces.setdefault(key, WorkspaceForms()).data = form

    def brc20_path(self, base_url: str) -> Brc20Path | None:
        with self._lock:
            return self._brc20.get(base_url.rstrip("/"))

    def accept_brc20_path(self, base_url: str, path: Brc20Path) -> None:
        with self._lock:
            self._brc20[base_url.rstrip("/")] = path

    def forget(self) -> None:
        """Start afresh (tests; a process keeps what it learned for its life)."""
        with self._lock:
            self._workspaces.clear()
            self._brc20.clear()


LEARNED: Final = LearnedForms()


def order(configured: F, learned: F | None, other: Callable[[F], F]) -> list[F]:
    """The forms to try: the one NGPU took last (else the configured one), then the other. The other stays in
    reach after a form was learned for free calls (NGPU may change what it takes while the bot runs); the caller
    never resends a billed call in the other ``data`` form once one was learned."""
    start = configured if learned is None else learned
    return [start, other(start)]
