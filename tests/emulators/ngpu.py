"""An NGPU emulator written from seed 004 and PROVIDERS.md §4, with an AUTOMATIC1111 image behind it
(``ngpu_a1111.py``).

NGPU: ``/user/schedulingTask`` (async) and ``/user/<path>`` (sync) pass ``data`` (the image's own request
body) to the workspace's image; ``/user/queryTask`` answers what the image returned so far. Success is
``result_code`` 100 or 200.

By default it plays the strongest public evidence, NGPU's own public Discord bot (where it and the seed disagree):
``data`` is taken only as the JSON object itself (its JSON text is refused as malformed, before any task is made)
and answered as an object; the workspace id is taken only bare (``Authorization: <id>``; the seed's ``Bearer <id>``
is refused like a wrong id); ``queryTask`` needs no ``Authorization``; the BRC-20 check is at
``/user/brc20/checkAddress`` only. ``VARIANTS`` play the other readings, each refusing what that reading refuses.

The seed documents no failure codes. Inference (HTTP-like, all in ``_fail`` calls below): 400 bad
parameters, 401 unknown workspace, 402 BTC address without AINN, 404 unknown task or path, 503 no node.
Inference: task data while queued/running is ``{"result_code": 101|102, "msg", "progress": 0–100}``
(NGPU's sadTalker bot convention); ``taskInfo.state`` is 1 queued, 2 running, 3 finished (only 3 is
documented).

Faults (``app[FAULTS_KEY].arm(name)``), besides the generic ones in ``common.py``:
* ``task_fails``    — the next submitted task ends with data ``{"result_code": -1, "msg": ...}``
* ``no_ainn``       — a submit is refused with 402: the BTC address holds no AINN
* ``bad_workspace`` — an authenticated request is refused with 401 even with the right workspace id in the right
  form (a request in a form this NGPU does not take is refused as it always is, without using the fault up)
* ``no_node``       — a submit is refused with 503: no compute node is available
* ``queued_then_408`` — a submit is queued (the task exists and runs), then answered HTTP 408 with no JSON, as a
  gateway in front of NGPU that gave up waiting would answer
* ``gateway_422``   — a submit is answered HTTP 422 with no JSON before anything is queued, as a gateway in front of
  NGPU refusing it would answer (not NGPU's own envelope)

Garbage, each armed for the next submitted task only (other tasks stay well-formed):
* ``wrong_types``        — when done, its A1111 answer has ``images`` as a number and ``info`` as a list
* ``missing_fields``     — when done, its queryTask reply has no ``data`` and no ``result_code``
* ``huge_reply``         — every queryTask reply for it is 33 MiB of JSON
* ``decompression_bomb`` — when done, its image is a 70-byte PNG declaring 8,000 × 8,000 pixels (64 megapixels:
  past the bot's own limit, below Pillow's built-in guard, so only the bot's check stands in the way)
"""

from __future__ import annotations

import base64
import itertools
import json
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from aiohttp import web

from tests.emulators.common import (
    FAULTS_KEY,
    VARIANTS_KEY,
    JobClock,
    absolute,
    chosen_variants,
    json_response,
    new_app,
)
from tests.emulators.ngpu_a1111 import A1111_ENDPOINTS, run_a1111

TEST_WORKSPACE_ID = "ws-7f3k9q2x"
#: the seed's example address; holds 100 AINN here
TEST_BTC_ADDRESS = "bc1pp8vyhh2ma0ntzjwr26xxrn5r0w296yu68wdwle5rrhgtv3a2lgkqtyayus"
TEST_BTC_ADDRESS_WITHOUT_AINN = "bc1qemulatorholdsnoainn000000000000000000"

