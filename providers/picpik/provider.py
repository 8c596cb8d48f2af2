"""Picpik behind the bot's neutral ``Provider`` interface.

* /imagine: ``GenerateImages`` with ``BatchSize`` 4; Picpik returns separate images, the bot composes the grid.
* U1–U4: the chosen image at full size is already there, so no service call: the handle carries the image
  and ``poll`` answers at once.
* V1–V4 and remix: ``GenerateImages`` again with ``Image2Image`` on the chosen image (its bytes, base64).
* 🔄: the same parameters with ``Seed`` -1. /describe: ``DescribeImages``; the prompts come in ``TxtList``.
* Jobs are followed with ``ListTasksDetails``, ``PICPIK_TASK_IDS_PER_CALL`` TaskUIDs per call (``poll_round.py``: a
  reply that cannot be read, a call refused as a whole, a service that answers garbage; ``batch_limit.py``: a limit
  Picpik names). A task's state is decided on its ``ErrorCode`` and results, not its ``Status`` word (``status.py``).
* The app actions (``/picpik-app``) go to ``PICPIK_APP_BASE_URL``, the generation host unless set.
* ``diagnose`` (``python -m bot doctor``) checks those three readings with free calls (``diagnose.py``).
* A billed submit whose answer times out is looked for in ``ListRunningTasks`` before it is reported as of
  unknown outcome; it is never sent again (``submit_check.py``).

Picpik keeps generated images for 24 hours only; the bot copies them to Discord and never relies on the URL.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from providers.core.base import Provider, ServiceSettings
from providers.core.diagnosis import Diagnosis
from providers.core.errors import DecodeError, InvalidInputError, ProviderError
from providers.core.models import (
    Capability,
    ImageData,
    ImagineRequest,
    JobHandle,
    JobKind,
    JobState,
    JobStatus,
    ModelOption,
    ParentJob,
    ProviderLimits,
)
from providers.core.unknown_values import report_unknown_shape, shape_problem
from providers.picpik.batch_limit import ids_per_call, learn_limit
from providers.picpik.client import PicpikClient
from providers.picpik.credentials import PicpikCredentials
from providers.picpik.diagnose import diagnose_readings
from providers.picpik.generation_rules import SEED_MAX, SEED_MIN, SIZE_MAX, SIZE_MIN, check_generate_request
from providers.picpik.mapping import generation_params, parse_options
from providers.picpik.media import to_base64, to_data_uri
from providers.picpik.models import GenerateImagesRequest, TaskDetail
from providers.picpik.poll_round import PollRound, Suspects, TaskRefused
from providers.picpik.settings import PicpikSettings
from providers.picpik.status import task_state
from providers.picpik.submit_check import SubmitCheck

log = logging.getLogger(__name__)


class PicpikProvider(Provider):
    name: ClassVar[str] = "picpik"
    display_name: ClassVar[str] = "Picpik"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.IMAGINE,
            Capability.UPSCALE,
            Capability.VARIATION,
            Capability.REMIX,
            Capability.REROLL,
            Capability.DESCRIBE,
            Capability.PROGRESS,
        }
    )
    limits: ClassVar[ProviderLimits] = ProviderLimits(
        # Inference: Picpik publishes no prompt length limit; 2000 characters keeps requests reasonable
        prompt_max_chars=2000,
        min_size=SIZE_MIN,
        max_size=SIZE_MAX,
        seed_min=SEED_MIN,
        seed_max=SEED_MAX,
        # BatchSize goes to 16, but the bot shows a 2×2 grid
        max_count=4,
        supports_negative_prompt=True,
    )
    returns_grid: ClassVar[bool] = False
    reports_percent: ClassVar[bool] = False
    settings_model: ClassVar[type[ServiceSettings]] = PicpikSettings
    credentials_model: ClassVar[type[BaseModel]] = PicpikCredentials
    typical_job_seconds: ClassVar[float] = 20.0
    answers_many_per_call: ClassVar[bool] = True

    settings: PicpikSettings

    def _setup(self) -> None:
        #: the raw Platform API (the admin console uses the app actions)
        self.client = PicpikClient(self.transport, self.credentials, app_url=self.settings.app_actions_url())
        #: billed submits: a timed-out one is looked for among the running tasks before it is called unknown
        self.submits = SubmitCheck(self.client)
        #: tasks whose own ListTasksDetails answer could not be read lately: asked alone, not in the batches
        self._suspects = Suspects()

    def validate_imagine(self, request: ImagineRequest) -> None:
        super().validate_imagine(request)
        parse_options(request.options)

    async def model_options(self) -> list[ModelOption]:
        """The main models ``ListModels`` offers. The value is the ``ModelCode`` (what ``MainModel`` takes),
        the label the model's ``Name`` (the key of its entry when the entry has none)."""
        listed = await self.client.list_models()
        options: dict[str, ModelOption] = {}
        for key, model in listed.MainModels.items():
            code = model.ModelCode.strip()
            if code and code not in options:
                options[code] = ModelOption(value=code, label=(model.Name or key or code).strip() or code)
        return list(options.values())

    # --- jobs that call the service ----------------------------------------------------------------
    async def imagine(self, request: ImagineRequest) -> JobHandle:
        self.validate_imagine(request)
        params = self._params_for(request)
        strength = parse_options(request.options).refer_strength
        return await self._generate(JobKind.IMAGINE, params, refer_strength=strength)

    async def variation(self, parent: ParentJob, index: int, prompt: str | None = None) -> JobHandle:
        image = self._pick(parent, index)
        params = self._params_of(parent)
        kind = JobKind.VARIATION
        if prompt is not None:
            params["PositivePrompts"] = [self._checked_prompt(prompt)]
            kind = JobKind.REMIX
        params["Seed"] = -1
        default = self.settings.remix_refer_strength if prompt else self.settings.variation_refer_strength
        chosen = parent.handle.meta.get("refer_strength")
        source = {"url": image.url, "strength": _float_or(chosen, default)}
        data = await self.download(image)
        return await self._generate(kind, params, source=source, image=data, refer_strength=_float_or(chosen, None))

    async def reroll(self, parent: ParentJob) -> JobHandle:
        params = self._params_of(parent)
        params["Seed"] = -1
        chosen = _float_or(parent.handle.meta.get("refer_strength"), None)
        source = parent.handle.meta.get("source")
        if not isinstance(source, dict):
            return await self._generate(JobKind.REROLL, params, refer_strength=chosen)
        if not isinstance(source.get("url"), str):
            raise InvalidInputError(
                "That job cannot be re-rolled: the image it started from is no longer known.",
                key="reroll_image_unknown",
            )
        data = await self._fetch(source["url"])
        return await self._generate(JobKind.REROLL, params, source=source, image=data, refer_strength=chosen)

    async def describe(self, image: ImageData) -> JobHandle:
        data = await self.download(image)
        uris = [to_data_uri(data, image.content_type)]
        language = self.settings.describe_language
        task_uid = await self.submits.submit(
            "DescribeImages", lambda: self.client.describe_images(uris, translate_description=language)
        )
        return JobHandle(provider=self.name, kind=JobKind.DESCRIBE, job_id=task_uid)

    async def _generate(
        self,
        kind: JobKind,
        params: dict[str, Any],
        *,
        source: dict[str, Any] | None = None,
        image: bytes | None = None,
        refer_strength: float | None = None,
    ) -> JobHandle:
        body = copy.deepcopy(params)
        if source is not None and image is not None:
            body["ImageAndMaskList"] = [to_base64(image)]
            strength = _float_or(source.get("strength"), self.settings.variation_refer_strength)
            body["Image2Image"] = {"ImageIndex": 0, "ReferStrength": round(strength or 0.0, 2)}
        try:
            request = GenerateImagesRequest.model_validate(body)
        except ValidationError as exc:
            raise InvalidInputError(
                "The settings of the original job could not be read back.", key="settings_unreadable"
            ) from exc
        check_generate_request(request)  # before the running-task check: a refused request costs no call
        task_uid = await self.submits.submit("GenerateImages", lambda: self.client.generate_images(request))
        meta: dict[str, Any] = {"params": params}
        if source is not None:
            meta["source"] = source
        if refer_strength is not None:
            meta["refer_strength"] = refer_strength
        return JobHandle(provider=self.name, kind=kind, job_id=task_uid, meta=meta)

    def _params_of(self, parent: ParentJob) -> dict[str, Any]:
        """The parent's GenerateImages parameters (kept in its handle), else rebuilt from its request."""
        params = parent.handle.meta.get("params")
        if isinstance(params, dict):
            return copy.deepcopy(params)
        if parent.request is not None:
            self.validate_imagine(parent.request)
            return self._params_for(parent.request)
        raise InvalidInputError("That job cannot be repeated: its settings were not kept.", key="settings_not_kept")

    def _params_for(self, request: ImagineRequest) -> dict[str, Any]:
        return generation_params(request, default_model=self.settings.default_model, long_side=self.settings.long_side)

    def _checked_prompt(self, prompt: str) -> str:
        text = prompt.strip()
        if not text:
            raise InvalidInputError(
                "The new prompt is empty; describe what you want to see.", field="prompt", key="new_prompt_empty"
            )
        if len(text) > self.limits.prompt_max_chars:
            raise InvalidInputError(
                f"Picpik accepts prompts of at most {self.limits.prompt_max_chars} characters; yours has {len(text)}.",
                field="prompt",
                key="prompt_too_long",
                values={"service": "Picpik", "limit": self.limits.prompt_max_chars, "length": len(text)},
            )
        return text

    # --- U1–U4: no service call ---------------------------------------------------------------------
    async def upscale(self, parent: ParentJob, index: int) -> JobHandle:
        image = self._pick(parent, index)
        if image.url is None and image.data is None:
            raise InvalidInputError("That image can no longer be found.", field="index", key="image_gone")
        # the link is enough (and keeps the handle small); bytes only when there is no link
        kept = image.model_dump(mode="json", exclude_none=True, exclude={"data"} if image.url else None)
        return JobHandle(
            provider=self.name,
            kind=JobKind.UPSCALE,
            job_id=f"{parent.handle.job_id}#U{index}",
            meta={"image": kept, "parent_job_id": parent.handle.job_id, "index": index},
        )

    @staticmethod
    def _upscaled(handle: JobHandle) -> JobState:
        try:
            image = ImageData.model_validate(handle.meta["image"])
        except (KeyError, ValidationError) as exc:
            raise InvalidInputError("That upscale no longer knows its image.", key="upscale_image_unknown") from exc
        return JobState(status=JobStatus.SUCCEEDED, images=[image], raw_status="local")

    # --- following jobs -----------------------------------------------------------------------------
    async def poll(self, handle: JobHandle) -> JobState:
        if handle.kind is JobKind.UPSCALE:
            return self._upscaled(handle)
        return self._state_for(handle, await self._poll_round().run([handle.job_id]))

    async def poll_many(self, handles: Sequence[JobHandle]) -> dict[str, JobState | ProviderError]:
        """One ``ListTasksDetails`` call per ``ids_per_call`` tasks (a few more, capped, when a reply cannot be read
        or a call is refused as a whole: ``poll_round``); upscales are answered locally."""
        results: dict[str, JobState | ProviderError] = {}
        remote: dict[str, JobHandle] = {}
        for handle in handles:
            if handle.kind is JobKind.UPSCALE:
                try:
                    results[handle.job_id] = self._upscaled(handle)
                except ProviderError as error:
                    results[handle.job_id] = error
            else:
                remote[handle.job_id] = handle
        details = await self._poll_round().run(list(remote))
        for job_id, handle in remote.items():
            try:
                results[job_id] = self._state_for(handle, details)
            except ProviderError as error:
                results[job_id] = error
        return results

    async def task_details(self, task_uids: Sequence[str]) -> Mapping[str, TaskDetail | TaskRefused | ProviderError]:
        """The details of these tasks as a poll round gets them (narrowed down when unreadable or refused)."""
        return await self._poll_round().run(list(task_uids))

    def ids_per_call(self) -> int:
        """TaskUIDs per ``ListTasksDetails`` call: the setting, or a smaller limit Picpik named in this process."""
        return ids_per_call(self.settings.base_url, self.settings.task_ids_per_call)

    def _poll_round(self) -> PollRound:
        host = self.settings.base_url
        return PollRound(
            self._details, self._suspects, batch_size=self.ids_per_call(), on_limit=lambda n: learn_limit(host, n)
        )

    async def _details(self, task_uids: list[str]) -> dict[str, TaskDetail | DecodeError]:
        """One malformed entry becomes that task's ``DecodeError``; the other tasks of the call are unaffected."""
        response = await self.client.list_tasks_details(task_uids)
        details: dict[str, TaskDetail | DecodeError] = {}
        for task_uid, detail in response.by_task().items():
            if isinstance(detail, TaskDetail):
                details[task_uid] = detail
            else:
                log.info("picpik task %s: malformed details: %s", task_uid, shape_problem(detail))
                report_unknown_shape(self.name, "ListTasksDetails entry shape", detail)
                message = f"Picpik described task {task_uid} in a form its documents do not describe."
                details[task_uid] = DecodeError(message, provider=self.name)
        return details

    def _state_for(
        self, handle: JobHandle, details: Mapping[str, TaskDetail | TaskRefused | ProviderError]
    ) -> JobState:
        detail = details.get(handle.job_id)
        if isinstance(detail, ProviderError):
            raise detail
        if detail is None or isinstance(detail, TaskRefused):
            # Inference: a task missing from the list, or whose id alone is refused, has not been registered yet
            # (or is gone: the same fact either way); keep waiting until the job's own deadline rather than
            # guessing it failed. A refusal was reported as an unknown value by the poll round.
            return JobState(status=JobStatus.QUEUED, raw_status=None if detail is None else "refused")
        return task_state(detail, handle.kind, scrub=self.client.scrub)

    async def check_credentials(self) -> None:
        await self.client.list_running_tasks()

    async def diagnose(self) -> Diagnosis:
        """Keys, then the Status words, the ids per ``ListTasksDetails`` call and the host of the app actions, with
        listing calls only (``diagnose.py``)."""
        diagnosis = Diagnosis(service=self.name)
        await self._diagnose_keys(diagnosis)
        await diagnose_readings(self, diagnosis)
        return diagnosis

    def recent_task_uids(self) -> list[str]:
        """The tasks this provider started lately, newest first (a diagnosis reads their Status words)."""
        return self.submits.recent()


def _float_or(value: Any, default: float | None) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default
