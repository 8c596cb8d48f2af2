"""The emulators are written from the documents: they must not lean on the client code they test."""

import ast
import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp

EMULATORS = Path(__file__).resolve().parent
ROOT = EMULATORS.parents[1]


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_emulator_imports_the_clients() -> None:
    files = [p for p in EMULATORS.rglob("*.py") if not p.name.startswith("test_")]
    assert len(files) >= 3
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in _imported_modules(path) if m.split(".")[0] in ("providers", "bot")
        )
        for path in files
    }
    assert {k: v for k, v in offenders.items() if v} == {}


async def test_command_line_runs_every_emulator_on_its_own_port() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.emulators", "--base-port", "0", "--job-seconds", "0.2",
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        urls: dict[str, str] = {}
        settings: set[str] = set()
        async with asyncio.timeout(30):
            assert process.stdout is not None
            while True:
                line = (await process.stdout.readline()).decode()
                assert line, "the emulators exited early"
                if match := re.match(r"^([A-Z]+)_BASE_URL=(http://\S+)$", line.strip()):
                    urls[match[1].lower()] = match[2]
                elif match := re.match(r"^([A-Z_]+)=\S+$", line.strip()):
                    settings.add(match[1])
                if line.startswith("# emulators ready"):
                    break
        assert set(urls) == {"picpik", "midjourney", "jumdata", "ngpu"}
        assert {"PICPIK_PRIVATE_KEY", "MIDJOURNEY_PASSWORD", "JUMDATA_APP_SECRET", "NGPU_WORKSPACE_ID"} <= settings
        assert len(set(urls.values())) == 4
        async with aiohttp.ClientSession() as session:
            for url in urls.values():
                async with session.get(f"{url}/_emulator/faults") as response:
                    assert response.status == 200
                    assert await response.json() == {"armed": {}}
    finally:
        process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()
