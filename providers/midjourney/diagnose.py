"""What one free ``/jobs/find`` page tells ``python -m bot doctor`` about the contested readings of this service.

``MidjourneyProvider.diagnose`` logs in and asks for ONE page of the account's jobs; everything here is read from
that page. Nothing is submitted: whether a blend reads ``--ar`` could only be learnt from a billed blend, so that
finding always says it cannot tell, and names the setting.
"""

from __future__ import annotations

from collections import Counter

from providers.core.diagnosis import Finding, Verdict
from providers.core.unknown_values import report_unknown
from providers.midjourney.find_walk import capped_page
from providers.midjourney.models import FindPage, Job
from providers.midjourney.settings import MidjourneySettings
from providers.midjourney.status import (
    DESCRIBE_FIELDS,
    FAILED_FROM,
    FINISHED,
    SERVICE,
    STATUS_FIELD,
    describe_result,
    is_known,
)

PAGE_CAP = "midjourney.page_cap"
STATUS_VALUES = "midjourney.status_values"
DESCRIBE_FIELD = "midjourney.describe_field"
BLEND_AR = "midjourney.blend_ar"

_PAGE_READING = "a /jobs/find page may hold fewer entries than asked; the bot pages on until `total` or an empty page"
_STATUS_READING = (
    f"status {FINISHED} is finished (the only documented value), 4000 and up or negative is failed with the reason "
    "in `error`; any other value keeps the job open until its deadline"
)
_DESCRIBE_READING = (
    "a finished describe job's prompts are in `description`; `description_translation`, then a numbered "
    "`msg_content` / `msg_display`, are read when it is empty"
)
_BLEND_SETTING = "MIDJOURNEY_BLEND_READS_AR"


def page_findings(
    asked: int, page: FindPage | None, settings: MidjourneySettings, *, unreadable: str | None = None
) -> list[Finding]:
    """The findings of one page asked with ``limit=asked`` (None: it could not be read, ``unreadable`` says why)."""
    if page is None:
        saw = f"the first /jobs/find page could not be read: {unreadable or 'no answer'}"
        return [
            Finding(PAGE_CAP, _PAGE_READING, Verdict.UNKNOWN, saw),
            Finding(STATUS_VALUES, _STATUS_READING, Verdict.UNKNOWN, saw),
            Finding(DESCRIBE_FIELD, _DESCRIBE_READING, Verdict.UNKNOWN, saw),
            blend_ar_finding(settings),
        ]
    jobs = [job for job in page.by_hash().values() if isinstance(job, Job)]
    return [page_cap_finding(asked, page), status_finding(jobs), describe_finding(jobs), blend_ar_finding(settings)]


def page_cap_finding(asked: int, page: FindPage) -> Finding:
    count, total = len(page.entries), page.total
    if (cap := capped_page(asked, page)) is not None:
        saw = f"asked for {asked} jobs, got {cap} while `total` says {total}: the service caps its pages at {cap}"
        return Finding(PAGE_CAP, _PAGE_READING, Verdict.CONFIRMED, saw)
    if count >= asked:
        saw = f"asked for {asked} jobs, got a full page of {count} (`total` {total})"
        return Finding(PAGE_CAP, _PAGE_READING, Verdict.CONFIRMED, saw)
    if total is None:
        saw = f"asked for {asked} jobs, got {count} and no `total`: a cap cannot be told from the end of the list"
        return Finding(PAGE_CAP, _PAGE_READING, Verdict.UNKNOWN, saw)
    saw = f"the account lists {count} jobs (`total` {total}), fewer than the {asked} asked for: a cap would not show"
    return Finding(PAGE_CAP, _PAGE_READING, Verdict.UNKNOWN, saw)


def status_finding(jobs: list[Job]) -> Finding:
    seen = Counter(job.status for job in jobs)
    if not seen:
        return Finding(STATUS_VALUES, _STATUS_READING, Verdict.UNKNOWN, "no job on the first /jobs/find page")
    shown = ", ".join(f"{status} ×{count}" for status, count in seen.most_common())
    unknown = sorted(status for status in seen if not is_known(status))
    if not unknown:
        return Finding(STATUS_VALUES, _STATUS_READING, Verdict.CONFIRMED, f"status values seen: {shown}")
    notes = []
    for status in unknown:
        report_unknown(SERVICE, STATUS_FIELD, status)
        with_result = sum(1 for job in jobs if job.status == status and (job.img_buffer or job.original_url))
        notes.append(f"{status} ({with_result} of {seen[status]} with a result image)")
    saw = (
        f"status values seen: {shown}; not known to the bot: {', '.join(notes)} (kept open until the job's deadline, "
        f"failed only when {FAILED_FROM} and up or below 0 with an error text and no result image)"
    )
    return Finding(STATUS_VALUES, _STATUS_READING, Verdict.UNKNOWN, saw)


def describe_finding(jobs: list[Job]) -> Finding:
    finished = [job for job in jobs if (job.job_type or "").lower() == "describe" and job.status == FINISHED]
    if not finished:
        return Finding(DESCRIBE_FIELD, _DESCRIBE_READING, Verdict.UNKNOWN, "no finished describe job on the page")
    places = Counter((found[0] if (found := describe_result(job)) else None) for job in finished)
    missing = places.pop(None, 0)
    if places:
        where = ", ".join(f"`{field}` on {count}" for field, count in places.most_common())
        saw = f"prompts found in {where} of {len(finished)} finished describe job(s)"
        if missing:
            saw += f"; {missing} had them in no field the bot reads"
        return Finding(DESCRIBE_FIELD, _DESCRIBE_READING, Verdict.CONFIRMED, saw)
    texts = sorted({name for job in finished for name in DESCRIBE_FIELDS if getattr(job, name)}) or ["none"]
    saw = (
        f"{len(finished)} finished describe job(s), none with prompts where the bot reads them "
        f"(fields with text: {', '.join(texts)}): /describe results would never arrive"
    )
    return Finding(DESCRIBE_FIELD, _DESCRIBE_READING, Verdict.REFUTED, saw)


def blend_ar_finding(settings: MidjourneySettings) -> Finding:
    if settings.blend_reads_ar:
        reading = "/jobs/blend reads `--ar W:H` after the links: /blend offers shapes and sends the chosen one"
        setting = f"{_BLEND_SETTING}=false"
    else:
        reading = "/jobs/blend's content is the links alone: /blend offers no shape and the service picks it"
        setting = f"{_BLEND_SETTING}=true"
    saw = "only a billed blend would show it, and doctor sends none"
    return Finding(BLEND_AR, reading, Verdict.UNKNOWN, saw, setting)
