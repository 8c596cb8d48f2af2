"""NGPU ``result_code`` → the core error hierarchy, in one table.

The seed documents only success ("200 = success", while every example shows 100) and names no failure
codes. Everything below the success set is an inference, kept here so a real code is a one-line fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from providers.core.errors import (
    AuthenticationError,
    DecodeError,
    InvalidInputError,
    NotFoundError,
    ProviderError,
    QuotaError,
    RateLimitedError,
    ServerError,
)
from providers.core.scrub import NO_SECRETS, Scrubber
from providers.core.unknown_values import report_unknown

#: the seed says 200 is success; its own examples answer 100. Both count.
SUCCESS_CODES = frozenset({100, 200})


@dataclass(frozen=True, slots=True)
class CodeRule:
    error: type[ProviderError]
    #: what the member is told; ``{msg}`` is NGPU's own message (redacted, shortened)
    message: str


_INVALID = CodeRule(InvalidInputError, "NGPU rejected the request: {msg}")
_AUTH = CodeRule(
    AuthenticationError, "NGPU does not accept this workspace id; check the workspace id in your NGPU keys."
)
# Inference: holding AINN is what NGPU asks of a BTC address, which the member fixes by acquiring it,
# like topping up credit, so QuotaError rather than AccountError.
_NO_AINN = CodeRule(
    QuotaError, "NGPU requires the BTC address to hold the AINN inscription, and it holds none: {msg}"
)
_NOT_FOUND = CodeRule(NotFoundError, "NGPU does not know this task: {msg}")
_RATE = CodeRule(RateLimitedError, "NGPU is limiting requests; try again shortly.")
_SERVER = CodeRule(ServerError, "NGPU could not run the request: {msg}")

# Inference: HTTP-like numbers, the pattern NGPU's success codes (200) suggest; none is documented.
CODE_TABLE: Mapping[int, CodeRule] = {
    400: _INVALID,
    401: _AUTH,
    402: _NO_AINN,
    403: _AUTH,
    404: _NOT_FOUND,
    429: _RATE,
    500: _SERVER,
    502: _SERVER,
    503: _SERVER,
}

# Inference: for a code not in the table, NGPU's message decides (lower-case substrings, first match wins).
MESSAGE_RULES: tuple[tuple[str, CodeRule], ...] = (
    ("workspace", _AUTH),
    ("unauthori", _AUTH),
    ("ainn", _NO_AINN),
    ("inscription", _NO_AINN),
    ("not found", _NOT_FOUND),
    ("no such task", _NOT_FOUND),
    ("too many", _RATE),
    ("frequen", _RATE),
    ("invalid", _INVALID),
    ("parameter", _INVALID),
)

#: anything else: NGPU failed in a way we cannot name
DEFAULT_RULE = _SERVER

_MAX_MSG = 200


def rule_for(code: int, msg: str) -> CodeRule:
    if code in CODE_TABLE:
        return CODE_TABLE[code]
    lowered = msg.lower()
    for needle, rule in MESSAGE_RULES:
        if needle in lowered:
            return rule
    return DEFAULT_RULE


def clean_message(msg: str, scrub: Scrubber = NO_SECRETS) -> str:
    """NGPU's message made safe to show: the keys (the workspace id) removed, one line, shortened
    (``scrub``: the caller's, ``providers.core.scrub``)."""
    return scrub(msg, limit=_MAX_MSG, default="no reason given")


def error_for(code: int, msg: str, *, provider: str, scrub: Scrubber = NO_SECRETS) -> ProviderError:
    rule = rule_for(code, msg)
    text = rule.message.format(msg=clean_message(msg, scrub))
    return rule.error(text, provider=provider, code=code)


def raise_for_result(payload: Mapping[str, Any], *, provider: str, scrub: Scrubber = NO_SECRETS) -> None:
    """Raise the mapped error when ``payload['result_code']`` is not a success code."""
    raw = payload.get("result_code")
    try:
        code = int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DecodeError("NGPU sent a reply without a usable result_code.", provider=provider) from None
    if code in SUCCESS_CODES:
        return
    if code not in CODE_TABLE:
        report_unknown(provider, "result_code", code)
    msg = payload.get("msg")
    raise error_for(code, msg if isinstance(msg, str) else "", provider=provider, scrub=scrub)
