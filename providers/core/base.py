"""The ``Provider`` interface every image service implements.

Capabilities, limits, settings and credentials are class data, readable without an instance, so
commands and buttons can be built from the registry alone. A method for a capability the provider
does not declare raises ``UnsupportedError`` with a message naming what the service cannot do.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import ClassVar, Final, Protocol

import aiohttp
from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import BaseSettings

from providers.core.credentials import CONTROL_CHARACTERS, credential_error, has_control_characters
from providers.core.diagnosis import Diagnosis
from providers.core.errors import (
    AuthenticationError,
    InvalidInputError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    UnsupportedError,
)
from providers.core.models import (
    BlendDimensions,
    Capability,
    ImageData,
    ImagineRequest,
    JobFailure,
    JobHandle,
    JobState,
    JobStatus,
    ModelOption,
    ParentJob,
    ProviderLimits,
    TalkRequest,
)
from providers.core.retry import RetryPolicy
from providers.core.transport import DEFAULT_MAX_IMAGE_BYTES, Transport
from providers.core.url_policy import FetchSettings
from providers.core.validation import validate_imagine_request

#: how long a passed access check (``Provider.check_access``) is trusted before the service is asked again
ACCESS_GRANT_SECONDS: Final = 300.0


class AccessOutcome(StrEnum):
    """What a service's access check (``Provider.access_gate``) says about a set of keys."""

    GRANTED = "granted"
    #: the keys lack what the check needs (NGPU: no BTC address)
    INCOMPLETE = "incomplete"
    #: the service says these keys may not be used (NGPU: the address holds no AINN)
    DENIED = "denied"


class TokenStore(Protocol):
    """Where login tokens are cached (the bot supplies an encrypted, persistent one)."""

    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, token: str) -> None: ...

    async def delete(self, key: str) -> None: ...


class MemoryTokenStore:
    """A per-process token cache; the default when the caller supplies none."""

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}

    async def get(self, key: str) -> str | None:
        return self._tokens.get(key)

    async def set(self, key: str, token: str) -> None:
        self._tokens[key] = token

    async def delete(self, key: str) -> None:
        self._tokens.pop(key, None)


class ServiceSettings(BaseSettings):
    """Base of each service's settings: where it is and how patient to be."""

    base_url: str
    timeout_seconds: float = 30.0
    #: how long a job may stay open before it is reported as timed out
    job_timeout_seconds: float = 15 * 60
    retry_attempts: int = 3
    retry_base_delay_seconds: float = 0.5
    #: where images outside the service may be fetched from (``FETCH_ALLOWED_NETWORKS``, shared by every service)
    fetch: FetchSettings = Field(default_factory=FetchSettings)

    def transport(self, session: aiohttp.ClientSession, provider: str) -> Transport:
        """The shared transport configured from these settings."""
        return Transport(
            session,
            self.base_url,
            provider=provider,
            timeout=self.timeout_seconds,
            retry_policy=RetryPolicy(max_attempts=self.retry_attempts, base_delay=self.retry_base_delay_seconds),
            url_policy=self.fetch.policy(),
        )


