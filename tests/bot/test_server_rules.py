"""The single rules of ``bot.server_rules``, without Discord: channels, services, prompts, access gates."""

from __future__ import annotations

import asyncio

import pytest

from bot import server_rules
from bot.server_rules import (
    access_refusal,
    banned_word_refusal,
    channel_refusal,
    gate_required,
    imagine_services,
    job_prompts,
    preferred_services,
    service_refusal,
)
from providers.core.base import AccessOutcome
from providers.core.errors import ServerError
from providers.core.models import ImagineRequest, JobKind
from providers.registry import PROVIDERS
from storage.settings import MemberSettings, ServerSettings

ZH = "zh-CN"


# --- channels -------------------------------------------------------------------------------------------------


def test_every_channel_is_open_until_the_server_names_some() -> None:
    assert channel_refusal(ServerSettings(), [123, None], None) is None


def test_a_job_elsewhere_is_refused_naming_the_open_channels() -> None:
    server = ServerSettings(channel_ids=frozenset({30, 10}))
    assert channel_refusal(server, [10, None], None) is None
    refusal = channel_refusal(server, [99, None], None)
    assert refusal is not None and "<#10>, <#30>" in refusal
    assert "<#10>" in (channel_refusal(server, [99, None], ZH) or "")


def test_a_thread_counts_as_its_channel() -> None:
    server = ServerSettings(channel_ids=frozenset({10}))
    assert channel_refusal(server, [555, 10], None) is None


def test_fifty_channels_are_named_whole_within_a_message() -> None:
    ids = [1_300_000_000_000_000_000 + n for n in range(50)]
    refusal = channel_refusal(ServerSettings(channel_ids=frozenset(ids)), [99, None], None)
    assert refusal is not None and len(refusal) <= 2000 - len("⚠️ ")
    assert all(f"<#{channel_id}>" in refusal for channel_id in ids)


def test_no_open_channel_says_so() -> None:
    refusal = channel_refusal(ServerSettings(channel_ids=frozenset()), [10, None], None)
    assert refusal is not None and "no channel" in refusal


# --- services -------------------------------------------------------------------------------------------------


def test_a_service_not_allowed_is_refused_naming_the_allowed_ones() -> None:
    server = ServerSettings(allowed_services=frozenset({"ngpu", "picpik"}))
    assert service_refusal(server, "ngpu", PROVIDERS, None) is None
    refusal = service_refusal(server, "midjourney", PROVIDERS, None)
    assert refusal is not None
    assert "Midjourney" in refusal and "Picpik, NGPU" in refusal.split("Allowed here:")[1]
    assert service_refusal(ServerSettings(), "midjourney", PROVIDERS, None) is None


def test_imagine_tries_the_members_default_then_the_servers_then_the_bots_order() -> None:
    member = MemberSettings(default_service="ngpu")
    server = ServerSettings(default_service="jumdata")
    assert preferred_services(PROVIDERS, member, server) == ["ngpu", "jumdata", "picpik", "midjourney"]
    assert preferred_services(PROVIDERS, MemberSettings(), server) == ["jumdata", "picpik", "midjourney", "ngpu"]


def test_imagine_skips_services_not_allowed_or_not_offered() -> None:
    member = MemberSettings(default_service="jumdata")
    server = ServerSettings(default_service="gone", allowed_services=frozenset({"ngpu", "midjourney", "gone"}))
    assert preferred_services(PROVIDERS, member, server) == ["midjourney", "ngpu"]
    offered = {name: PROVIDERS[name] for name in ("picpik", "jumdata")}
    assert preferred_services(offered, member, server) == []


def test_imagine_services_refuses_a_named_service_not_allowed_and_an_empty_choice() -> None:
    server = ServerSettings(allowed_services=frozenset({"ngpu"}))
    assert imagine_services(PROVIDERS, MemberSettings(), server, "ngpu", None) == ["ngpu"]
    assert imagine_services(PROVIDERS, MemberSettings(), server, None, None) == ["ngpu"]
    refused = imagine_services(PROVIDERS, MemberSettings(), server, "picpik", None)
    assert isinstance(refused, str) and "Picpik is not allowed" in refused
    offered = {"picpik": PROVIDERS["picpik"]}
    none_left = imagine_services(offered, MemberSettings(), server, None, None)
    assert isinstance(none_left, str) and "allowed here: NGPU" in none_left
    nothing = imagine_services(offered, MemberSettings(), ServerSettings(allowed_services=frozenset()), None, None)
    assert isinstance(nothing, str) and "allowed here: nothing" in nothing


