"""Job object → ``JobState``: the one place that interprets ``status`` (nothing public documents it).

# Inference: everything below is read from a single finished sample (status 2000, ``img_buffer``
# set, ``error: "altered prompt"``). A later fix is a change to this table only.
"""

from __future__ import annotations

from providers.core.base import failed
from providers.core.models import ImageData, JobKind, JobState, JobStatus
from providers.core.scrub import NO_SECRETS, Scrubber
from providers.midjourney.models import Job
from providers.midjourney.prompting import describe_prompts

#: the only status ever seen, on a finished job
FINISHED = 2000
# Inference: we declare (and the emulator follows) that a failed job carries a status >= 4000 or a
# negative one, with the reason in ``error``. A lone ``error`` text is NOT a failure: the finished
# sample carries "altered prompt".
FAILED_FROM = 4000
#: the longest part of a job's ``error`` kept as its failure reason
_MAX_REASON = 300

#: kinds whose result is one 2×2 grid image composed by the service
GRID_KINDS = frozenset({JobKind.IMAGINE, JobKind.REROLL, JobKind.VARIATION, JobKind.REMIX, JobKind.BLEND})


def is_failed(status: int | None) -> bool:
    return status is not None and (status >= FAILED_FROM or status < 0)


def job_state(job: Job, kind: JobKind, *, scrub: Scrubber = NO_SECRETS) -> JobState:
    """The state of one job as the bot sees it; a failed job's ``error`` without the password or the login token
    (``scrub``: the client's, ``providers.core.scrub``)."""
    raw = None if job.status is None else str(job.status)
    if is_failed(job.status):
        reason = scrub(job.error, limit=_MAX_REASON, default="The service reported that the job failed.")
        return failed("job_failed", reason, code=job.status, raw=raw)
    if job.status == FINISHED:
        finished = _finished_state(job, kind, raw)
        if finished is not None:
            return finished
        # Inference: 2000 without the result yet (upload still running) → keep polling
    return _open_state(job, raw)


def not_listed_yet() -> JobState:
    """A job ``/jobs/find`` does not list (yet): it may not be indexed so soon after the submit."""
    return JobState(status=JobStatus.QUEUED, raw_status=None)


def _finished_state(job: Job, kind: JobKind, raw: str | None) -> JobState | None:
    if kind is JobKind.DESCRIBE:
        # Inference: describe results arrive in ``description`` (numbered 1️⃣…4️⃣ as Midjourney does)
        texts = describe_prompts(job.description or "")
        return JobState(status=JobStatus.SUCCEEDED, progress=100.0, texts=texts, raw_status=raw) if texts else None
    link = job.img_buffer or job.original_url
    if not link:
        return None
    image = ImageData(url=link, content_type="image/png", width=job.img_width, height=job.img_height)
    return JobState(
        status=JobStatus.SUCCEEDED,
        progress=100.0,
        images=[image],
        is_grid=kind in GRID_KINDS,
        raw_status=raw,
    )


def _open_state(job: Job, raw: str | None) -> JobState:
    preview = ImageData(url=job.img_prog) if job.img_prog else None
    progress = None if job.pct_prog is None else max(0.0, min(100.0, float(job.pct_prog)))
    # Inference: before a job has progress or a preview it is waiting for a worker
    if not progress and preview is None:
        return JobState(status=JobStatus.QUEUED, progress=progress, raw_status=raw)
    return JobState(status=JobStatus.RUNNING, progress=progress, preview=preview, raw_status=raw)