#: what `python -m tests.emulators` prints for .env
ENV_SETTINGS = {"NGPU_WORKSPACE_ID": TEST_WORKSPACE_ID, "NGPU_BTC_ADDRESS": TEST_BTC_ADDRESS}
A1111_PORT = 7860
SAD_TALKER_PORT = 8075
NODES = (
    {"nodeAddr": "0x732637A3A3E0D335Dc00d9F8fba8a1033831Bf13", "progress": 100, "status": 1},
    {"nodeAddr": "0xf54B48DBD69d4f0841e458a551422Cf8eC1DEaaa", "progress": 100, "status": 1},
    {"nodeAddr": "0xCac10F51814E8e425a6877951fecb7746161c669", "progress": 40, "status": 0},
)
#: the seed's example tasks (April 2024), finished, so date filters have history to work on
HISTORIC_TASK_IDS = (
    "20240411_13_36_11_922124",
    "20240411_14_37_10_405715",
    "20240411_14_53_35_843805",
    "20240411_14_54_23_785178",
    "20240415_14_30_09_891041",
)
#: clearly not a video: what the emulator serves at a sadTalker task's result_url
FAKE_MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isomNGPU-EMULATOR-FAKE-VIDEO"
#: ``getDetailed``: a finished task's ``responsetime`` is this many seconds after its ``requesttime``
RESPONSE_SECONDS = 3
#: the BRC-20 check: NGPU's own bot's path (the default) and the seed's (variant ``brc20_seed_path``)
BRC20_BOT_PATH = "/user/brc20/checkAddress"
BRC20_SEED_PATH = "/brc20/checkAddress"
#: queryTask's top-level result_code under variant ``querytask_top_code`` (the task's state stays in ``data``)
ODD_TOP_CODE = 0

#: named readings of contested facts (``--variant ngpu:NAME``); none means the default reading (see above)
VARIANTS: dict[str, str] = {
    "data_string": "pass-through data is taken only as the JSON text of the request body, as the seed's table types "
    "it (the object itself is refused as malformed); replies carry data as JSON text",
    "auth_bearer": "the workspace id is taken only as `Authorization: Bearer <id>`, as the seed writes it (the bare "
    "id is refused)",
    "brc20_seed_path": "the BRC-20 check is at /brc20/checkAddress, the seed's path (/user/brc20/checkAddress does "
    "not exist)",
    "querytask_top_code": f"queryTask's top-level result_code is {ODD_TOP_CODE} (neither 100 nor 200) while data "
    "carries the task's state",
}
#: what an operator whose service plays a variant would set (``python -m tests.emulators`` prints it)
VARIANT_ENV_SETTINGS: dict[str, dict[str, str]] = {
    "data_string": {"NGPU_DATA_FORM": "string"},
    "auth_bearer": {"NGPU_AUTH_FORM": "bearer"},
    "brc20_seed_path": {"NGPU_BRC20_PATH": "brc20/checkAddress"},
}


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    authorization: str | None
    body: Any
    #: the top-level ``result_code`` answered (None: none, or the request never got a JSON answer)
    result_code: int | None = None

    @property
    def taken(self) -> bool:
        """NGPU took the request (a success code), as opposed to refusing it."""
        return self.result_code in (100, 200)

    def inner_data(self) -> Any:
        """The image's request inside a pass-through body, in whichever form ``data`` was sent."""
        data = self.body.get("data") if isinstance(self.body, dict) else None
        if isinstance(data, str):
            try:
                return json.loads(data)
            except json.JSONDecodeError:
                return data
        return data


@dataclass
class Task:
    task_id: str
    param_url: str
    param_port: int
    #: the image's request as JSON text (what getDetailed's ``request`` shows, as in the seed's sample)
    data: str
    btc_address: str
    requrl: str
    node_addr: str
    started: float
    created: datetime
    number: int
    failure: str | None = None
    result: dict[str, Any] | None = None
    #: one of ``GARBAGE_FAULTS``: how this task's replies are broken
    garbage: str | None = None


@dataclass
class NgpuState:
    clock: JobClock
    tasks: dict[str, Task] = field(default_factory=dict)
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))
    videos: dict[str, bytes] = field(default_factory=dict)


REQUESTS_KEY: web.AppKey[list[RecordedRequest]] = web.AppKey("ngpu_requests", list)
STATE_KEY: web.AppKey[NgpuState] = web.AppKey("ngpu_state", NgpuState)
#: address → its AINN balance, for ``brc20/checkAddress`` and the submit check (tests may change it)
HOLDINGS_KEY: web.AppKey[dict[str, int]] = web.AppKey("ngpu_ainn_holdings", dict)


GARBAGE_FAULTS = ("wrong_types", "missing_fields", "huge_reply", "decompression_bomb")
HUGE_REPLY_BYTES = 33 * 1024 * 1024
BOMB_SIDE = 8_000


