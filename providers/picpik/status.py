"""A Picpik task (``ListTasksDetails`` entry) → the bot's ``JobState``, decided on evidence, not on the ``Status`` word.

Picpik's current documents type ``Status`` only as "String" and list no values; only the deprecated
``ListGenerateTaskDetail`` listed ``Queuing`` / ``Running`` / ``Finished`` / ``Error``. So the word is never what
finishes a job:

* failed: a non-zero ``ErrorCode`` (documented: 0 = no error), or a word that says the task failed;
* finished: ``ErrorCode`` 0 with its results there (``ImgList``; ``TxtList`` for a describe), whatever the word,
  unless the word plainly says the task is still queued or running (a task filling its ``ImgList`` image by image
  must not be delivered half done);
* running (or queued, when the word says so) otherwise: a word that says "finished" with no results yet is not
  taken as an end, and the job's own timeout still applies.

The words only tell queued from running and name failures. A word not in ``TASK_STATUS`` is reported once per
process (``providers.core.unknown_values``) and counted, and changes nothing else.
"""

from __future__ import annotations

from providers.core.base import failed
from providers.core.errors import ErrorKind
from providers.core.models import ImageData, JobKind, JobState, JobStatus
from providers.core.scrub import NO_SECRETS, Scrubber
from providers.core.unknown_values import report_unknown
from providers.picpik.models import TaskDetail

#: the field name under which an unknown word is reported
STATUS_FIELD = "ListTasksDetails Status"

# Inference: the legacy words of ``ListGenerateTaskDetail`` and the usual words of task APIs. Matched without case,
# spaces, "-" or "_". SUCCEEDED words are listed only so they count as known: a finished word alone ends nothing.
TASK_STATUS: dict[str, JobStatus] = {
    **dict.fromkeys(("queuing", "queued", "pending", "waiting", "created", "submitted"), JobStatus.QUEUED),
    **dict.fromkeys(("running", "processing", "inprogress", "generating", "started"), JobStatus.RUNNING),
    **dict.fromkeys(
        ("finished", "success", "succeeded", "succeed", "successful", "done", "completed", "complete"),
        JobStatus.SUCCEEDED,
    ),
    **dict.fromkeys(("error", "failed", "fail", "failure", "cancelled", "canceled"), JobStatus.FAILED),
}
#: words that say plainly the task has not finished: results already listed are not taken as the end
_IN_PROGRESS = frozenset({JobStatus.QUEUED, JobStatus.RUNNING})

#: the longest part of a task's ErrorMessage kept as its failure reason
_MAX_REASON = 300


def _normalized(status: str) -> str:
    return "".join(status.split()).replace("-", "").replace("_", "").lower()


def word_reading(status: str | None) -> JobStatus | None:
    """What a known ``Status`` word says; None for no word or one the bot does not know (nothing reported)."""
    return TASK_STATUS.get(_normalized(status or ""))


def is_known_word(status: str | None) -> bool:
    """Whether ``status`` is empty or a word in ``TASK_STATUS``."""
    return not (status or "").strip() or word_reading(status) is not None


def read_word(status: str | None) -> JobStatus | None:
    """``word_reading``, reporting a word the bot does not know (once per process, counted)."""
    if not is_known_word(status):
        report_unknown("picpik", STATUS_FIELD, status)
    return word_reading(status)


def task_state(detail: TaskDetail, kind: JobKind, *, scrub: Scrubber = NO_SECRETS) -> JobState:
    """One observation of a task. Picpik gives no percentage, so ``progress`` stays None. The task's own
    ErrorMessage becomes the failure reason without the keys (``scrub``: the provider's, ``providers.core.scrub``)."""
    raw = detail.Status
    word = read_word(raw)
    reason = scrub(detail.error_message, limit=_MAX_REASON)
    if detail.ErrorCode != 0:
        message = reason or f"Picpik reported error {detail.ErrorCode} for this task."
        return failed(ErrorKind.JOB_FAILED.value, message, code=detail.ErrorCode, raw=raw)
    if word is JobStatus.FAILED:
        return failed(ErrorKind.JOB_FAILED.value, reason or "Picpik reported that the task failed.", raw=raw)
    images = [ImageData(url=url) for url in detail.ImgList if url]
    texts = [text.strip() for text in detail.TxtList if text and text.strip()]
    results = texts if kind is JobKind.DESCRIBE else images
    if results and word not in _IN_PROGRESS:
        return JobState(status=JobStatus.SUCCEEDED, images=images, texts=texts, seed=detail.Seed, raw_status=raw)
    return JobState(status=JobStatus.QUEUED if word is JobStatus.QUEUED else JobStatus.RUNNING, raw_status=raw)
