"""The doctor under every reading each emulator can play (its ``VARIANTS``, read when the tests are collected).

Whatever the service really does, the doctor must reach it, have the keys accepted and send nothing billed; whether
each finding says the right thing is tested with each service's own ``diagnose``.
"""

from __future__ import annotations

import pytest

from bot.doctor import USABLE, examine, exit_status
from providers.registry import PROVIDERS
from tests.bot.doctor import emulated as emulated_module
from tests.bot.doctor.emulated import EMULATORS, running, service_settings, variant_cases

#: every service with its emulator's default reading (None), then every variant it plays
CASES = [(name, None) for name in PROVIDERS] + variant_cases()


@pytest.mark.parametrize(("service", "variant"), CASES, ids=[f"{s}-{v or 'default'}" for s, v in CASES])
async def test_doctor_reaches_the_service_and_sends_nothing_billed(service: str, variant: str | None) -> None:
    async with running([service], {service: [variant] if variant else []}) as emulated:
        report = await examine(service_settings(emulated), only=[service], timeout=30)
    (diagnosis,) = report.configured
    assert diagnosis.reachable is True, diagnosis
    # a service that refuses the key check's made-up id for its form says nothing of the keys (jumdata.key_check "?")
    assert diagnosis.keys_accepted is (None if (service, variant) == ("jumdata", "strict_hex_task_id") else True)
    assert diagnosis.usable, diagnosis
    assert exit_status(report) == USABLE
    assert emulated[service].calls(), "the doctor asked nothing"
    assert emulated[service].billed_calls() == []


def test_variants_are_read_from_the_emulators(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(EMULATORS["ngpu"], "VARIANTS", {"some_reading": "a reading"}, raising=False)
    assert ("ngpu", "some_reading") in emulated_module.variant_cases()
