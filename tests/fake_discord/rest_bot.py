"""REST routes that take the bot token: login, application info, command sync, channel messages, files."""

from __future__ import annotations

from aiohttp import web
from yarl import URL

from tests.fake_discord.cdn import attachment_path
from tests.fake_discord.messages import ApiError, StoredMessage, build_version
from tests.fake_discord.state import FakeState
from tests.fake_discord.validation import check_commands, check_message
from tests.fake_discord.wire import STATE_KEY, json_response, rate_limited_response, read_body, require_bot_token
from tests.fake_discord.world import FakeChannel

routes = web.RouteTableDef()


def _state(request: web.Request) -> FakeState:
    require_bot_token(request)
    return request.app[STATE_KEY]


@routes.get("/api/v10/users/@me")
async def current_user(request: web.Request) -> web.Response:
    state = _state(request)
    return json_response({**state.world.bot_user.payload(), "verified": True, "mfa_enabled": False})


@routes.get("/api/v10/oauth2/applications/@me")
async def current_application(request: web.Request) -> web.Response:
    state = _state(request)
    bot = state.world.bot_user
    return json_response({
        "id": str(state.application_id),
        "name": bot.username,
        "icon": None,
        "description": "A fake application on a fake Discord",
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": {"id": str(state.world.bot_user.id + 1), "username": "owner", "discriminator": "0",
                  "global_name": "Owner", "avatar": None, "public_flags": 0},
        "verify_key": "00" * 32,
        "flags": 0,
        "team": None,
        "bot": bot.payload(),
        "interactions_endpoint_url": None,
        "redirect_uris": [],
        "tags": [],
    })


