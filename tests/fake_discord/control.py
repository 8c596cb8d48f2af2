"""``/_fake/...``: drive a running fake Discord from the command line (curl), as tests do in Python.

    GET  /_fake/state                          messages, commands, interactions, gateway connections
    POST /_fake/slash   {"name", "options", "user": "alice"|"bob"|<name>, "subcommand", "locale"}
                        attachment options: {"image": {"filename": "a.png", "base64": "..."}}
    POST /_fake/click   {"message_id", "custom_id", "user"}
    POST /_fake/modal   {"values": {...}, "custom_id", "user"}
    POST /_fake/drop_gateway
    POST /_fake/expire  {"interaction_id"}
    POST /_fake/faults  {"rate_limit_edits": {"every": 1, "times": 1, "retry_after": 0.05}, "upload_limit": 123,
                         "accepted_upload_limit": 100 (413 for files within the advertised limit), "clear": true}
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fake_discord.interactions import Upload
from tests.fake_discord.messages import StoredMessage
from tests.fake_discord.wire import json_response

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscord
    from tests.fake_discord.world import FakeUser

CONTROL_KEY: web.AppKey[Any] = web.AppKey("fake_discord", object)
control_routes = web.RouteTableDef()


def _fake(request: web.Request) -> FakeDiscord:
    return request.app[CONTROL_KEY]


def _user(fake: FakeDiscord, name: str | None) -> FakeUser | None:
    if name is None:
        return None
    for user in fake.state.world.users.values():
        if user.username == name:
            return user
    raise web.HTTPBadRequest(text=f"no user {name!r}")


def _summary(message: StoredMessage) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "channel_id": str(message.channel_id),
        "content": message.content,
        "flags": message.flags,
        "custom_ids": message.custom_ids,
        "attachments": [{"filename": a.filename, "size": a.size, "url": a.url} for a in message.attachments],
        "edits": len(message.edits),
        "interaction_id": str(message.interaction_id) if message.interaction_id else None,
    }


@control_routes.get("/_fake/state")
async def show_state(request: web.Request) -> web.Response:
    fake = _fake(request)
    return json_response({
        "messages": [_summary(m) for m in fake.messages],
        "commands": {str(scope): [c["name"] for c in cs] for scope, cs in fake.state.commands.items()},
        "interactions": [
            {"id": str(r.id), "type": r.type, "callback_type": r.callback_type, "expired": r.expired}
            for r in fake.state.interactions.values()
        ],
        "gateway": [
            {"path": c.path, "identified": c.identified, "resumed": c.resumed, "close_code": c.close_code}
            for c in fake.gateway.connections
        ],
    })


def _decode_options(options: dict[str, Any]) -> dict[str, Any]:
    decoded = {}
    for name, value in options.items():
        if isinstance(value, dict) and "base64" in value:
            value = Upload(value["filename"], base64.b64decode(value["base64"]), value.get("content_type"))
        decoded[name] = value
    return decoded


def _answer(record: Any) -> web.Response:
    return json_response({"interaction_id": str(record.id), "token": record.token})


@control_routes.post("/_fake/slash")
async def slash(request: web.Request) -> web.Response:
    fake, body = _fake(request), await request.json()
    try:
        record = await fake.send_slash_command(
            body["name"], _decode_options(body.get("options") or {}), user=_user(fake, body.get("user")),
            subcommand=body.get("subcommand"), locale=body.get("locale", "en-US"),
        )
    except (LookupError, ValueError, RuntimeError) as error:
        raise web.HTTPBadRequest(text=str(error)) from None
    return _answer(record)


@control_routes.post("/_fake/click")
async def click(request: web.Request) -> web.Response:
    fake, body = _fake(request), await request.json()
    try:
        record = await fake.click_button(int(body["message_id"]), body["custom_id"], user=_user(fake, body.get("user")))
    except (KeyError, LookupError, ValueError, RuntimeError) as error:
        raise web.HTTPBadRequest(text=str(error)) from None
    return _answer(record)


@control_routes.post("/_fake/modal")
async def modal(request: web.Request) -> web.Response:
    fake, body = _fake(request), await request.json()
    try:
        record = await fake.submit_modal(body.get("values") or {}, custom_id=body.get("custom_id"),
                                         user=_user(fake, body.get("user")))
    except (LookupError, ValueError, RuntimeError) as error:
        raise web.HTTPBadRequest(text=str(error)) from None
    return _answer(record)


@control_routes.post("/_fake/drop_gateway")
async def drop_gateway(request: web.Request) -> web.Response:
    return json_response({"dropped": await _fake(request).drop_gateway()})


@control_routes.post("/_fake/expire")
async def expire(request: web.Request) -> web.Response:
    fake, body = _fake(request), await request.json()
    record = fake.state.interactions.get(int(body["interaction_id"]))
    if record is None:
        raise web.HTTPNotFound(text="no such interaction")
    fake.expire_interaction(record)
    return json_response({"expired": str(record.id)})


@control_routes.post("/_fake/faults")
async def faults(request: web.Request) -> web.Response:
    fake, body = _fake(request), await request.json()
    if "rate_limit_edits" in body:
        fake.faults.rate_limit_edits(**body["rate_limit_edits"])
    if "upload_limit" in body:
        fake.faults.upload_limit = int(body["upload_limit"])
    if "accepted_upload_limit" in body:
        accepted = body["accepted_upload_limit"]
        fake.faults.accepted_upload_limit = None if accepted is None else int(accepted)
    if body.get("clear"):
        fake.faults.clear()
    limit = fake.faults.edit_rate_limit
    return json_response({
        "upload_limit": fake.faults.upload_limit,
        "accepted_upload_limit": fake.faults.accepted_upload_limit,
        "edit_rate_limit": limit is not None,
    })
