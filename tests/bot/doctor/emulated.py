"""The four emulators on loopback for the doctor's tests: their settings and keys, and what each one was asked.

A call is *billed* (or changes something the operator pays for) when the service's documents say it costs: Picpik's
every action but the ``List…`` ones (GenerateImages, DescribeImages, the app actions); the Midjourney-style API's job
submits; Jumdata's submit; every NGPU POST (scheduling, the synchronous pass-through, sadTalker: NGPU's free calls
are all GETs).
"""

from __future__ import annotations

import importlib
import socket
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from aiohttp import web

from providers.core.base import ServiceSettings
from providers.core.scrub import secret_values
from providers.registry import PROVIDERS
from tests.emulators.common import serve
from tests.providers.contract import fast_settings

#: each registered service's emulator module (``tests/emulators/<service>``)
EMULATORS: dict[str, ModuleType] = {name: importlib.import_module(f"tests.emulators.{name}") for name in PROVIDERS}

_MJ_SUBMITS = frozenset({"/jobs/create", "/jobs/blend", "/jobs/describe", "/jobs/upscale", "/jobs/variation"})


def _picpik_calls(app: web.Application) -> list[tuple[str, bool]]:
    return [(str(e["Action"]), not str(e["Action"]).startswith("List")) for e in app[EMULATORS["picpik"].REQUESTS_KEY]]


def _midjourney_calls(app: web.Application) -> list[tuple[str, bool]]:
    return [(str(r["path"]), r["path"] in _MJ_SUBMITS) for r in app[EMULATORS["midjourney"].REQUESTS_KEY]]


def _jumdata_calls(app: web.Application) -> list[tuple[str, bool]]:
    return [(r.path, r.path.endswith("/submit")) for r in app[EMULATORS["jumdata"].REQUESTS_KEY]]


def _ngpu_calls(app: web.Application) -> list[tuple[str, bool]]:
    return [(f"{r.method} {r.path}", r.method == "POST") for r in app[EMULATORS["ngpu"].REQUESTS_KEY]]


#: service → (call, billed) for every request its emulator received, in order
CALLS: dict[str, Callable[[web.Application], list[tuple[str, bool]]]] = {
    "picpik": _picpik_calls,
    "midjourney": _midjourney_calls,
    "jumdata": _jumdata_calls,
    "ngpu": _ngpu_calls,
}


def variant_cases() -> list[tuple[str, str]]:
    """Every ``(service, variant)`` the emulators play, read from their ``VARIANTS`` now (so new ones count)."""
    return [(name, variant) for name, module in EMULATORS.items() for variant in getattr(module, "VARIANTS", {})]


@dataclass(frozen=True)
class Emulated:
    name: str
    app: web.Application
    url: str

    def calls(self) -> list[str]:
        return [call for call, _ in CALLS[self.name](self.app)]

    def billed_calls(self) -> list[str]:
        return [call for call, billed in CALLS[self.name](self.app) if billed]


@asynccontextmanager
async def running(
    names: Iterable[str] = tuple(PROVIDERS), variants: Mapping[str, Iterable[str]] | None = None
) -> AsyncIterator[dict[str, Emulated]]:
    """The emulators of ``names`` (with ``variants`` per service) served on loopback until the block ends."""
    async with AsyncExitStack() as stack:
        emulated = {}
        for name in names:
            app = EMULATORS[name].make_app(0.5, variants=(variants or {}).get(name, ()))
            emulated[name] = Emulated(name, app, await stack.enter_async_context(serve(app)))
        yield emulated


def key_env(name: str) -> dict[str, str]:
    """The environment settings that give ``name`` its emulator's test keys (what ``python -m tests.emulators``
    prints)."""
    return dict(EMULATORS[name].ENV_SETTINGS)


def secrets_of(names: Iterable[str]) -> list[str]:
    """The secret halves of the emulators' test keys (each service's ``SecretStr`` credentials fields)."""
    found: list[str] = []
    for name in names:
        prefix = _prefix(name)
        keys = {env.removeprefix(prefix).lower(): value for env, value in key_env(name).items()}
        found += secret_values(PROVIDERS[name].credentials_model.model_validate(keys))
    return found


def service_settings(emulated: Mapping[str, Emulated], **overrides: dict[str, Any]) -> dict[str, ServiceSettings]:
    """Settings of each emulated service as the environment would give them: its URL and test keys, with short
    timeouts; ``overrides[service]`` replaces settings fields (``{"password": "…"}``)."""
    found = {}
    for name, emulator in emulated.items():
        prefix = _prefix(name)
        keys = {env.removeprefix(prefix).lower(): value for env, value in key_env(name).items()}
        found[name] = fast_settings(
            PROVIDERS[name].settings_model, emulator.url, **{**keys, **overrides.get(name, {})}
        )
    return found


def _prefix(name: str) -> str:
    return str(PROVIDERS[name].settings_model.model_config.get("env_prefix", ""))


def closed_port_url() -> str:
    """A loopback URL nothing listens on (the port was just free)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
