"""What each service emulator was asked, when, and what it answered; and faults injected at random into a share
of the requests (``Chaos``), on top of the emulators' own fault switchboard.

``Traffic.install(app)`` puts one middleware in front of everything else of an emulator app (before it is
served), so even a request that a fault then hangs is counted with its arrival time.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from aiohttp import web

from tests.emulators.common import FAULTS_KEY

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: the paths of each service's billed submits (Picpik: ``POST /`` with these actions)
SUBMIT_PATHS = {
    "midjourney": ("/jobs/create", "/jobs/variation", "/jobs/upscale", "/jobs/blend", "/jobs/describe"),
    "jumdata": ("/ai/draw/submit",),
    "ngpu": ("/user/schedulingTask",),
}
PICPIK_SUBMITS = ("GenerateImages", "DescribeImages")


@dataclass
class Hit:
    """One API request: when it arrived (``time.monotonic``), what it was, the HTTP status it got (None: never
    answered, e.g. hung)."""

    at: float
    path: str
    action: str | None
    status: int | None = None

    @property
    def what(self) -> str:
        return self.action or self.path


@dataclass
class Chaos:
    """Arm one of ``faults`` (the emulator's own names) for a ``share`` of the requests, chosen with a fixed seed.

    The emulator fires an armed fault on the next request it handles, which is this one unless another request
    overtakes it: the share holds, the exact request may differ.
    """

    share: float
    faults: Sequence[str]
    seed: int = 6
    #: paths left alone (e.g. a login, whose own expiry is tested on its own)
    spared: Sequence[str] = ()
    armed: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def pick(self, path: str) -> str | None:
        if path in self.spared or self._random.random() >= self.share:
            return None
        fault = self._random.choice(list(self.faults))
        self.armed.append(fault)
        return fault


@dataclass
class Traffic:
    service: str
    hits: list[Hit] = field(default_factory=list)
    chaos: Chaos | None = None
    #: requests to hold before the emulator sees them (as if the network lost them): they are never answered
    hold: Callable[[Hit], bool] | None = None
    #: seconds to keep a request waiting before the emulator sees it (a slow network or service)
    delay: Callable[[Hit], float] | None = None

    def install(self, app: web.Application) -> web.Application:
        app.middlewares.insert(0, self._middleware)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith("/_emulator/"):  # control routes and result images
            return await handler(request)
        hit = Hit(time.monotonic(), request.path, await _picpik_action(request))
        self.hits.append(hit)
        if self.hold is not None and self.hold(hit):
            await asyncio.sleep(3600)
        if self.delay is not None:
            await asyncio.sleep(self.delay(hit))
        fault = self.chaos.pick(request.path) if self.chaos is not None else None
        if fault is not None:
            request.app[FAULTS_KEY].arm(fault, 1)
        try:
            response = await handler(request)
        except web.HTTPException as error:
            hit.status = error.status
            raise
        hit.status = response.status
        return response

    # --- what happened ------------------------------------------------------------------------------------

    def is_submit(self, hit: Hit) -> bool:
        """A billed submit (what the service charges for)."""
        if self.service == "picpik":
            return hit.action in PICPIK_SUBMITS
        return hit.path in SUBMIT_PATHS.get(self.service, ())

    def submits(self) -> list[Hit]:
        return [hit for hit in self.hits if self.is_submit(hit)]

    def of(self, what: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.what == what]

    def rate(self, start: float, end: float) -> float:
        """Requests per second that arrived in [start, end)."""
        return sum(start <= hit.at < end for hit in self.hits) / (end - start)


async def _picpik_action(request: web.Request) -> str | None:
    """Picpik's ``Action`` (every Picpik call is ``POST /``); None for the other services."""
    if request.method != "POST" or request.path != "/":
        return None
    try:
        body = json.loads(await request.read())
    except ValueError:
        return None
    action = body.get("Action") if isinstance(body, dict) else None
    return action if isinstance(action, str) else None
