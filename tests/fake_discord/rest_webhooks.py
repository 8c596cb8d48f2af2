"""Interaction callbacks and the interaction webhook (``@original``, followups): routes that take no bot
token, only the interaction token, which works for 15 minutes (401 / 50027 after) and must be answered
first within 3 seconds (404 / 10062 after)."""

from __future__ import annotations

import dataclasses
from typing import Any

from aiohttp import web

from tests.fake_discord.form_errors import invalid
from tests.fake_discord.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    CallbackRecord,
    InteractionRecord,
    ModalShown,
)
from tests.fake_discord.messages import (
    EPHEMERAL,
    LOADING,
    ApiError,
    MessageVersion,
    StoredMessage,
    UploadedFile,
    build_version,
)
from tests.fake_discord.state import FakeState
from tests.fake_discord.validation import check_autocomplete, check_message, check_modal
from tests.fake_discord.wire import BODY_KEY, STATE_KEY, json_response, rate_limited_response, read_body

routes = web.RouteTableDef()

MESSAGE_WITH_SOURCE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = 4, 5, 6, 7, 8, 9
#: which interaction types each callback type may answer (Discord's "Interaction response" table)
ALLOWED_CALLBACKS = {
    MESSAGE_WITH_SOURCE: {APPLICATION_COMMAND, MESSAGE_COMPONENT, MODAL_SUBMIT},
    DEFERRED_MESSAGE: {APPLICATION_COMMAND, MESSAGE_COMPONENT, MODAL_SUBMIT},
    DEFERRED_UPDATE: {MESSAGE_COMPONENT, MODAL_SUBMIT},
    UPDATE_MESSAGE: {MESSAGE_COMPONENT, MODAL_SUBMIT},
    AUTOCOMPLETE_RESULT: {AUTOCOMPLETE},
    MODAL: {APPLICATION_COMMAND, MESSAGE_COMPONENT},
}


