"""Emulator of the Midjourney-style job API, written from its document (seed 002) alone.

Endpoints (all ``POST``, JSON bodies, replies ``{errno, errmsg, data}``):
``/auth/login``, ``/jobs/create``, ``/jobs/find``, ``/jobs/variation`` (remix with ``content``),
``/jobs/upscale``, ``/jobs/blend``, ``/jobs/describe``. Job endpoints need ``Authorization: Bearer <JWT>``.

Service-specific faults (arm with ``app[FAULTS_KEY].arm(name, times)``), besides the generic ones:

* ``expire_login`` — every token issued so far stops working; the request that meets it gets 430.
* ``invalid_login`` — authenticated requests answer 430 whatever the token (logging in still works).
* ``plan_required`` — submits answer 411 REQUIRES_SPECIFIC_PLAN.
* ``job_fails`` — the next job created ends failed (status ``FAILED_STATUS`` with an ``error`` text).
* ``general_error`` — job endpoints answer 501.
* ``wrong_types``, ``missing_fields``, ``huge_reply`` (``common.GARBAGE_FAULTS``) — the next job created, once done,
  is listed with status, img_buffer, img_width and description of the wrong types, or with only its ids and type;
  or every ``/jobs/find`` page listing it is over 32 MiB.

Test hooks: ``TEST_USERNAME``/``TEST_PASSWORD``, ``app[REQUESTS_KEY]`` (every request received, the
password masked), ``login_count(app)``, ``add_jobs(app, n)`` (finished filler jobs, to make paging
necessary) and ``make_app(filler_jobs=n)``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import io
import json
import re
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web
from PIL import Image

from tests.emulators.common import (
    FAULTS_KEY,
    HUGE_REPLY_BYTES,
    JobClock,
    absolute,
    chosen_variants,
    grid_png,
    json_response,
    new_app,
    png_bytes,
    store_file,
)

TEST_USERNAME = "test-user"
TEST_PASSWORD = "test-password"
TEST_EMAIL = "test-user@example.com"

#: what `python -m tests.emulators` prints for .env
ENV_SETTINGS = {"MIDJOURNEY_USERNAME": TEST_USERNAME, "MIDJOURNEY_PASSWORD": TEST_PASSWORD}

FINISHED_STATUS = 2000  # the only value in the document (a finished job)
# Inference: nothing documents the other statuses; the emulator uses these, and a failed job carries
# a status >= 4000 with the reason in ``error``.
QUEUED_STATUS = 1000
RUNNING_STATUS = 1100
FAILED_STATUS = 4000

#: Inference: the document shows ``limit`` as optional without a default or a maximum
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
TOKEN_SECONDS = 24 * 3600
CELL_LONG_SIDE = 128
GRID_TYPES = ("main", "variation", "blend")

#: stands for a text of ``HUGE_REPLY_BYTES`` in a job object until its reply is encoded
_HUGE_MARK = "emulator: a huge text goes here"

REQUESTS_KEY: web.AppKey[list[dict[str, Any]]] = web.AppKey("mj_requests", list)
STATE_KEY: web.AppKey[EmulatorState] = web.AppKey("mj_state", object)  # type: ignore[arg-type]


@dataclass
class EmulatedJob:
    hash: str
    job_id: str
    owner: str
    job_type: str
    content: str
    timestamp_ms: int
    started: float
    cell: tuple[int, int]
    seed: int
    parent: EmulatedJob | None = None
    grid_num: int | None = None
    fails: bool = False
    #: filler jobs are finished from the start
    finished_from_start: bool = False
    result_url: str | None = None
    preview_url: str | None = None
    #: one of ``common.GARBAGE_FAULTS``: how this job's entry in ``/jobs/find`` is broken
    garbage: str | None = None


@dataclass
class EmulatorState:
    clock: JobClock
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    users: dict[str, str] = field(default_factory=lambda: {TEST_USERNAME: TEST_PASSWORD})
    #: ``jti`` of every token that still works
    active_tokens: set[str] = field(default_factory=set)
    logins: int = 0
    jobs: list[EmulatedJob] = field(default_factory=list)
    last_timestamp_ms: int = 0
    filler_image_path: str | None = None

    def next_timestamp(self) -> int:
        self.last_timestamp_ms = max(int(time.time() * 1000), self.last_timestamp_ms + 1)
        return self.last_timestamp_ms


# --- replies ---------------------------------------------------------------------------------------


def ok(data: Any, message: str = "OK") -> web.Response:
    return json_response({"errno": 0, "errmsg": message, "data": data})


def fail(errno: int, message: str) -> web.Response:
    # Inference: the document never shows the HTTP status of an error; ThinkJS-style errno APIs
    # answer 200, so every error here is 200 except the 430 below.
    return json_response({"errno": errno, "errmsg": message})


def invalid_login() -> web.Response:
    # the document's 430 sample uses "error", not "errmsg". Inference: sent with HTTP 401 (an auth
    # middleware in front of the handlers), so clients must read envelopes on non-2xx replies too.
    return json_response({"errno": 430, "error": "invalid login"}, status=401)


class Refusal(Exception):
    """An error reply raised from deep inside a handler."""

    def __init__(self, errno: int, message: str) -> None:
        super().__init__(message)
        self.errno = errno
        self.message = message


# --- tokens (HS256 JWTs, checked independently of any client code) -------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_token(state: EmulatorState, username: str) -> str:
    jti = uuid.uuid4().hex
    now = int(time.time())
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps({"sub": username, "iat": now, "exp": now + TOKEN_SECONDS, "jti": jti}).encode())
    signature = _b64(hmac.new(state.secret, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    state.active_tokens.add(jti)
    return f"{header}.{payload}.{signature}"


def token_user(state: EmulatorState, token: str) -> str | None:
    """The user a token belongs to, or None when it is forged, expired or revoked."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    expected = _b64(hmac.new(state.secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, parts[2]):
        return None
    try:
        claims = json.loads(_unb64(parts[1]))
    except (ValueError, UnicodeDecodeError):
        return None
    if claims.get("exp", 0) < time.time() or claims.get("jti") not in state.active_tokens:
        return None
    return str(claims.get("sub"))


