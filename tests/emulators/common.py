"""What every service emulator shares: a fault switchboard, a job clock, real PNG images, a loopback server.

Emulators are written from the service documents and never import the bot's client code
(``providers.*``), so a misreading on one side is caught by the other.
"""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from PIL import Image, ImageDraw

FAULTS_KEY: web.AppKey[Faults] = web.AppKey("faults", object)  # type: ignore[arg-type]
FILES_KEY: web.AppKey[dict[str, bytes]] = web.AppKey("files", dict)
#: the named readings of contested facts this emulator plays (empty: its default, the strongest public evidence)
VARIANTS_KEY: web.AppKey[frozenset[str]] = web.AppKey("variants", frozenset)

#: faults handled by the shared middleware; each emulator handles its service-specific ones
GENERIC_FAULTS = ("slow", "hang", "server_error", "malformed_json", "http_rate_limit")
#: garbage in the status replies of one job, armed for the next submitted job only (each emulator breaks its own
#: reply shape): ``wrong_types`` (fields of the wrong JSON types once it is done), ``missing_fields`` (the fields
#: that say how it went left out once it is done), ``huge_reply`` (every status reply naming it is over 32 MiB)
GARBAGE_FAULTS = ("wrong_types", "missing_fields", "huge_reply")
#: past the bot's 32 MiB cap on a JSON reply
HUGE_REPLY_BYTES = 33 * 1024 * 1024


@dataclass
class Faults:
    """Switchable faults. ``arm(name, times=None)``: None means until cleared."""

    armed: dict[str, int | None] = field(default_factory=dict)
    slow_seconds: float = 0.5

    def arm(self, name: str, times: int | None = None) -> None:
        self.armed[name] = times

    def clear(self, name: str | None = None) -> None:
        if name is None:
            self.armed.clear()
        else:
            self.armed.pop(name, None)

    def take(self, name: str) -> bool:
        """Whether fault ``name`` fires for this request (consuming one use)."""
        if name not in self.armed:
            return False
        remaining = self.armed[name]
        if remaining is not None:
            if remaining <= 1:
                del self.armed[name]
            else:
                self.armed[name] = remaining - 1
        return True

    def is_armed(self, name: str) -> bool:
        return name in self.armed

    def take_garbage(self) -> str | None:
        """The garbage fault (``GARBAGE_FAULTS``) the job being submitted is to carry, if one is armed."""
        return next((name for name in GARBAGE_FAULTS if self.take(name)), None)


def json_response(payload: Any, status: int = 200) -> web.Response:
    # exactly "application/json", as real services send (no charset parameter)
    return web.Response(
        body=json.dumps(payload, ensure_ascii=False).encode(),
        status=status,
        headers={"Content-Type": "application/json"},
    )


