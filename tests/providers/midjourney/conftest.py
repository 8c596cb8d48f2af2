"""Fixtures for the Midjourney-style API tests: the emulator and an image host on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from providers.core.base import MemoryTokenStore, TokenStore
from providers.midjourney.client import MidjourneyClient
from providers.midjourney.models import Job, MidjourneyCredentials
from providers.midjourney.provider import MidjourneyProvider
from providers.midjourney.settings import MidjourneySettings
from tests.emulators import midjourney as emulator
from tests.emulators.common import FAULTS_KEY, serve
from tests.providers.contract import image_host_app

JOB_SECONDS = 0.3
CREDENTIALS = MidjourneyCredentials(username=emulator.TEST_USERNAME, password=SecretStr(emulator.TEST_PASSWORD))


@dataclass
class Emulator:
    app: web.Application
    url: str
    image_url: str
    session: aiohttp.ClientSession

    def settings(self, **overrides: Any) -> MidjourneySettings:
        values: dict[str, Any] = {
            "base_url": self.url,
            "timeout_seconds": 0.5,
            "retry_attempts": 2,
            "retry_base_delay_seconds": 0.01,
            **overrides,
        }
        return MidjourneySettings(_env_file=None, **values)  # type: ignore[call-arg]

    def client(
        self,
        credentials: MidjourneyCredentials = CREDENTIALS,
        *,
        token_store: TokenStore | None = None,
        page_size: int = 50,
        max_pages: int = 5,
    ) -> MidjourneyClient:
        transport = self.settings().transport(self.session, "midjourney")
        return MidjourneyClient(
            transport, credentials, token_store or MemoryTokenStore(), page_size=page_size, max_pages=max_pages
        )

    def provider(self, *, token_store: TokenStore | None = None, **overrides: Any) -> MidjourneyProvider:
        return MidjourneyProvider(self.session, self.settings(**overrides), CREDENTIALS, token_store=token_store)

    def arm(self, fault: str, times: int | None = None) -> None:
        self.app[FAULTS_KEY].arm(fault, times)

    def sent(self, path: str) -> list[dict[str, Any]]:
        """Every request the emulator received on ``path``."""
        return [r for r in self.app[emulator.REQUESTS_KEY] if r["path"] == path]

    @property
    def logins(self) -> int:
        return emulator.login_count(self.app)

    def image_link(self, number: int) -> str:
        return f"{self.image_url}/img/{number}.png"

    def play(self, *variants: str) -> None:
        """The emulator plays these readings (``emulator.VARIANTS``) from now on."""
        emulator.set_variants(self.app, variants)


@asynccontextmanager
async def running_emulator(variants: Iterable[str] = (), *, filler_jobs: int = 0) -> AsyncIterator[Emulator]:
    """The emulator (playing ``variants``, with ``filler_jobs`` finished jobs) and an image host, on loopback."""
    app = emulator.make_app(JOB_SECONDS, filler_jobs=filler_jobs, variants=variants)
    async with serve(app) as url, serve(image_host_app()) as image_url, aiohttp.ClientSession() as session:
        yield Emulator(app, url, image_url, session)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with running_emulator() as running:
        yield running


async def wait_finished(client: MidjourneyClient, job_hash: str, *, timeout: float = 5.0) -> Job:
    """Follow a job through /jobs/find until the service reports it finished (2000) or failed."""
    async with asyncio.timeout(timeout):
        while True:
            job = await client.find_job(job_hash)
            if job is not None and job.status is not None and job.status >= 2000:
                return job
            await asyncio.sleep(0.05)