# --- Midjourney parameters in ``content`` ----------------------------------------------------------

_AR = re.compile(r"--(?:ar|aspect)\s+(\S+)")
_SEED = re.compile(r"--seed\s+(\S+)")


def parse_parameters(content: str) -> tuple[tuple[int, int], int | None]:
    """The cell size from ``--ar`` and the ``--seed``; bad values are a 301 as Midjourney refuses them."""
    width, height = 1, 1
    ratio = _AR.search(content)
    if ratio:
        match = re.fullmatch(r"(\d{1,4}):(\d{1,4})", ratio[1])
        if not match or int(match[1]) == 0 or int(match[2]) == 0:
            raise Refusal(301, f"INVALID PARAMETER: --ar {ratio[1]}")
        width, height = int(match[1]), int(match[2])
    seed = None
    seed_match = _SEED.search(content)
    if seed_match:
        if not seed_match[1].isdigit() or int(seed_match[1]) > 4_294_967_295:
            raise Refusal(301, f"INVALID PARAMETER: --seed {seed_match[1]}")
        seed = int(seed_match[1])
    scale = CELL_LONG_SIDE / max(width, height)
    return (max(16, round(width * scale)), max(16, round(height * scale))), seed


def _prompt_text(content: str) -> str:
    return content.split(" --", 1)[0].strip()


# --- jobs ------------------------------------------------------------------------------------------


def new_job(
    app: web.Application,
    owner: str,
    job_type: str,
    content: str,
    *,
    cell: tuple[int, int],
    seed: int | None = None,
    parent: EmulatedJob | None = None,
    grid_num: int | None = None,
    timestamp_ms: int | None = None,
    finished: bool = False,
) -> EmulatedJob:
    state = app[STATE_KEY]
    job = EmulatedJob(
        hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
        job_id=str(uuid.uuid4()),
        owner=owner,
        job_type=job_type,
        content=content,
        timestamp_ms=timestamp_ms if timestamp_ms is not None else state.next_timestamp(),
        started=state.clock.now(),
        cell=cell,
        seed=seed if seed is not None else secrets.randbelow(10_000),
        parent=parent,
        grid_num=grid_num,
        fails=False if finished else app[FAULTS_KEY].take("job_fails"),
        finished_from_start=finished,
        garbage=None if finished else app[FAULTS_KEY].take_garbage(),
    )
    state.jobs.append(job)
    return job


