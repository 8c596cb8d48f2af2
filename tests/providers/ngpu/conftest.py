"""A running NGPU emulator, an image host, and a provider/client pointed at them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from providers.ngpu.client import NgpuClient
from providers.ngpu.credentials import NgpuCredentials
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

    def arm(self, fault: str, times: int | None = 1) -> None:
        self.app[FAULTS_KEY].arm(fault, times)

    def sent(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        return [r for r in self.app[REQUESTS_KEY] if r.path == path and method in (None, r.method)]


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    app = make_app(JOB_SECONDS)
    async with (
        serve(app) as base_url,
        serve(image_host_app()) as image_url,
        aiohttp.ClientSession() as session,
    ):
        settings = make_settings(base_url)
        provider = NgpuProvider(session, settings, NgpuCredentials(workspace_id=TEST_WORKSPACE_ID))
        yield Env(app, base_url, image_url, session, settings, provider)