@routes.get("/api/v10/gateway")
@routes.get("/api/v10/gateway/bot")
async def gateway_info(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    if request.path.endswith("/bot"):
        require_bot_token(request)
    return json_response({
        "url": state.gateway_url,
        "shards": 1,
        "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
    })


def _command_scope(request: web.Request) -> tuple[FakeState, int | None]:
    state = _state(request)
    if int(request.match_info["app_id"]) != state.application_id:
        raise ApiError(403, 50001, "Missing Access")
    guild_id = request.match_info.get("guild_id")
    if guild_id is None:
        return state, None
    if int(guild_id) not in state.world.guilds:
        raise ApiError(404, 10004, "Unknown Guild")
    return state, int(guild_id)


@routes.get("/api/v10/applications/{app_id}/commands")
@routes.get("/api/v10/applications/{app_id}/guilds/{guild_id}/commands")
async def list_commands(request: web.Request) -> web.Response:
    state, guild_id = _command_scope(request)
    return json_response(state.commands.get(guild_id, []))


@routes.put("/api/v10/applications/{app_id}/commands")
@routes.put("/api/v10/applications/{app_id}/guilds/{guild_id}/commands")
async def overwrite_commands(request: web.Request) -> web.Response:
    """Bulk overwrite: Discord keeps the id of a command whose name and type did not change."""
    state, guild_id = _command_scope(request)
    body, _ = await read_body(request)
    check_commands(body)
    previous = {(c["name"], c.get("type", 1)): c["id"] for c in state.commands.get(guild_id, [])}
    stored = []
    for command in body:
        kind = command.get("type", 1)
        entry = {
            "type": kind,
            "default_member_permissions": None,
            "nsfw": False,
            "name_localizations": None,
            "description_localizations": None,
            "options": [],
            **command,
            "id": previous.get((command["name"], kind)) or str(state.snowflakes.next()),
            "application_id": str(state.application_id),
            "version": str(state.snowflakes.next()),
        }
        if guild_id is not None:
            entry["guild_id"] = str(guild_id)
        stored.append(entry)
    state.commands[guild_id] = stored
    state.touch()
    return json_response(stored)


def _channel(state: FakeState, request: web.Request) -> FakeChannel:
    channel = state.world.channel(int(request.match_info["channel_id"]))
    if channel is None:
        raise ApiError(404, 10003, "Unknown Channel")
    return channel


def _channel_message(state: FakeState, request: web.Request) -> StoredMessage:
    channel = _channel(state, request)
    message = state.messages.get(int(request.match_info["message_id"]))
    # ephemeral messages exist only for their recipient: the bot token cannot see them
    if message is None or message.deleted or message.ephemeral or message.channel_id != channel.id:
        raise ApiError(404, 10008, "Unknown Message")
    return message


@routes.post("/api/v10/users/@me/channels")
async def create_dm(request: web.Request) -> web.Response:
    """Open (or find) the DM channel with a user; messages are then posted to it like to any channel."""
    state = _state(request)
    body, _ = await read_body(request)
    user = state.world.users.get(int(body.get("recipient_id") or 0))
    if user is None:
        raise ApiError(400, 50033, "Invalid Recipient(s)")
    channel = state.world.dm_channel(user)
    state.touch()
    return json_response({**channel.payload(), "recipients": [user.payload()]})


@routes.get("/api/v10/channels/{channel_id}")
async def get_channel(request: web.Request) -> web.Response:
    state = _state(request)
    return json_response(_channel(state, request).payload())


@routes.post("/api/v10/channels/{channel_id}/messages")
async def create_message(request: web.Request) -> web.Response:
    state = _state(request)
    channel = _channel(state, request)
    if channel.recipient_id is not None and channel.recipient_id in state.closed_dms:
        raise ApiError(403, 50007, "Cannot send messages to this user")
    body, files = await read_body(request)
    version = build_version(None, body, files, make_attachment=state.attachment_maker(channel.id), via="bot create")
    check_message(version, sent=body)
    message = StoredMessage(
        id=state.snowflakes.next(), channel_id=channel.id, guild_id=channel.guild_id,
        author=state.world.bot_user, versions=[version],
    )
    return json_response(state.add_message(message).payload())


@routes.get("/api/v10/channels/{channel_id}/messages/{message_id}")
async def get_message(request: web.Request) -> web.Response:
    state = _state(request)
    return json_response(_channel_message(state, request).payload())


@routes.patch("/api/v10/channels/{channel_id}/messages/{message_id}")
async def edit_message(request: web.Request) -> web.Response:
    state = _state(request)
    message = _channel_message(state, request)
    if message.author.id != state.world.bot_user.id:
        raise ApiError(403, 50005, "Cannot edit a message authored by another user")
    limit = state.faults.edit_rate_limit
    if limit is not None and limit.fires():
        return rate_limited_response(limit.retry_after)
    body, files = await read_body(request)
    version = build_version(
        message.current, body, files, make_attachment=state.attachment_maker(message.channel_id), via="bot edit"
    )
    check_message(version, sent=body)
    message.versions.append(version)
    state.touch()
    return json_response(message.payload())


@routes.delete("/api/v10/channels/{channel_id}/messages/{message_id}")
async def delete_message(request: web.Request) -> web.Response:
    state = _state(request)
    _channel_message(state, request).deleted = True
    state.touch()
    return web.Response(status=204)


@routes.get("/attachments/{channel_id}/{attachment_id}/{filename}")
async def serve_attachment(request: web.Request) -> web.Response:
    """The CDN: every attachment a message or an option carries is downloadable at its ``url``."""
    state = request.app[STATE_KEY]
    stored = state.files.get(int(request.match_info["attachment_id"]))
    if stored is None or stored.filename != request.match_info["filename"]:
        raise web.HTTPNotFound()
    path = attachment_path(int(request.match_info["channel_id"]), stored.id, stored.filename)
    if not state.cdn.works(path, request.query):  # expired, or not signed by this CDN
        raise web.HTTPNotFound(text="This content is no longer available.")
    return web.Response(body=stored.data, headers={"Content-Type": stored.content_type or "application/octet-stream"})


@routes.post("/api/v10/attachments/refresh-urls")
async def refresh_attachment_urls(request: web.Request) -> web.Response:
    """Signs known attachment links anew (links this CDN never handed out are left out of the answer)."""
    state = _state(request)
    body, _ = await read_body(request)  # 1 to 50 links (``openapi.EXTRA_OPERATIONS``)
    links = body["attachment_urls"]
    state.cdn.refreshed.append(list(links))
    if state.cdn.refuse_refresh:
        raise ApiError(403, 50001, "Missing Access")
    refreshed = []
    for link in links:
        found = state.cdn.attachment_id(link)
        stored = state.files.get(found[0]) if found else None
        if stored is None or found is None or stored.filename != found[1]:
            continue
        channel_id = int(URL(link).path.split("/")[2])
        signed = state.cdn.signed(attachment_path(channel_id, stored.id, stored.filename))
        refreshed.append({"original": link, "refreshed": f"{state.base_url}{signed}"})
    return json_response({"refreshed_urls": refreshed})
