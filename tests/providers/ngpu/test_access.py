"""NGPU's access gate (``Provider.check_access``): the BTC address in the keys holds AINN, asked of the emulator's
``brc20/checkAddress``; a pass is trusted for a few minutes, a refusal never."""

from __future__ import annotations

import pytest

from providers.core import base
from providers.core.base import ACCESS_GRANT_SECONDS, AccessOutcome
from providers.core.errors import ProviderError
from providers.ngpu.credentials import NgpuCredentials
from providers.registry import PROVIDERS
from tests.emulators.ngpu import HOLDINGS_KEY, TEST_BTC_ADDRESS, TEST_BTC_ADDRESS_WITHOUT_AINN, TEST_WORKSPACE_ID
from tests.providers.ngpu.conftest import Env

#: NGPU's own bot's path, the only one the default emulator has
CHECK = "/user/brc20/checkAddress"


def keys(address: str | None) -> NgpuCredentials:
    return NgpuCredentials(workspace_id=TEST_WORKSPACE_ID, btc_address=address)


async def test_keys_without_an_address_are_incomplete_and_nothing_is_asked(env: Env) -> None:
    assert await env.with_credentials(keys(None)).check_access() is AccessOutcome.INCOMPLETE
    assert env.sent(CHECK) == []


async def test_an_address_with_ainn_passes_and_one_without_is_denied(env: Env) -> None:
    assert await env.with_credentials(keys(TEST_BTC_ADDRESS)).check_access() is AccessOutcome.GRANTED
    assert await env.with_credentials(keys(TEST_BTC_ADDRESS_WITHOUT_AINN)).check_access() is AccessOutcome.DENIED
    assert [r.query["address"] for r in env.sent(CHECK)] == [TEST_BTC_ADDRESS, TEST_BTC_ADDRESS_WITHOUT_AINN]


async def test_a_pass_is_trusted_for_a_while_then_asked_again(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(base.time, "monotonic", lambda: now[0])
    provider = env.with_credentials(keys(TEST_BTC_ADDRESS))
    assert await provider.check_access() is AccessOutcome.GRANTED
    env.app[HOLDINGS_KEY][TEST_BTC_ADDRESS] = 0  # sold meanwhile
    now[0] += ACCESS_GRANT_SECONDS - 1
    assert await provider.check_access() is AccessOutcome.GRANTED
    assert len(env.sent(CHECK)) == 1
    now[0] += 2
    assert await provider.check_access() is AccessOutcome.DENIED
    assert len(env.sent(CHECK)) == 2


async def test_a_refusal_is_asked_again_every_time(env: Env) -> None:
    provider = env.with_credentials(keys(TEST_BTC_ADDRESS_WITHOUT_AINN))
    assert await provider.check_access() is AccessOutcome.DENIED
    env.app[HOLDINGS_KEY][TEST_BTC_ADDRESS_WITHOUT_AINN] = 5  # bought meanwhile
    assert await provider.check_access() is AccessOutcome.GRANTED


async def test_a_service_that_fails_raises_a_provider_error(env: Env) -> None:
    env.arm("server_error", times=None)
    with pytest.raises(ProviderError):
        await env.with_credentials(keys(TEST_BTC_ADDRESS)).check_access()


async def test_services_without_a_gate_always_pass(env: Env) -> None:
    assert [name for name, cls in PROVIDERS.items() if cls.access_gate is not None] == ["ngpu"]
    # the base class's check, as every service without a gate runs it
    assert await base.Provider._check_access(env.provider) is AccessOutcome.GRANTED
