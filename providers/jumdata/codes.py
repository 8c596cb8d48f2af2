"""The Jumdata ``code`` table (seed 003): every documented code → the error the caller must act on.

One place, so a later correction is a one-line change.
"""

from __future__ import annotations

import re

from providers.core.errors import (
    AccountError,
    AuthenticationError,
    InvalidInputError,
    ModerationError,
    NotFoundError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitedError,
    ServerError,
)
from providers.core.scrub import NO_SECRETS, Scrubber
from providers.jumdata.params import SERVICE

OK = 200
TASK_UNKNOWN = 201
WRONG_PATH = 404
#: the longest service ``msg`` we repeat to a member
_MAX_MSG_CHARS = 200


class TaskNotFoundError(NotFoundError):
    """Code 201: the service does not know this taskId (never existed, or older than its one-month life)."""


#: code → (error class, message). ``{msg}`` is replaced by the service's own text.
CODE_TABLE: dict[int, tuple[type[ProviderError], str]] = {
    TASK_UNKNOWN: (TaskNotFoundError, f"{SERVICE} does not know this task (taskId unknown or expired)."),
    202: (ModerationError, f"{SERVICE} blocked the prompt on content grounds (文本黄反拦截); rephrase it."),
    400: (InvalidInputError, f"{SERVICE} rejected a parameter: {{msg}}"),
    WRONG_PATH: (
        NotFoundError,
        f"{SERVICE} says this API address does not exist: the base URL setting (JUMDATA_BASE_URL) is wrong.",
    ),
    500: (ServerError, f"{SERVICE} is under maintenance; try again later."),
    601: (AccountError, f"{SERVICE}: the API is not enabled for this account."),
    602: (AccountError, f"{SERVICE}: the account is disabled."),
    604: (AccountError, f"{SERVICE}: the API is disabled."),
    606: (RateLimitedError, f"{SERVICE}: the call quota is exceeded; try again later."),
    607: (AccountError, f"{SERVICE}: this server's IP is not on the account's whitelist."),
    609: (RateLimitedError, f"{SERVICE}: requests are too frequent; try again shortly."),
    610: (ProviderTimeoutError, f"{SERVICE} timed out handling the request."),
    999: (ServerError, f"{SERVICE} reported an error: {{msg}}"),
}

# Inference: the document has no code for a wrong appId or sign. The emulator answers 400 with a message naming the
# signature or the appId (as the document's 400 messages name the bad field, e.g. "风格值不正确"), and a code the
# document does not list whose message names them is read the same way. Every documented code keeps its own meaning
# whatever its message says: "appId调用超限" (606) is a quota, and a 999 "其他" that repeats the request's appId is
# not a verdict on the keys. "sign" must stand alone (or as "signature"): "design" in an echoed prompt is no key.
_PARAMETER_ERROR = 400
_CREDENTIAL_WORDS = re.compile(
    r"(?<![a-z])sign(?:ature)?(?![a-z])|app_?id|app_?secret|签名|密钥|秘钥", re.IGNORECASE
)
# "the account" names the keys only when nothing else is named: "taskId不属于该账号" (the id is not this account's) is
# about the id, and "账户余额不足" (the account's balance is too low) about money, neither about the keys.
_ACCOUNT_WORDS = re.compile(r"account|账号|账户", re.IGNORECASE)
_MONEY_WORDS = re.compile(r"balance|quota|credit|余额|额度|欠费|充值", re.IGNORECASE)
# The query's only business field: a 400 naming it refuses the id we sent ("taskId不能为空" in the document; a
# stricter service may also refuse an id not of its own form), not the keys.
_TASK_ID_WORDS = re.compile(r"task_?id|任务id|任务编号", re.IGNORECASE)


class TaskIdRefusedError(InvalidInputError):
    """Code 400 about the taskId itself (empty, or not of the form the service issues): the keys passed."""


def refuses_credentials(code: int, msg: str) -> bool:
    """Whether a reply says the appId or the signature (so the member's keys) was refused."""
    if not (code == _PARAMETER_ERROR or not is_documented(code)):
        return False
    if _CREDENTIAL_WORDS.search(msg):
        return True
    return bool(_ACCOUNT_WORDS.search(msg)) and not _TASK_ID_WORDS.search(msg) and not _MONEY_WORDS.search(msg)


def refuses_task_id(code: int, msg: str) -> bool:
    """Whether a reply refuses the taskId sent (and not the keys)."""
    return code == _PARAMETER_ERROR and bool(_TASK_ID_WORDS.search(msg)) and not refuses_credentials(code, msg)


def is_documented(code: int) -> bool:
    """Whether seed 003 lists ``code`` (anything else is reported to ``providers.core.unknown_values``)."""
    return code == OK or code in CODE_TABLE


def error_for(code: int, msg: str, *, provider: str, scrub: Scrubber = NO_SECRETS) -> ProviderError:
    """The error for a reply whose ``code`` is not 200 (unknown codes are server errors); the service's ``msg`` is
    quoted without the keys (``scrub``: the caller's, ``providers.core.scrub``)."""
    if refuses_credentials(code, msg):
        return AuthenticationError(
            f"{SERVICE} refused the app ID or the signature made with the app secret: check your keys.",
            provider=provider,
            code=code,
        )
    shown = scrub(msg, limit=_MAX_MSG_CHARS, default="no details")
    if refuses_task_id(code, msg):
        return TaskIdRefusedError(f"{SERVICE} refused the task ID: {shown}", provider=provider, code=code)
    error_class, template = CODE_TABLE.get(code, (ServerError, f"{SERVICE} answered with unknown code {code}: {{msg}}"))
    return error_class(template.format(msg=shown), provider=provider, code=code)
