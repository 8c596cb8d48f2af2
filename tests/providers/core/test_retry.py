import random

import pytest

from providers.core.errors import (
    AuthenticationError,
    InvalidInputError,
    ProviderTimeoutError,
    RateLimitedError,
    ServerError,
)
from providers.core.retry import RetryPolicy, backoff, parse_retry_after, should_retry

POLICY = RetryPolicy(max_attempts=3, base_delay=0.5, max_delay=4.0, max_retry_after=10.0, jitter=0.0)


@pytest.mark.parametrize("error", [ServerError("x"), ProviderTimeoutError("x"), RateLimitedError("x")])
def test_retryable_errors_are_retried_for_idempotent_calls(error) -> None:
    assert should_retry(error, 1, idempotent=True, policy=POLICY)
    assert should_retry(error, 2, idempotent=True, policy=POLICY)
    assert not should_retry(error, 3, idempotent=True, policy=POLICY)


@pytest.mark.parametrize("error", [ServerError("x"), ProviderTimeoutError("x"), RateLimitedError("x")])
def test_billed_submits_are_never_retried(error) -> None:
    assert not should_retry(error, 1, idempotent=False, policy=POLICY)


@pytest.mark.parametrize("error", [InvalidInputError("x"), AuthenticationError("x")])
def test_caller_errors_are_not_retried(error) -> None:
    assert not should_retry(error, 1, idempotent=True, policy=POLICY)


def test_retry_after_longer_than_the_policy_allows_gives_up() -> None:
    assert should_retry(RateLimitedError("x", retry_after=10.0), 1, idempotent=True, policy=POLICY)
    assert not should_retry(RateLimitedError("x", retry_after=11.0), 1, idempotent=True, policy=POLICY)


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n, POLICY) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 4.0, 4.0]


def test_backoff_honours_retry_after_capped() -> None:
    assert backoff(1, POLICY, retry_after=3.0) == 3.0
    assert backoff(1, POLICY, retry_after=99.0) == 10.0


def test_jitter_stays_within_its_share() -> None:
    policy = RetryPolicy(base_delay=1.0, jitter=0.2)
    rng = random.Random(7)
    delays = [backoff(1, policy, rng=rng) for _ in range(200)]
    assert min(delays) >= 0.8
    assert max(delays) <= 1.2
    assert len(set(delays)) > 100


@pytest.mark.parametrize(
    ("header", "seconds"), [("3", 3.0), (" 1.5 ", 1.5), (None, None), ("soon", None), ("-1", None)]
)
def test_parse_retry_after(header, seconds) -> None:
    assert parse_retry_after(header) == seconds
