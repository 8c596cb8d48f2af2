"""A running NGPU emulator, an image host, and a provider/client pointed at them.

``env`` plays the emulator's default reading; ``variant_env`` starts one playing given variants with given
settings. What the client learned about accepted forms is forgotten around every test, so each starts as a fresh
process would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from providers.core.unknown_values import forget_unknown_values
from providers.ngpu.client import NgpuClient
from providers.ngpu.credentials import NgpuCredentials
from providers.ngpu.forms import LEARNED
from providers.ngpu.provider import NgpuProvider
from providers.ngpu.settings import NgpuSettings
from tests.emulators.common import FAULTS_KEY, serve
from tests.emulators.ngpu import REQUESTS_KEY, TEST_WORKSPACE_ID, RecordedRequest, make_app
from tests.providers.cases.ngpu import make_settings
from tests.providers.contract import image_host_app

JOB_SECONDS = 0.3


@dataclass
class Env:
    app: web.Application
    base_url: str
    image_url: str
    session: aiohttp.ClientSession
    settings: NgpuSettings
    provider: NgpuProvider

    @property
    def client(self) -> NgpuClient:
        return self.provider.client

    def with_credentials(self, credentials: NgpuCredentials) -> NgpuProvider:
        return NgpuProvider(self.session, self.settings, credentials)

    def with_settings(self, **changes: object) -> NgpuProvider:
        return NgpuProvider(self.session, self.settings.model_copy(update=changes), self.provider.ngpu_credentials)

    def arm(self, fault: str, times: int | None = 1) -> None:
        self.app[FAULTS_KEY].arm(fault, times)

    def sent(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        return [r for r in self.app[REQUESTS_KEY] if r.path == path and method in (None, r.method)]

    def taken(self, path: str) -> list[RecordedRequest]:
        """The requests to ``path`` NGPU took (answered with a success code), without those it refused."""
        return [r for r in self.sent(path) if r.taken]

    def forget_requests(self) -> None:
        self.app[REQUESTS_KEY].clear()


MakeEnv = Callable[..., Awaitable[Env]]


@pytest.fixture(autouse=True)
def fresh_process() -> Iterator[None]:
    LEARNED.forget()
    forget_unknown_values()
    yield
    LEARNED.forget()
    forget_unknown_values()


@pytest.fixture
async def variant_env() -> AsyncIterator[MakeEnv]:
    """``await variant_env("data_string", data_form=...)``: an emulator playing those variants, and a provider with
    those settings (the rest as the contract suite's)."""
    async with AsyncExitStack() as stack:
        session = await stack.enter_async_context(aiohttp.ClientSession())
        image_url = await stack.enter_async_context(serve(image_host_app()))

        async def start(*variants: str, **settings: object) -> Env:
            app = make_app(JOB_SECONDS, variants=variants)
            base_url = await stack.enter_async_context(serve(app))
            chosen = make_settings(base_url).model_copy(update=settings)
            provider = NgpuProvider(session, chosen, NgpuCredentials(workspace_id=TEST_WORKSPACE_ID))
            return Env(app, base_url, image_url, session, chosen, provider)

        yield start


@pytest.fixture
async def env(variant_env: MakeEnv) -> Env:
    return await variant_env()
