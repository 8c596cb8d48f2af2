"""Run every service emulator on its own loopback port, so the bot can be started against them.

    python -m tests.emulators [--base-port 8701] [--job-seconds 3]

Prints the settings (base URLs and test keys) to put in ``.env``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import pkgutil
from contextlib import AsyncExitStack, suppress
from types import ModuleType

from tests.emulators import common

#: fixed order so each service keeps its port from run to run
SERVICES = ("picpik", "midjourney", "jumdata", "ngpu")


def _emulator_modules() -> dict[str, ModuleType]:
    package = importlib.import_module("tests.emulators")
    present = {info.name for info in pkgutil.iter_modules(package.__path__)}
    return {name: importlib.import_module(f"tests.emulators.{name}") for name in SERVICES if name in present}


async def run(host: str, base_port: int, job_seconds: float, ready: asyncio.Event | None = None) -> None:
    async with AsyncExitStack() as stack:
        for offset, (name, module) in enumerate(_emulator_modules().items()):
            port = base_port + offset if base_port else 0
            url = await stack.enter_async_context(common.serve(module.make_app(job_seconds), host=host, port=port))
            print(f"{name.upper()}_BASE_URL={url}", flush=True)
            for key, value in getattr(module, "ENV_SETTINGS", {}).items():
                print(f"{key}={value}", flush=True)
        # the emulators serve their images on loopback, which the bot refuses unless it is allowed
        print("FETCH_ALLOWED_NETWORKS=127.0.0.0/8", flush=True)
        print("# emulators ready; Ctrl-C stops them", flush=True)
        if ready is not None:
            ready.set()
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--base-port", type=int, default=8701, help="first port; 0 picks free ports")
    parser.add_argument("--job-seconds", type=float, default=3.0, help="how long each emulated job takes")
    args = parser.parse_args()
    with suppress(KeyboardInterrupt):
        asyncio.run(run(args.host, args.base_port, args.job_seconds))


if __name__ == "__main__":
    main()
