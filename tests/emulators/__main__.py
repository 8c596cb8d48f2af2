"""Run every service emulator on its own loopback port, so the bot can be started against them.

    python -m tests.emulators [--base-port 8701] [--job-seconds 3] [--variant SERVICE:NAME ...] [--list-variants]

Prints the settings (base URLs and test keys) to put in ``.env``. Each emulator plays the strongest public reading
of every contested fact by default; ``--variant picpik:strict_batches`` (repeatable) makes it play another
(``--list-variants`` names them all), so the bot and ``python -m bot doctor`` can be tried under each.
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


def variants_by_service(choices: list[str], modules: dict[str, ModuleType]) -> dict[str, frozenset[str]]:
    """``["picpik:strict_batches", "ngpu:data_string"]`` → each service's variants, checked against its emulator."""
    chosen: dict[str, set[str]] = {name: set() for name in modules}
    for choice in choices:
        service, _, variant = choice.partition(":")
        if service not in modules or not variant:
            raise SystemExit(f"--variant {choice!r}: expected SERVICE:NAME with SERVICE one of {', '.join(modules)}")
        chosen[service].add(variant)
    result = {}
    for service, names in chosen.items():
        try:
            result[service] = common.chosen_variants(getattr(modules[service], "VARIANTS", {}), names)
        except ValueError as error:
            raise SystemExit(f"{service}: {error}") from None
    return result


async def run(
    host: str,
    base_port: int,
    job_seconds: float,
    ready: asyncio.Event | None = None,
    variants: list[str] | None = None,
) -> None:
    modules = _emulator_modules()
    chosen = variants_by_service(variants or [], modules)
    async with AsyncExitStack() as stack:
        for offset, (name, module) in enumerate(modules.items()):
            port = base_port + offset if base_port else 0
            app = module.make_app(job_seconds, variants=chosen[name])
            url = await stack.enter_async_context(common.serve(app, host=host, port=port))
            print(f"{name.upper()}_BASE_URL={url}", flush=True)
            if chosen[name]:
                print(f"# {name} emulator variants: {', '.join(sorted(chosen[name]))}", flush=True)
            for variant in sorted(chosen[name]):
                for key, value in getattr(module, "VARIANT_ENV_SETTINGS", {}).get(variant, {}).items():
                    print(f"{key}={value}", flush=True)
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
    parser.add_argument(
        "--variant", action="append", default=[], metavar="SERVICE:NAME", help="play another reading of a fact"
    )
    parser.add_argument("--list-variants", action="store_true", help="name every emulator variant and stop")
    args = parser.parse_args()
    if args.list_variants:
        for name, module in _emulator_modules().items():
            for variant, reading in getattr(module, "VARIANTS", {}).items():
                print(f"{name}:{variant}\t{reading}")
        return
    with suppress(KeyboardInterrupt):
        asyncio.run(run(args.host, args.base_port, args.job_seconds, variants=args.variant))


if __name__ == "__main__":
    main()
