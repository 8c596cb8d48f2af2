"""The CDN's signed links, as Discord hands them out since 2023-12.

Every attachment link carries its expiry (``ex``, Unix seconds in hex), its issue time (``is``) and a signature
over both (``hm``); past its expiry, or with a changed parameter, the CDN answers 404 "This content is no longer
available.". ``POST /attachments/refresh-urls`` (bot token) signs known links anew. Tests move the CDN's clock on
(``clock_offset``) to make every link handed out so far expire, while links signed after that work again.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from yarl import URL

#: how long a link works (Discord: about 24 hours)
LINK_LIFETIME_SECONDS: Final = 24 * 3600.0
_ATTACHMENT_PATH: Final = re.compile(r"^/attachments/(?P<channel_id>\d+)/(?P<attachment_id>\d+)/(?P<filename>[^/]+)$")


def attachment_path(channel_id: int, attachment_id: int, filename: str) -> str:
    return f"/attachments/{channel_id}/{attachment_id}/{filename}"


@dataclass
class Cdn:
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    link_lifetime: float = LINK_LIFETIME_SECONDS
    #: seconds added to the real clock: a day moves every link handed out so far past its expiry
    clock_offset: float = 0.0
    #: the links of every refresh request, in order
    refreshed: list[list[str]] = field(default_factory=list)
    #: refresh requests are refused (403 Missing Access), as for links the bot may not see
    refuse_refresh: bool = False

    def now(self) -> float:
        return time.time() + self.clock_offset

    def signed(self, path: str) -> str:
        """``path`` with its query of a freshly signed link."""
        issued = int(self.now())
        expires = int(issued + self.link_lifetime)
        return f"{path}?ex={expires:x}&is={issued:x}&hm={self._mac(path, expires, issued)}"

    def works(self, path: str, query: Mapping[str, str]) -> bool:
        """Whether a link to ``path`` with ``query`` is signed by this CDN and not yet expired."""
        try:
            expires, issued = int(query["ex"], 16), int(query["is"], 16)
        except (KeyError, ValueError):
            return False
        return hmac.compare_digest(query.get("hm", ""), self._mac(path, expires, issued)) and self.now() < expires

    @staticmethod
    def attachment_id(link: str) -> tuple[int, str] | None:
        """The attachment id and file name a link points at (None for anything but an attachment link)."""
        try:
            match = _ATTACHMENT_PATH.match(URL(link).path)
        except ValueError:
            return None
        return (int(match["attachment_id"]), match["filename"]) if match else None

    def _mac(self, path: str, expires: int, issued: int) -> str:
        return hmac.new(self.secret, f"{path}:{expires:x}:{issued:x}".encode(), hashlib.sha256).hexdigest()
