"""How a Jumdata query answer becomes a neutral ``JobState`` — every guess is here and marked.

The document knows two states: ``status`` 0 (queued or being processed) and 1 (finished). It has no
failed state and no progress figure. Any other value (null included) keeps the job open until its deadline and is
reported to ``providers.core.unknown_values``: never guessed finished or failed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from providers.core.base import failed
from providers.core.errors import ErrorKind, ModerationError, ProviderError
from providers.core.models import ImageData, JobHandle, JobState, JobStatus
from providers.core.unknown_values import report_unknown
from providers.jumdata.codes import TaskNotFoundError
from providers.jumdata.models import QueryData
from providers.jumdata.params import PROVIDER

STATUS_TABLE: dict[str, JobStatus] = {
    # Inference: 0 covers both queued and processing; RUNNING is what the member sees once the job was accepted.
    "0": JobStatus.RUNNING,
    "1": JobStatus.SUCCEEDED,
}

#: Inference: a task the service cannot find this soon after we submitted it is taken as not yet
#: visible (replication lag), not as gone; later, 201 means expired or unknown and the job fails.
NEW_TASK_GRACE = timedelta(seconds=30)


def job_status(raw: int | str | None) -> JobStatus:
    """The neutral status for a ``status`` value; an unknown value counts as still running (and is reported)."""
    status = STATUS_TABLE.get(str(raw).strip())
    if status is None:
        report_unknown(PROVIDER, "query data.status", raw)
        return JobStatus.RUNNING
    return status


def state_from_query(data: QueryData) -> JobState:
    raw = None if data.status is None else str(data.status)
    status = job_status(data.status)
    if status is not JobStatus.SUCCEEDED:
        return JobState(status=status, raw_status=raw)
    urls = data.image_urls()
    if not urls:
        # Inference: the document has no failure state; "finished" with no image at all is the only
        # way a failed generation can show through the documented fields, so it is reported as failed.
        return failed(ErrorKind.JOB_FAILED.value, "Jumdata finished the task without producing any image.", raw=raw)
    return JobState(status=status, images=[ImageData(url=url) for url in urls], raw_status=raw)


def state_from_query_error(error: ProviderError, handle: JobHandle, *, now: datetime | None = None) -> JobState | None:
    """A definitive answer about this job, or None when the error says nothing final (raise it: the job
    stays open). Retryable codes (500 maintenance, 606 quota, 609 too frequent, 999, …) land on None."""
    if isinstance(error, TaskNotFoundError):
        submitted = handle.submitted_at
        if submitted.tzinfo is None:  # a handle built by hand without a zone: stored times are UTC
            submitted = submitted.replace(tzinfo=UTC)
        age = (now or datetime.now(UTC)) - submitted
        if age < NEW_TASK_GRACE:
            return JobState(status=JobStatus.RUNNING, raw_status=str(error.code))
        return failed(
            ErrorKind.NOT_FOUND.value,
            "Jumdata no longer knows this task (it expired or was never created).",
            code=error.code,
        )
    if isinstance(error, ModerationError):
        # Inference: a 202 on a query means the finished images were withheld on content grounds.
        return failed(ErrorKind.MODERATION.value, error.user_message, code=error.code)
    return None
