"""What the action groups of the client share: how a call may be repeated, and the one call path."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

from providers.picpik.models import PlatformResponse

R = TypeVar("R", bound=PlatformResponse)


class Send(Enum):
    """How a call may be repeated."""

    #: reads and idempotent writes: retried on timeouts, 5xx and rate limits
    QUERY = "query"
    #: state changes that are not billed (stop, delete): sent once, errors as they are
    ONCE = "once"
    #: billed or resource-creating calls: sent once; a timeout becomes SubmitOutcomeUnknownError
    BILLED = "billed"


class PlatformCaller(ABC):
    @abstractmethod
    async def _call(
        self, action: str, params: Mapping[str, Any], response_model: type[R], *, send: Send = Send.QUERY
    ) -> R:
        """Sign, send and decode one Platform API action."""
