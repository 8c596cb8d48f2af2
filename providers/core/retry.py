"""The retry policy as small pure functions, so it can be unit-tested without a clock or a network.

Rules: only idempotent calls are retried (reads, polls, logins); a billed submit is never repeated
blindly, whatever failed. ``Retry-After`` is honoured, capped by the policy.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from providers.core.errors import ProviderError, RateLimitedError


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    #: longest Retry-After we are willing to wait inside one call; longer → give up and report it
    max_retry_after: float = 30.0
    jitter: float = 0.2


NO_RETRY = RetryPolicy(max_attempts=1)


def should_retry(error: ProviderError, attempt: int, *, idempotent: bool, policy: RetryPolicy) -> bool:
    """Whether to try again after ``attempt`` (1-based) failed with ``error``."""
    if not idempotent or not error.retryable:
        return False
    if attempt >= policy.max_attempts:
        return False
    if isinstance(error, RateLimitedError) and error.retry_after is not None:
        return error.retry_after <= policy.max_retry_after
    return True


def backoff(
    attempt: int,
    policy: RetryPolicy,
    *,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before attempt ``attempt + 1``: Retry-After when given, else capped exponential."""
    if retry_after is not None:
        return max(0.0, min(retry_after, policy.max_retry_after))
    delay = min(policy.max_delay, policy.base_delay * (2 ** (attempt - 1)))
    if policy.jitter:
        spread = delay * policy.jitter
        delay += (rng or random).uniform(-spread, spread)
    return max(0.0, delay)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds only; HTTP dates are rare for APIs)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
