"""The login token is a secret like the password: the client's scrubber takes out every token it holds, so a job's
failure reason seen in a poll (``job_state(..., scrub=client.scrub)``) never quotes it."""

from __future__ import annotations

from providers.core.base import MemoryTokenStore
from providers.core.models import JobKind
from providers.core.scrub import REDACTED, Scrubber
from providers.midjourney.client import token_key
from providers.midjourney.models import Job
from providers.midjourney.status import job_state
from tests.emulators import midjourney as emulator
from tests.providers.midjourney.conftest import Emulator


def failure_quoting(token: str, scrub: Scrubber) -> str:
    job = Job(status=4001, error=f"bad token {token}; cut: {token[:40]}…")
    state = job_state(job, JobKind.IMAGINE, scrub=scrub)
    assert state.failure is not None
    return state.failure.message


async def test_a_poll_never_quotes_the_token_the_client_logged_in_with(emu: Emulator) -> None:
    store = MemoryTokenStore()
    client = emu.client(token_store=store)
    await client.find(limit=1)
    token = await store.get(token_key(emu.url, emulator.TEST_USERNAME))
    assert token

    message = failure_quoting(token, client.scrub)

    assert message == f"bad token {REDACTED}; cut: {REDACTED}…"


async def test_a_token_from_the_shared_cache_and_the_one_before_a_refresh_are_taken_out_too(emu: Emulator) -> None:
    store = MemoryTokenStore()
    await emu.client(token_store=store).find(limit=1)
    key = token_key(emu.url, emulator.TEST_USERNAME)
    cached = await store.get(key)
    client = emu.client(token_store=store)  # never logs in itself: it sends the cached token
    await client.find(limit=1)
    assert emu.logins == 1 and cached

    emu.arm("expire_login", times=1)
    await client.find(limit=1)
    fresh = await store.get(key)
    assert emu.logins == 2 and fresh and fresh != cached

    for token in (cached, fresh):
        assert token[:20] not in failure_quoting(token, client.scrub)
