"""The Midjourney-style job API behind the bot's neutral ``Provider`` interface.

A job is followed by its *hash* (``JobHandle.job_id``). The handle's ``meta`` keeps the exact submit
(endpoint and body fields; a blend's chosen shape, sent only to a service that reads it) as plain JSON so 🔄 can
replay it after a restart. Variations need the parent's service-side ``job_id``, which only ``/jobs/find`` tells;
it is looked up when needed rather than cached in memory, so a ``ParentJob`` rebuilt from the database works the
same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, cast

from providers.core.base import Provider, ServiceSettings, failed
from providers.core.diagnosis import Diagnosis
from providers.core.errors import DecodeError, InvalidInputError, NotFoundError, ProviderError
from providers.core.models import (
    BlendDimensions,
    Capability,
    ImageData,
    ImagineRequest,
    JobHandle,
    JobKind,
    JobState,
    ParentJob,
    ProviderLimits,
)
from providers.core.validation import validate_imagine_request
from providers.midjourney.client import MidjourneyClient
from providers.midjourney.diagnose import page_findings
from providers.midjourney.find_walk import SUBMIT_SLACK_MS, Found
from providers.midjourney.models import Job, MidjourneyCredentials
from providers.midjourney.prompting import MODELS, SEED_MAX, blend_parameters, build_content
from providers.midjourney.settings import MidjourneySettings
from providers.midjourney.status import GRID_KINDS, job_state, not_listed_yet

#: how far the service's clock may be behind ours when deciding a job cannot be older than its submit
CLOCK_SLACK = timedelta(hours=1)
#: a job younger than this may not be listed yet: an unreadable entry near its submit may be another job's
INDEX_GRACE = timedelta(seconds=2)


class MidjourneyProvider(Provider):
    name: ClassVar[str] = "midjourney"
    display_name: ClassVar[str] = "Midjourney-style API"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.IMAGINE,
            Capability.UPSCALE,
            Capability.VARIATION,
            Capability.REMIX,
            Capability.REROLL,
            Capability.BLEND,
            Capability.DESCRIBE,
            Capability.PROGRESS,
        }
    )
    limits: ClassVar[ProviderLimits] = ProviderLimits(
        # Inference: the seed gives no prompt limit; Midjourney prompts fit in a Discord text input
        prompt_max_chars=4000,
        seed_min=0,
        seed_max=SEED_MAX,
        max_count=4,
        styles=MODELS,
        supports_negative_prompt=True,
        blend_min_images=2,
        blend_max_images=5,
    )
    returns_grid: ClassVar[bool] = True
    reports_percent: ClassVar[bool] = True
    settings_model: ClassVar[type[MidjourneySettings]] = MidjourneySettings
    credentials_model: ClassVar[type[MidjourneyCredentials]] = MidjourneyCredentials
    typical_job_seconds: ClassVar[float] = 60.0
    answers_many_per_call: ClassVar[bool] = True

    settings: MidjourneySettings
    credentials: MidjourneyCredentials

    def _setup(self) -> None:
        settings = cast(MidjourneySettings, self.settings)
        self.client = MidjourneyClient(
            self.transport,
            self.credentials,
            self.token_store,
            page_size=settings.find_page_size,
            max_pages=settings.find_max_pages,
        )

    @classmethod
    def blend_shapes(cls, settings: ServiceSettings | None) -> frozenset[BlendDimensions]:
        """The blend shapes this service can be told with ``settings``, which /blend offers: every one when the
        operator's service reads ``--ar`` after the links (``blend_reads_ar``); none otherwise, as the document has
        the links alone, so the service picks the shape."""
        reads_ar = isinstance(settings, MidjourneySettings) and settings.blend_reads_ar
        return frozenset(BlendDimensions) if reads_ar else frozenset()

    # --- validation -------------------------------------------------------------------------------
    def validate_imagine(self, request: ImagineRequest) -> None:
        validate_imagine_request(request, self.limits, self.display_name)
        if request.count != 4:
            raise InvalidInputError(
                f"{self.display_name} always makes a 2×2 grid of 4 images; you asked for {request.count}.",
                field="count",
                key="always_a_grid",
                values={"service": self.display_name, "count": request.count},
            )
        build_content(request)  # checks the aspect ratio and the options

    # --- capabilities -----------------------------------------------------------------------------
    async def imagine(self, request: ImagineRequest) -> JobHandle:
        self.validate_imagine(request)
        return await self._submit(JobKind.IMAGINE, {"endpoint": "create", "content": build_content(request)})

    async def reroll(self, parent: ParentJob) -> JobHandle:
        submit = dict(parent.handle.meta)
        if submit.get("endpoint") not in ("create", "blend", "variation"):
            if parent.request is None or parent.handle.kind not in (JobKind.IMAGINE, JobKind.REROLL):
                raise InvalidInputError(
                    "Only a grid (imagine, variation, remix or blend) can be rerolled.", key="reroll_needs_grid"
                )
            self.validate_imagine(parent.request)
            submit = {"endpoint": "create", "content": build_content(parent.request)}
        return await self._submit(JobKind.REROLL, submit)

    async def upscale(self, parent: ParentJob, index: int) -> JobHandle:
        self._require_grid_parent(parent, index)
        return await self._submit(
            JobKind.UPSCALE, {"endpoint": "upscale", "parent_hash": parent.handle.job_id, "grid_num": index}
        )

    async def variation(self, parent: ParentJob, index: int, prompt: str | None = None) -> JobHandle:
        self._require_grid_parent(parent, index)
        content = None
        if prompt is not None:
            content = " ".join(prompt.split())
            if not content:
                raise InvalidInputError(
                    "The remix prompt is empty; describe the change you want.", field="prompt", key="remix_prompt_empty"
                )
            if len(content) > self.limits.prompt_max_chars:
                raise InvalidInputError(
                    f"{self.display_name} accepts prompts of at most {self.limits.prompt_max_chars} characters; "
                    f"yours has {len(content)}.",
                    field="prompt",
                    key="prompt_too_long",
                    values={
                        "service": self.display_name,
                        "limit": self.limits.prompt_max_chars,
                        "length": len(content),
                    },
                )
        parent_id = await self._service_job_id(parent.handle)
        submit: dict[str, Any] = {"endpoint": "variation", "parent_id": parent_id, "grid_num": index}
        if content is not None:
            submit["content"] = content
        return await self._submit(JobKind.REMIX if content else JobKind.VARIATION, submit)

    async def blend(self, images: Sequence[ImageData], dimensions: BlendDimensions) -> JobHandle:
        low, high = self.limits.blend_min_images, self.limits.blend_max_images
        if not low <= len(images) <= high:
            raise InvalidInputError(
                f"Blend takes {low} to {high} images; you gave {len(images)}.",
                field="images",
                key="blend_image_count",
                values={"low": low, "high": high, "count": len(images)},
            )
        urls = [self._public_link(image, "Blend") for image in images]
        # the shape is kept even when it cannot be sent: a replay after the operator turns blend_reads_ar on sends it
        submit = {"endpoint": "blend", "urls": urls, "dimensions": BlendDimensions(dimensions).value}
        return await self._submit(JobKind.BLEND, submit)

    async def describe(self, image: ImageData) -> JobHandle:
        url = self._public_link(image, "Describe")
        return await self._submit(JobKind.DESCRIBE, {"endpoint": "describe", "content": url})

    # --- following jobs ---------------------------------------------------------------------------
    async def poll(self, handle: JobHandle) -> JobState:
        outcome = (await self.poll_many([handle]))[handle.job_id]
        if isinstance(outcome, ProviderError):
            raise outcome
        return outcome

    async def poll_many(self, handles: Sequence[JobHandle]) -> dict[str, JobState | ProviderError]:
        """One ``/jobs/find`` page usually answers for every open job; older pages only for the rest."""
        if not handles:
            return {}
        oldest_submit = min(handle.submitted_at for handle in handles)
        newest_submit = max(handle.submitted_at for handle in handles)
        asked_at = datetime.now(UTC)  # a job's age when the list was read, not when the walk ended
        try:
            found = await self.client.find_jobs(
                {handle.job_id for handle in handles},
                newer_than_ms=_epoch_ms(oldest_submit - CLOCK_SLACK),
                newest_submit_ms=_epoch_ms(newest_submit),
            )
        except ProviderError as error:
            return {handle.job_id: error for handle in handles}
        offset_ms = _clock_offset_ms(handles, found.jobs)
        states: dict[str, JobState | ProviderError] = {}
        for handle in handles:
            job = found.jobs.get(handle.job_id)
            if isinstance(job, ProviderError):
                states[handle.job_id] = job
            elif job is not None:
                states[handle.job_id] = job_state(job, handle.kind, scrub=self.client.scrub)
            else:
                states[handle.job_id] = self._not_found(handle, found.walk, offset_ms, asked_at)
        return states

    def _not_found(
        self, handle: JobHandle, walk: Found, offset_ms: int, asked_at: datetime
    ) -> JobState | ProviderError:
        """A job not among the entries read. When the walk could not get past an unreadable part, the poll could not
        be read. An entry the walk stepped over is most likely the job's own only when it lies where the job's entry
        would (from the start of its submit to a few seconds after, on the service's clock as the jobs found show
        it) and the job is old enough to be listed; else the job is not listed (yet)."""
        if walk.stopped_at is not None:
            return walk.stopped_at
        if asked_at - handle.submitted_at >= INDEX_GRACE:
            submit_ms = _epoch_ms(handle.submitted_at) + offset_ms
            earliest = submit_ms - int(self.settings.timeout_seconds * 1000) - SUBMIT_SLACK_MS
            unreadable = walk.unreadable_within(earliest, submit_ms + SUBMIT_SLACK_MS)
            if unreadable is not None:
                return unreadable
        return self._unlisted(handle)

    async def check_credentials(self) -> None:
        await self.client.login()

    async def diagnose(self) -> Diagnosis:
        """Keys, then ONE ``/jobs/find`` page (free): whether the service caps its pages, which status values it
        lists, where finished describe jobs keep their prompts; whether blends read ``--ar`` needs a billed blend,
        so it is never tried (``diagnose.page_findings``)."""
        diagnosis = Diagnosis(service=self.name)
        await self._diagnose_keys(diagnosis)
        if not diagnosis.keys_accepted:
            return diagnosis
        asked = self.client.page_size
        try:
            page = await self.client.find(limit=asked)
        except DecodeError as error:  # an entry the bot cannot read: polls step over it, so the service is usable
            diagnosis.findings.extend(page_findings(asked, None, self.settings, unreadable=str(error)))
        except ProviderError as error:
            diagnosis.problem = f"/jobs/find failed, so no job can be followed: {error}"
            diagnosis.findings.extend(page_findings(asked, None, self.settings, unreadable=str(error)))
        else:
            diagnosis.findings.extend(page_findings(asked, page, self.settings))
        return diagnosis

    # --- helpers ----------------------------------------------------------------------------------
    async def _submit(self, kind: JobKind, submit: dict[str, Any]) -> JobHandle:
        """Send one documented submit (also what 🔄 replays) and return the handle for its hash."""
        endpoint = submit.get("endpoint")
        if endpoint == "create":
            job_hash = await self.client.create(str(submit["content"]))
        elif endpoint == "blend":
            job_hash = await self.client.blend([str(url) for url in submit["urls"]], self._blend_parameters(submit))
        elif endpoint == "variation":
            job_hash = await self.client.variation(
                str(submit["parent_id"]), int(submit["grid_num"]), submit.get("content")
            )
        elif endpoint == "upscale":
            job_hash = await self.client.upscale(str(submit["parent_hash"]), int(submit["grid_num"]))
        elif endpoint == "describe":
            job_hash = await self.client.describe(str(submit["content"]))
        else:
            raise InvalidInputError("This job cannot be repeated.", key="job_cannot_be_repeated")
        return JobHandle(provider=self.name, kind=kind, job_id=job_hash, meta=submit)

    def _blend_parameters(self, submit: Mapping[str, Any]) -> str | None:
        """What follows a blend's links: the shape's ``--ar``, only for a service that reads it (``blend_reads_ar``);
        a handle stored before shapes were kept names the parameter itself."""
        if not self.settings.blend_reads_ar:
            return None
        if "dimensions" not in submit:
            stored = submit.get("parameters")
            return str(stored) if stored else None
        try:
            return blend_parameters(BlendDimensions(submit["dimensions"]))
        except ValueError:
            return None

    def _require_grid_parent(self, parent: ParentJob, index: int) -> None:
        if parent.handle.kind not in GRID_KINDS:
            raise InvalidInputError(
                f"Only a grid can be upscaled or varied; this is a {parent.handle.kind.value} result.",
                field="index",
                key="upscale_needs_grid",
                values={"kind": parent.handle.kind.value},
            )
        if isinstance(index, bool) or not 1 <= index <= 4:
            raise InvalidInputError(
                f"Choose an image of the grid from 1 to 4 (1 top-left … 4 bottom-right); you gave {index}.",
                field="index",
                key="grid_image_out_of_range",
                values={"index": index},
            )

    async def _service_job_id(self, handle: JobHandle) -> str:
        """The parent's ``job_id`` (what /jobs/variation wants), read from its job object."""
        job = await self.client.find_job(handle.job_id, newer_than_ms=_epoch_ms(handle.submitted_at - CLOCK_SLACK))
        if job is None or not job.job_id:
            raise NotFoundError(
                "The service no longer lists the original job, so it cannot be varied.", provider=self.name
            )
        return job.job_id

    def _public_link(self, image: ImageData, action: str) -> str:
        if image.url and image.url.startswith(("http://", "https://")):
            return image.url
        raise InvalidInputError(
            f"{action} on {self.display_name} needs each image as a public link (e.g. a Discord attachment); "
            "an uploaded file without a link cannot be sent.",
            field="images",
            key="blend_needs_links" if action == "Blend" else "describe_needs_link",
            values={"action": action, "service": self.display_name},
        )

    def _unlisted(self, handle: JobHandle) -> JobState:
        # a fresh job may not be indexed yet: queued until the job's own timeout, then reported
        age = datetime.now(UTC) - handle.submitted_at
        if age.total_seconds() > self.settings.job_timeout_seconds:
            return failed("not_found", "The service never listed this job; it was probably not created.")
        return not_listed_yet()


def _clock_offset_ms(handles: Sequence[JobHandle], jobs: Mapping[str, Job | DecodeError]) -> int:
    """How far the service's timestamps run ahead of the bot's submits (the median over the jobs found; 0 when
    none was): where an unlisted job's entry would be."""
    offsets = sorted(
        stamp - _epoch_ms(handle.submitted_at)
        for handle in handles
        if isinstance(job := jobs.get(handle.job_id), Job) and (stamp := job.timestamp_ms) is not None
    )
    return offsets[len(offsets) // 2] if offsets else 0


def _epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
