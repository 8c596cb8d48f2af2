"""The lists the autocompletes offer (a server's apps, Picpik's bundles), kept a short while per server.

Discord drops an autocomplete not answered within 3 s, so a list is asked for at most ``answer_within`` seconds;
a slow or failing Picpik leaves the last list known (or none). Commands never rely on these lists: they ask
Picpik themselves, which judges every id.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Final, Generic, TypeVar

from providers.core.errors import ProviderError

log = logging.getLogger(__name__)

T = TypeVar("T")

#: well inside Discord's 3 s, leaving time for the answer itself to travel
ANSWER_WITHIN_SECONDS: Final = 1.5
#: apps change state all the time; bundles hardly ever
APPS_TTL_SECONDS: Final = 15.0
BUNDLES_TTL_SECONDS: Final = 600.0


class ListCache(Generic[T]):
    """One list per server, reused for ``ttl_seconds``."""

    def __init__(
        self,
        ttl_seconds: float,
        *,
        answer_within: float = ANSWER_WITHIN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._answer_within = answer_within
        self._clock = clock
        self._lists: dict[int, tuple[float, list[T]]] = {}

    def peek(self, guild_id: int) -> list[T] | None:
        """The list last loaded for the server, however old; None when there is none."""
        entry = self._lists.get(guild_id)
        return entry[1] if entry is not None else None

    def fresh(self, guild_id: int) -> list[T] | None:
        """The list last loaded for the server while it is younger than ``ttl_seconds``; None otherwise."""
        entry = self._lists.get(guild_id)
        return entry[1] if entry is not None and self._clock() - entry[0] < self._ttl else None

    async def get(self, guild_id: int, load: Callable[[], Awaitable[list[T]]]) -> list[T]:
        stale = self.peek(guild_id)
        if (found := self.fresh(guild_id)) is not None:
            return found
        try:
            loaded = await asyncio.wait_for(load(), self._answer_within)
        except (TimeoutError, ProviderError) as error:
            log.info("an autocomplete list could not be loaded: %s", error or type(error).__name__)
            return stale if stale is not None else []
        self._lists[guild_id] = (self._clock(), loaded)
        return loaded

    def put(self, guild_id: int, items: list[T]) -> None:
        """A list just loaded for another reason (``list``): the next keystroke may use it."""
        self._lists[guild_id] = (self._clock(), items)

    def forget(self, guild_id: int) -> None:
        """The server's apps changed (created, deleted, remark): the next keystroke asks again."""
        self._lists.pop(guild_id, None)