class Provider(ABC):
    name: ClassVar[str]
    display_name: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    limits: ClassVar[ProviderLimits]
    #: the service returns one ready 2×2 grid image (True) or separate images for the bot to compose
    returns_grid: ClassVar[bool] = False
    settings_model: ClassVar[type[ServiceSettings]]
    credentials_model: ClassVar[type[BaseModel]]
    #: whether running jobs carry a percentage (else only queued / running is known)
    reports_percent: ClassVar[bool] = False
    #: a typical time from submit to finished, seconds: a hint for the poller's interval
    typical_job_seconds: ClassVar[float] = 30.0
    #: ``poll_many`` answers for many jobs with one request, so following them often costs the service little
    answers_many_per_call: ClassVar[bool] = False
    #: the name of an access check the service offers and a server may require (NGPU: ``"ainn"``, the BTC
    #: address in the keys holds AINN); None when it has none. ``check_access`` runs it.
    access_gate: ClassVar[str | None] = None
    #: until when (``time.monotonic``) these keys' last passed access check is trusted
    _access_granted_until: float = 0.0
    #: the diagnosis being made by ``diagnose`` (None before it checked the keys)
    diagnosis_so_far: Diagnosis | None = None

    def __init__(
        self,
        session: aiohttp.ClientSession,
        settings: ServiceSettings,
        credentials: BaseModel,
        *,
        token_store: TokenStore | None = None,
    ) -> None:
        if not isinstance(settings, self.settings_model):
            raise TypeError(f"{type(self).__name__} needs {self.settings_model.__name__}")
        self.session = session
        self.settings = settings
        self.credentials = self._accept_credentials(credentials)
        self.token_store: TokenStore = token_store or MemoryTokenStore()
        self.transport = settings.transport(session, self.name)
        self._setup()

    def _setup(self) -> None:  # noqa: B027 — an optional hook: most services add a client, none must
        """Build what the service needs beyond the transport (its raw client); runs once, last in ``__init__``."""

    @classmethod
    def _accept_credentials(cls, credentials: object) -> BaseModel:
        """The credentials as this service's model. What does not fit raises ``InvalidInputError`` naming the first
        field at fault and what is wrong with it (``credential_error``), never the value itself."""
        if isinstance(credentials, cls.credentials_model):
            return credentials
        if isinstance(credentials, Mapping):
            unprintable = next((name for name, value in credentials.items() if has_control_characters(value)), None)
            if unprintable is not None:
                raise credential_error(cls, str(unprintable), {"type": CONTROL_CHARACTERS})
        try:
            return cls.credentials_model.model_validate(credentials, from_attributes=True)
        except ValidationError as exc:
            first = exc.errors(include_url=False, include_input=True)[0]
            name = str(first["loc"][0]) if first["loc"] else ""
            # not chained: the pydantic error holds the values typed, which may be secrets
            raise credential_error(cls, name, first) from None

    @classmethod
    def supports(cls, capability: Capability) -> bool:
        return capability in cls.capabilities

    @classmethod
    def blend_shapes(cls, settings: ServiceSettings | None) -> frozenset[BlendDimensions]:
        """The blend shapes this service can be told with ``settings`` (``/blend`` offers only those): every shape
        by default; a service whose blend request cannot carry one declares fewer."""
        return frozenset(BlendDimensions)

    def _unsupported(self, capability: Capability) -> UnsupportedError:
        return UnsupportedError(f"{self.display_name} does not offer {capability.value}.", provider=self.name)

    def validate_imagine(self, request: ImagineRequest) -> None:
        """Raise ``InvalidInputError`` with an actionable message before anything is sent."""
        validate_imagine_request(request, self.limits, self.display_name)

    async def model_options(self) -> list[ModelOption]:
        """The models or styles ``ImagineRequest.model`` accepts: by default the declared ``limits.styles``.
        A service that lists its models overrides this with a call (which may raise ``ProviderError``)."""
        return [ModelOption(value=style, label=style) for style in self.limits.styles]

    async def check_access(self) -> AccessOutcome:
        """Whether these keys pass the service's ``access_gate``. A pass is trusted for ``ACCESS_GRANT_SECONDS``
        (the keys are this instance's own; new keys make a new instance); a refusal is asked again every time,
        so a member who fixes it is let in at once. Raises ``ProviderError`` when the service cannot say."""
        if time.monotonic() < self._access_granted_until:
            return AccessOutcome.GRANTED
        outcome = await self._check_access()
        if outcome is AccessOutcome.GRANTED:
            self._access_granted_until = time.monotonic() + ACCESS_GRANT_SECONDS
        return outcome

    async def _check_access(self) -> AccessOutcome:
        """The service's own check (one call); services with an ``access_gate`` override it."""
        return AccessOutcome.GRANTED

    # --- capabilities -------------------------------------------------------------------------
    async def imagine(self, request: ImagineRequest) -> JobHandle:
        raise self._unsupported(Capability.IMAGINE)

    async def upscale(self, parent: ParentJob, index: int) -> JobHandle:
        raise self._unsupported(Capability.UPSCALE)

    async def variation(self, parent: ParentJob, index: int, prompt: str | None = None) -> JobHandle:
        raise self._unsupported(Capability.REMIX if prompt else Capability.VARIATION)

    async def reroll(self, parent: ParentJob) -> JobHandle:
        raise self._unsupported(Capability.REROLL)

    async def blend(self, images: Sequence[ImageData], dimensions: BlendDimensions) -> JobHandle:
        raise self._unsupported(Capability.BLEND)

    async def describe(self, image: ImageData) -> JobHandle:
        raise self._unsupported(Capability.DESCRIBE)

    async def talk(self, request: TalkRequest) -> JobHandle:
        """A video of ``request.image`` saying ``request.text``; the finished state carries ``video_url``."""
        raise self._unsupported(Capability.TALK)

    def validate_talk(self, request: TalkRequest) -> TalkRequest:
        """The request with the service's default voice and background filled in; ``InvalidInputError`` when
        the text, voice or background is not one the service takes (the bot checks first, in the member's
        language: this is the last word before anything is sent)."""
        limits = self.limits.talk
        if limits is None or not self.supports(Capability.TALK):
            raise self._unsupported(Capability.TALK)
        text = request.text.strip()
        if not text:
            raise InvalidInputError("Give the words the photo should say.", field="text", provider=self.name)
        if len(text) > limits.text_max_chars:
            raise InvalidInputError(
                f"{self.display_name} says at most {limits.text_max_chars} characters; the text has {len(text)}.",
                field="text",
                provider=self.name,
            )
        voice = request.voice or limits.default_voice
        background = request.background or limits.default_background
        for what, value, offered in (("voice", voice, limits.voices), ("background", background, limits.backgrounds)):
            if value not in offered:
                raise InvalidInputError(
                    f"{self.display_name} has no {what} “{value}”; choose one of {', '.join(offered)}.",
                    field=what,
                    provider=self.name,
                )
        return request.model_copy(update={"text": text, "voice": voice, "background": background})

    # --- following jobs -----------------------------------------------------------------------
    @abstractmethod
    async def poll(self, handle: JobHandle) -> JobState:
        """The job's current state. Unknown service states count as still running."""

    async def poll_many(self, handles: Sequence[JobHandle]) -> dict[str, JobState | ProviderError]:
        """States of many jobs keyed by ``job_id``. Providers that can ask for many jobs in one
        request override this; the default polls one by one with bounded concurrency."""
        semaphore = asyncio.Semaphore(8)

        async def one(handle: JobHandle) -> tuple[str, JobState | ProviderError]:
            async with semaphore:
                try:
                    return handle.job_id, await self.poll(handle)
                except ProviderError as error:
                    return handle.job_id, error

        return dict(await asyncio.gather(*(one(h) for h in handles)))

    async def download(self, image: ImageData) -> bytes:
        """The bytes of a result image (fetched with a size cap when only a link is known)."""
        if image.data is not None:
            return image.data
        if image.url is None:
            raise InvalidInputError("The image has neither data nor a link.", provider=self.name)
        return await self._fetch(image.url)

    async def download_file(self, url: str, *, max_bytes: int = DEFAULT_MAX_IMAGE_BYTES) -> bytes:
        """A result file that is not a picture (a talking video), fetched like images: size cap, retries and the
        address policy for links outside the service."""
        data, _ = await self.transport.fetch_bytes(url, max_bytes=max_bytes)
        return data

    async def _fetch(self, url: str) -> bytes:
        """Fetch a file from the service's storage, with the transport's size cap and retries."""
        data, _ = await self.transport.fetch_bytes(url)
        return data

    @abstractmethod
    async def check_credentials(self) -> None:
        """One cheap call that fails with ``AuthenticationError`` when the keys do not work."""

    async def diagnose(self) -> Diagnosis:
        """``python -m bot doctor`` for this service: reachable, keys accepted, and each contested reading checked
        against what the service answers, with free calls only (never a billed submit). Services override this
        to add their ``Finding``s; this base only checks the keys."""
        diagnosis = Diagnosis(service=self.name)
        await self._diagnose_keys(diagnosis)
        return diagnosis

    async def _diagnose_keys(self, diagnosis: Diagnosis) -> None:
        """Fill ``reachable`` / ``keys_accepted`` / ``problem`` from ``check_credentials`` (a free call). The
        diagnosis is kept as ``diagnosis_so_far`` too, so a caller that stops a slow diagnosis keeps what it learned."""
        self.diagnosis_so_far = diagnosis
        try:
            await self.check_credentials()
        except AuthenticationError as error:
            diagnosis.reachable, diagnosis.keys_accepted = True, False
            diagnosis.problem = f"the keys were refused: {error}"
        except (ProviderTimeoutError, ProviderConnectionError) as error:
            diagnosis.problem = f"not reachable: {error}"
        except ProviderError as error:
            diagnosis.reachable = True
            diagnosis.problem = f"the keys check failed: {error}"
        else:
            diagnosis.reachable, diagnosis.keys_accepted = True, True

    @staticmethod
    def _pick(parent: ParentJob, index: int) -> ImageData:
        """The image a U/V button points at (``index`` 1–4: top-left, top-right, bottom-left, bottom-right)."""
        if not 1 <= index <= max(1, len(parent.result.images)):
            raise InvalidInputError(f"Choose an image between 1 and {len(parent.result.images)}.", field="index")
        if not parent.result.images:
            raise InvalidInputError("That job has no images to start from.", field="index")
        return parent.result.images[index - 1]


def failed(kind: str, message: str, *, code: str | int | None = None, raw: str | None = None) -> JobState:
    """A FAILED state with its reason."""
    return JobState(
        status=JobStatus.FAILED,
        failure=JobFailure(kind=kind, message=message, code=None if code is None else str(code)),
        raw_status=raw,
    )
