"""Tasks and app instances as the emulator keeps them; app states move on by themselves over time."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.emulators.common import JobClock


@dataclass
class Task:
    uid: str
    owner: str
    action: str
    started: float
    width: int = 512
    height: int = 512
    batch: int = 1
    seed: int = 0
    fails: bool = False
    texts: list[str] = field(default_factory=list)
    image_paths: list[str] | None = None
    #: one of ``common.GARBAGE_FAULTS``: how this task's details are broken
    garbage: str | None = None
    #: Picpik no longer knows it (a test sets this): left out of answers, or refused under ``strict_batches``
    expired: bool = False


@dataclass
class EmulatedApp:
    app_id: str
    owner: str
    bundle: dict[str, Any]
    remark: str
    ip: str
    api_key: str
    created: int
    #: (state, seconds) steps still to go through, then ``final``
    steps: list[tuple[int, float]] = field(default_factory=list)
    final: int = 1
    since: float = 0.0

    def state(self, now: float) -> int:
        elapsed = now - self.since
        for state, seconds in self.steps:
            if elapsed < seconds:
                return state
            elapsed -= seconds
        return self.final

    def move(self, now: float, through: list[int], final: int, step_seconds: float, *, lag: float = 0.0) -> None:
        """Go through ``through`` (``step_seconds`` each) to ``final``; with a ``lag``, the state stays what it
        was for that long first (a service that acts on a request a while after accepting it)."""
        lagging = [(self.state(now), lag)] if lag > 0 else []
        self.steps = lagging + [(state, step_seconds) for state in through]
        self.final = final
        self.since = now

    def info(self, now: float) -> dict[str, Any]:
        return {
            "AppId": self.app_id,
            "BundleId": self.bundle["BundleId"],
            "BundleName": self.bundle["Name"],
            "BundleVersion": self.bundle["Version"],
            "Remark": self.remark,
            "IP": self.ip,
            "State": self.state(now),
            "ApiKey": self.api_key,
            "CreateTime": self.created,
        }


@dataclass
class PicpikState:
    clock: JobClock
    #: how long each transitional app state (initialising, starting, shutting down …) lasts
    step_seconds: float
    #: with the ``late_transition`` fault: how long an accepted action leaves the app as it was (None: one step)
    lag_seconds: float | None = None
    tasks: dict[str, Task] = field(default_factory=dict)
    apps: dict[str, EmulatedApp] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    def new_id(self, prefix: str = "c", length: int = 19) -> str:
        return prefix + "".join(self.rng.choices(string.ascii_lowercase + string.digits, k=length))


STATE_KEY: web.AppKey[PicpikState] = web.AppKey("picpik_state", PicpikState)
#: every API request that reached the emulator, in order: {"Action": ..., "path": ..., "body": {...}} (recorded before
#: faults)
REQUESTS_KEY: web.AppKey[list[dict[str, Any]]] = web.AppKey("picpik_requests", list)