# --- helpers -----------------------------------------------------------------------------------
def bomb_png(side: int = BOMB_SIDE) -> bytes:
    """A valid-looking PNG header declaring ``side`` × ``side`` RGB pixels, with one tiny compressed row: decoding
    it would need gigabytes, reading its header costs nothing."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    rows = chunk(b"IDAT", zlib.compress(b"\0" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + rows + chunk(b"IEND", b"")


def _plays(app: web.Application, variant: str) -> bool:
    return variant in app[VARIANTS_KEY]


def _data_out(app: web.Application, value: dict[str, Any] | None) -> Any:
    """A reply's ``data``: the object itself by default, its JSON text under ``data_string`` ("" when empty)."""
    if not _plays(app, "data_string"):
        return value if value is not None else ""
    return json.dumps(value) if value is not None else ""


def _garbage_reply(app: web.Application, task: Task, finished: bool) -> web.Response | None:
    """The broken queryTask reply of a task armed with a garbage fault, or None to answer normally."""
    if task.garbage == "huge_reply":
        return web.Response(body=b'{"data": "' + b"x" * HUGE_REPLY_BYTES + b'"}', content_type="application/json")
    if not finished:
        return None
    if task.garbage == "missing_fields":
        return json_response({"msg": "success", "taskID": task.task_id})
    if task.garbage == "wrong_types":
        data = {"images": 7, "parameters": "none", "info": ["not", "json"]}
    elif task.garbage == "decompression_bomb":
        data = {"images": [base64.b64encode(bomb_png()).decode()], "parameters": {}, "info": "{}"}
    else:
        return None
    return json_response({"result_code": 200, "msg": "success", "taskID": task.task_id, "result_size": 1,
                          "data": _data_out(app, data)})


def _fail(code: int, msg: str, status: int = 200) -> web.Response:
    return json_response({"result_code": code, "msg": msg}, status=status)


def _workspace_refusal(request: web.Request, *, required: bool) -> web.Response | None:
    """401-coded refusal unless the workspace id comes in the one form this NGPU takes (bare by default, Bearer
    under ``auth_bearer``; the other form is refused like a wrong id); optional endpoints only check a header that
    is present. ``bad_workspace`` refuses a request that is otherwise right."""
    header = request.headers.get("Authorization")
    if header is None and not required:
        return None
    expected = f"Bearer {TEST_WORKSPACE_ID}" if _plays(request.app, "auth_bearer") else TEST_WORKSPACE_ID
    if (header or "").strip() != expected or request.app[FAULTS_KEY].take("bad_workspace"):
        return _fail(401, "workspace not found or not authorized")
    return None


def _holds_ainn(app: web.Application, address: str) -> bool:
    return app[HOLDINGS_KEY].get(address, 0) > 0


def _submit_refusal(request: web.Request, btc_address: Any) -> web.Response | None:
    faults = request.app[FAULTS_KEY]
    if btc_address is not None and not isinstance(btc_address, str):
        return _fail(400, "btc_address must be a string")
    if faults.take("no_ainn") or (btc_address and not _holds_ainn(request.app, btc_address)):
        return _fail(402, "the BTC address does not hold the AINN inscription")
    if faults.take("no_node"):
        return _fail(503, "no compute node is available for this workspace")
    return None


