"""HTTP details Discord clients depend on: JSON content type, error bodies, 429 headers, multipart bodies."""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import BodyPartReader, web

from tests.fake_discord.messages import ApiError, UploadedFile
from tests.fake_discord.state import FakeState, RequestRecord

STATE_KEY: web.AppKey[FakeState] = web.AppKey("fake_discord_state", FakeState)


def json_response(payload: Any, status: int = 200) -> web.Response:
    # exactly "application/json": discord.py only decodes JSON when the header has no charset parameter
    return web.Response(
        body=json.dumps(payload, ensure_ascii=False).encode(),
        status=status,
        headers={"Content-Type": "application/json"},
    )


def error_response(status: int, code: int, message: str) -> web.Response:
    return json_response({"message": message, "code": code}, status)


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
    """The JSON payload and the uploaded files, from a JSON or a multipart (``payload_json`` + ``files[n]``) body."""
    if request.content_type == "multipart/form-data":
        return await _read_multipart(request)
    raw = await request.read()
    if not raw:
        return {}, []
    if request.content_type != "application/json":
        raise ApiError(400, 50035, f"Invalid Form Body: unsupported Content-Type {request.content_type!r}")
    try:
        return json.loads(raw), []
    except ValueError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None


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
    try:
        response = await handler(request)
    except ApiError as error:
        response = error_response(error.status, error.code, error.message)
    if request.path.startswith("/api/"):
        route = request.path.removeprefix("/api/v10")
        token = request.match_info.get("token")
        if token:
            route = route.replace(token, "{token}")
        record = RequestRecord(request.method, route, response.status)
        state.requests.append(record)
        if response.status == 429:
            state.rate_limited.append(record)
        state.touch()
    return response
