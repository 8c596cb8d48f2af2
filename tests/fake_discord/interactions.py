"""Interactions the fake sends (slash commands, autocomplete, clicks, modal submits) and what became of them.

Payloads follow the Discord documentation ("Interaction object", "Application command interaction data
option", "Message component", "Modal submit"); discord.py 2.7 additionally needs ``attachment_size_limit``
or its parser drops the event without running any handler.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.fake_discord.messages import StoredAttachment, UploadedFile
from tests.fake_discord.world import ALL_PERMISSIONS, FakeChannel, FakeGuild, FakeUser

APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING, INTEGER, BOOLEAN, USER, NUMBER, ATTACHMENT = 3, 4, 5, 6, 10, 11
CHANNEL = 7

TEXT_INPUT = 4
ACTION_ROW = 1
LABEL = 18
SELECTS = (3, 5, 6, 7, 8)


@dataclass(frozen=True)
class Upload:
    """A file a user attaches to an attachment option (``value`` of a type-11 option)."""

    filename: str
    data: bytes
    content_type: str | None = None


@dataclass
class CallbackRecord:
    interaction_id: int
    type: int
    data: dict[str, Any] | None
    files: list[UploadedFile]
    status: int
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: when the callback arrived, on the clock of ``InteractionRecord.created_monotonic`` (latency figures)
    monotonic: float = field(default_factory=time.monotonic)


@dataclass
class ModalShown:
    """A modal the bot opened (callback type 9), waiting for the user to submit it."""

    interaction_id: int
    user: FakeUser
    custom_id: str
    title: str
    components: list[dict[str, Any]]
    source_message_id: int | None
    submitted: bool = False


@dataclass
class InteractionRecord:
    id: int
    token: str
    type: int
    user: FakeUser
    guild_id: int | None
    channel_id: int
    payload: dict[str, Any]
    #: the message a component or modal interaction came from (``@original`` after a type 6/7 answer)
    source_message_id: int | None = None
    created_monotonic: float = field(default_factory=time.monotonic)
    callback_type: int | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    autocomplete_choices: list[dict[str, Any]] | None = None
    expired: bool = False

    @property
    def acknowledged(self) -> bool:
        return self.callback_type is not None

    def age(self) -> float:
        return time.monotonic() - self.created_monotonic


def interaction_payload(
    *,
    record_id: int,
    token: str,
    kind: int,
    application_id: int,
    user: FakeUser,
    guild: FakeGuild | None,
    channel: FakeChannel,
    locale: str,
    attachment_size_limit: int,
    data: dict[str, Any],
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(record_id),
        "application_id": str(application_id),
        "type": kind,
        "token": token,
        "version": 1,
        "channel_id": str(channel.id),
        "channel": channel.payload(),
        "locale": locale,
        "attachment_size_limit": attachment_size_limit,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "app_permissions": str(ALL_PERMISSIONS),
        "data": data,
    }
    if guild is not None:
        permissions = str(guild.permissions_of(user))
        payload["channel"]["permissions"] = permissions
        payload.update(
            guild_id=str(guild.id),
            guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
            guild_locale=guild.preferred_locale,
            member=guild.member_payload(user, with_permissions=True),
            authorizing_integration_owners={"0": str(guild.id)},
            context=0,
        )
    else:
        payload.update(user=user.payload(), authorizing_integration_owners={"1": str(user.id)}, context=1)
    if message is not None:
        payload["message"] = message
    return payload


class CommandOptions:
    """Turns ``{"prompt": "a cat", "image": Upload(...)}`` into the options Discord sends, checked against the
    command schema the bot synced (types, required options, choices, ranges) as the Discord client would."""

    def __init__(self, guild: FakeGuild | None, store_upload: Callable[[Upload], StoredAttachment]) -> None:
        self.guild = guild
        self.store_upload = store_upload
        self.resolved: dict[str, dict[str, Any]] = {}

    def build(
        self, schema: dict[str, Any], values: dict[str, Any], subcommand: str | None, focused: str | None = None
    ) -> list[dict[str, Any]]:
        declared: list[dict[str, Any]] = schema.get("options", [])
        path = subcommand.split() if subcommand else []
        if not path and any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in declared):
            names = [o["name"] for o in declared]
            raise ValueError(f"/{schema['name']} needs a subcommand, one of {names}")
        if path:
            head = next((o for o in declared if o["name"] == path[0] and o["type"] in (1, 2)), None)
            if head is None:
                raise ValueError(f"/{schema['name']} has no subcommand {path[0]!r}")
            rest = " ".join(path[1:]) or None
            return [{"name": head["name"], "type": head["type"], "options": self.build(head, values, rest, focused)}]
        return self._leaf_options(schema, declared, values, focused)

    def _leaf_options(
        self, schema: dict[str, Any], declared: list[dict[str, Any]], values: dict[str, Any], focused: str | None
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in declared}
        unknown = set(values) - set(by_name)
        if unknown:
            raise ValueError(f"/{schema['name']} has no option(s) {sorted(unknown)}; it has {sorted(by_name)}")
        missing = [o["name"] for o in declared if o.get("required") and o["name"] not in values]
        if missing and focused is None:
            raise ValueError(f"/{schema['name']} needs option(s) {missing}")
        built = []
        for name, value in values.items():
            option = {"name": name, "type": by_name[name]["type"]}
            if name == focused:
                option.update(value=str(value), focused=True)
            else:
                option["value"] = self._encode(by_name[name], value)
            built.append(option)
        return built

    def _encode(self, declared: dict[str, Any], value: Any) -> Any:
        kind, name = declared["type"], declared["name"]
        if kind == STRING:
            encoded: Any = str(value)
            length = len(encoded)
            if length < declared.get("min_length", 0) or length > declared.get("max_length", 6000):
                raise ValueError(f"option {name}: length {length} is outside the declared range")
        elif kind in (INTEGER, NUMBER):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"option {name} takes a number, got {value!r}")
            encoded = int(value) if kind == INTEGER else float(value)
            if encoded < declared.get("min_value", float("-inf")) or encoded > declared.get("max_value", float("inf")):
                raise ValueError(f"option {name}: {encoded} is outside the declared range")
        elif kind == BOOLEAN:
            encoded = bool(value)
        elif kind == USER:
            encoded = self._resolve_user(value)
        elif kind == ATTACHMENT:
            encoded = self._resolve_upload(value)
        elif kind == CHANNEL:
            encoded = self._resolve_channel(declared, value)
        else:
            raise ValueError(f"option {name}: type {kind} is not supported by the fake Discord")
        choices = [c["value"] for c in declared.get("choices", [])]
        if choices and encoded not in choices:
            raise ValueError(f"option {name}: {encoded!r} is not one of the declared choices {choices}")
        return encoded

    def _resolve_user(self, value: Any) -> str:
        if not isinstance(value, FakeUser):
            raise ValueError(f"a user option takes a FakeUser, got {value!r}")
        self.resolved.setdefault("users", {})[str(value.id)] = value.payload()
        if self.guild is not None:
            member = self.guild.member_payload(value, with_permissions=True)
            member.pop("user")
            self.resolved.setdefault("members", {})[str(value.id)] = member
        return str(value.id)

    def _resolve_channel(self, declared: dict[str, Any], value: Any) -> str:
        """A channel the user picks: of a type the option allows, with its resolved (partial) channel."""
        if not isinstance(value, FakeChannel):
            raise ValueError(f"a channel option takes a FakeChannel, got {value!r}")
        allowed = declared.get("channel_types")
        if allowed and value.type not in allowed:
            raise ValueError(f"option {declared['name']}: channel type {value.type} is not one of {allowed}")
        partial = {key: value.payload()[key] for key in ("id", "name", "type", "parent_id", "position")}
        # Discord sends the invoker's permissions in that channel; the fake has no overwrites and no invoker here
        self.resolved.setdefault("channels", {})[str(value.id)] = {**partial, "permissions": str(ALL_PERMISSIONS)}
        return str(value.id)

    def _resolve_upload(self, value: Any) -> str:
        if not isinstance(value, Upload):
            raise ValueError(f"an attachment option takes an Upload(filename, data), got {type(value).__name__}")
        stored: StoredAttachment = self.store_upload(value)
        self.resolved.setdefault("attachments", {})[str(stored.id)] = {**stored.payload(), "ephemeral": True}
        return str(stored.id)


def modal_submit_components(shown: list[dict[str, Any]], values: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``components`` of a modal submit: the shown layout with each input's value, as the client sends."""
    remaining = dict(values)
    submitted = [_submitted(component, remaining) for component in shown]
    if remaining:
        raise ValueError(f"the modal has no input(s) {sorted(remaining)}")
    return [component for component in submitted if component is not None]


def _submitted(component: dict[str, Any], values: dict[str, Any]) -> dict[str, Any] | None:
    kind = component.get("type")
    if kind == ACTION_ROW:
        children = [_submitted(child, values) for child in component.get("components", [])]
        return {"type": ACTION_ROW, "components": [c for c in children if c is not None]}
    if kind == LABEL:
        inner = _submitted(component["component"], values)
        return None if inner is None else {"type": LABEL, "component": inner}
    custom_id = component.get("custom_id")
    if custom_id is None:
        return None
    if kind == TEXT_INPUT:
        value = str(values.pop(custom_id, component.get("value") or ""))
        if component.get("required", True) and not value:
            raise ValueError(f"the modal input {custom_id!r} is required")
        if len(value) > component.get("max_length", 4000) or (value and len(value) < component.get("min_length", 0)):
            raise ValueError(f"the modal input {custom_id!r}: length {len(value)} is outside the declared range")
        return {"type": TEXT_INPUT, "custom_id": custom_id, "value": value}
    if kind in SELECTS:
        chosen = values.pop(custom_id, [])
        return {"type": kind, "custom_id": custom_id, "values": [str(v) for v in chosen]}
    return None
