"""An emulator of the Picpik Platform API, written from the Picpik documents (seeds 000 and 001 and the
digest in PROVIDERS.md §1), never from the bot's client: the signature check is re-implemented here.

Every call is ``POST /`` with a JSON body carrying ``Action``, ``PublicKey``, ``Signature`` and
``request_uuid``; every reply carries ``RetCode``, ``Action`` ("<Action>Response"), ``Message`` and the
echoed ``request_uuid``. Test keys: ``TEST_PUBLIC_KEY`` / ``TEST_PRIVATE_KEY``.

Service faults (on top of the generic ones in ``common.py``), armed with ``app[FAULTS_KEY].arm(name)``:

* ``rate_limit``      any action answers RetCode 180 "request too frequent"
* ``auth_failure``    any action answers RetCode 171 "Signature VerifyAC Error" (a revoked key)
* ``moderation``      GenerateImages / DescribeImages answer RetCode 360 (prompt refused)
* ``quota``           GenerateImages / DescribeImages answer RetCode 290 (out of API points)
* ``task_fails``      the next GenerateImages task ends with ErrorCode 5001 and an ErrorMassage
* ``answer_lost``     GenerateImages / DescribeImages create their task, then never answer (a billed submit
                      that times out although the service took it)
* ``malformed_detail`` the next ListTasksDetails entry has an ImgList and ErrorCode of the wrong types
* ``create_partial``  CreatePicpikApp: the last of the requested apps fails (its own RetCode/ErrMsg)
* ``app_start_fails`` StartPicpikApp: the app goes 10 (starting) → -4 (start failed)

The RetCode values (mostly inferences) are listed in ``_catalog.py``. Run it alone with
``python -m tests.emulators.picpik --port 8081``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from tests.emulators.common import JobClock, new_app
from tests.emulators.picpik._actions import PicpikEmulator
from tests.emulators.picpik._catalog import (
    BUNDLES,
    KEY_PAIRS,
    LORA_MODELS,
    MAIN_MODELS,
    MAX_IMAGE_SIDE,
    TEST_PRIVATE_KEY,
    TEST_PUBLIC_KEY,
)
from tests.emulators.picpik._signature import expected_signature
from tests.emulators.picpik._state import REQUESTS_KEY, STATE_KEY, PicpikState

#: what `python -m tests.emulators` prints for .env
ENV_SETTINGS = {"PICPIK_PUBLIC_KEY": TEST_PUBLIC_KEY, "PICPIK_PRIVATE_KEY": TEST_PRIVATE_KEY}

__all__ = [
    "BUNDLES",
    "ENV_SETTINGS",
    "KEY_PAIRS",
    "LORA_MODELS",
    "MAIN_MODELS",
    "MAX_IMAGE_SIDE",
    "REQUESTS_KEY",
    "STATE_KEY",
    "TEST_PRIVATE_KEY",
    "TEST_PUBLIC_KEY",
    "expected_signature",
    "make_app",
    "requests_for",
]


@web.middleware
async def _record_requests(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Record every API call before any fault fires, so a hung billed submit still counts as received."""
    if request.method == "POST" and request.path == "/":
        try:
            body = await request.json()
        except ValueError:
            body = None
        action = body.get("Action") if isinstance(body, dict) else None
        request.app[REQUESTS_KEY].append({"Action": action, "body": body})
    return await handler(request)


def requests_for(app: web.Application, action: str) -> list[dict[str, Any]]:
    """The bodies of the received calls of one action."""
    return [entry["body"] for entry in app[REQUESTS_KEY] if entry["Action"] == action]


def make_app(job_seconds: float = 3.0) -> web.Application:
    """The emulator: tasks take ``job_seconds``; each transitional app state lasts ``job_seconds`` too."""
    app = new_app()
    app.middlewares.insert(0, _record_requests)
    app[STATE_KEY] = PicpikState(clock=JobClock(duration=job_seconds), step_seconds=job_seconds)
    app[REQUESTS_KEY] = []
    emulator = PicpikEmulator(app)
    app.router.add_post("/", emulator.handle)
    return app


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Run the Picpik emulator.")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--job-seconds", type=float, default=3.0)
    arguments = parser.parse_args()
    web.run_app(make_app(arguments.job_seconds), host="127.0.0.1", port=arguments.port)
