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

Readings of contested facts (``VARIANTS``, ``make_app(variants=…)``, ``--variant midjourney:NAME``): by default
the strongest public evidence — ``/jobs/blend`` takes the links alone (a ``--ar`` after them is refused with 301),
``/jobs/find`` answers ``limit`` entries a page, a describe job's prompts are in ``description``. The variants play a
service that caps its pages, reads ``--ar`` in a blend, or keeps describe prompts in another field.

Test hooks: ``TEST_USERNAME``/``TEST_PASSWORD``, ``app[REQUESTS_KEY]`` (every request received, the password
masked), ``app[FILE_GETS_KEY]`` (every file fetched), ``login_count(app)``, ``add_jobs(app, n, job_type=…)``
(finished filler jobs, to make paging necessary), ``make_app(filler_jobs=n)`` and ``set_variants(app, names)``
(switch readings while running). Jobs and how they are listed live in ``midjourney_jobs``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import io
import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import aiohttp
from aiohttp import web
from PIL import Image

from tests.emulators.common import (
    FAULTS_KEY,
    HUGE_REPLY_BYTES,
    VARIANTS_KEY,
    JobClock,
    chosen_variants,
    json_response,
    new_app,
)
from tests.emulators.midjourney_jobs import (
    CELL_LONG_SIDE,
    FAILED_STATUS,
    FINISHED_STATUS,
    GRID_TYPES,
    HUGE_MARK,
    QUEUED_STATUS,
    RUNNING_STATUS,
    STATE_KEY,
    TEST_PASSWORD,
    TEST_USERNAME,
    EmulatedJob,
    EmulatorState,
    Refusal,
    add_jobs,
    new_job,
    parse_parameters,
    render,
)

__all__ = [
    "CELL_LONG_SIDE",
    "ENV_SETTINGS",
    "FAILED_STATUS",
    "FILE_GETS_KEY",
    "FINISHED_STATUS",
    "QUEUED_STATUS",
    "REQUESTS_KEY",
    "RUNNING_STATUS",
    "STATE_KEY",
    "TEST_PASSWORD",
    "TEST_USERNAME",
    "VARIANTS",
    "EmulatedJob",
    "EmulatorState",
    "add_jobs",
    "issue_token",
    "login_count",
    "make_app",
    "set_variants",
]

TEST_EMAIL = "test-user@example.com"

#: what `python -m tests.emulators` prints for .env
ENV_SETTINGS = {"MIDJOURNEY_USERNAME": TEST_USERNAME, "MIDJOURNEY_PASSWORD": TEST_PASSWORD}

#: Inference: the document shows ``limit`` as optional without a default or a maximum
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
TOKEN_SECONDS = 24 * 3600

#: named readings of contested facts (``--variant midjourney:NAME``); none means the default reading, the
#: strongest public evidence: /jobs/blend's ``content`` is the links alone, /jobs/find pages hold ``limit`` entries
#: (fewer only on the last), a finished describe job's prompts are in ``description`` (and translated)
VARIANTS: dict[str, str] = {
    "page_cap_20": "/jobs/find answers at most 20 entries a page whatever `limit` asks; `total` stays right",
    "page_cap_10": "/jobs/find answers at most 10 entries a page whatever `limit` asks; `total` stays right",
    "blend_reads_ar": "/jobs/blend's content may end in `--ar W:H` after the links, which sets the output shape",
    "describe_in_translation": "a finished describe job's prompts are only in `description_translation`",
    "describe_in_msg_content": "a finished describe job's prompts are only in `msg_content` and `msg_display`",
}
#: what an operator whose service plays a variant would set (``python -m tests.emulators`` prints it)
VARIANT_ENV_SETTINGS: dict[str, dict[str, str]] = {"blend_reads_ar": {"MIDJOURNEY_BLEND_READS_AR": "true"}}
#: the page caps of the ``page_cap_*`` variants
PAGE_CAPS = {"page_cap_20": 20, "page_cap_10": 10}

REQUESTS_KEY: web.AppKey[list[dict[str, Any]]] = web.AppKey("mj_requests", list)
#: the path of every file (result, preview) fetched from the emulator, in order
FILE_GETS_KEY: web.AppKey[list[str]] = web.AppKey("mj_file_gets", list)


def set_variants(app: web.Application, variants: Iterable[str]) -> None:
    """Play other readings from now on (tests that switch a running emulator); checked against ``VARIANTS``."""
    app[STATE_KEY].variants = chosen_variants(VARIANTS, variants)


def login_count(app: web.Application) -> int:
    return app[STATE_KEY].logins


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
    state = request.app[STATE_KEY]
    selected = sorted(filter(matches, state.jobs), key=lambda j: j.timestamp_ms, reverse=True)
    shown = min([limit, *(cap for variant, cap in PAGE_CAPS.items() if variant in state.variants)])
    return _spliced(ok({"res": [render(request, job) for job in selected[:shown]], "total": len(selected)}, "SUCCESS"))


def _spliced(response: web.Response) -> web.Response:
    """``response`` with every ``HUGE_MARK`` replaced by a text of ``HUGE_REPLY_BYTES``: encoding that much JSON
    anew for every page would make each test of the fault (whose pages the bot asks for in halves) slow."""
    body = response.body
    assert isinstance(body, bytes)
    mark = json.dumps(HUGE_MARK).encode()
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


#: what may follow the links in /jobs/blend's ``content`` when the service reads an aspect ratio there
_BLEND_RATIO = re.compile(r"--(?:ar|aspect) \S+")


def blend_links(content: str, variants: frozenset[str]) -> tuple[list[str], str]:
    """The links of a blend's ``content``, and the ``--ar`` after them (``blend_reads_ar`` only). The document
    says 2 to 5 links separated by spaces: any other word is refused as a wrong parameter."""
    words = content.split()
    links = [word for word in words if word.startswith(("http://", "https://"))]
    rest = " ".join(words[len(links):]) if words[: len(links)] == links else None
    if rest is None or (rest and not ("blend_reads_ar" in variants and _BLEND_RATIO.fullmatch(rest))):
        raise Refusal(301, "INVALID PARAMETER: content takes 2 to 5 image links separated by spaces, nothing else")
    if not 2 <= len(links) <= 5:
        raise Refusal(301, "INVALID PARAMETER: blend needs 2 to 5 image links")
    return links, rest


async def blend(request: web.Request, body: dict[str, Any], user: str) -> web.Response:
    content = _content(body)
    links, ratio = blend_links(content, request.app[STATE_KEY].variants)
    for number, link in enumerate(links, start=1):
        await _check_image_link(link, number)
    # Inference: without a ratio the service makes Midjourney's default blend, a square one
    cell, _ = parse_parameters(ratio)
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
    if request.path.startswith("/_emulator/files/"):
        request.app[FILE_GETS_KEY].append(request.path)
    elif not request.path.startswith("/_emulator/"):
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


def make_app(
    job_seconds: float = 3.0, *, filler_jobs: int = 0, variants: Iterable[str] = ()
) -> web.Application:
    """The emulator; ``filler_jobs`` finished jobs exist from the start (older than anything submitted)."""
    app = new_app(variants=chosen_variants(VARIANTS, variants))
    app.middlewares.insert(0, record_requests)
    app[REQUESTS_KEY] = []
    app[FILE_GETS_KEY] = []
    app[STATE_KEY] = EmulatorState(clock=JobClock(duration=job_seconds), variants=app[VARIANTS_KEY])
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