# --- prompts --------------------------------------------------------------------------------------------------


def test_the_prompts_a_job_sends() -> None:
    request = ImagineRequest(prompt="a cat", negative_prompt="dogs")
    assert job_prompts(JobKind.IMAGINE, request) == ["a cat", "dogs"]
    assert job_prompts(JobKind.REROLL, request) == ["a cat", "dogs"]
    assert job_prompts(JobKind.REMIX, {"prompt": "a castle"}) == ["a castle"]
    assert job_prompts(JobKind.UPSCALE, request) == []  # an upscale sends no prompt
    assert job_prompts(JobKind.BLEND, None) == []
    assert job_prompts(JobKind.IMAGINE, ImagineRequest(prompt="a cat")) == ["a cat"]


def test_banned_words_are_named_to_the_member() -> None:
    server = ServerSettings(banned_words=("gore", "猫"))
    assert banned_word_refusal(server, ["a calm lake"], None) is None
    refusal = banned_word_refusal(server, ["a lake", "GORE everywhere, 一只猫"], None)
    assert refusal is not None and "“gore”, “猫”" in refusal
    assert "“gore”" in (banned_word_refusal(server, ["gore"], ZH) or "")
    assert banned_word_refusal(ServerSettings(), ["gore"], None) is None


# --- access gates ---------------------------------------------------------------------------------------------


class StubProvider:
    """What the rules read of a provider: its names, its gate and its check."""

    name = "ngpu"
    display_name = "NGPU"
    access_gate: str | None = "ainn"

    def __init__(self, outcome: AccessOutcome | Exception, delay: float = 0.0) -> None:
        self.outcome, self.delay, self.checks = outcome, delay, 0

    async def check_access(self) -> AccessOutcome:
        self.checks += 1
        await asyncio.sleep(self.delay)
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


REQUIRED = ServerSettings(ngpu_requires_ainn=True)


def test_the_gate_is_required_only_where_the_server_switches_it_on() -> None:
    assert gate_required(REQUIRED, PROVIDERS["ngpu"]) == "ainn"
    assert gate_required(ServerSettings(), PROVIDERS["ngpu"]) is None
    assert gate_required(REQUIRED, PROVIDERS["picpik"]) is None


async def test_a_passing_check_lets_the_job_through() -> None:
    assert await access_refusal(REQUIRED, StubProvider(AccessOutcome.GRANTED), None) is None


async def test_no_check_is_made_when_the_server_does_not_require_it() -> None:
    provider = StubProvider(AccessOutcome.DENIED)
    assert await access_refusal(ServerSettings(), provider, None) is None
    assert provider.checks == 0


async def test_keys_without_an_address_are_told_to_add_one() -> None:
    refusal = await access_refusal(REQUIRED, StubProvider(AccessOutcome.INCOMPLETE), None)
    # what the server requires, why these keys fail it, and the command that fixes it
    assert refusal is not None and refusal.startswith("This server requires AINN to use NGPU")
    assert "have no BTC address" in refusal and "`/keys set service:ngpu`" in refusal
    chinese = await access_refusal(REQUIRED, StubProvider(AccessOutcome.INCOMPLETE), ZH)
    assert chinese is not None and "要求持有 AINN" in chinese and "`/keys set service:ngpu`" in chinese


async def test_an_address_without_ainn_is_refused() -> None:
    refusal = await access_refusal(REQUIRED, StubProvider(AccessOutcome.DENIED), None)
    assert refusal is not None and "holds no AINN" in refusal
    chinese = await access_refusal(REQUIRED, StubProvider(AccessOutcome.DENIED), ZH)
    assert chinese is not None and "没有 AINN" in chinese


@pytest.mark.parametrize("delay", [0.0, 1.0])
async def test_a_service_that_cannot_answer_in_time_is_a_friendly_refusal(
    delay: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_rules, "ACCESS_CHECK_SECONDS", 0.05)
    outcome = ServerError("down", provider="ngpu") if delay == 0 else AccessOutcome.GRANTED
    refusal = await access_refusal(REQUIRED, StubProvider(outcome, delay), None)
    assert refusal is not None and "Could not check with NGPU" in refusal


async def test_a_gate_without_its_own_words_gets_the_general_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(server_rules.GATE_SWITCHES, "membership", lambda server: True)
    provider = StubProvider(AccessOutcome.DENIED)
    provider.access_gate = "membership"
    refusal = await access_refusal(ServerSettings(), provider, None)
    assert refusal == "NGPU says your keys do not meet this server's requirement."
