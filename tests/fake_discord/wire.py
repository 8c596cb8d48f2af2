"""HTTP details Discord clients depend on: JSON content type, error bodies, 429 headers, multipart bodies."""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import BodyPartReader, web

from tests.fake_discord.form_errors import invalid_form
from tests.fake_discord.messages import ApiError, UploadedFile
from tests.fake_discord.openapi import API_PREFIX, discord_api
from tests.fake_discord.state import FakeState, RefusedRequest, RequestRecord

STATE_KEY: web.AppKey[FakeState] = web.AppKey("fake_discord_state", FakeState)
#: the request's JSON payload once read (kept for the record of a refused request)
BODY_KEY: web.RequestKey[Any] = web.RequestKey("fake_discord_body")
log = logging.getLogger(__name__)
REPORT_ENV = "FAKE_DISCORD_REPORT"


def json_response(payload: Any, status: int = 200) -> web.Response:
    # exactly "application/json": discord.py only decodes JSON when the header has no charset parameter
    return web.Response(
        body=json.dumps(payload, ensure_ascii=False).encode(),
        status=status,
        headers={"Content-Type": "application/json"},
    )


def error_response(status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"message": message, "code": code}
    if errors is not None:
        body["errors"] = errors
    return json_response(body, status)


def rate_limited_response(retry_after: float) -> web.Response:
    """A per-route 429 as Discord sends it; discord.py only retries a 429 that carries a ``Via`` header."""
    response = json_response(
        {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}, 429
    )
    response.headers.update({
        "Retry-After": str(max(1, math.ceil(retry_after))),
        "Via": "1.1 google",
        "X-RateLimit-Scope": "user",
    })
    return response


def require_bot_token(request: web.Request) -> None:
    expected = f"Bot {request.app[STATE_KEY].bot_token}"
    if request.headers.get("Authorization") != expected:
        raise ApiError(401, 0, "401: Unauthorized")


async def read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """The JSON payload and the uploaded files, from a JSON or a multipart (``payload_json`` + ``files[n]``) body,
    once the payload passed the schema of its route in Discord's OpenAPI description (else 400 / 50035)."""
    if request.content_type == "multipart/form-data":
        payload, files = await _read_multipart(request)
    else:
        payload, files = await _read_json(request), []
    request[BODY_KEY] = payload
    _check_against_openapi(request, payload)
    return payload, files


async def _read_json(request: web.Request) -> Any:
    raw = await request.read()
    if not raw:
        return {}
    if request.content_type != "application/json":
        raise ApiError(400, 50035, f"Invalid Form Body: unsupported Content-Type {request.content_type!r}")
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None


def _check_against_openapi(request: web.Request, payload: Any) -> None:
    state = request.app[STATE_KEY]
    started = time.perf_counter()
    operation = discord_api().operation(request.method, request.path.removeprefix(API_PREFIX))
    if operation is None:  # every route the fake serves is in the description (test_openapi checks it)
        raise RuntimeError(f"{request.method} {request.path} has no operation in Discord's OpenAPI description")
    errors = operation.body_errors(payload)
    state.validation.add(f"{operation.method} {operation.template}", time.perf_counter() - started)
    if errors:
        raise invalid_form(errors)


def _check_query(request: web.Request) -> None:
    """Query parameters the route declares (``wait``, ``with_response``…) must parse as their declared type."""
    if not request.query:
        return
    operation = discord_api().operation(request.method, request.path.removeprefix(API_PREFIX))
    errors = operation.query_errors(request.query) if operation is not None else []
    if errors:
        raise invalid_form(errors)


async def _read_multipart(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    payload: Any = {}
    files: list[UploadedFile] = []
    limit = request.app[STATE_KEY].faults.effective_upload_limit
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        data = bytes(await part.read(decode=False))
        name = part.name or ""
        if name == "payload_json":
            try:
                payload = json.loads(data)
            except ValueError:
                raise ApiError(400, 50109, "The request body contains invalid JSON.") from None
        elif name.startswith("files[") and name.endswith("]"):
            index = int(name[len("files["):-1])
            files.append(UploadedFile(index, part.filename or f"file{index}", part.headers.get("Content-Type"), data))
    if any(len(upload.data) > limit for upload in files):
        raise ApiError(413, 40005, "Request entity too large")
    return payload, files


@web.middleware
async def discord_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Turn ``ApiError`` into Discord's error body and log every API request for tests to assert on."""
    state = request.app[STATE_KEY]
    api = request.path.startswith(API_PREFIX + "/")
    try:
        if api:
            _check_query(request)
        response = await handler(request)
    except ApiError as error:
        response = error_response(error.status, error.code, error.message, error.errors)
        if error.status == 400:
            _record_refusal(request, error)
    if api:
        record = RequestRecord(request.method, _route(request), response.status)
        state.requests.append(record)
        if response.status == 429:
            state.rate_limited.append(record)
        state.touch()
    return response


def _route(request: web.Request) -> str:
    """The path without the API prefix and with the interaction token replaced by ``{token}``."""
    route = request.path.removeprefix(API_PREFIX)
    token = request.match_info.get("token")
    return route.replace(token, "{token}") if token else route


def _record_refusal(request: web.Request, error: ApiError) -> None:
    """Every 400 is a request Discord would refuse: kept in ``state.refused`` and logged, so that the test that
    caused it shows what was refused and why."""
    refused = RefusedRequest(request.method, _route(request), error.status, error.code, error.message,
                             error.errors, request.get(BODY_KEY), request.query_string)
    request.app[STATE_KEY].refused.append(refused)
    log.warning("fake Discord refused %s", refused)
    report_line({"refused": str(refused), "problems": refused.problems, "body": refused.body})


def report_line(entry: dict[str, Any]) -> None:
    """With ``FAKE_DISCORD_REPORT=path`` set, one JSON line per refusal (and per fake's validation cost when it
    closes), tagged with the running test: what a whole suite made the fake refuse, passing tests included."""
    path = os.environ.get(REPORT_ENV)
    if path:
        entry = {"test": os.environ.get("PYTEST_CURRENT_TEST", ""), **entry}
        with open(path, "a", encoding="utf-8") as file:
            file.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
