"""Fixtures for the Picpik tests: the emulator on loopback, a client, a provider, an image host."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from providers.core.unknown_values import forget_unknown_values
from providers.core.url_policy import FetchSettings
from providers.picpik.batch_limit import forget_learned_limits
from providers.picpik.client import PicpikClient
from providers.picpik.credentials import PicpikCredentials
from providers.picpik.models import TaskDetail
from providers.picpik.provider import PicpikProvider
from providers.picpik.settings import PicpikSettings
from tests.emulators.common import FAULTS_KEY, serve
from tests.emulators.picpik import REQUESTS_KEY, TEST_PRIVATE_KEY, TEST_PUBLIC_KEY, make_app, requests_for
from tests.providers.contract import image_host_app

JOB_SECONDS = 0.3
CREDENTIALS = PicpikCredentials(public_key=TEST_PUBLIC_KEY, private_key=SecretStr(TEST_PRIVATE_KEY))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "variants(*names): the Picpik emulator plays these variants (its VARIANTS)")


@pytest.fixture(autouse=True)
def fresh_process_memory() -> None:
    """What a process learns (a batch limit Picpik named, the unknown values reported) starts afresh in each test:
    emulators come and go on reused ports."""
    forget_learned_limits()
    forget_unknown_values()


@dataclass
class Emulator:
    app: web.Application
    url: str

    def arm(self, fault: str, times: int | None = None) -> None:
        self.app[FAULTS_KEY].arm(fault, times)

    def clear(self) -> None:
        self.app[FAULTS_KEY].clear()

    def requests(self, action: str) -> list[dict[str, Any]]:
        return requests_for(self.app, action)

    def all_requests(self) -> list[dict[str, Any]]:
        return list(self.app[REQUESTS_KEY])


def settings_for(url: str, **overrides: Any) -> PicpikSettings:
    values: dict[str, Any] = {
        "base_url": url,
        "timeout_seconds": 0.5,
        "retry_attempts": 2,
        "retry_base_delay_seconds": 0.01,
        "fetch": FetchSettings(_env_file=None, allowed_networks="127.0.0.0/8"),  # the loopback image host
        **overrides,
    }
    return PicpikSettings(_env_file=None, **values)


@pytest.fixture
async def emulator(request: pytest.FixtureRequest) -> AsyncIterator[Emulator]:
    """The emulator in its default reading, or in the variants a test names with ``@pytest.mark.variants(...)``."""
    marker = request.node.get_closest_marker("variants")
    app = make_app(JOB_SECONDS, variants=marker.args if marker else ())
    async with serve(app) as url:
        yield Emulator(app, url)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def image_host() -> AsyncIterator[str]:
    async with serve(image_host_app()) as url:
        yield url


def make_client(
    emulator: Emulator, session: aiohttp.ClientSession, credentials: PicpikCredentials = CREDENTIALS
) -> PicpikClient:
    return PicpikClient(settings_for(emulator.url).transport(session, "picpik"), credentials)


@pytest.fixture
def client(emulator: Emulator, session: aiohttp.ClientSession) -> PicpikClient:
    return make_client(emulator, session)


@pytest.fixture
def provider(emulator: Emulator, session: aiohttp.ClientSession) -> PicpikProvider:
    return PicpikProvider(session, settings_for(emulator.url), CREDENTIALS)


#: the emulator's default Status words of a task that has ended (``tests/emulators/picpik/_variants.py``)
ENDED_WORDS = ("Success", "Failed")


async def wait_for_task(client: PicpikClient, task_uid: str, *, timeout: float = 5.0) -> TaskDetail:
    """Poll ListTasksDetails until the task has ended (the default emulator's words)."""
    async with asyncio.timeout(timeout):
        while True:
            details = (await client.list_tasks_details([task_uid])).details
            if details and details[0].Status in ENDED_WORDS:
                return details[0]
            await asyncio.sleep(0.05)
