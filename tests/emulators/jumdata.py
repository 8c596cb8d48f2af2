"""An emulator of Jumdata AI绘画 (聚美智数), written from seed 003 alone (no ``providers.*`` import).

Endpoints: ``POST /ai/draw/submit`` and ``POST /ai/draw/query``, form fields (urlencoded or multipart),
common fields ``appId``, ``timestamp`` (ms), ``sign = sha256(appId + appSecret + timestamp)``.
Every reply is HTTP 200 with ``{code, msg, taskNo, charge, data}``; any other path answers code 404.

TaskIds: the seed shows a taskId only as "xxxx"; the one id it writes out is the request number ``taskNo``, 24
decimal digits, so the emulator issues taskIds of that form too. The seed documents only an empty taskId as a
parameter error ("taskId不能为空") and any unknown one as 201 ("taskId不存在"), so by default every non-empty taskId
is looked up (no form check). Variants (``VARIANTS``, ``--variant jumdata:NAME``) play stricter services:

* ``strict_task_id``     — a query whose taskId is not 24 digits is refused: 400 "taskId格式不正确"
* ``strict_hex_task_id`` — taskIds are 32 lower-case hex digits, and a query with any other form is refused the same
  way (so the bot's own made-up 24-digit id is refused too)

Both check the appId and sign before the taskId, as every request here does.

Service-specific faults (arm with ``app[FAULTS_KEY].arm(name, times)`` or POST /_emulator/faults):

* ``moderation``      — the next submit is refused with code 202 (the prompt word ``BANNED_WORD`` always is)
* ``quota``           — code 606 (调用超限)
* ``too_frequent``    — code 609 (请求过于频繁)
* ``not_enabled``     — code 601 (接口未开通)
* ``account_disabled`` — code 602 (账号停用)
* ``api_disabled``    — code 604 (接口停用)
* ``ip_not_whitelisted`` — code 607 (ip不在白名单)
* ``maintenance``     — code 500 in the body (系统维护)
* ``request_timeout`` — code 610 (请求超时)
* ``other_error``     — code 999
* ``echo_secret``     — code 999 with a ``msg`` that repeats the account's appId and appSecret (a careless service)
* ``bad_sign``        — the signature is refused even when right (see ``_credentials_error``)
* ``task_fails``      — the next submitted task ends without images (see ``_finished_data``)
* ``task_expired``    — queries answer 201 even for a known task (its one-month life is over)
* ``unknown_status``  — the next submitted task answers ``status`` 2 (a value the document does not list) until it is
  done, then 1 as usual
* ``unknown_code``    — code 777 (a code the document does not list)
* ``other_envelope``  — a JSON reply without the documented ``code``/``msg`` (``{"success": true, "result": …}``)
* ``wrong_types``, ``missing_fields``, ``huge_reply`` (``common.GARBAGE_FAULTS``) — the next submitted task, once
  done, answers ``img``, ``imgUrls`` and ``status`` of the wrong types, or code 200 with no ``data``; or every query
  of it answers over 32 MiB

The generic faults of ``common.py`` (slow, hang, server_error, malformed_json, http_rate_limit) apply too.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web

from tests.emulators.common import (
    FAULTS_KEY,
    HUGE_REPLY_BYTES,
    VARIANTS_KEY,
    JobClock,
    absolute,
    chosen_variants,
    json_response,
    new_app,
    png_bytes,
    store_file,
)

#: the document's own sample keys
TEST_APP_ID = "xyzxy2121zxyz"
TEST_APP_SECRET = "efcefcef1121cefcefc1212121"

#: what `python -m tests.emulators` prints for .env
ENV_SETTINGS = {"JUMDATA_APP_ID": TEST_APP_ID, "JUMDATA_APP_SECRET": TEST_APP_SECRET}
#: a prompt containing this word is always blocked (code 202)
BANNED_WORD = "违禁词"
#: Inference: the document does not say how old a timestamp may be; ten minutes is the common rule
MAX_TIMESTAMP_SKEW_MS = 10 * 60 * 1000
#: images are served at 1/8 of the documented size (same shape) to keep tests fast
IMAGE_SCALE = 8

RESOLUTIONS = {"1024*1024": (1024, 1024), "1024*1536": (1024, 1536), "1536*1024": (1536, 1024)}
#: the style list exactly as the document writes it (including the stray space after "low poly")
STYLE_TEXT = (
    "探索无限、古风、二次元、写实风格、浮世绘、low poly 、未来主义、像素风格、概念艺术、"
    "赛博朋克、洛丽塔风格、巴洛克风格、超现实主义、水彩画、蒸汽波艺术、油画、卡通画"
)
STYLES = frozenset(name.strip() for name in STYLE_TEXT.split("、"))

#: fault name → (code, msg) answered instead of doing the work
CODE_FAULTS: dict[str, tuple[int, str]] = {
    "not_enabled": (601, "接口未开通"),
    "account_disabled": (602, "账号停用"),
    "api_disabled": (604, "接口停用"),
    "ip_not_whitelisted": (607, "ip不在白名单"),
    "maintenance": (500, "系统维护，请稍候再试"),
    "quota": (606, "调用超限，请稍候再试"),
    "too_frequent": (609, "请求过于频繁，请稍候再试"),
    "request_timeout": (610, "请求超时"),
    "other_error": (999, "其他错误"),
    "echo_secret": (999, f"其他错误: appId={TEST_APP_ID} appSecret={TEST_APP_SECRET}"),
    "unknown_code": (777, "未知错误"),
}
#: what a running task's ``status`` is under the ``unknown_status`` fault (the document lists only 0 and 1)
UNKNOWN_STATUS = 2
#: the taskId forms: the seed's ``taskNo`` form (the default), and 32 hex digits (``strict_hex_task_id``)
DIGITS_TASK_ID = re.compile(r"[0-9]{24}")
HEX_TASK_ID = re.compile(r"[0-9a-f]{32}")
TASK_ID_FORM_REFUSED = "taskId格式不正确"


@dataclass
class Task:
    task_id: str
    text: str
    resolution: str
    style: str
    num: int
    started: float
    create_time: str
    fails: bool = False
    images: list[str] = field(default_factory=list)
    #: one of ``common.GARBAGE_FAULTS``: how this task's query replies are broken
    garbage: str | None = None
    #: answers ``UNKNOWN_STATUS`` instead of 0 while it is not done
    unknown_status: bool = False


@dataclass
class Received:
    """One request as the emulator saw it (tests assert on these)."""

    path: str
    fields: dict[str, str]
    content_type: str


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

REQUESTS_KEY: web.AppKey[list[Received]] = web.AppKey("jumdata_requests", list)
TASKS_KEY: web.AppKey[dict[str, Task]] = web.AppKey("jumdata_tasks", dict)
CLOCK_KEY: web.AppKey[JobClock] = web.AppKey("jumdata_clock", JobClock)


def sign(app_id: str, app_secret: str, timestamp: str) -> str:
    return hashlib.sha256((app_id + app_secret + timestamp).encode("utf-8")).hexdigest()


def submits(app: web.Application) -> list[Received]:
    return [r for r in app[REQUESTS_KEY] if r.path.endswith("/submit")]


def queries(app: web.Application) -> list[Received]:
    return [r for r in app[REQUESTS_KEY] if r.path.endswith("/query")]


def _task_no() -> str:
    return "".join(random.choice("0123456789") for _ in range(24))


def _task_id_form(app: web.Application) -> re.Pattern[str]:
    return HEX_TASK_ID if "strict_hex_task_id" in app[VARIANTS_KEY] else DIGITS_TASK_ID


def _new_task_id(app: web.Application) -> str:
    if _task_id_form(app) is HEX_TASK_ID:
        return uuid.uuid4().hex
    return _task_no()


def _refuses_task_id_form(app: web.Application, task_id: str) -> bool:
    strict = app[VARIANTS_KEY] & {"strict_task_id", "strict_hex_task_id"}
    return bool(strict) and _task_id_form(app).fullmatch(task_id) is None


def _reply(code: int, msg: str, *, charge: bool = False, data: object = None) -> web.Response:
    payload: dict[str, object] = {"code": code, "msg": msg, "taskNo": _task_no(), "charge": charge}
    if data is not None:
        payload["data"] = data
    return json_response(payload)


async def _read_fields(request: web.Request) -> dict[str, str]:
    """Form fields from urlencoded or multipart bodies (file parts are ignored)."""
    form = await request.post()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _credentials_error(fields: dict[str, str], faults_take: bool) -> str | None:
    """The 400 message for bad common fields, or None.

    Inference: the document has no code for a wrong appId or signature; like its other parameter errors
    ("风格值不正确") the emulator answers 400 with a message naming the field.
    """
    for name in ("appId", "timestamp", "sign"):
        if not fields.get(name):
            return f"{name}不能为空"
    timestamp = fields["timestamp"]
    if not timestamp.isdigit():
        return "timestamp格式不正确"
    if abs(time.time() * 1000 - int(timestamp)) > MAX_TIMESTAMP_SKEW_MS:
        return "timestamp已过期"
    if fields["appId"] != TEST_APP_ID:
        return "appId不存在"
    if faults_take or fields["sign"] != sign(TEST_APP_ID, TEST_APP_SECRET, timestamp):
        return "sign签名错误"
    return None


def _common_checks(request: web.Request, fields: dict[str, str]) -> web.Response | None:
    faults = request.app[FAULTS_KEY]
    problem = _credentials_error(fields, faults.take("bad_sign"))
    if problem is not None:
        return _reply(400, problem)
    for name, (code, msg) in CODE_FAULTS.items():
        if faults.take(name):
            return _reply(code, msg)
    if faults.take("other_envelope"):
        return json_response({"success": True, "result": {"taskId": "x"}})
    return None


@web.middleware
async def record_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Record each API request before the fault middleware can hang or refuse it, so a test can count
    how many times a billed submit really reached the service."""
    if not request.path.startswith("/_emulator/"):
        fields = await _read_fields(request)  # aiohttp caches the body: the handler reads it again
        request.app[REQUESTS_KEY].append(Received(request.path, fields, request.content_type))
    return await handler(request)


