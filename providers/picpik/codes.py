"""Platform API ``RetCode`` → error class, in one table.

Inference (the whole module): Picpik documents only "0 = success, anything else = failure, text in
``Message``". Its Platform API has the shape of UCloud's API gateway (PublicKey/PrivateKey, SHA1
``Signature``, ``RetCode``/``Message``, ``<Action>Response``), so the gateway codes UCloud publishes are
used (170 missing signature, 171 "Signature VerifyAC Error", 172 "User Not Exists", 160/161 unknown or
missing Action, 230 bad parameter, 150 service unavailable). The service codes for rate limiting, quota
and moderation are not published anywhere: 180, 290 and 360 are our emulator's choice, and the
``Message`` keywords below catch the real ones whatever their number. Fix a code here in one line once
a real reply is seen.
"""

from __future__ import annotations

from providers.core.errors import (
    AuthenticationError,
    ErrorKind,
    InvalidInputError,
    ModerationError,
    NotFoundError,
    ProviderError,
    QuotaError,
    RateLimitedError,
    ServerError,
)
from providers.core.scrub import NO_SECRETS, Scrubber
from providers.core.unknown_values import report_unknown

#: the longest part of Picpik's own Message repeated to a member
_MAX_QUOTE = 300


class PicpikRefusedError(ProviderError):
    """A non-zero RetCode nobody has mapped: Picpik refused the call for a reason only its Message tells."""

    kind = ErrorKind.SERVER
    retryable = False


RETCODE_ERRORS: dict[int, type[ProviderError]] = {
    150: ServerError,  # Inference: UCloud gateway "Service Unavailable"
    160: InvalidInputError,  # Inference: UCloud "Action Not Exist"
    161: InvalidInputError,  # Inference: UCloud "Missing Action"
    170: AuthenticationError,  # Inference: UCloud "Missing Signature"
    171: AuthenticationError,  # UCloud "Signature VerifyAC Error" (seen in public UCloud material)
    172: AuthenticationError,  # UCloud "User Not Exists": unknown PublicKey (seen in public UCloud material)
    174: AuthenticationError,  # Inference: UCloud "Missing PublicKey"
    180: RateLimitedError,  # Inference: no published code; the emulator's choice
    220: InvalidInputError,  # Inference: UCloud "Missing Params"
    230: InvalidInputError,  # Inference: UCloud "Params Not Available"
    240: NotFoundError,  # Inference: the emulator's "resource not found" (unknown app, bundle or task)
    250: InvalidInputError,  # Inference: the emulator's "not allowed in this state" (e.g. delete a running app)
    290: QuotaError,  # Inference: the emulator's "not enough API points"
    360: ModerationError,  # Inference: the emulator's "prompt refused by content review"
}

#: Inference: words in ``Message`` that reveal the kind of an unmapped code (English and Chinese replies)
MESSAGE_HINTS: tuple[tuple[tuple[str, ...], type[ProviderError]], ...] = (
    (("signature", "publickey", "public key", "user not exist", "签名", "公钥"), AuthenticationError),
    (("too frequent", "rate limit", "frequency", "频繁", "限流", "频率"), RateLimitedError),
    (("insufficient", "balance", "api point", "not enough point", "余额", "积分", "点数不足", "欠费"), QuotaError),
    (("sensitive", "moderation", "content review", "prohibited", "违规", "敏感", "审核"), ModerationError),
    (("not found", "not exist", "不存在"), NotFoundError),
)

_PREFIX: dict[type[ProviderError], str] = {
    AuthenticationError: "Picpik refused the keys; check the public and private key.",
    RateLimitedError: "Picpik is rate-limiting requests; try again shortly.",
    QuotaError: "The Picpik account is out of API points; top it up to continue.",
    ModerationError: "Picpik refused the prompt or image on content grounds; rephrase it.",
    NotFoundError: "Picpik does not know that resource.",
    InvalidInputError: "Picpik rejected the request.",
    ServerError: "Picpik had an internal error.",
    PicpikRefusedError: "Picpik refused the request.",
}


def error_class_for(ret_code: int, message: str | None) -> type[ProviderError]:
    mapped = RETCODE_ERRORS.get(ret_code)
    if mapped is not None:
        return mapped
    text = (message or "").lower()
    for words, error_class in MESSAGE_HINTS:
        if any(word in text for word in words):
            return error_class
    return PicpikRefusedError


def error_for_retcode(
    ret_code: int, message: str | None, *, provider: str = "picpik", scrub: Scrubber = NO_SECRETS
) -> ProviderError:
    """The error for a failed call; the service's own Message is shown after our explanation, without the keys
    (``scrub``: the caller's, ``providers.core.scrub``)."""
    if ret_code not in RETCODE_ERRORS:
        report_unknown(provider, "RetCode", ret_code)  # classified by its Message's words below
    error_class = error_class_for(ret_code, message)
    text = _PREFIX.get(error_class, "Picpik refused the request.")
    detail = scrub(message, limit=_MAX_QUOTE)
    if detail:
        text = f"{text} Picpik says: “{detail}”"
    return error_class(text, provider=provider, code=ret_code)
