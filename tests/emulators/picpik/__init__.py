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
* ``wrong_types``, ``missing_fields``, ``huge_reply`` (``common.GARBAGE_FAULTS``) for the next submitted task: once
                      done its detail has Status, ImgList, TxtList and Seed of the wrong types, or only its TaskUID
                      and Action; or every ListTasksDetails naming it is over 32 MiB
App instances move through their states over time: each transitional state (2, 3, 4 initialising, 10 starting,
5 shutting down, 9 restarting, 7 deleting) lasts ``job_seconds``. App faults:

* ``create_partial``   CreatePicpikApp: the last of the requested apps fails (its own AppId, RetCode, ErrMsg) and
                       stays listed in state -8 (create failed)
* ``create_nothing``   CreatePicpikApp answers RetCode 0 with no Results at all
* ``app_init_fails``   CreatePicpikApp: the apps go 2 → -2 (initialisation failed)
* ``comfy_init_fails`` CreatePicpikApp: the apps go 2 → 3 → -3 (ComfySrv initialisation failed)
* ``app_start_fails``  StartPicpikApp: the app goes 10 (starting) → -4 (start failed)
* ``app_stop_fails``   StopPicpikApp: 5 → -5;  ``app_restart_fails`` RestartPicpikApp: 9 → -7;
  ``app_delete_fails`` DeletePicpikApp: 7 → -6
* ``comfy_interrupted`` the next start or restart ends in -9 (ComfySrv interrupted) instead of running
* ``late_transition``  the next action is accepted, but the app keeps its old state for ``lag_seconds`` (default:
                       one step) before it moves
* ``action_ignored``   the next start / stop / restart / delete is accepted and never acted on
* ``map_shape``        while armed, ``Bundles``, ``Apps`` and ``Results`` are JSON objects keyed by id, as the seed's
                       tables type them (``Map[String]…``), instead of the arrays of its examples
* ``deleted_vanish``   while armed, a deleted app drops out of ``ListPicpikApps`` instead of showing state 8
* ``pages_by_default`` while armed, ``ListPicpikBundles`` / ``ListPicpikApps`` without ``Page`` answer their first
                       page (20) only, with the whole ``TotalCount``, instead of the whole list the seed promises
* ``page_ignored``     while armed, both lists answer their first page (20) whatever ``Page`` asks for
A start of a running app and a stop of a shut down one are taken and change nothing (the seed does not refuse them).

Variants (``VARIANTS``, ``make_app(variants=...)``, ``--variant picpik:NAME``; the readings and the default are
described in ``_variants.py``): ``status_legacy``, ``status_other`` (the task ``Status`` words), ``strict_batches``
(``ListTasksDetails`` refuses too many ids, or an unknown or expired one, as a whole) and ``app_host`` (the app
actions only under ``/app-actions``). A test makes a task expire with ``app[STATE_KEY].tasks[uid].expired = True``.

The RetCode values (mostly inferences) are listed in ``_catalog.py``. Run it alone with
``python -m tests.emulators.picpik --port 8081``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web

from tests.emulators.common import JobClock, chosen_variants, new_app
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
from tests.emulators.picpik._signature import expected_service_signature, expected_signature
from tests.emulators.picpik._state import REQUESTS_KEY, STATE_KEY, PicpikState
from tests.emulators.picpik._variants import (
    APP_ACTIONS_PATH,
    STRICT_MAX_TASKS,
    VARIANT_ENV_SETTINGS,
    VARIANTS,
    paths,
)

#: what `python -m tests.emulators` prints for .env
ENV_SETTINGS = {"PICPIK_PUBLIC_KEY": TEST_PUBLIC_KEY, "PICPIK_PRIVATE_KEY": TEST_PRIVATE_KEY}

__all__ = [
    "APP_ACTIONS_PATH",
    "BUNDLES",
    "ENV_SETTINGS",
    "KEY_PAIRS",
    "LORA_MODELS",
    "MAIN_MODELS",
    "MAX_IMAGE_SIDE",
    "REQUESTS_KEY",
    "STATE_KEY",
    "STRICT_MAX_TASKS",
    "TEST_PRIVATE_KEY",
    "TEST_PUBLIC_KEY",
    "VARIANTS",
    "VARIANT_ENV_SETTINGS",
    "expected_service_signature",
    "expected_signature",
    "make_app",
    "requests_for",
]


@web.middleware
async def _record_requests(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Record every API call (a POST anywhere but the control routes, answered or not) before any fault fires, so a
    hung billed submit still counts as received, and a call sent to the wrong address shows where it went."""
    if request.method == "POST" and not request.path.startswith("/_emulator/"):
        try:
            body = await request.json()
        except ValueError:
            body = None
        action = body.get("Action") if isinstance(body, dict) else None
        request.app[REQUESTS_KEY].append({"Action": action, "path": request.path, "body": body})
    return await handler(request)


def requests_for(app: web.Application, action: str) -> list[dict[str, Any]]:
    """The bodies of the received calls of one action."""
    return [entry["body"] for entry in app[REQUESTS_KEY] if entry["Action"] == action]


def make_app(job_seconds: float = 3.0, *, variants: Iterable[str] = ()) -> web.Application:
    """The emulator: tasks take ``job_seconds``; each transitional app state lasts ``job_seconds`` too."""
    chosen = chosen_variants(VARIANTS, variants)
    app = new_app(variants=chosen)
    app.middlewares.insert(0, _record_requests)
    app[STATE_KEY] = PicpikState(clock=JobClock(duration=job_seconds), step_seconds=job_seconds)
    app[REQUESTS_KEY] = []
    emulator = PicpikEmulator(app)
    for path in paths(chosen):
        app.router.add_post(path, emulator.handle)
    return app


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Run the Picpik emulator.")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--job-seconds", type=float, default=3.0)
    parser.add_argument("--variant", action="append", default=[], choices=sorted(VARIANTS), help="play another reading")
    arguments = parser.parse_args()
    app = make_app(arguments.job_seconds, variants=arguments.variant)
    web.run_app(app, host="127.0.0.1", port=arguments.port)
