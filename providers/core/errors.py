"""The error hierarchy of the provider layer, keyed on what the caller must do.

No aiohttp or pydantic exception escapes the provider layer: every failure is one of these.
Each error carries a ``user_message`` that is safe to show a Discord member as it is: it never
contains a key, a token, a signature or a raw response body. An error may also carry a message ``key`` and
its ``values`` (plain identifiers and already formatted fields, no catalog here) so the bot can show the same
message in the member's language; ``user_message`` stays the English text, for logs and as the fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class ErrorKind(StrEnum):
    """A stable, storable name for each kind of failure (used in the job table and in replies)."""

    INVALID_INPUT = "invalid_input"
    UNSUPPORTED = "unsupported"
    AUTH = "auth"
    NOT_FOUND = "not_found"
    RATE_LIMITED = "rate_limited"
    MODERATION = "moderation"
    QUOTA = "quota"
    ACCOUNT = "account"
    SERVER = "server"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    DECODE = "decode"
    SUBMIT_UNKNOWN = "submit_unknown"
    JOB_FAILED = "job_failed"


class ProviderError(Exception):
    """Base of every failure raised by a provider client."""

    kind: ErrorKind = ErrorKind.SERVER
    #: whether repeating the same *idempotent* call later may succeed
    retryable: bool = False

    def __init__(
        self,
        user_message: str,
        *,
        provider: str | None = None,
        code: str | int | None = None,
        key: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.provider = provider
        self.code = code
        #: names the message for a translation; ``values`` fill its ``{fields}`` (see the module docstring)
        self.key = key
        self.values: dict[str, object] = dict(values or {})

    def __str__(self) -> str:
        prefix = f"[{self.provider}] " if self.provider else ""
        code = f" (code {self.code})" if self.code is not None else ""
        return f"{prefix}{self.user_message}{code}"


class InvalidInputError(ProviderError):
    """The request is wrong; fix the input. Raised before anything is sent when validation catches it."""

    kind = ErrorKind.INVALID_INPUT

    def __init__(
        self,
        user_message: str,
        *,
        field: str | None = None,
        provider: str | None = None,
        code: str | int | None = None,
        key: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(user_message, provider=provider, code=code, key=key, values=values)
        self.field = field


class UnsupportedError(ProviderError):
    """The service does not offer this feature at all."""

    kind = ErrorKind.UNSUPPORTED


class AuthenticationError(ProviderError):
    """The key, password, signature or workspace id was refused: the member must fix their keys."""

    kind = ErrorKind.AUTH


class NotFoundError(ProviderError):
    """The job, task, app or path does not exist (or no longer exists)."""

    kind = ErrorKind.NOT_FOUND


class RateLimitedError(ProviderError):
    """Too many requests: wait ``retry_after`` seconds (when known) and try again."""

    kind = ErrorKind.RATE_LIMITED
    retryable = True

    def __init__(
        self,
        user_message: str,
        *,
        retry_after: float | None = None,
        provider: str | None = None,
        code: str | int | None = None,
    ) -> None:
        super().__init__(user_message, provider=provider, code=code)
        self.retry_after = retry_after


class ModerationError(ProviderError):
    """The service refused the prompt or image on content grounds: rephrase."""

    kind = ErrorKind.MODERATION


class QuotaError(ProviderError):
    """Out of credit, plan or quota: the member must top up or upgrade."""

    kind = ErrorKind.QUOTA


class AccountError(ProviderError):
    """The account cannot use the API (not enabled, disabled, IP not whitelisted): contact the service."""

    kind = ErrorKind.ACCOUNT


class ServerError(ProviderError):
    """The service failed (5xx, maintenance, unknown error). Reads may be retried."""

    kind = ErrorKind.SERVER
    retryable = True


class ProviderTimeoutError(ProviderError):
    """No answer in time. Reads may be retried; a billed submit must not be (see SubmitOutcomeUnknownError)."""

    kind = ErrorKind.TIMEOUT
    retryable = True


class ProviderConnectionError(ProviderError):
    """The service could not be reached at all."""

    kind = ErrorKind.CONNECTION
    retryable = True


class DecodeError(ProviderError):
    """The service answered something that is not what its documents describe."""

    kind = ErrorKind.DECODE


class SubmitOutcomeUnknownError(ProviderError):
    """A billed submit may or may not have gone through; it was not resubmitted (it could be billed twice)."""

    kind = ErrorKind.SUBMIT_UNKNOWN


RETRYABLE_KINDS: frozenset[ErrorKind] = frozenset(
    {ErrorKind.RATE_LIMITED, ErrorKind.SERVER, ErrorKind.TIMEOUT, ErrorKind.CONNECTION}
)
