"""Job object → ``JobState``: the one place that interprets ``status`` (nothing public documents it).

# Inference: everything below is read from a single finished sample (status 2000, ``img_buffer``
# set, ``error: "altered prompt"``). A later fix is a change to this table only.
"""

from __future__ import annotations

from providers.core.base import failed
from providers.core.models import ImageData, JobKind, JobState, JobStatus
from providers.core.scrub import NO_SECRETS, Scrubber
from providers.core.unknown_values import report_unknown
from providers.midjourney.models import Job
from providers.midjourney.prompting import describe_prompts, numbered

SERVICE = "midjourney"
#: the field name under which an unknown status value is reported (``providers.core.unknown_values``)
STATUS_FIELD = "job status"

#: the only status ever seen, on a finished job; every other value (null aside) is reported as unknown
FINISHED = 2000
# Inference (nothing public documents a failure): a job is failed only when all three say so: a status of 4000 and up
# or below 0, an ``error`` text that is not a known note, and no result image. Any one missing keeps the job open
# until its deadline (the status reported): a lone ``error`` is NOT a failure (the finished sample carries "altered
# prompt"), nor is an unknown status alone, nor a high status on a job that already has its image.
FAILED_FROM = 4000
#: ``error`` texts that are notes on a job, not failures (matched without case, anywhere in the text)
NOT_FAILURE_NOTES = ("altered prompt",)
#: the longest part of a job's ``error`` kept as its failure reason
_MAX_REASON = 300

#: kinds whose result is one 2×2 grid image composed by the service
GRID_KINDS = frozenset({JobKind.IMAGINE, JobKind.REROLL, JobKind.VARIATION, JobKind.REMIX, JobKind.BLEND})

# Inference: where a finished describe job's prompts are, in the order looked for. ``description`` most likely (with
# ``description_translation`` its translation), but nothing documents it; a service may fill only the translation,
# or put the prompts in the message text. The message fields otherwise hold the job's own input (the image link),
# so there only a numbered list (1️⃣ … as Midjourney numbers them) counts as prompts.
DESCRIBE_FIELDS = ("description", "description_translation", "msg_content", "msg_display")
_NUMBERED_ONLY = frozenset({"msg_content", "msg_display"})


def is_known(status: int | None) -> bool:
    """Whether ``status`` is one the bot knows: finished (the documented 2000), or nothing known yet (null)."""
    return status is None or status == FINISHED


def is_failed(job: Job) -> bool:
    """The bot's reading of a failed job (see ``FAILED_FROM``): status, error text and no result, all three."""
    if job.status is None or not (job.status >= FAILED_FROM or job.status < 0):
        return False
    note = " ".join((job.error or "").split()).lower()
    if not note or any(known in note for known in NOT_FAILURE_NOTES):
        return False
    return not (job.img_buffer or job.original_url)


def job_state(job: Job, kind: JobKind, *, scrub: Scrubber = NO_SECRETS) -> JobState:
    """The state of one job as the bot sees it; a failed job's ``error`` without the password or the login token
    (``scrub``: the client's, ``providers.core.scrub``)."""
    raw = None if job.status is None else str(job.status)
    if not is_known(job.status):
        report_unknown(SERVICE, STATUS_FIELD, job.status)  # kept open until the job's own timeout, unless failed
    if is_failed(job):
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


def describe_result(job: Job) -> tuple[str, list[str]] | None:
    """The field holding a describe job's prompts (``DESCRIBE_FIELDS``) and the prompts; None when none does."""
    for name in DESCRIBE_FIELDS:
        text = getattr(job, name)
        if not isinstance(text, str) or _only_links(text) or (name in _NUMBERED_ONLY and not numbered(text)):
            continue
        prompts = describe_prompts(text)
        if prompts:
            return name, prompts
    return None


def _only_links(text: str) -> bool:
    return all(word.startswith(("http://", "https://")) for word in text.split())


def _finished_state(job: Job, kind: JobKind, raw: str | None) -> JobState | None:
    if kind is JobKind.DESCRIBE:
        found = describe_result(job)
        if found is None:  # kept open until its timeout; which fields had text tells where the prompts may be
            texts = [name for name in DESCRIBE_FIELDS if getattr(job, name)] or ["none"]
            report_unknown(SERVICE, "finished describe job's text fields", ", ".join(texts))
            return None
        return JobState(status=JobStatus.SUCCEEDED, progress=100.0, texts=found[1], raw_status=raw)
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
    # ``img_prog`` is a plain-http link on the service's own address: an image the bot fetches (``download``) and
    # attaches, never a link to show a member
    preview = ImageData(url=job.img_prog) if job.img_prog else None
    progress = None if job.pct_prog is None else max(0.0, min(100.0, float(job.pct_prog)))
    # Inference: before a job has progress or a preview it is waiting for a worker
    if not progress and preview is None:
        return JobState(status=JobStatus.QUEUED, progress=progress, raw_status=raw)
    return JobState(status=JobStatus.RUNNING, progress=progress, preview=preview, raw_status=raw)
