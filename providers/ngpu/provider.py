"""NGPU as a bot provider: the AUTOMATIC1111 API in the member's workspace, driven through NGPU's
async scheduler (``schedulingTask`` + ``queryTask``).

Every job's handle names the profile and A1111 endpoint in ``meta``, so ``poll`` knows how to decode
``data`` even after a restart; ``meta["generation"]`` keeps the txt2img parameters (never image bytes)
so U/V/🔄 work from a handle alone.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from providers.core.base import AccessOutcome, Provider, ServiceSettings, failed
from providers.core.diagnosis import Diagnosis
from providers.core.errors import InvalidInputError
from providers.core.models import (
    Capability,
    ImageData,
    ImagineRequest,
    JobHandle,
    JobKind,
    JobState,
    JobStatus,
    ParentJob,
    ProviderLimits,
    TalkRequest,
)
from providers.core.validation import validate_imagine_request
from providers.ngpu.a1111 import (
    PROFILE,
    DecodedImage,
    Endpoint,
    ExtraSingleImageBody,
    Img2ImgBody,
    InterrogateBody,
    Txt2ImgBody,
    decode_caption,
    decode_generation,
    decode_upscale,
    encode_image,
    sniff_image_type,
)
from providers.ngpu.client import NgpuClient
from providers.ngpu.credentials import NgpuCredentials
from providers.ngpu.diagnose import add_findings
from providers.ngpu.request import txt2img_body, validate_extras
from providers.ngpu.sad_talker import TALK_LIMITS, TALK_PROFILE, talk_state
from providers.ngpu.settings import NgpuSettings
from providers.ngpu.status import observe_task_data

#: what a variation keeps of its parent's generation (the image replaces nothing else)
_IMG2IMG_ONLY = ("init_images", "mask", "denoising_strength")


class NgpuProvider(Provider):
    name: ClassVar[str] = "ngpu"
    display_name: ClassVar[str] = "NGPU"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.IMAGINE,
            Capability.UPSCALE,
            Capability.VARIATION,
            Capability.REMIX,
            Capability.REROLL,
            Capability.DESCRIBE,
            Capability.PROGRESS,
            Capability.TALK,
        }
    )
    limits: ClassVar[ProviderLimits] = ProviderLimits(
        prompt_max_chars=2000,
        min_size=64,
        max_size=2048,
        seed_min=-1,
        seed_max=4_294_967_295,
        max_count=4,
        supports_negative_prompt=True,
        talk=TALK_LIMITS,
    )
    returns_grid: ClassVar[bool] = False
    # Inference: nothing documents a progress figure in queryTask; one is shown when the image sends it
    reports_percent: ClassVar[bool] = False
    settings_model: ClassVar[type[ServiceSettings]] = NgpuSettings
    credentials_model: ClassVar[type[BaseModel]] = NgpuCredentials
    typical_job_seconds: ClassVar[float] = 30.0
    #: a server may require the BTC address in the keys to hold AINN (NGPU's own gate on its tasks)
    access_gate: ClassVar[str | None] = "ainn"

    def _setup(self) -> None:
        self.ngpu_settings: NgpuSettings = self.settings  # type: ignore[assignment]  # checked by the base class
        self.ngpu_credentials: NgpuCredentials = self.credentials  # type: ignore[assignment]
        settings = self.ngpu_settings
        self.client = NgpuClient(
            self.transport,
            self.ngpu_credentials,
            sync_timeout=settings.sync_timeout_seconds,
            auth_form=settings.auth_form,
            data_form=settings.data_form,
            brc20_path=settings.brc20_path,
        )

    # --- validation ---------------------------------------------------------------------------
    def validate_imagine(self, request: ImagineRequest) -> None:
        super().validate_imagine(request)
        validate_extras(request, self.limits, default_size=self.ngpu_settings.default_size)

    def _validate_prompt(self, prompt: str) -> str:
        validate_imagine_request(ImagineRequest(prompt=prompt), self.limits, self.display_name)
        return prompt.strip()

    # --- capabilities -------------------------------------------------------------------------
    async def imagine(self, request: ImagineRequest) -> JobHandle:
        self.validate_imagine(request)
        body = txt2img_body(request, default_size=self.ngpu_settings.default_size)
        return await self._submit(JobKind.IMAGINE, Endpoint.TXT2IMG, body, generation=body)

    async def reroll(self, parent: ParentJob) -> JobHandle:
        if parent.request is not None:
            self.validate_imagine(parent.request)
        # the same generation with a new random seed (a variation's 🔄 draws from its prompt afresh)
        body = self._generation_of(parent).model_copy(update={"seed": -1})
        return await self._submit(JobKind.REROLL, Endpoint.TXT2IMG, body, generation=body)

    async def upscale(self, parent: ParentJob, index: int) -> JobHandle:
        image = await self.download(self._pick(parent, index))
        body = ExtraSingleImageBody(
            image=encode_image(image),
            upscaling_resize=self.ngpu_settings.upscale_factor,
            upscaler_1=self.ngpu_settings.upscaler,
        )
        return await self._submit(JobKind.UPSCALE, Endpoint.EXTRA_SINGLE_IMAGE, body, generation=self._known(parent))

    async def variation(self, parent: ParentJob, index: int, prompt: str | None = None) -> JobHandle:
        chosen = self._pick(parent, index)
        generation = self._generation_of(parent)
        new_prompt = self._validate_prompt(prompt) if prompt else generation.prompt
        image = await self.download(chosen)
        fields = {key: value for key, value in generation.to_data().items() if key not in _IMG2IMG_ONLY}
        body = Img2ImgBody.model_validate(
            {
                **fields,
                "prompt": new_prompt,
                "seed": -1,
                "init_images": [encode_image(image)],
                "denoising_strength": self.ngpu_settings.variation_strength,
            }
        )
        kept = generation.model_copy(update={"prompt": new_prompt, "seed": -1})
        kind = JobKind.REMIX if prompt else JobKind.VARIATION
        return await self._submit(kind, Endpoint.IMG2IMG, body, generation=kept)

    async def describe(self, image: ImageData) -> JobHandle:
        data = await self.download(image)
        if sniff_image_type(data) is None:
            raise InvalidInputError(
                "That file is not a PNG, JPEG, WebP or GIF image.", field="image", key="not_an_image"
            )
        body = InterrogateBody(image=encode_image(data), model=self.ngpu_settings.interrogate_model)
        return await self._submit(JobKind.DESCRIBE, Endpoint.INTERROGATE, body, generation=None)

    async def talk(self, request: TalkRequest) -> JobHandle:
        """sadTalker, scheduled as NGPU's own bot does; NGPU fetches the photo from its link itself."""
        checked = self.validate_talk(request)
        if checked.image.url is None:
            raise InvalidInputError("NGPU needs the photo as a link.", field="image", provider=self.name)
        task = await self.client.sad_talker(
            checked.image.url,
            checked.text,
            checked.voice or TALK_LIMITS.default_voice,
            checked.background or TALK_LIMITS.default_background,
            self.ngpu_credentials.btc_address,
            port=self.ngpu_settings.sad_talker_port,
        )
        meta = {"profile": TALK_PROFILE, "voice": checked.voice, "background": checked.background}
        return JobHandle(provider=self.name, kind=JobKind.TALK, job_id=task.task_id, meta=meta)

    # --- following jobs -----------------------------------------------------------------------
    async def poll(self, handle: JobHandle) -> JobState:
        if handle.meta.get("profile") == TALK_PROFILE:
            return talk_state(await self.client.sad_talker_result(handle.job_id))
        endpoint = _endpoint_of(handle)
        query = await self.client.query_task(handle.job_id)
        seen = observe_task_data(query.data, provider=self.name, scrub=self.client.scrub)
        if seen.status is JobStatus.FAILED:
            return failed("job_failed", seen.message or "The task failed.", code=seen.code, raw=seen.raw)
        if seen.status is not JobStatus.SUCCEEDED or seen.payload is None:
            return JobState(status=seen.status, progress=seen.progress, raw_status=seen.raw)
        return self._finished(handle, endpoint, seen.payload, seen.raw)

    def _finished(self, handle: JobHandle, endpoint: Endpoint, payload: dict[str, Any], raw: str) -> JobState:
        done = {"status": JobStatus.SUCCEEDED, "progress": 100.0, "raw_status": raw}
        if endpoint is Endpoint.INTERROGATE:
            return JobState(**done, texts=[decode_caption(payload, provider=self.name)])
        if endpoint is Endpoint.EXTRA_SINGLE_IMAGE:
            upscaled = decode_upscale(payload, provider=self.name)
            return JobState(**done, images=[_image_data(upscaled, f"{handle.job_id}-upscaled")])
        result = decode_generation(payload, provider=self.name)
        images = [_image_data(image, f"{handle.job_id}-{number}") for number, image in enumerate(result.images, 1)]
        return JobState(**done, images=images, seed=result.seed)

    async def check_credentials(self) -> None:
        await self.client.query_nodes()

    async def diagnose(self) -> Diagnosis:
        """The keys (queryNodes), then the auth form, data form, BRC-20 path and queryTask's top-level code as
        this NGPU shows them to free calls (``diagnose.py``)."""
        diagnosis = Diagnosis(service=self.name)
        await self._diagnose_keys(diagnosis)
        await add_findings(self.client, diagnosis)
        return diagnosis

    async def _check_access(self) -> AccessOutcome:
        address = self.ngpu_credentials.btc_address
        if not address:
            return AccessOutcome.INCOMPLETE
        return AccessOutcome.GRANTED if await self.client.holds_ainn(address) else AccessOutcome.DENIED

    # --- helpers ------------------------------------------------------------------------------
    async def _submit(
        self, kind: JobKind, endpoint: Endpoint, body: BaseModel, *, generation: Txt2ImgBody | None
    ) -> JobHandle:
        settings = self.ngpu_settings
        task = await self.client.schedule_task(
            endpoint.path(settings.a1111_path_prefix),
            settings.a1111_port,
            body.model_dump(exclude_none=True),
            btc_address=self.ngpu_credentials.btc_address,
            task_mode=settings.task_mode,
        )
        meta: dict[str, Any] = {"profile": PROFILE, "endpoint": endpoint.value}
        if generation is not None:
            meta["generation"] = generation.to_data()
        return JobHandle(provider=self.name, kind=kind, job_id=task.task_id, meta=meta)

    def _known(self, parent: ParentJob) -> Txt2ImgBody | None:
        """The parent's generation when it is known (an upscale carries it on for later buttons)."""
        try:
            return self._generation_of(parent)
        except InvalidInputError:
            return None

    def _generation_of(self, parent: ParentJob) -> Txt2ImgBody:
        stored = parent.handle.meta.get("generation")
        if isinstance(stored, dict):
            try:
                return Txt2ImgBody.model_validate(stored)
            except ValidationError:
                pass  # an old or damaged handle: fall back to the request
        if parent.request is not None:
            self.validate_imagine(parent.request)
            return txt2img_body(parent.request, default_size=self.ngpu_settings.default_size)
        raise InvalidInputError(
            "NGPU cannot start from that job: its prompt is not known.",
            field="parent",
            key="parent_prompt_unknown",
            values={"service": "NGPU"},
        )


def _endpoint_of(handle: JobHandle) -> Endpoint:
    profile = handle.meta.get("profile", PROFILE)
    try:
        if profile != PROFILE:
            raise ValueError(profile)
        return Endpoint(handle.meta.get("endpoint", Endpoint.TXT2IMG.value))
    except ValueError:
        raise InvalidInputError(
            "That job was not started through NGPU's image profile.", field="handle", key="not_an_image_profile_job"
        ) from None


def _image_data(image: DecodedImage, stem: str) -> ImageData:
    return ImageData(
        data=image.data,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        filename=f"{stem}.{image.extension}",
    )
