"""Values a service sent that the bot does not know: logged once per process, counted, readable by operators.

A status word, an error number, a ``result_code`` or a reply shape that no document or public client names is
kept open (never taken as finished or failed on a guess), reported here at WARNING the first time it is seen in
this process with the service and the value, and counted every time, so an operator can report it and
``python -m bot doctor`` / ``/bot-status`` can show it.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass

from pydantic import ValidationError

log = logging.getLogger("providers.unknown_values")

#: longest value text kept (a service could send anything as a "status")
MAX_VALUE_CHARS = 80
#: distinct values kept per process (a service sending a new value every poll must not grow memory without end);
#: past it, new values are no longer logged, only counted under one entry per service and field
MAX_DISTINCT_VALUES = 500
OVERFLOW_VALUE = "(more values than kept)"


@dataclass(frozen=True, order=True)
class UnknownValue:
    service: str
    #: what the value is, e.g. ``"ListTasksDetails Status"``, ``"errno"``, ``"queryTask data.result_code"``
    field: str
    value: str


_lock = threading.Lock()
_counts: Counter[UnknownValue] = Counter()


def _shown(value: object) -> str:
    text = " ".join(repr(value).split()) if not isinstance(value, str) else " ".join(value.split()) or repr(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def report_unknown(service: str, field: str, value: object) -> UnknownValue:
    """Count ``value`` of ``field`` from ``service``; log it at WARNING the first time this process sees it."""
    seen = UnknownValue(service, field, _shown(value))
    with _lock:
        first = seen not in _counts
        if first and len(_counts) >= MAX_DISTINCT_VALUES:
            seen, first = UnknownValue(service, field, OVERFLOW_VALUE), False
        _counts[seen] += 1
    if first:
        log.warning(
            "%s sent a %s the bot does not know: %s (kept open / handled conservatively; please report it)",
            service,
            field,
            seen.value,
        )
    return seen


def unknown_value_counts() -> dict[UnknownValue, int]:
    """Every unknown value seen by this process, with how often."""
    with _lock:
        return dict(_counts)


def forget_unknown_values() -> None:
    """Start counting afresh (tests; a process keeps its counts for its life)."""
    with _lock:
        _counts.clear()


def shape_problem(error: ValidationError) -> str:
    """Where a reply leaves the documented shape and how (``imgUrls: list_type``), never the value sent there: the
    field names and pydantic's error type are the shape; the values may be anything, keys echoed back included."""
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "(the whole reply)"
    return f"{where}: {first['type']}"


def report_unknown_shape(service: str, reply: str, error: ValidationError) -> UnknownValue:
    """``report_unknown`` for a reply (``reply``: which one, e.g. ``"ListTasksDetails reply shape"``) whose shape the
    bot does not know."""
    return report_unknown(service, reply, shape_problem(error))