def _submit_error(fields: dict[str, str]) -> str | None:
    text = fields.get("text", "")
    if not text:
        return "text不能为空"
    if len(text) > 100:
        return "输入内容长度不能超过100个字"
    if fields.get("resolution") not in RESOLUTIONS:
        return "分辨率值不正确"
    if fields.get("style") not in STYLES:
        return "风格值不正确"
    num = fields.get("num", "1")
    if not num.isdigit() or not 1 <= int(num) <= 6:
        return "图片生成数量不正确，支持1-6张"
    return None


async def submit(request: web.Request) -> web.Response:
    fields = await _read_fields(request)
    refused = _common_checks(request, fields)
    if refused is not None:
        return refused
    problem = _submit_error(fields)
    if problem is not None:
        return _reply(400, problem)
    faults = request.app[FAULTS_KEY]
    if BANNED_WORD in fields["text"] or faults.take("moderation"):
        return _reply(202, "文本黄反拦截")
    task = Task(
        task_id=_new_task_id(request.app),
        text=fields["text"],
        resolution=fields["resolution"],
        style=fields["style"],
        num=int(fields.get("num", "1")),
        started=request.app[CLOCK_KEY].now(),
        create_time=datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
        fails=faults.take("task_fails"),
        garbage=faults.take_garbage(),
        unknown_status=faults.take("unknown_status"),
    )
    request.app[TASKS_KEY][task.task_id] = task
    return _reply(200, "成功", charge=True, data={"taskId": task.task_id})


