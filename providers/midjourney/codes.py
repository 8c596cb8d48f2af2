"""The service's ``errno`` → error class table, in one place (seed 002, "所有错误码").

The HTTP status of an error reply is not documented, so a reply is judged by its JSON envelope
whatever the status (200 or not); only a non-2xx reply without an envelope falls back to the status.
"""

from __future__ import annotations

from providers.core.errors import (
    AuthenticationError,
    InvalidInputError,
    NotFoundError,
    ProviderError,
    QuotaError,
    ServerError,
)
from providers.core.scrub import NO_SECRETS, Scrubber
from providers.core.unknown_values import report_unknown

OK = 0
INVALID_LOGIN = 430

#: longest service message quoted to a member (the service's own words help them fix the input)
_QUOTE_MAX = 160


class InvalidLoginError(AuthenticationError):
    """errno 430: the token is missing or expired. The client logs in again once and repeats the call;
    if it escapes, it is an ``AuthenticationError`` like any other refusal."""


#: errno → (error class, what the member is told). The service's message is appended when it has one.
ERRNO_TABLE: dict[int, tuple[type[ProviderError], str]] = {
    301: (InvalidInputError, "The service rejected a missing or invalid parameter."),
    410: (NotFoundError, "The service does not know that job."),
    411: (QuotaError, "Your plan on the service does not include this; a specific plan is required."),
    420: (NotFoundError, "The service could not find the job this refers to."),
    421: (InvalidInputError, "That job cannot be used for this (its type does not allow it, e.g. an upscale)."),
    INVALID_LOGIN: (InvalidLoginError, "The service refused the login (token missing or expired)."),
    501: (ServerError, "The service had an internal error."),
}

_UNKNOWN = (ServerError, "The service reported an unknown error.")


def error_for_errno(errno: int, message: str, *, provider: str, scrub: Scrubber = NO_SECRETS) -> ProviderError:
    """The error for a non-zero ``errno`` (unknown codes count as server errors, and are reported to
    ``providers.core.unknown_values``); the service's message is quoted without the password or the login token
    (``scrub``: the caller's, ``providers.core.scrub``)."""
    if errno not in ERRNO_TABLE:
        report_unknown(provider, "errno", errno)
    cls, text = ERRNO_TABLE.get(errno, _UNKNOWN)
    quoted = scrub(message, limit=_QUOTE_MAX)
    if quoted and cls is not InvalidLoginError:
        text = f"{text} The service said: “{quoted}”."
    return cls(text, provider=provider, code=errno)


def login_error_for_errno(
    errno: int, message: str, *, provider: str, scrub: Scrubber = NO_SECRETS
) -> ProviderError:
    """Errors of ``/auth/login`` itself.

    Inference: the seed's only failed-login sample is ``301 "missing username or password"``; a wrong
    password most likely answers 301 (or 410/420 "user not found", or 430). Any refusal that is not a
    server error or a plan problem means the username/password pair does not work.
    """
    error = error_for_errno(errno, message, provider=provider, scrub=scrub)
    if isinstance(error, ServerError | QuotaError):
        return error
    return AuthenticationError(
        "The service refused the username or password; check them and save them again.",
        provider=provider,
        code=errno,
    )
