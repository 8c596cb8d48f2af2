"""How a ``queryTask`` answer's ``data`` becomes a job status: the poll rules, in one place.

``data`` is whatever the workspace's image has answered so far, as JSON text (``models._CarriesData`` turns
the object form into text). Only ``data`` decides: queryTask's top-level ``result_code`` is not read here. The
seed says nothing about ``data`` while a task runs; NGPU's own sadTalker bot reads ``data.result_code`` (< 0
failed, 101/102 running, 100 done, link in ``data.result_url``). The rules, first match wins:

| data                                                     | status    | why                                   |
|----------------------------------------------------------|-----------|---------------------------------------|
| empty                                                    | RUNNING   | Inference: nothing answered yet       |
| JSON ``result_code`` < 0                                 | FAILED    | NGPU's bot convention                 |
| JSON with ``images`` / ``image`` / ``caption``           | SUCCEEDED | the A1111 answer itself               |
| JSON with ``result_url`` and ``result_code`` 100/200     | SUCCEEDED | NGPU's bot convention (sadTalker)     |
| JSON ``result_code`` 101/102                             | RUNNING   | NGPU's bot convention (+ progress)    |
| JSON with a non-empty A1111 ``error`` / ``detail``       | FAILED    | Inference: A1111's error body         |
| JSON ``result_code`` 100/200 without any result          | DecodeError | Inference: "done" but nothing to show |
| any other JSON object (unknown code, no result)          | RUNNING   | unknown is kept open (and reported)   |
| not JSON / not an object                                 | DecodeError | not what any document describes     |
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from providers.core.errors import DecodeError
from providers.core.models import JobStatus
from providers.core.scrub import NO_SECRETS, Scrubber
from providers.core.unknown_values import report_unknown

#: NGPU's bot: 101/102 are "still running" (which of them means queued is not known, so both are RUNNING)
RUNNING_CODES = frozenset({101, 102})
DONE_CODES = frozenset({100, 200})
#: keys of a finished A1111 answer (txt2img/img2img, extra-single-image, interrogate)
A1111_RESULT_KEYS = ("images", "image", "caption")
#: Inference: how A1111 (FastAPI) reports a failure: {"error", "detail", ...} or a 422 {"detail": [...]}
A1111_ERROR_KEYS = ("error", "detail")
#: the longest part of the image's own message kept as a failure reason
_MAX_MESSAGE = 300


@dataclass(frozen=True, slots=True)
class TaskObservation:
    status: JobStatus
    #: 0–100 when the image reported one
    progress: float | None = None
    #: the parsed answer when the task succeeded
    payload: dict[str, Any] | None = None
    message: str | None = None
    code: int | None = None
    #: a short name for diagnostics (JobState.raw_status)
    raw: str = ""


def observe_task_data(data: str, *, provider: str, scrub: Scrubber = NO_SECRETS) -> TaskObservation:
    """One reading of ``data``; the image's own messages without the keys (``scrub``: the client's,
    ``providers.core.scrub``)."""
    if not data.strip():
        return TaskObservation(JobStatus.RUNNING, raw="empty")
    try:
        parsed = json.loads(data)
    except json.JSONDecodeError:
        raise DecodeError("NGPU returned task data that is not JSON.", provider=provider) from None
    if not isinstance(parsed, dict):
        raise DecodeError("NGPU returned task data that is not a JSON object.", provider=provider)

    code = _int_or_none(parsed.get("result_code"))
    message = _text(parsed.get("msg"), scrub)
    raw = "no code" if code is None else str(code)
    if code is not None and code < 0:
        return TaskObservation(JobStatus.FAILED, message=message or "The task failed on the GPU node.", code=code,
                               raw=raw)
    if any(key in parsed for key in A1111_RESULT_KEYS):
        return TaskObservation(JobStatus.SUCCEEDED, payload=parsed, code=code, raw="result")
    if "result_url" in parsed and code in DONE_CODES:
        return TaskObservation(JobStatus.SUCCEEDED, payload=parsed, code=code, raw=raw)
    if code in RUNNING_CODES:  # before the error keys: a running task's data may carry "error": null
        return TaskObservation(JobStatus.RUNNING, progress=_percent(parsed.get("progress")), code=code, raw=raw)
    if any(_carries_something(parsed.get(key)) for key in A1111_ERROR_KEYS):
        return TaskObservation(
            JobStatus.FAILED, message=_a1111_error_text(parsed, scrub), code=code, raw="a1111 error"
        )
    if code in DONE_CODES:
        raise DecodeError("NGPU reported the task finished but sent no result.", provider=provider, code=code)
    if code is None:
        report_unknown(provider, "queryTask data without a result_code or a result", sorted(parsed)[:8])
    else:
        report_unknown(provider, "queryTask data.result_code", code)
    return TaskObservation(JobStatus.RUNNING, progress=_percent(parsed.get("progress")), code=code, raw=raw)


def _carries_something(value: Any) -> bool:
    """Whether an ``error`` / ``detail`` value says anything (None, "", [], {} say nothing; False is no error)."""
    if isinstance(value, str):
        return bool(value.strip())
    return bool(value)


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _text(value: Any, scrub: Scrubber) -> str:
    return scrub(value, limit=_MAX_MESSAGE) if isinstance(value, str) else ""


def _percent(value: Any) -> float | None:
    # Inference: a percentage 0–100 (NGPU's node "progress" is 0–100); anything else is ignored
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(min(100.0, max(0.0, value)))


def _a1111_error_text(parsed: dict[str, Any], scrub: Scrubber) -> str:
    detail = parsed.get("detail")
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):
        # FastAPI validation: [{"loc": [...], "msg": "...", ...}]
        first = detail[0]
        where = ".".join(str(part) for part in first.get("loc", []) if part != "body")
        return _text(f"The image rejected {where or 'the request'}: {first.get('msg', 'invalid value')}", scrub)
    for key in ("errors", "detail", "error"):
        text = _text(parsed.get(key), scrub)
        if text:
            return f"The image failed: {text}"
    return "The image failed without a reason."
