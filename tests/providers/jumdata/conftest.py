"""A Jumdata emulator on loopback, with a raw client and a provider pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web
from pydantic import BaseModel

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


@asynccontextmanager
async def running(
    variants: Iterable[str] = (), *, credentials: BaseModel = CREDENTIALS, **settings: object
) -> AsyncIterator[Live]:
    """The emulator playing ``variants``, and a provider with ``credentials`` and these settings changed."""
    app = emulator.make_app(JOB_SECONDS, variants=variants)
    async with serve(app) as base_url, aiohttp.ClientSession() as session:
        chosen = make_settings(base_url).model_copy(update=settings)
        yield Live(app, base_url, session, chosen, JumdataProvider(session, chosen, credentials))


@pytest.fixture
async def live() -> AsyncIterator[Live]:
    async with running() as started:
        yield started
