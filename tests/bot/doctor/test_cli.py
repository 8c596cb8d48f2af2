"""``python -m bot doctor`` as a real process, its settings in the environment, against emulators this test runs."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from providers.registry import PROVIDERS
from tests.bot.doctor.emulated import Emulated, closed_port_url, key_env, running, secrets_of

ROOT = Path(__file__).resolve().parents[3]
#: the environment a developer's shell may carry that would change what the process sees
_OWN_PREFIXES = ("DISCORD_", "DATABASE_", "SECRETS_", "FETCH_", "LOG_LEVEL", *(f"{n.upper()}_" for n in PROVIDERS))


@dataclass(frozen=True)
class Run:
    status: int
    stdout: str
    stderr: str


async def _doctor(tmp_path: Path, env: dict[str, str], *args: str) -> Run:
    """Run the command in a directory with no ``.env``; the emulators keep serving from this loop meanwhile."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(_OWN_PREFIXES)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, env={**clean, "PYTHONPATH": str(ROOT), **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode is not None
    return Run(process.returncode, stdout.decode(), stderr.decode())


def _env_for(emulated: dict[str, Emulated]) -> dict[str, str]:
    """What ``python -m tests.emulators`` prints for these emulators, with quick retries."""
    env: dict[str, str] = {}
    for name, emulator in emulated.items():
        env |= {f"{name.upper()}_BASE_URL": emulator.url, f"{name.upper()}_RETRY_BASE_DELAY_SECONDS": "0.01"}
        env |= key_env(name)
    return env


async def test_all_good_prints_the_table_and_exits_0(tmp_path: Path) -> None:
    async with running() as emulated:
        run = await _doctor(tmp_path, _env_for(emulated), "doctor")
    assert run.status == 0, run
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["service", "reachable", "keys", "usable", "problem"]
    for name in PROVIDERS:
        assert any(line.split()[:4] == [name, "yes", "accepted", "yes"] for line in lines), name
    assert "Every configured service is usable (4 of 4 configured)." in run.stdout
    assert "Traceback" not in run.stderr
    assert all(secret not in run.stdout + run.stderr for secret in secrets_of(PROVIDERS))
    assert all(emulator.calls() and emulator.billed_calls() == [] for emulator in emulated.values())


async def test_refused_keys_and_a_dead_url_exit_1_and_the_json_says_why(tmp_path: Path) -> None:
    wrong_password = "Wr0ngPasswdZ7q"
    async with running(["picpik", "midjourney", "jumdata"]) as emulated:
        env = _env_for(emulated) | {"MIDJOURNEY_PASSWORD": wrong_password, "JUMDATA_BASE_URL": closed_port_url()}
        run = await _doctor(tmp_path, env, "doctor", "--json")
    assert run.status == 1, run
    document = json.loads(run.stdout)
    services = {entry["service"]: entry for entry in document["services"]}
    assert services["midjourney"]["reachable"] is True
    assert services["midjourney"]["keys_accepted"] is False
    assert services["midjourney"]["usable"] is False
    assert services["jumdata"]["reachable"] is False
    assert services["jumdata"]["problem"].startswith("not reachable")
    assert services["picpik"]["usable"] is True
    assert [entry["service"] for entry in document["not_configured"]] == ["ngpu"]
    assert document["usable"] is False
    assert "Traceback" not in run.stderr
    for secret in [*secrets_of(PROVIDERS), wrong_password]:
        assert secret not in run.stdout + run.stderr
    assert all(emulator.billed_calls() == [] for emulator in emulated.values())


async def test_no_service_configured_says_so_and_exits_1(tmp_path: Path) -> None:
    run = await _doctor(tmp_path, {}, "doctor")
    assert run.status == 1, run
    assert "No service has keys in the settings, so there is nothing to check" in run.stdout
    assert "not configured (set MIDJOURNEY_USERNAME, MIDJOURNEY_PASSWORD)" in run.stdout


async def test_bad_usage_and_bad_settings_exit_2(tmp_path: Path) -> None:
    unknown_service = await _doctor(tmp_path, {}, "doctor", "--service", "nowhere")
    unknown_command = await _doctor(tmp_path, {}, "doctr")
    bad_timeout = await _doctor(tmp_path, {}, "doctor", "--timeout", "0")
    bad_setting = await _doctor(tmp_path, {"PICPIK_RETRY_ATTEMPTS": "many"}, "doctor")
    assert [r.status for r in (unknown_service, unknown_command, bad_timeout, bad_setting)] == [2, 2, 2, 2]
    assert "invalid choice: 'nowhere'" in unknown_service.stderr
    assert "unknown command 'doctr'" in unknown_command.stderr
    assert "must be more than 0" in bad_timeout.stderr
    assert "Settings are invalid" in bad_setting.stderr and "retry_attempts" in bad_setting.stderr
    assert all("Traceback" not in r.stderr for r in (unknown_service, unknown_command, bad_timeout, bad_setting))