async def _json_object(request: web.Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


async def _passthrough_body(request: web.Request) -> tuple[dict[str, Any], dict[str, Any]] | web.Response:
    """(body, the image's request), or the refusal (nothing is queued): ``data`` must be the JSON object itself,
    or under ``data_string`` a string holding its JSON text."""
    body = await _json_object(request)
    if body is None:
        return _fail(400, "the body must be a JSON object with data")
    data = body.get("data")
    if not _plays(request.app, "data_string"):
        if not isinstance(data, dict):
            return _fail(400, "data must be the JSON object of the request body, not a string")
        return body, data
    if not isinstance(data, str):
        return _fail(400, "data must be a string holding the JSON request body")
    try:
        inner = json.loads(data)
    except json.JSONDecodeError:
        return _fail(400, "data is not valid JSON")
    if not isinstance(inner, dict):
        return _fail(400, "data must hold a JSON object")
    return body, inner


def _a1111_endpoint(path: str) -> str | None:
    endpoint = path.strip("/").removeprefix("sdapi/v1/")
    return endpoint if endpoint != path.strip("/") and endpoint in A1111_ENDPOINTS else None


def _parse_day(text: str | None, default: date) -> date | None:
    if text is None or text == "":
        return default
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None


def _new_task_id(state: NgpuState, now: datetime) -> str:
    task_id = now.strftime("%Y%m%d_%H_%M_%S_") + f"{now.microsecond:06d}"
    while task_id in state.tasks:  # two tasks in one microsecond
        task_id = task_id[:-6] + f"{(int(task_id[-6:]) + 1) % 1_000_000:06d}"
    return task_id


def _add_task(state: NgpuState, **fields: Any) -> Task:
    number = next(state.numbers)
    created = fields.pop("created", None) or datetime.now()
    task_id = fields.pop("task_id", None) or _new_task_id(state, created)
    working = [node["nodeAddr"] for node in NODES if node["status"] == 1]
    task = Task(task_id=task_id, created=created, number=number, node_addr=working[number % len(working)],
                started=fields.pop("started", time.monotonic()), **fields)
    state.tasks[task_id] = task
    return task


def add_past_tasks(app: web.Application, received: list[datetime]) -> list[str]:
    """Finished txt2img tasks NGPU received at these times (history for the task lists); their ids."""
    data = json.dumps({"prompt": "a lighthouse", "width": 512, "height": 512, "steps": 20})
    tasks = [_add_task(app[STATE_KEY], created=when, started=-1e9, param_url="sdapi/v1/txt2img",
                       param_port=A1111_PORT, data=data, btc_address="", requrl="/user/schedulingTask")
             for when in received]
    return [task.task_id for task in tasks]


def _sad_talker_problem(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "data must be a JSON object"
    for name in ("image_url", "text"):
        if not isinstance(body.get(name), str) or not body[name].strip():
            return f"{name} is required"
    return None


def _task_data(request: web.Request, task: Task) -> tuple[dict[str, Any], bool]:
    """(what the task's image has answered so far, finished) for a task right now."""
    state = request.app[STATE_KEY]
    phase, progress = state.clock.phase(task.started)
    if phase != "finished":
        code = 101 if phase == "queued" else 102
        return {"result_code": code, "msg": phase, "progress": progress}, False
    if task.failure:
        return {"result_code": -1, "msg": task.failure}, True
    if task.result is None:
        body = json.loads(task.data)
        if task.param_url == "sadTalker":
            name = f"{task.task_id}.mp4"
            state.videos[name] = FAKE_MP4
            url = absolute(request, f"/_emulator/ngpu/videos/{name}")
            task.result = {"result_code": 100, "msg": "success", "result_url": url}
        else:
            task.result = run_a1111(_a1111_endpoint(task.param_url) or "", body, task.number)
    return task.result, True


# --- NGPU routes ----------------------------------------------------------------------------------
async def scheduling_task(request: web.Request) -> web.Response:
    if request.app[FAULTS_KEY].take("gateway_422"):
        return web.Response(status=422, text="Unprocessable Entity")
    if refusal := _workspace_refusal(request, required=True):
        return refusal
    param_url, port_text = request.query.get("paramUrl", ""), request.query.get("paramPort", "")
    if request.query.get("taskMode", "Async") != "Async":
        return _fail(400, "taskMode must be Async")
    expected_port = SAD_TALKER_PORT if param_url == "sadTalker" else A1111_PORT
    if param_url != "sadTalker" and _a1111_endpoint(param_url) is None:
        return _fail(404, "the workspace image has no such paramUrl")
    if not port_text.isdigit() or int(port_text) != expected_port:
        return _fail(400, "paramPort is not a port the workspace image exposes for this paramUrl")
    parsed = await _passthrough_body(request)
    if isinstance(parsed, web.Response):
        return parsed
    body, inner = parsed
    if param_url == "sadTalker" and (problem := _sad_talker_problem(inner)):
        return _fail(400, problem)
    if refusal := _submit_refusal(request, body.get("btc_address")):
        return refusal
    task = _add_task(
        request.app[STATE_KEY], param_url=param_url, param_port=int(port_text), data=json.dumps(inner),
        btc_address=body.get("btc_address") or "", requrl=str(request.rel_url),
        failure="CUDA out of memory on the compute node" if request.app[FAULTS_KEY].take("task_fails") else None,
        garbage=next((name for name in GARBAGE_FAULTS if request.app[FAULTS_KEY].take(name)), None),
    )
    if request.app[FAULTS_KEY].take("queued_then_408"):
        return web.Response(status=408, text="Request Timeout")
    return json_response({"result_code": 100, "msg": "SUCCESS! The task is in the queue", "taskID": task.task_id})


async def query_task(request: web.Request) -> web.Response:
    if refusal := _workspace_refusal(request, required=False):
        return refusal
    task = request.app[STATE_KEY].tasks.get(request.query.get("taskID", ""))
    if task is None:
        return _fail(404, "task not found")
    data, finished = _task_data(request, task)
    if (garbage := _garbage_reply(request.app, task, finished)) is not None:
        return garbage
    code = ODD_TOP_CODE if _plays(request.app, "querytask_top_code") else 200
    return json_response({"result_code": code, "msg": "success", "taskID": task.task_id,
                          "result_size": 1 if finished else 0, "data": _data_out(request.app, data)})


def _task_ids(request: web.Request, node_addr: str | None = None) -> web.Response:
    start = _parse_day(request.query.get("startTime"), date(1970, 1, 1))
    end = _parse_day(request.query.get("endTime"), date(2099, 1, 1))
    if start is None or end is None:
        return _fail(400, "startTime and endTime are dates like 2024-04-11")
    ids = [task.task_id for task in request.app[STATE_KEY].tasks.values()
           if start <= task.created.date() <= end and node_addr in (None, task.node_addr)]
    return json_response({"result_code": 200, "msg": "success", "result_size": len(ids), "taskIds": ids})


async def query_task_list(request: web.Request) -> web.Response:
    return _workspace_refusal(request, required=True) or _task_ids(request)


async def get_tasks_from_node(request: web.Request) -> web.Response:
    if refusal := _workspace_refusal(request, required=True):
        return refusal
    if not request.query.get("nodeAddr"):
        return _fail(400, "nodeAddr is required")
    return _task_ids(request, request.query["nodeAddr"])  # Inference: an unknown node simply has no tasks


async def query_nodes(request: web.Request) -> web.Response:
    if refusal := _workspace_refusal(request, required=True):
        return refusal
    return json_response({"result_code": 200, "msg": "success", "result_size": len(NODES), "nodes": list(NODES)})


async def get_detailed(request: web.Request) -> web.Response:
    if refusal := _workspace_refusal(request, required=False):
        return refusal
    task = request.app[STATE_KEY].tasks.get(request.query.get("taskID", ""))
    if task is None:
        return _fail(404, "task not found")
    data, finished = _task_data(request, task)
    phase, _ = request.app[STATE_KEY].clock.phase(task.started)
    gpu_seconds = max(1, math.ceil(request.app[STATE_KEY].clock.duration))
    stamp = task.created.strftime("%Y-%m-%d %H:%M:%S")
    # answered a few seconds after it was asked, as a real node takes (so "Took" has something to show)
    answered = (task.created + timedelta(seconds=RESPONSE_SECONDS)).strftime("%Y-%m-%d %H:%M:%S")
    info = {
        "id": 2686 + task.number, "userkey": f"ts-emulator-{task.number:04d}", "btcaddress": task.btc_address,
        "workspaceid": TEST_WORKSPACE_ID, "taskid": task.task_id, "requrl": task.requrl,
        "method": "schedulingTask", "userip": request.remote or "127.0.0.1", "nodeip": "43.240.1.180",
        "nodeaddr": task.node_addr, "requesttime": stamp, "responsetime": answered if finished else "",
        "request": task.data, "state": {"queued": 1, "running": 2}.get(phase, 3),
        "response": json.dumps(data) if finished else "", "recordDursion": 1 if finished else 0, "videodursion": 0,
        "gpudursion": gpu_seconds if finished else 0, "watermarktime": "", "watermarkres": "",
    }
    return json_response({"result_code": 200, "msg": "success", "taskInfo": info})


async def sad_talker(request: web.Request) -> web.Response:
    if refusal := _workspace_refusal(request, required=False):
        return refusal
    body = await _json_object(request)
    if problem := _sad_talker_problem(body):
        return _fail(400, problem)
    assert body is not None
    if refusal := _submit_refusal(request, body.get("btc_address")):
        return refusal
    task = _add_task(request.app[STATE_KEY], param_url="sadTalker", param_port=SAD_TALKER_PORT,
                     data=json.dumps(body), btc_address=body.get("btc_address") or "", requrl="/user/sadTalker")
    return json_response({"result_code": 100, "taskID": task.task_id,
                          "msg": "SUCCESS! The video is currently in the queue waiting to be processed"})


async def passthrough(request: web.Request) -> web.Response:
    """Sync: ``POST /user/<path>`` runs the image's path now and answers its body in ``data``."""
    if refusal := _workspace_refusal(request, required=True):
        return refusal
    endpoint = _a1111_endpoint(request.match_info["path"])
    if endpoint is None:
        return _fail(404, "the workspace image has no such path")
    parsed = await _passthrough_body(request)
    if isinstance(parsed, web.Response):
        return parsed
    body, inner = parsed
    if refusal := _submit_refusal(request, body.get("btc_address")):
        return refusal
    answer = run_a1111(endpoint, inner, next(request.app[STATE_KEY].numbers))
    return json_response({"result_code": 200, "msg": "success", "data": _data_out(request.app, answer)})


async def check_address(request: web.Request) -> web.Response:
    address = request.query.get("address", "")
    if not address:
        return _fail(400, "address is required", status=400)
    if _holds_ainn(request.app, address):
        return json_response({"exists": True, "names": ["AINN"], "balances": [request.app[HOLDINGS_KEY][address]]})
    return json_response({"exists": False, "names": [], "balances": []})


async def _no_such_path(_: web.Request) -> web.Response:
    raise web.HTTPNotFound()


async def _serve_video(request: web.Request) -> web.Response:
    data = request.app[STATE_KEY].videos.get(request.match_info["name"])
    if data is None:
        raise web.HTTPNotFound()
    return web.Response(body=data, headers={"Content-Type": "video/mp4"})


@web.middleware
async def _record(request: web.Request, handler: Any) -> web.StreamResponse:
    # outermost, so even requests a fault swallows are counted (billed-once tests need that)
    if not request.path.startswith("/_emulator/"):
        raw = await request.read()
        try:
            body: Any = json.loads(raw) if raw else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = raw.decode(errors="replace")
        recorded = RecordedRequest(
            request.method, request.path, dict(request.query), request.headers.get("Authorization"), body)
        request.app[REQUESTS_KEY].append(recorded)
        response = await handler(request)
        recorded.result_code = _result_code_of(response)
        return response
    return await handler(request)


def _result_code_of(response: web.StreamResponse) -> int | None:
    """The top-level ``result_code`` NGPU answered (None: none, or not a JSON reply)."""
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
        return None
    if len(response.body) > 1 << 20:  # a garbage fault's huge reply: nothing to learn from it
        return None
    try:
        payload = json.loads(response.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    code = payload.get("result_code") if isinstance(payload, dict) else None
    return code if isinstance(code, int) else None


def make_app(job_seconds: float = 3.0, *, variants: Iterable[str] = ()) -> web.Application:
    app = new_app(variants=chosen_variants(VARIANTS, variants))
    app.middlewares.insert(0, _record)
    app[REQUESTS_KEY] = []
    app[HOLDINGS_KEY] = {TEST_BTC_ADDRESS: 100}
    state = NgpuState(clock=JobClock(duration=job_seconds))
    app[STATE_KEY] = state
    for task_id in HISTORIC_TASK_IDS:
        created = datetime.strptime(task_id, "%Y%m%d_%H_%M_%S_%f")
        data = json.dumps({"prompt": "a lighthouse", "width": 512, "height": 512, "steps": 20})
        _add_task(state, task_id=task_id, created=created, started=-1e9, param_url="sdapi/v1/txt2img",
                  param_port=A1111_PORT, data=data, btc_address="", requrl="/user/schedulingTask")
    app.router.add_post("/user/schedulingTask", scheduling_task)
    app.router.add_get("/user/queryTask", query_task)
    app.router.add_get("/user/queryTaskList", query_task_list)
    app.router.add_get("/user/queryNodes", query_nodes)
    app.router.add_get("/user/getTasksFromNode", get_tasks_from_node)
    app.router.add_get("/user/getDetailed", get_detailed)
    app.router.add_post("/user/sadTalker", sad_talker)
    app.router.add_post("/user/{path:.+}", passthrough)
    app.router.add_get("/user/{path:.+}", _no_such_path)  # a GET no route above takes: 404, not aiohttp's 405
    # only one of the two BRC-20 paths exists; the other is aiohttp's plain 404, as for any unknown path
    brc20_path = BRC20_SEED_PATH if "brc20_seed_path" in app[VARIANTS_KEY] else BRC20_BOT_PATH
    app.router.add_get(brc20_path, check_address)
    app.router.add_get("/_emulator/ngpu/videos/{name}", _serve_video)
    return app


if __name__ == "__main__":
    web.run_app(make_app(), host="127.0.0.1", port=8084)
