"""A Picpik task (``ListTasksDetails`` entry) → the bot's ``JobState``, in one small table."""

from __future__ import annotations

from providers.core.base import failed
from providers.core.errors import ErrorKind
from providers.core.models import ImageData, JobKind, JobState, JobStatus
from providers.core.scrub import NO_SECRETS, Scrubber
from providers.picpik.models import TaskDetail

# Inference: the seeds do not document ``Status``; Picpik's public docs used these legacy values.
# Matched case-insensitively. Anything else counts as still running (never guess an end).
TASK_STATUS: dict[str, JobStatus] = {
    "queuing": JobStatus.QUEUED,
    "running": JobStatus.RUNNING,
    "finished": JobStatus.SUCCEEDED,
    "error": JobStatus.FAILED,
}

#: the longest part of a task's ErrorMessage kept as its failure reason
_MAX_REASON = 300


def job_status_of(status: str | None) -> JobStatus:
    return TASK_STATUS.get((status or "").strip().lower(), JobStatus.RUNNING)


def task_state(detail: TaskDetail, kind: JobKind, *, scrub: Scrubber = NO_SECRETS) -> JobState:
    """One observation of a task. Picpik gives no percentage, so ``progress`` stays None. The task's own
    ErrorMessage becomes the failure reason without the keys (``scrub``: the provider's, ``providers.core.scrub``)."""
    raw = detail.Status
    reason = scrub(detail.error_message, limit=_MAX_REASON)
    # Inference: a non-zero ErrorCode is a failure whatever Status says
    if detail.ErrorCode != 0:
        message = reason or f"Picpik reported error {detail.ErrorCode} for this task."
        return failed(ErrorKind.JOB_FAILED.value, message, code=detail.ErrorCode, raw=raw)
    status = job_status_of(raw)
    if status is JobStatus.FAILED:
        return failed(ErrorKind.JOB_FAILED.value, reason or "Picpik reported that the task failed.", raw=raw)
    if status is not JobStatus.SUCCEEDED:
        return JobState(status=status, raw_status=raw)
    images = [ImageData(url=url) for url in detail.ImgList if url]
    texts = [text.strip() for text in detail.TxtList if text and text.strip()]
    if kind is JobKind.DESCRIBE and not texts:
        return failed(ErrorKind.JOB_FAILED.value, "Picpik finished describing the image but sent no text.", raw=raw)
    if kind is not JobKind.DESCRIBE and not images:
        return failed(ErrorKind.JOB_FAILED.value, "Picpik finished the task but sent no images.", raw=raw)
    return JobState(status=JobStatus.SUCCEEDED, images=images, texts=texts, seed=detail.Seed, raw_status=raw)
