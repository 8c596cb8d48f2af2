"""How many TaskUIDs one ``ListTasksDetails`` call may carry, and what a refused call says about it.

No document gives a maximum, nor says what an unknown or expired id does to the call. The bot asks
``PICPIK_TASK_IDS_PER_CALL`` ids per call (``PicpikSettings.task_ids_per_call``). When Picpik refuses a call as a
whole with a ``Message`` that names a limit smaller than the call ("at most 20 ids", "TaskUIDList length exceeds
20", "最多20个"), that limit is learned for the rest of the process, for that host: every later round asks that
many, and one WARNING tells the operator the setting to make it last.
"""

from __future__ import annotations

import logging
import re

from providers.core.errors import InvalidInputError, NotFoundError, ProviderError
from providers.picpik.codes import PicpikRefusedError

log = logging.getLogger(__name__)

#: a number after words that say it is a maximum (English and Chinese gateway wordings)
_LIMIT = re.compile(
    r"(?:at\s+most|up\s+to|no\s+more\s+than|not\s+more\s+than|more\s+than|greater\s+than|exceeds?|exceeded|"
    r"maximum(?:\s+(?:of|is))?|max(?:imum)?\.?|limit(?:ed)?(?:\s+(?:is|of|to))?|"
    r"最多|至多|不能超过|不得超过|不超过|超过|上限(?:为|是)?)"
    r"\s*[:：=]?\s*(\d{1,5})(?!\d)",
    re.IGNORECASE,
)
#: what makes the number a count of ids: a unit after it ("20 ids", "20个") ...
_ID_UNIT_AFTER = re.compile(r"\s*(?:task\s*uids?|task\s*ids?|ids?\b|tasks?\b|items?\b|entries|elements|个|条)", re.I)
#: ... or the list's size named just before the words ("TaskUIDList length exceeds 20")
_SIZE_BEFORE = re.compile(r"(?:length|size|count|number|长度|数量|个数)", re.IGNORECASE)
#: how far before the words the list's size may be named
_SIZE_WINDOW = 30

#: the host → the limit Picpik named there, learned in this process
_learned: dict[str, int] = {}


def is_refusal_of_the_list(error: ProviderError) -> bool:
    """Whether a refused call may be about the ids it carried (one unknown or expired id, too many of them), so that
    asking again with fewer can tell: a bad parameter, a resource not found, a refusal only its Message explains.
    Keys, rate limits, quota and server errors are about the call, whatever ids it carries."""
    return isinstance(error, InvalidInputError | NotFoundError | PicpikRefusedError)


def limit_named(error: ProviderError, asked: int) -> int | None:
    """The maximum a refusal of a call carrying ``asked`` ids names, when it is smaller than ``asked``."""
    if not is_refusal_of_the_list(error):
        return None
    text = error.user_message
    for match in _LIMIT.finditer(text):
        limit = int(match.group(1))
        counts_ids = _ID_UNIT_AFTER.match(text, match.end()) is not None or (
            _SIZE_BEFORE.search(text, max(0, match.start() - _SIZE_WINDOW), match.start()) is not None
        )
        if counts_ids and 1 <= limit < asked:
            return limit
    return None


def ids_per_call(host: str, configured: int) -> int:
    """The ids one call carries on ``host``: the setting, or less once Picpik named a smaller limit."""
    return min(configured, _learned.get(host, configured))


def learn_limit(host: str, limit: int) -> None:
    """Picpik named ``limit``: ask at most that many from now on (this process), and say how to make it last."""
    if limit >= _learned.get(host, limit + 1):
        return
    _learned[host] = limit
    log.warning(
        "picpik: ListTasksDetails refused a call as too large, naming a limit of %d ids; asking %d per call from "
        "now on (set PICPIK_TASK_IDS_PER_CALL=%d to keep it)",
        limit,
        limit,
        limit,
    )


def forget_learned_limits() -> None:
    """Start afresh (tests; a process keeps what it learned for its life)."""
    _learned.clear()
