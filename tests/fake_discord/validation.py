"""The limits Discord enforces on what a bot sends (documented in "Message", "Embed", "Component" and
"Application command" references), so a bot bug fails here as it would on Discord: 400 / 50035."""

from __future__ import annotations

import re
from typing import Any

from tests.fake_discord.messages import ApiError, MessageVersion, walk_components

COMPONENTS_V2 = 1 << 15
LINK_BUTTON = 5
PREMIUM_BUTTON = 6
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")


def invalid(where: str, problem: str) -> ApiError:
    return ApiError(400, 50035, f"Invalid Form Body: {where}: {problem}")


def check_message(version: MessageVersion) -> None:
    if not (version.content or version.embeds or version.attachments or version.components):
        raise ApiError(400, 50006, "Cannot send an empty message")
    if len(version.content) > 2000:
        raise invalid("content", f"must be 2000 or fewer in length (got {len(version.content)})")
    if len(version.embeds) > 10:
        raise invalid("embeds", "must be 10 or fewer in length")
    for index, embed in enumerate(version.embeds):
        _check_embed(index, embed)
    if len(version.attachments) > 10:
        raise invalid("attachments", "must be 10 or fewer in length")
    check_components(version.components, v2=bool(version.flags & COMPONENTS_V2))


def _check_embed(index: int, embed: dict[str, Any]) -> None:
    limits = {"title": 256, "description": 4096}
    for key, limit in limits.items():
        if len(embed.get(key) or "") > limit:
            raise invalid(f"embeds.{index}.{key}", f"must be {limit} or fewer in length")
    if len(embed.get("fields") or []) > 25:
        raise invalid(f"embeds.{index}.fields", "must be 25 or fewer in length")


def check_components(components: list[dict[str, Any]], *, v2: bool = False) -> None:
    if not v2:
        if len(components) > 5:
            raise invalid("components", "must be 5 or fewer in length")
        for row_index, row in enumerate(components):
            children = row.get("components") or []
            if row.get("type") != 1 or not 1 <= len(children) <= 5:
                raise invalid(f"components.{row_index}", "an action row holds 1 to 5 components")
    seen: set[str] = set()
    for component in walk_components(components):
        custom_id = component.get("custom_id")
        needs_custom_id = component.get("type") == 2 and component.get("style") not in (LINK_BUTTON, PREMIUM_BUTTON)
        if needs_custom_id and not custom_id:
            raise invalid("components", "a button needs a custom_id")
        if custom_id is not None:
            if not 1 <= len(custom_id) <= 100:
                raise invalid("components", f"custom_id must be 1 to 100 characters (got {len(custom_id)})")
            if custom_id in seen:
                raise invalid("components", f"custom_id {custom_id!r} is used twice")
            seen.add(custom_id)
        if len(component.get("label") or "") > 80:
            raise invalid("components", "a label must be 80 or fewer in length")


def check_modal(data: dict[str, Any]) -> None:
    title, custom_id = data.get("title") or "", data.get("custom_id") or ""
    if not 1 <= len(title) <= 45:
        raise invalid("data.title", "must be 1 to 45 characters")
    if not 1 <= len(custom_id) <= 100:
        raise invalid("data.custom_id", "must be 1 to 100 characters")
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        raise invalid("data.components", "a modal holds 1 to 5 components")
    check_components(components, v2=True)


def check_commands(commands: Any) -> None:
    if not isinstance(commands, list):
        raise invalid("body", "expected a list of application commands")
    if len(commands) > 100:
        raise invalid("body", "at most 100 commands of each type")
    names: set[tuple[str, int]] = set()
    for index, command in enumerate(commands):
        name, kind = command.get("name", ""), command.get("type", 1)
        if kind == 1 and (not COMMAND_NAME.match(name) or name != name.lower()):
            raise invalid(f"{index}.name", f"{name!r} is not a valid lower-case command name")
        if kind == 1 and not 1 <= len(command.get("description") or "") <= 100:
            raise invalid(f"{index}.description", "must be 1 to 100 characters")
        if (name, kind) in names:
            raise invalid(f"{index}.name", f"application command {name!r} is declared twice")
        names.add((name, kind))
        _check_options(f"{index}.options", command.get("options") or [])


def _check_options(where: str, options: list[dict[str, Any]]) -> None:
    if len(options) > 25:
        raise invalid(where, "must be 25 or fewer in length")
    optional_seen = False
    for index, option in enumerate(options):
        if not COMMAND_NAME.match(option.get("name", "")):
            raise invalid(f"{where}.{index}.name", f"{option.get('name')!r} is not a valid option name")
        if not 1 <= len(option.get("description") or "") <= 100:
            raise invalid(f"{where}.{index}.description", "must be 1 to 100 characters")
        if option.get("type") in (1, 2):
            _check_options(f"{where}.{index}.options", option.get("options") or [])
            continue
        if option.get("required"):
            if optional_seen:
                raise invalid(f"{where}.{index}", "required options must be placed before non-required options")
        else:
            optional_seen = True
        if len(option.get("choices") or []) > 25:
            raise invalid(f"{where}.{index}.choices", "must be 25 or fewer in length")
