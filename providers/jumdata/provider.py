"""Jumdata AI绘画 behind the neutral ``Provider`` interface.

/imagine submits ``num`` separate images (the bot composes the grid); U1–U4 hand back the chosen image
as it is (the service has no upscaler, so nothing is called or billed); 🔄 submits the same request
again (a new billed job). Variation, remix, blend and describe are not offered.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ValidationError

from providers.core.base import Provider, ServiceSettings
from providers.core.diagnosis import Diagnosis
from providers.core.errors import InvalidInputError, ProviderError
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
from providers.jumdata.client import JumdataClient
from providers.jumdata.codes import TaskIdRefusedError, TaskNotFoundError
from providers.jumdata.credentials import JumdataCredentials
from providers.jumdata.diagnosis import MALFORMED_TASK_ID, QueryAnswer, key_check_finding, task_id_shape_finding
from providers.jumdata.models import SubmitRequest
from providers.jumdata.params import (
    DEFAULT_STYLE,
    MAX_IMAGES,
    MAX_TEXT_CHARS,
    PROVIDER,
    RESOLUTIONS,
    SERVICE,
    STYLE_LABELS,
    STYLES,
    check_submit,
    resolution_for,
)
from providers.jumdata.settings import JumdataSettings
from providers.jumdata.status import state_from_query, state_from_query_error

#: the longest service ``msg`` ``doctor`` repeats
_SHOWN_MSG_CHARS = 120


class JumdataProvider(Provider):
    name: ClassVar[str] = PROVIDER
    display_name: ClassVar[str] = SERVICE
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.IMAGINE, Capability.UPSCALE, Capability.REROLL, Capability.PROGRESS}
    )
    limits: ClassVar[ProviderLimits] = ProviderLimits(
        prompt_max_chars=MAX_TEXT_CHARS,
        sizes=tuple(RESOLUTIONS.values()),
        max_count=MAX_IMAGES,
        styles=STYLES,
        supports_negative_prompt=False,
    )
    returns_grid: ClassVar[bool] = False
    reports_percent: ClassVar[bool] = False
    settings_model: ClassVar[type[ServiceSettings]] = JumdataSettings
    credentials_model: ClassVar[type[BaseModel]] = JumdataCredentials
    # Inference: not documented; a guess for the poller's interval only
    typical_job_seconds: ClassVar[float] = 30.0

    def _setup(self) -> None:
        assert isinstance(self.settings, JumdataSettings)  # checked by Provider.__init__
        #: a made-up taskId of the documented form: querying it is free and answers 201 once the keys pass
        self.key_check_task_id = self.settings.key_check_task_id
        self.client = JumdataClient(self.transport, self.credentials)

    async def model_options(self) -> list[ModelOption]:
        """The styles, sent in Chinese as the document spells them, shown with an English label."""
        return [ModelOption(value=style, label=STYLE_LABELS.get(style, style)) for style in STYLES]

    # --- validation ---------------------------------------------------------------------------
    def validate_imagine(self, request: ImagineRequest) -> None:
        super().validate_imagine(request)
        if request.options:
            raise InvalidInputError(
                f"{SERVICE} has no extra options; remove: {', '.join(sorted(request.options))}.",
                field="options",
                key="no_extra_options",
                values={"service": SERVICE, "options": ", ".join(sorted(request.options))},
            )
        check_submit(request.prompt.strip(), self._resolution(request), self._style(request), request.count)

    @staticmethod
    def _resolution(request: ImagineRequest) -> str:
        return resolution_for(request.aspect_ratio, request.width, request.height)

    @staticmethod
    def _style(request: ImagineRequest) -> str:
        return request.model or DEFAULT_STYLE

    def _submit_request(self, request: ImagineRequest) -> SubmitRequest:
        return SubmitRequest(
            text=request.prompt.strip(),
            resolution=self._resolution(request),
            style=self._style(request),
            num=request.count,
        )

    # --- capabilities -------------------------------------------------------------------------
    async def imagine(self, request: ImagineRequest) -> JobHandle:
        self.validate_imagine(request)
        return await self._submit(JobKind.IMAGINE, self._submit_request(request))

    async def reroll(self, parent: ParentJob) -> JobHandle:
        if parent.request is not None:
            self.validate_imagine(parent.request)
            return await self._submit(JobKind.REROLL, self._submit_request(parent.request))
        # rebuilt after a restart without the request: the handle kept exactly what was sent
        try:
            sent = SubmitRequest.model_validate(parent.handle.meta.get("params"))
        except ValidationError as exc:
            raise InvalidInputError(
                "That job cannot be re-rolled: its prompt is not known.", field="parent", key="reroll_prompt_unknown"
            ) from exc
        check_submit(sent.text, sent.resolution, sent.style, sent.num)
        return await self._submit(JobKind.REROLL, sent)

    async def upscale(self, parent: ParentJob, index: int) -> JobHandle:
        image = self._pick(parent, index)
        if image.url is None:
            raise InvalidInputError(
                "That image has no link any more; run /imagine again.", field="index", key="image_link_gone"
            )
        # No service call: Jumdata already made the image at its full size; the handle carries it.
        return JobHandle(
            provider=self.name,
            kind=JobKind.UPSCALE,
            job_id=f"{parent.handle.job_id}:U{index}",
            meta={
                "image_url": image.url,
                "parent_task_id": parent.handle.job_id,
                "index": index,
                "params": parent.handle.meta.get("params", {}),
            },
        )

    async def _submit(self, kind: JobKind, sent: SubmitRequest) -> JobHandle:
        result = await self.client.submit(sent.text, sent.resolution, sent.style, sent.num)
        return JobHandle(
            provider=self.name,
            kind=kind,
            job_id=result.task_id,
            meta={"task_no": result.task_no, "params": sent.model_dump(mode="json")},
        )

    # --- following jobs -----------------------------------------------------------------------
    async def poll(self, handle: JobHandle) -> JobState:
        if handle.kind is JobKind.UPSCALE:
            url = handle.meta.get("image_url")
            if not isinstance(url, str) or not url:
                raise InvalidInputError(
                    "This upscale has lost its image link; press the button again.", key="upscale_link_lost"
                )
            return JobState(status=JobStatus.SUCCEEDED, images=[ImageData(url=url)], raw_status="chosen image")
        try:
            data = await self.client.query(handle.job_id)
        except ProviderError as error:
            state = state_from_query_error(error, handle)
            if state is None:
                raise  # nothing final was said (maintenance, rate limits, timeouts): the job stays open
            return state
        return state_from_query(data)

    async def check_credentials(self) -> None:
        """One free query of a made-up taskId. Keys are refused only by an answer naming the appId or the sign
        (``codes.refuses_credentials``); an unknown task (201) or a refused id form (400 about the taskId, from a
        service that takes only ids of its own form) means the keys passed."""
        try:
            await self.client.query(self.key_check_task_id)
        except (TaskNotFoundError, TaskIdRefusedError):
            return

    async def diagnose(self) -> Diagnosis:
        """The keys, then ``jumdata.key_check`` and ``jumdata.task_id_shape`` from two more free queries (the submit
        is billed per image and is never sent)."""
        diagnosis = Diagnosis(service=self.name)
        await self._diagnose_keys(diagnosis)
        if not diagnosis.reachable:
            return diagnosis
        probe = await self._answer(self.key_check_task_id)
        malformed = await self._answer(MALFORMED_TASK_ID)
        diagnosis.findings += [key_check_finding(probe), task_id_shape_finding(malformed, probe)]
        if probe.refuses_task_id:
            diagnosis.keys_accepted = None  # the id was refused before the keys were judged
        return diagnosis

    async def _answer(self, task_id: str) -> QueryAnswer:
        try:
            reply = await self.client.query_reply(task_id)
        except ProviderError as error:
            return QueryAnswer(task_id, failure=str(error))
        return QueryAnswer(task_id, reply.code, self.client.scrub(reply.msg, limit=_SHOWN_MSG_CHARS))