def _finished_data(request: web.Request, task: Task) -> dict[str, object]:
    if task.fails:
        # Inference: the document has no failure state; a failed generation is shown as finished
        # (status 1) with no image at all.
        return {"img": "", "imgUrls": [], "createTime": task.create_time, "status": 1}
    if not task.images:
        width, height = RESOLUTIONS[task.resolution]
        for index in range(task.num):
            seed = int(task.task_id[:6], 16) + index  # different tasks and images look different
            data = png_bytes(width // IMAGE_SCALE, height // IMAGE_SCALE, seed=seed, label=f"{index + 1}")
            task.images.append(absolute(request, store_file(request.app, data)))
    return {
        "img": task.images[0],
        "imgUrls": [{"image": url} for url in task.images],
        "createTime": task.create_time,
        "status": 1,
    }


async def query(request: web.Request) -> web.Response:
    fields = await _read_fields(request)
    refused = _common_checks(request, fields)
    if refused is not None:
        return refused
    task_id = fields.get("taskId", "")
    if not task_id:
        return _reply(400, "taskId不能为空")
    if _refuses_task_id_form(request.app, task_id):
        return _reply(400, TASK_ID_FORM_REFUSED)
    task = request.app[TASKS_KEY].get(task_id)
    if task is None or request.app[FAULTS_KEY].take("task_expired"):
        return _reply(201, "taskId不存在")
    phase, _ = request.app[CLOCK_KEY].phase(task.started)
    if phase != "finished":
        # Inference: while processing, the result fields are empty
        status = UNKNOWN_STATUS if task.unknown_status else 0
        data: dict[str, object] = {"img": None, "imgUrls": [], "createTime": task.create_time, "status": status}
    else:
        data = _finished_data(request, task)
    if task.garbage == "huge_reply":
        data["img"] = "x" * HUGE_REPLY_BYTES
    elif task.garbage == "wrong_types" and phase == "finished":
        data.update(img=7, imgUrls="none", status="done")
    elif task.garbage == "missing_fields" and phase == "finished":
        return _reply(200, "成功")  # no data at all
    return _reply(200, "成功", data=data)


async def wrong_path(request: web.Request) -> web.Response:
    return _reply(404, "接口地址不正确")


#: named readings of contested facts (``--variant`` on the command line); none means the default reading (see the
#: module docstring: the seed refuses only an empty taskId, so by default no form is checked)
VARIANTS: dict[str, str] = {
    "strict_task_id": "the query refuses a taskId that is not 24 digits (the seed's taskNo form) with 400 about taskId",
    "strict_hex_task_id": "taskIds are 32 hex digits and the query refuses any other form with 400 about taskId",
}
#: what an operator whose service plays a variant would set (``python -m tests.emulators`` prints it)
VARIANT_ENV_SETTINGS: dict[str, dict[str, str]] = {"strict_hex_task_id": {"JUMDATA_KEY_CHECK_TASK_ID": "0" * 32}}


def make_app(job_seconds: float = 3.0, *, variants: Iterable[str] = ()) -> web.Application:
    app = new_app(variants=chosen_variants(VARIANTS, variants))
    app.middlewares.insert(0, record_requests)  # outermost: sees requests the fault middleware stalls
    app[REQUESTS_KEY] = []
    app[TASKS_KEY] = {}
    app[CLOCK_KEY] = JobClock(duration=job_seconds)
    app.router.add_post("/ai/draw/submit", submit)
    app.router.add_post("/ai/draw/query", query)
    app.router.add_route("*", "/{tail:.*}", wrong_path)
    return app