def add_jobs(
    app: web.Application, count: int, *, username: str = TEST_USERNAME, timestamp_ms: int | None = None
) -> list[str]:
    """Add ``count`` finished imagine jobs (newest so far unless ``timestamp_ms`` is given); their hashes."""
    return [
        new_job(
            app, username, "main", f"filler job {n}", cell=(CELL_LONG_SIDE, CELL_LONG_SIDE),
            timestamp_ms=timestamp_ms, finished=True,
        ).hash
        for n in range(count)
    ]


def login_count(app: web.Application) -> int:
    return app[STATE_KEY].logins


def _iso(timestamp_ms: int) -> str:
    return datetime.fromtimestamp(timestamp_ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _describe_text(job: EmulatedJob) -> tuple[str, str]:
    subjects = ("an abstract composition", "a colourful poster", "a geometric study", "a bright illustration")
    english = "\n\n".join(
        f"{n}\ufe0f\u20e3 {subject} with a white ring and diagonal lines, flat colours --ar 1:1"
        for n, subject in enumerate(subjects, start=1)
    )
    chinese = "\n\n".join(f"{n}\ufe0f\u20e3 带白色圆环和斜线的抽象构图" for n in range(1, 5))
    return english, chinese


def _result_path(app: web.Application, job: EmulatedJob) -> str:
    state = app[STATE_KEY]
    if job.finished_from_start:
        if state.filler_image_path is None:
            state.filler_image_path = store_file(app, grid_png(*job.cell, seed=1))
        return state.filler_image_path
    if job.job_type == "upscale":
        return store_file(app, png_bytes(job.cell[0] * 2, job.cell[1] * 2, seed=job.seed, label="upscale"))
    return store_file(app, grid_png(*job.cell, seed=job.seed))


def render(request: web.Request, job: EmulatedJob) -> dict[str, Any]:
    """The job object as ``/jobs/find`` lists it, at this moment of its life (broken as its garbage fault says)."""
    obj = _render(request, job)
    finished = obj["status"] in (FINISHED_STATUS, FAILED_STATUS)
    if job.garbage == "huge_reply":
        obj["msg_display"] = _HUGE_MARK  # the huge text itself is spliced into the encoded reply (``_spliced``)
    elif job.garbage == "wrong_types" and finished:
        obj.update(status={"code": obj["status"]}, img_buffer=7, img_width="wide", description=["not", "text"])
    elif job.garbage == "missing_fields" and finished:
        obj = {key: obj[key] for key in ("id", "hash", "job_id", "job_type", "timestamp", "sender_id")}
    return obj


def _render(request: web.Request, job: EmulatedJob) -> dict[str, Any]:
    app = request.app
    phase, percent = ("finished", 100.0) if job.finished_from_start else app[STATE_KEY].clock.phase(job.started)
    # a grid is 2×2 cells; an upscale is one cell at twice the size: both twice the cell
    width, height = job.cell[0] * 2, job.cell[1] * 2
    obj: dict[str, Any] = {
        "id": app[STATE_KEY].jobs.index(job) + 1,
        "id_uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, job.hash)),
        "sender_id": job.owner,
        "msg_content": job.content,
        "msg_display": job.content[:1].upper() + job.content[1:],
        "timestamp": str(job.timestamp_ms),
        "hash": job.hash,
        "status": QUEUED_STATUS,
        "error": None,
        "job_id": job.job_id,
        "parent_id": job.parent.job_id if job.parent else None,
        "parent_hash": job.parent.hash if job.parent else None,
        "img_buffer": None,
        "img_format": "png",
        "img_height": None,
        "img_width": None,
        "grid_num": job.grid_num,
        "job_type": job.job_type,
        "payment_type": "trial",
        "service": "niji" if "--niji" in job.content else "main",
        "source": "app",
        "pct_prog": None,
        "img_prog": None,
        "img_thumb": None,
        "original_url": None,
        "deleted": False,
        "description": None,
        "description_translation": None,
        "created_at": _iso(job.timestamp_ms),
        "updated_at": _iso(job.timestamp_ms),
        "is_favourite": False,
        "favourite_count": 0,
        "folders": [],
    }
    if phase == "running":
        if job.preview_url is None:
            job.preview_url = store_file(app, png_bytes(64, 64, seed=job.seed, label="preview"))
        obj.update(status=RUNNING_STATUS, pct_prog=round(percent), img_prog=absolute(request, job.preview_url))
    elif phase == "finished" and job.fails:
        obj.update(status=FAILED_STATUS, error="Job failed: the render could not be completed")
    elif phase == "finished":
        obj.update(status=FINISHED_STATUS, updated_at=_iso(job.timestamp_ms + 1000))
        if job.job_type == "describe":
            obj["description"], obj["description_translation"] = _describe_text(job)
        else:
            if job.result_url is None:
                job.result_url = _result_path(app, job)
            link = absolute(request, job.result_url)
            obj.update(img_buffer=link, img_thumb=link, original_url=link, img_width=width, img_height=height)
            if job.job_type == "main":
                obj["error"] = "altered prompt"  # as in the document's sample: not a failure
    return obj


# --- handlers --------------------------------------------------------------------------------------

Handler = Callable[[web.Request, dict[str, Any], str], Awaitable[web.Response]]


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise Refusal(301, "INVALID PARAMETER: body is not JSON") from None
    if not isinstance(body, dict):
        raise Refusal(301, "INVALID PARAMETER: body must be an object")
    return body


def authenticated(handler: Handler, *, submit: bool) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def wrapped(request: web.Request) -> web.Response:
        state, faults = request.app[STATE_KEY], request.app[FAULTS_KEY]
        if faults.take("expire_login"):
            state.active_tokens.clear()
        header = request.headers.get("Authorization", "")
        user = token_user(state, header[7:].strip()) if header.startswith("Bearer ") else None
        if user is None or faults.take("invalid_login"):
            return invalid_login()
        if faults.take("general_error"):
            return json_response({"errno": 501, "errmsg": "SERVICE_ERROR"})
        if submit and faults.take("plan_required"):
            return fail(411, "REQUIRES_SPECIFIC_PLAN")
        try:
            return await handler(request, await _json_body(request), user)
        except Refusal as refusal:
            return fail(refusal.errno, refusal.message)

    return wrapped


async def login(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    try:
        body = await _json_body(request)
    except Refusal as refusal:
        return fail(refusal.errno, refusal.message)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        return fail(301, "missing username or password")
    if state.users.get(username) != password:
        # Inference: the document only shows the "missing" case; a wrong pair is refused the same way
        return fail(301, "invalid username or password")
    state.logins += 1
    return ok(
        {
            "id": str(uuid.uuid5(uuid.NAMESPACE_DNS, username)),
            "name": None,
            "username": username,
            "phone": None,
            "email": TEST_EMAIL,
            "account_type": "consumer",
            "account_status": "unlimited",
            "last_paid": None,
            "plan_start": None,
            "plan_end": None,
            "last_plan": None,
            "token": issue_token(state, username),
        },
        "SUCCESS",
    )


def _content(body: dict[str, Any]) -> str:
    content = body.get("content")
    if not isinstance(content, str) or not content.strip():
        raise Refusal(301, "MISSING PARAMETER: content")
    return content.strip()


def _grid_num(body: dict[str, Any]) -> int:
    grid_num = body.get("grid_num")
    if grid_num is None:
        raise Refusal(301, "MISSING PARAMETER: grid_num")
    if isinstance(grid_num, bool) or not isinstance(grid_num, int) or not 1 <= grid_num <= 4:
        raise Refusal(301, "INVALID PARAMETER: grid_num must be 1-4")
    return grid_num


def _require_grid_parent(request: web.Request, parent: EmulatedJob) -> None:
    phase = "finished" if parent.finished_from_start else request.app[STATE_KEY].clock.phase(parent.started)[0]
    # Inference: U/V only work on a finished grid (imagine, variation, blend), not on an upscale or describe
    if parent.job_type not in GRID_TYPES or phase != "finished" or parent.fails:
        raise Refusal(421, "PARENT_INVALID_TYPE")


async def create(request: web.Request, body: dict[str, Any], user: str) -> web.Response:
    content = _content(body)
    cell, seed = parse_parameters(content)
    return ok(new_job(request.app, user, "main", content, cell=cell, seed=seed).hash)


async def find(request: web.Request, body: dict[str, Any], user: str) -> web.Response:
    limit = body.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise Refusal(301, f"INVALID PARAMETER: limit must be 1-{MAX_LIMIT}")
    before = body.get("timestamp_smaller_than")
    if isinstance(before, str) and before.isdigit():
        before = int(before)
    if before is not None and (isinstance(before, bool) or not isinstance(before, int)):
        raise Refusal(301, "INVALID PARAMETER: timestamp_smaller_than")
    services, job_types, folders = body.get("service"), body.get("job_type"), body.get("folders")
    for name, value in (("service", services), ("job_type", job_types), ("folders", folders)):
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            raise Refusal(301, f"INVALID PARAMETER: {name} must be a list of strings")
    if services and not set(services) <= {"niji", "main"}:
        raise Refusal(301, "INVALID PARAMETER: service must be niji or main")
    prompt, favourite = body.get("prompt"), body.get("favourite")
    if prompt is not None and not isinstance(prompt, str):
        raise Refusal(301, "INVALID PARAMETER: prompt")
    if favourite is not None and not isinstance(favourite, bool):
        raise Refusal(301, "INVALID PARAMETER: favourite")

    def matches(job: EmulatedJob) -> bool:
        service = "niji" if "--niji" in job.content else "main"
        return (
            job.owner == user
            and (before is None or job.timestamp_ms < before)
            and (not services or service in services)
            and (not job_types or job.job_type in job_types)
            and (not prompt or prompt.lower() in job.content.lower())
            and not folders  # no job is in a folder
            and (favourite is None or favourite is False)  # no job is a favourite
        )

    # Inference: ``total`` counts every job matching the conditions, the cursor included
    selected = sorted(filter(matches, request.app[STATE_KEY].jobs), key=lambda j: j.timestamp_ms, reverse=True)
    return _spliced(ok({"res": [render(request, job) for job in selected[:limit]], "total": len(selected)}, "SUCCESS"))


def _spliced(response: web.Response) -> web.Response:
    """``response`` with every ``_HUGE_MARK`` replaced by a text of ``HUGE_REPLY_BYTES``: encoding that much JSON
    anew for every page would make each test of the fault (whose pages the bot asks for in halves) slow."""
    body = response.body
    assert isinstance(body, bytes)
    mark = json.dumps(_HUGE_MARK).encode()
    if mark not in body:
        return response
    headers = {"Content-Type": response.content_type}
    return web.Response(body=body.replace(mark, _huge_text()), status=response.status, headers=headers)


@functools.cache
def _huge_text() -> bytes:
    return b'"' + b"x" * HUGE_REPLY_BYTES + b'"'


async def variation(request: web.Request, body: dict[str, Any], user: str) -> web.Response:
    parent_id = body.get("parent_id")
    if not isinstance(parent_id, str) or not parent_id:
        raise Refusal(301, "MISSING PARAMETER: parent_id")
    grid_num = _grid_num(body)
    remix = _content(body) if body.get("content") is not None else None
    parent = next((j for j in request.app[STATE_KEY].jobs if j.job_id == parent_id and j.owner == user), None)
    if parent is None:
        # Inference: 420 ("XXX NOT FOUND") for an unknown job id; 410 is used for an unknown hash
        raise Refusal(420, "JOB NOT FOUND")
    _require_grid_parent(request, parent)
    cell, seed = parse_parameters(remix) if remix else (parent.cell, None)
    job = new_job(
        request.app, user, "variation", remix or parent.content, cell=cell, seed=seed, parent=parent, grid_num=grid_num
    )
    return ok(job.hash)


async def upscale(request: web.Request, body: dict[str, Any], user: str) -> web.Response:
    parent_hash = body.get("parent_hash")
    if not isinstance(parent_hash, str) or not parent_hash:
        raise Refusal(301, "MISSING PARAMETER: parent_hash")
    grid_num = _grid_num(body)
    parent = next((j for j in request.app[STATE_KEY].jobs if j.hash == parent_hash and j.owner == user), None)
    if parent is None:
        raise Refusal(410, "NOT FOUND")
    _require_grid_parent(request, parent)
    job = new_job(
        request.app, user, "upscale", parent.content, cell=parent.cell, seed=parent.seed + grid_num,
        parent=parent, grid_num=grid_num,
    )
    return ok(job.hash)


async def _check_image_link(link: str, number: int) -> None:
    if not link.startswith(("http://", "https://")):
        raise Refusal(301, f"INVALID PARAMETER: link {number} is not an http(s) link")
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session,
            session.get(link) as response,
        ):
            data = await response.read() if response.status == 200 else b""
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (aiohttp.ClientError, TimeoutError, OSError, ValueError):
        raise Refusal(301, f"INVALID PARAMETER: link {number} is not a reachable image") from None


async def blend(request: web.Request, body: dict[str, Any], user: str) -> web.Response:
    content = _content(body)
    links_part, _, parameters = content.partition(" --")
    links = links_part.split()
    if not 2 <= len(links) <= 5:
        raise Refusal(301, "INVALID PARAMETER: blend needs 2 to 5 image links")
    for number, link in enumerate(links, start=1):
        await _check_image_link(link, number)
    cell, _ = parse_parameters(f"--{parameters}" if parameters else "")
    return ok(new_job(request.app, user, "blend", content, cell=cell).hash)


async def describe(request: web.Request, body: dict[str, Any], user: str) -> web.Response:
    links = _content(body).split()
    if len(links) != 1:
        raise Refusal(301, "INVALID PARAMETER: describe takes one image link")
    await _check_image_link(links[0], 1)
    return ok(new_job(request.app, user, "describe", links[0], cell=(CELL_LONG_SIDE, CELL_LONG_SIDE)).hash)


@web.middleware
async def record_requests(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    # first in the chain, so a request is recorded even when a fault then hangs or fails it
    if not request.path.startswith("/_emulator/"):
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except (ValueError, UnicodeDecodeError):
            body = None
        if isinstance(body, dict) and "password" in body:
            body = {**body, "password": "***"}
        request.app[REQUESTS_KEY].append(
            {"method": request.method, "path": request.path, "body": body,
             "authorization": "Authorization" in request.headers}
        )
    return await handler(request)


#: named readings of contested facts (``--variant`` on the command line); none means the default reading
VARIANTS: dict[str, str] = {}


def make_app(
    job_seconds: float = 3.0, *, filler_jobs: int = 0, variants: Iterable[str] = ()
) -> web.Application:
    """The emulator; ``filler_jobs`` finished jobs exist from the start (older than anything submitted)."""
    app = new_app(variants=chosen_variants(VARIANTS, variants))
    app.middlewares.insert(0, record_requests)
    app[REQUESTS_KEY] = []
    app[STATE_KEY] = EmulatorState(clock=JobClock(duration=job_seconds))
    if filler_jobs:
        oldest = int(time.time() * 1000) - filler_jobs * 1000
        for n in range(filler_jobs):
            add_jobs(app, 1, timestamp_ms=oldest + n * 1000)
    app.router.add_post("/auth/login", login)
    app.router.add_post("/jobs/create", authenticated(create, submit=True))
    app.router.add_post("/jobs/find", authenticated(find, submit=False))
    app.router.add_post("/jobs/variation", authenticated(variation, submit=True))
    app.router.add_post("/jobs/upscale", authenticated(upscale, submit=True))
    app.router.add_post("/jobs/blend", authenticated(blend, submit=True))
    app.router.add_post("/jobs/describe", authenticated(describe, submit=True))
    return app


if __name__ == "__main__":
    web.run_app(make_app(), host="127.0.0.1", port=8091)