@routes.post("/api/v10/interactions/{interaction_id}/{token}/callback")
async def interaction_callback(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    record = state.interactions.get(int(request.match_info["interaction_id"]))
    if record is None or record.token != request.match_info["token"]:
        raise ApiError(404, 10062, "Unknown interaction")
    files: list[UploadedFile] = []
    try:
        body, files = await read_body(request)  # checked against the schema: an object with a known ``type``
        kind = body.get("type")
        message = _answer(state, record, kind, body.get("data") or {}, files)
    except ApiError as error:
        seen = request.get(BODY_KEY)
        seen = seen if isinstance(seen, dict) else {}
        kind = seen.get("type") if isinstance(seen.get("type"), int) else 0
        data = seen.get("data") if isinstance(seen.get("data"), dict) else None
        state.callbacks.append(CallbackRecord(record.id, kind, data, files, error.status))
        state.touch()
        raise
    record.callback_type = kind
    state.callbacks.append(CallbackRecord(record.id, kind, body.get("data"), files, 200))
    state.touch()
    if request.query.get("with_response", "").lower() not in ("1", "true"):
        return web.Response(status=204)
    return json_response(_callback_response(record, kind, message))


def _answer(
    state: FakeState, record: InteractionRecord, kind: Any, data: dict[str, Any], files: list[UploadedFile]
) -> StoredMessage | None:
    if record.acknowledged:
        raise ApiError(400, 40060, "Interaction has already been acknowledged.")
    deadline = state.faults.callback_deadline
    if state.token_expired(record) or (deadline is not None and record.age() > deadline):
        raise ApiError(404, 10062, "Unknown interaction")
    if kind not in ALLOWED_CALLBACKS:  # PONG, LAUNCH_ACTIVITY…: valid for Discord, never sent by this bot
        raise invalid("type", f"Callback type {kind!r} is not one the fake Discord plays", "BASE_TYPE_CHOICES")
    if record.type not in ALLOWED_CALLBACKS[kind] or (kind in (6, 7) and record.source_message_id is None):
        # Inference: Discord rejects a callback type that does not fit the interaction as an invalid form body
        raise invalid("type", f"Callback type {kind} cannot answer an interaction of type {record.type}",
                      "INTERACTION_RESPONSE_TYPE_INVALID")
    if kind == MESSAGE_WITH_SOURCE:
        return _create_original(state, record, data, files, loading=False)
    if kind == DEFERRED_MESSAGE:
        return _create_original(state, record, {"content": "", "flags": int(data.get("flags") or 0) & EPHEMERAL},
                                [], loading=True)
    if kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
        record.original_message_id = record.source_message_id
        source = state.messages[record.source_message_id]  # type: ignore[index]
        if kind == UPDATE_MESSAGE:
            _edit(state, source, data, files, via="callback update", at=("data",))
        return source
    if kind == AUTOCOMPLETE_RESULT:
        check_autocomplete(data)
        record.autocomplete_choices = data.get("choices") or []
        return None
    check_modal(data)
    state.modals.append(ModalShown(record.id, record.user, data["custom_id"], data["title"], data["components"],
                                   record.source_message_id))
    return None


def _create_original(
    state: FakeState, record: InteractionRecord, data: dict[str, Any], files: list[UploadedFile], *, loading: bool
) -> StoredMessage:
    version = build_version(
        None, data, files, make_attachment=state.attachment_maker(record.channel_id),
        via="callback deferred" if loading else "callback message",
    )
    if loading:
        version = dataclasses.replace(version, flags=version.flags | LOADING)
    else:
        check_message(version, at=("data",), sent=data)
    message = _new_interaction_message(state, record, version)
    message.is_original_response = True
    record.original_message_id = message.id
    return state.add_message(message)


def _new_interaction_message(state: FakeState, record: InteractionRecord, version: MessageVersion) -> StoredMessage:
    return StoredMessage(
        id=state.snowflakes.next(),
        channel_id=record.channel_id,
        guild_id=record.guild_id,
        author=state.world.bot_user,
        versions=[version],
        application_id=state.application_id,
        interaction_id=record.id,
        interaction_token=record.token,
        interaction_type=record.type,
        interaction_user=record.user,
        interacted_message_id=record.source_message_id,
    )


def _edit(state: FakeState, message: StoredMessage, data: Any, files: list[UploadedFile], *, via: str,
          at: tuple[str, ...] = ()) -> None:
    version = build_version(
        message.current, data, files, make_attachment=state.attachment_maker(message.channel_id), via=via
    )
    check_message(version, at=at, sent=data)
    message.versions.append(version)
    state.touch()


def _callback_response(record: InteractionRecord, kind: int, message: StoredMessage | None) -> dict[str, Any]:
    interaction: dict[str, Any] = {"id": str(record.id), "type": record.type}
    resource: dict[str, Any] = {"type": kind}
    if message is not None:
        interaction.update(
            response_message_id=str(message.id),
            response_message_loading=message.loading,
            response_message_ephemeral=message.ephemeral,
        )
        # Discord's callback response carries the message only for types 4 and 7
        if kind in (MESSAGE_WITH_SOURCE, UPDATE_MESSAGE):
            resource["message"] = message.payload()
    return {"interaction": interaction, "resource": resource}


def _webhook_interaction(request: web.Request) -> tuple[FakeState, InteractionRecord]:
    state = request.app[STATE_KEY]
    if int(request.match_info["app_id"]) != state.application_id:
        raise ApiError(404, 10015, "Unknown Webhook")
    record = state.interaction_by_token(request.match_info["token"])
    if record is None or state.token_expired(record):
        raise ApiError(401, 50027, "Invalid Webhook Token")
    # Inference: the interaction webhook exists only once the interaction was answered; Discord answers
    # a call through a token that was never acknowledged with "Unknown Webhook".
    if not record.acknowledged:
        raise ApiError(404, 10015, "Unknown Webhook")
    return state, record


def _webhook_message(request: web.Request) -> tuple[FakeState, InteractionRecord, StoredMessage]:
    state, record = _webhook_interaction(request)
    wanted = request.match_info["message_id"]
    message_id = record.original_message_id if wanted == "@original" else int(wanted)
    if message_id is None or (message_id != record.original_message_id and message_id not in record.followup_ids):
        raise ApiError(404, 10008, "Unknown Message")
    message = state.messages.get(message_id)
    if message is None or message.deleted:
        raise ApiError(404, 10008, "Unknown Message")
    return state, record, message


@routes.get("/api/v10/webhooks/{app_id}/{token}/messages/{message_id}")
async def get_webhook_message(request: web.Request) -> web.Response:
    _, _, message = _webhook_message(request)
    return json_response(message.payload())


@routes.patch("/api/v10/webhooks/{app_id}/{token}/messages/{message_id}")
async def edit_webhook_message(request: web.Request) -> web.Response:
    state, _, message = _webhook_message(request)
    limit = state.faults.edit_rate_limit
    if limit is not None and limit.fires():
        return rate_limited_response(limit.retry_after)
    body, files = await read_body(request)
    original = request.match_info["message_id"] == "@original"
    _edit(state, message, body, files, via="webhook edit original" if original else "webhook edit")
    return json_response(message.payload())


@routes.delete("/api/v10/webhooks/{app_id}/{token}/messages/{message_id}")
async def delete_webhook_message(request: web.Request) -> web.Response:
    state, _, message = _webhook_message(request)
    message.deleted = True
    state.touch()
    return web.Response(status=204)


@routes.post("/api/v10/webhooks/{app_id}/{token}")
async def send_followup(request: web.Request) -> web.Response:
    state, record = _webhook_interaction(request)
    body, files = await read_body(request)
    original = state.messages.get(record.original_message_id or 0)
    if original is not None and original.loading and not original.deleted:
        # Discord fills a deferred ("thinking") response with the first followup instead of adding a message
        _edit(state, original, body, files, via="followup fills deferred")
        message = original
    else:
        version = build_version(
            None, body, files, make_attachment=state.attachment_maker(record.channel_id), via="followup"
        )
        check_message(version, sent=body)
        message = state.add_message(_new_interaction_message(state, record, version))
        record.followup_ids.append(message.id)
    if request.query.get("wait", "").lower() in ("1", "true"):
        return json_response(message.payload())
    return web.Response(status=204)
