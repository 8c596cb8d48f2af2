"""A Jumdata emulator on loopback, with a raw client and a provider pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from providers.jumdata.client import JumdataClient
from providers.jumdata.provider import JumdataProvider
from providers.jumdata.settings import JumdataSettings
from tests.emulators import jumdata as emulator
from tests.emulators.common import FAULTS_KEY, serve
from tests.providers.cases.jumdata import CREDENTIALS, make_settings

JOB_SECONDS = 0.3


@dataclass
class Live:
    app: web.Application
    base_url: str
    session: aiohttp.ClientSession
    settings: JumdataSettings
    provider: JumdataProvider

    @property
    def client(self) -> JumdataClient:
        return self.provider.client

    def arm(self, fault: str, times: int | None = None) -> None:
        self.app[FAULTS_KEY].arm(fault, times)

    @property
    def submits(self) -> list[emulator.Received]:
        return emulator.submits(self.app)

    @property
    def queries(self) -> list[emulator.Received]:
        return emulator.queries(self.app)


@pytest.fixture
async def live() -> AsyncIterator[Live]:
    app = emulator.make_app(JOB_SECONDS)
    async with serve(app) as base_url, aiohttp.ClientSession() as session:
        settings = make_settings(base_url)
        yield Live(app, base_url, session, settings, JumdataProvider(session, settings, CREDENTIALS))
