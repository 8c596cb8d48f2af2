"""Every registered provider, every declared capability, every listed fault — against its emulator."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import pytest
from pydantic import SecretStr

from providers.core.base import Provider
from providers.core.errors import AuthenticationError, DecodeError, UnsupportedError
from providers.core.models import BlendDimensions, Capability, JobHandle, JobStatus, ParentJob
from providers.core.unknown_values import forget_unknown_values, unknown_value_counts
from providers.registry import PROVIDERS
from tests.emulators.common import FAULTS_KEY, serve
from tests.providers.cases import ALL_CASES
from tests.providers.contract import (
    FaultCase,
    ProviderCase,
    decoded_size,
    image_host_app,
    run_to_end,
    sample_image,
)

JOB_SECONDS = 0.6


@dataclass
class Running:
    case: ProviderCase
    provider: Provider
    emulator_url: str
    image_url: str
    app: object

    def arm(self, fault: str, times: int | None = None) -> None:
        self.app[FAULTS_KEY].arm(fault, times)  # type: ignore[index]


def test_every_registered_provider_has_a_contract_case() -> None:
    assert set(PROVIDERS) == {case.name for case in ALL_CASES}


@pytest.fixture(params=ALL_CASES, ids=lambda case: case.name)
async def running(request: pytest.FixtureRequest) -> AsyncIterator[Running]:
    case: ProviderCase = request.param
    app = case.make_emulator(JOB_SECONDS)
    async with (
        serve(app) as emulator_url,
        serve(image_host_app()) as image_url,
        aiohttp.ClientSession() as session,
    ):
        provider = case.provider_class(session, case.make_settings(emulator_url), case.credentials)
        yield Running(case, provider, emulator_url, image_url, app)


async def _imagine(running: Running) -> ParentJob:
    request = running.case.imagine_request
    handle = await running.provider.imagine(request)
    state, _ = await run_to_end(running.provider, handle)
    assert state.status is JobStatus.SUCCEEDED, state.failure
    return ParentJob(handle=handle, result=state, request=request)


def _require(running: Running, capability: Capability) -> None:
    if not running.provider.supports(capability):
        pytest.skip(f"{running.case.name} does not declare {capability}")


async def _assert_images(running: Running, state_images: list, count: int) -> None:
    assert len(state_images) == count
    for image in state_images:
        width, height = decoded_size(await running.provider.download(image))
        assert width >= 64 and height >= 64


async def test_credentials_check(running: Running) -> None:
    await running.provider.check_credentials()
    bad = running.case.provider_class(
        running.provider.session, running.provider.settings, running.case.bad_credentials
    )
    with pytest.raises(AuthenticationError):
        await bad.check_credentials()


async def test_imagine_delivers_real_images(running: Running) -> None:
    _require(running, Capability.IMAGINE)
    parent = await _imagine(running)
    await _assert_images(running, parent.result.images, running.case.imagine_images)
    assert parent.result.is_grid == running.provider.returns_grid


async def test_progress_is_reported(running: Running) -> None:
    _require(running, Capability.PROGRESS)
    handle = await running.provider.imagine(running.case.imagine_request)
    _, seen = await run_to_end(running.provider, handle)
    statuses = [state.status for state in seen]
    assert statuses[-1] is JobStatus.SUCCEEDED
    assert any(status in (JobStatus.QUEUED, JobStatus.RUNNING) for status in statuses[:-1])
    running_progress = [s.progress for s in seen if s.status is JobStatus.RUNNING and s.progress is not None]
    if running.provider.reports_percent:
        assert running_progress, "no progress figure while running"
    assert all(0 <= p <= 100 for p in running_progress)


async def test_upscale(running: Running) -> None:
    _require(running, Capability.UPSCALE)
    parent = await _imagine(running)
    state, _ = await run_to_end(running.provider, await running.provider.upscale(parent, 2))
    assert state.status is JobStatus.SUCCEEDED, state.failure
    await _assert_images(running, state.images, 1)
    assert not state.is_grid


async def test_variation(running: Running) -> None:
    _require(running, Capability.VARIATION)
    parent = await _imagine(running)
    state, _ = await run_to_end(running.provider, await running.provider.variation(parent, 3))
    assert state.status is JobStatus.SUCCEEDED, state.failure
    await _assert_images(running, state.images, running.case.imagine_images)


async def test_remix(running: Running) -> None:
    _require(running, Capability.REMIX)
    parent = await _imagine(running)
    handle = await running.provider.variation(parent, 1, prompt="the same scene at night, neon lights")
    state, _ = await run_to_end(running.provider, handle)
    assert state.status is JobStatus.SUCCEEDED, state.failure
    await _assert_images(running, state.images, running.case.imagine_images)


async def test_reroll(running: Running) -> None:
    _require(running, Capability.REROLL)
    parent = await _imagine(running)
    handle = await running.provider.reroll(parent)
    assert handle.job_id != parent.handle.job_id
    state, _ = await run_to_end(running.provider, handle)
    assert state.status is JobStatus.SUCCEEDED, state.failure
    await _assert_images(running, state.images, running.case.imagine_images)


async def test_blend(running: Running) -> None:
    _require(running, Capability.BLEND)
    images = [sample_image(running.image_url, n) for n in (1, 2, 3)]
    handle = await running.provider.blend(images, BlendDimensions.PORTRAIT)
    state, _ = await run_to_end(running.provider, handle)
    assert state.status is JobStatus.SUCCEEDED, state.failure
    await _assert_images(running, state.images, running.case.imagine_images)


async def test_describe(running: Running) -> None:
    _require(running, Capability.DESCRIBE)
    handle = await running.provider.describe(sample_image(running.image_url, 7))
    state, _ = await run_to_end(running.provider, handle)
    assert state.status is JobStatus.SUCCEEDED, state.failure
    assert state.texts and all(text.strip() for text in state.texts)


async def test_undeclared_capabilities_say_so(running: Running) -> None:
    missing = set(Capability) - set(running.provider.capabilities)
    if Capability.BLEND in missing:
        with pytest.raises(UnsupportedError):
            await running.provider.blend([sample_image(running.image_url, 1)] * 2, BlendDimensions.SQUARE)
    if Capability.DESCRIBE in missing:
        with pytest.raises(UnsupportedError):
            await running.provider.describe(sample_image(running.image_url, 1))
    if not missing & {Capability.BLEND, Capability.DESCRIBE}:
        pytest.skip("declares every capability that can be called without a parent")


async def test_faults_map_to_errors(running: Running, subtests: pytest.Subtests) -> None:
    if not running.case.faults:
        pytest.skip("no faults listed")
    for fault_case in running.case.faults:
        with subtests.test(fault=fault_case.fault, stage=fault_case.stage):
            await _check_fault(running, fault_case)


async def _check_fault(running: Running, fault_case: FaultCase) -> None:
    handle = None
    if fault_case.stage == "poll":
        handle = await running.provider.imagine(running.case.imagine_request)
    running.arm(fault_case.fault)
    call = running.provider.imagine(running.case.imagine_request) if handle is None else running.provider.poll(handle)
    try:
        with pytest.raises(fault_case.error):
            await call
    finally:
        running.app[FAULTS_KEY].clear()  # type: ignore[index]


async def test_failed_job_is_reported_with_reason(running: Running) -> None:
    if running.case.job_failure_fault is None:
        pytest.skip("the service has no way to report a failed job")
    running.arm(running.case.job_failure_fault, times=1)
    handle = await running.provider.imagine(running.case.imagine_request)
    state, _ = await run_to_end(running.provider, handle)
    assert state.status is JobStatus.FAILED
    assert state.failure is not None
    assert state.failure.kind == running.case.job_failure_kind
    assert state.failure.message.strip()


def _secret_values(credentials: object) -> list[str]:
    values = [value.get_secret_value() for value in vars(credentials).values() if isinstance(value, SecretStr)]
    assert values, "credentials declare no secret field"
    return values


async def test_no_secret_reaches_logs_or_errors(running: Running, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secrets = _secret_values(running.case.credentials) + _secret_values(running.case.bad_credentials)
    await _imagine(running)
    messages: list[str] = []
    bad = running.case.provider_class(
        running.provider.session, running.provider.settings, running.case.bad_credentials
    )
    with pytest.raises(AuthenticationError) as info:
        await bad.check_credentials()
    messages += [str(info.value), repr(info.value), repr(bad.credentials), repr(running.provider.settings)]
    for fault_case in running.case.faults:
        await _check_fault(running, fault_case)
    said = caplog.text + "\n".join(messages)
    for secret in secrets:
        assert secret not in said


# --- every contested reading: the emulator plays one variant, the bot must still deliver -----------------------

VARIANT_RUNS = [(case, variant, how) for case in ALL_CASES for variant, how in case.variant_runs()]


@pytest.fixture(
    params=VARIANT_RUNS or [None],
    ids=lambda run: f"{run[0].name}:{run[1]}:{run[2]}" if run else "none",
)
async def running_variant(request: pytest.FixtureRequest) -> AsyncIterator[Running]:
    if request.param is None:
        pytest.skip("no emulator declares variants")
    case, variant, how = request.param
    app = case.make_emulator(JOB_SECONDS, variants=frozenset({variant}))
    async with (
        serve(app) as emulator_url,
        serve(image_host_app()) as image_url,
        aiohttp.ClientSession() as session,
    ):
        settings = case.make_settings(emulator_url)
        if how == "setting":
            settings = settings.model_copy(update=case.variant_settings[variant])
        provider = case.provider_class(session, settings, case.credentials)
        yield Running(case, provider, emulator_url, image_url, app)


def test_every_variant_declared_is_run() -> None:
    declared = {(case.name, variant) for case in ALL_CASES for variant in case.variants}
    assert declared == {(case.name, variant) for case, variant, _ in VARIANT_RUNS}
    for case in ALL_CASES:
        assert set(case.variant_settings) <= set(case.variants), f"{case.name}: a setting for an unknown variant"


async def test_variant_delivers_every_capability(running_variant: Running) -> None:
    """Keys check, /imagine, then every follow-up the service declares, all succeeding under this reading."""
    running = running_variant
    provider = running.provider
    await provider.check_credentials()
    parent = await _imagine(running)
    await _assert_images(running, parent.result.images, running.case.imagine_images)
    follow_ups = []
    if provider.supports(Capability.UPSCALE):
        follow_ups.append(("upscale", lambda: provider.upscale(parent, 2), 1))
    if provider.supports(Capability.VARIATION):
        follow_ups.append(("variation", lambda: provider.variation(parent, 3), running.case.imagine_images))
    if provider.supports(Capability.REMIX):
        remix = lambda: provider.variation(parent, 1, prompt="the same scene at night")  # noqa: E731
        follow_ups.append(("remix", remix, running.case.imagine_images))
    if provider.supports(Capability.REROLL):
        follow_ups.append(("reroll", lambda: provider.reroll(parent), running.case.imagine_images))
    if provider.supports(Capability.BLEND):
        images = [sample_image(running.image_url, n) for n in (1, 2)]
        blend = lambda: provider.blend(images, BlendDimensions.PORTRAIT)  # noqa: E731
        follow_ups.append(("blend", blend, running.case.imagine_images))

    async def delivers(name: str, submit: Callable[[], Awaitable[JobHandle]], count: int) -> None:
        state, _ = await run_to_end(provider, await submit())
        assert state.status is JobStatus.SUCCEEDED, (name, state.failure)
        await _assert_images(running, state.images, count)

    async def describes() -> None:
        state, _ = await run_to_end(provider, await provider.describe(sample_image(running.image_url, 7)))
        assert state.status is JobStatus.SUCCEEDED, ("describe", state.failure)
        assert state.texts and all(text.strip() for text in state.texts)

    # side by side, as members press buttons: every follow-up is its own job on the service
    checks = [delivers(*follow_up) for follow_up in follow_ups]
    if provider.supports(Capability.DESCRIBE):
        checks.append(describes())
    await asyncio.gather(*checks)


async def test_a_reply_of_unknown_shape_is_reported(running: Running) -> None:
    """A status reply the documents do not describe is an unknown value: counted under the service, not a guess."""
    forget_unknown_values()
    running.arm("wrong_types", times=1)
    handle = await running.provider.imagine(running.case.imagine_request)
    reported = set()
    async with asyncio.timeout(10):
        while not reported:
            try:
                state = await running.provider.poll(handle)
            except DecodeError:
                state = None
            reported = {seen for seen in unknown_value_counts() if seen.service == running.case.name}
            if state is not None and state.status.is_terminal and not reported:
                pytest.fail(f"the job ended {state.status} and no unknown shape was reported")
            await asyncio.sleep(0.05)
    assert all("shape" in seen.field or seen.field for seen in reported)