def png_bytes(width: int, height: int, *, seed: int = 0, label: str = "") -> bytes:
    """A real PNG with a colour and shapes that depend on ``seed`` (so different images differ)."""
    hue = (seed * 67) % 255
    image = Image.new("RGB", (width, height), ((hue + 40) % 256, (hue * 3) % 256, (255 - hue) % 256))
    draw = ImageDraw.Draw(image)
    step = max(8, min(width, height) // 8)
    for i in range(0, max(width, height), step):
        draw.line([(i, 0), (0, i)], fill=((hue * 5) % 256, 200, 90), width=2)
    draw.ellipse([width // 4, height // 4, 3 * width // 4, 3 * height // 4], outline=(255, 255, 255), width=3)
    if label:
        draw.text((8, 8), label[:40], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=1)
    return out.getvalue()


def grid_png(cell_width: int, cell_height: int, *, seed: int = 0) -> bytes:
    """A 2×2 grid image as a service that composes grids itself would return."""
    grid = Image.new("RGB", (cell_width * 2, cell_height * 2))
    for index in range(4):
        cell = Image.open(io.BytesIO(png_bytes(cell_width, cell_height, seed=seed + index, label=str(index + 1))))
        grid.paste(cell, ((index % 2) * cell_width, (index // 2) * cell_height))
    out = io.BytesIO()
    grid.save(out, format="PNG", compress_level=1)
    return out.getvalue()


@dataclass
class JobClock:
    """Moves a job through queued → running (with progress) → finished over ``duration`` seconds."""

    duration: float = 1.0
    queued_share: float = 0.2
    now: Callable[[], float] = time.monotonic

    def phase(self, started: float) -> tuple[str, float]:
        """("queued" | "running" | "finished", progress 0–100)."""
        elapsed = self.now() - started
        if elapsed >= self.duration:
            return "finished", 100.0
        queued_for = self.duration * self.queued_share
        if elapsed < queued_for:
            return "queued", 0.0
        share = (elapsed - queued_for) / max(1e-9, self.duration - queued_for)
        return "running", round(min(99.0, max(1.0, share * 100)), 1)


def store_file(app: web.Application, data: bytes) -> str:
    """Keep a generated file and return its path on the emulator (served by ``/_emulator/files/``)."""
    files = app[FILES_KEY]
    name = f"{len(files) + 1:06d}.png"
    files[name] = data
    return f"/_emulator/files/{name}"


def absolute(request: web.Request, path: str) -> str:
    return str(request.url.origin().join(request.url.with_path(path).relative()))


@web.middleware
async def fault_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    if request.path.startswith("/_emulator/"):
        return await handler(request)
    faults = request.app[FAULTS_KEY]
    if faults.take("hang"):
        await asyncio.sleep(3600)
    if faults.take("slow"):
        await asyncio.sleep(faults.slow_seconds)
    if faults.take("server_error"):
        return web.Response(status=503, text="Service Unavailable")
    if faults.take("http_rate_limit"):
        return web.Response(status=429, text="Too Many Requests", headers={"Retry-After": "1"})
    if faults.take("malformed_json"):
        return web.Response(body=b'{"truncated": ', headers={"Content-Type": "application/json"})
    return await handler(request)


async def _control_faults(request: web.Request) -> web.Response:
    faults = request.app[FAULTS_KEY]
    if request.method == "DELETE":
        faults.clear()
        return json_response({"armed": {}})
    if request.method == "POST":
        body = await request.json()
        faults.arm(str(body["name"]), body.get("times"))
    return json_response({"armed": faults.armed})


async def _serve_file(request: web.Request) -> web.Response:
    data = request.app[FILES_KEY].get(request.match_info["name"])
    if data is None:
        raise web.HTTPNotFound()
    return web.Response(body=data, headers={"Content-Type": "image/png"})


def chosen_variants(known: Mapping[str, str], chosen: Iterable[str]) -> frozenset[str]:
    """``chosen`` checked against an emulator's ``VARIANTS`` (name → the reading it plays)."""
    wanted = frozenset(chosen)
    unknown = sorted(wanted - set(known))
    if unknown:
        raise ValueError(f"unknown emulator variant(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return wanted


def new_app(faults: Faults | None = None, variants: frozenset[str] = frozenset()) -> web.Application:
    """An application with the fault middleware, the control routes and the file store."""
    app = web.Application(middlewares=[fault_middleware], client_max_size=64 * 1024 * 1024)
    app[FAULTS_KEY] = faults or Faults()
    app[VARIANTS_KEY] = variants
    app[FILES_KEY] = {}
    app.router.add_route("*", "/_emulator/faults", _control_faults)
    app.router.add_get("/_emulator/files/{name}", _serve_file)
    return app


@asynccontextmanager
async def serve(app: web.Application, *, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Run ``app`` on loopback and yield its base URL (``http://127.0.0.1:<port>``)."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.2)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server  # the bound socket tells the real port when port=0
    assert server is not None
    bound_port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://{host}:{bound_port}"
    finally:
        await runner.cleanup()
