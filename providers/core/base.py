"""The ``Provider`` interface every image service implements.

Capabilities, limits, settings and credentials are class data, readable without an instance, so
commands and buttons can be built from the registry alone. A method for a capability the provider
does not declare raises ``UnsupportedError`` with a message naming what the service cannot do.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar, Protocol

import aiohttp
from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import BaseSettings

from providers.core.errors import InvalidInputError, ProviderError, UnsupportedError
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
)
from providers.core.retry import RetryPolicy
from providers.core.transport import Transport
from providers.core.url_policy import FetchSettings
from providers.core.validation import validate_imagine_request


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
        """The credentials as this service's model; a clear message when fields are missing."""
        if isinstance(credentials, cls.credentials_model):
            return credentials
        try:
            return cls.credentials_model.model_validate(credentials, from_attributes=True)
        except ValidationError as exc:
            needed = ", ".join(f.title or n for n, f in cls.credentials_model.model_fields.items() if f.is_required())
            raise InvalidInputError(f"{cls.display_name} needs: {needed}.", field="credentials") from exc

    @classmethod
    def supports(cls, capability: Capability) -> bool:
        return capability in cls.capabilities

    def _unsupported(self, capability: Capability) -> UnsupportedError:
        return UnsupportedError(f"{self.display_name} does not offer {capability.value}.", provider=self.name)

    def validate_imagine(self, request: ImagineRequest) -> None:
        """Raise ``InvalidInputError`` with an actionable message before anything is sent."""
        validate_imagine_request(request, self.limits, self.display_name)

    async def model_options(self) -> list[ModelOption]:
        """The models or styles ``ImagineRequest.model`` accepts: by default the declared ``limits.styles``.
        A service that lists its models overrides this with a call (which may raise ``ProviderError``)."""
        return [ModelOption(value=style, label=style) for style in self.limits.styles]

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

    async def _fetch(self, url: str) -> bytes:
        """Fetch a file from the service's storage, with the transport's size cap and retries."""
        data, _ = await self.transport.fetch_bytes(url)
        return data

    @abstractmethod
    async def check_credentials(self) -> None:
        """One cheap call that fails with ``AuthenticationError`` when the keys do not work."""

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
