"""How the fake reads Discord's OpenAPI description: the changes applied to the loaded document before its
validators are compiled (``adapt``) and the three keywords they add (``DiscordValidator``).

Two readings make the validator accept what the real Discord accepts from the real discord.py client; the
others change only how a refusal is worded and what a valid body costs to check, never what is accepted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

SCHEMAS = "#/components/schemas/"
#: the keywords the readings add (plain JSON Schema says the first two with if/then, at several times the cost
#: per request: the validator runs on every request of the end-to-end suites and the load benchmark)
NULLABLE = "x-fake-discord-nullable"
UNION_BY_TYPE = "x-fake-discord-union-by-type"
#: an array remembered once found valid: a job's progress edits resend the same buttons (a message's
#: ``components``), every bot start the same commands (``COMMAND_SYNCS``)
REMEMBERED = "x-fake-discord-remembered"
REMEMBERED_MAX = 4096
#: bulk overwrites of the application commands
COMMAND_SYNCS = ("/applications/{application_id}/commands", "/applications/{application_id}/guilds/{guild_id}/commands")
#: the bodies that write a message (create, edit, followup, interaction answer) and so carry its components
MESSAGE_SCHEMAS = (
    "MessageCreateRequest", "MessageEditRequestPartial", "IncomingWebhookRequestPartial",
    "IncomingWebhookUpdateRequestPartial", "IncomingWebhookInteractionRequest",
    "IncomingWebhookUpdateForInteractionCallbackRequestPartial",
)


def _nullable_keyword(validator: Any, member: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if instance is not None:
        yield from validator.descend(instance, member)


def _union_by_type_keyword(
    validator: Any, members: dict[Any, Any], instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not isinstance(instance, dict):
        yield ValidationError("not an object", validator="type", validator_value="object")
    elif "type" not in instance:
        yield ValidationError("type is required", validator="required", validator_value=["type"])
    elif instance["type"] not in members or isinstance(instance["type"], bool):
        yield ValidationError("unknown type", validator="enum", validator_value=list(members),
                              instance=instance["type"], path=["type"])
    else:
        yield from validator.descend(instance, members[instance["type"]])


_valid_seen: dict[str, None] = {}


def _remembered_keyword(validator: Any, schema: Any, instance: Any, _: dict[str, Any]) -> Iterator[ValidationError]:
    """Checks ``instance`` against ``schema`` unless this very array was found valid before: the JSON text is
    the key, so a component list is only skipped when it is character for character one already accepted."""
    if not isinstance(instance, list) or not instance:
        yield from validator.descend(instance, schema)
        return
    key = json.dumps(instance, sort_keys=True, ensure_ascii=False)
    if key in _valid_seen:
        return
    errors = list(validator.descend(instance, schema))
    if errors:
        yield from errors
        return
    if len(_valid_seen) >= REMEMBERED_MAX:
        _valid_seen.clear()
    _valid_seen[key] = None


DiscordValidator = validators.extend(
    Draft202012Validator,
    {NULLABLE: _nullable_keyword, UNION_BY_TYPE: _union_by_type_keyword, REMEMBERED: _remembered_keyword},
)


def adapt(document: dict[str, Any]) -> dict[str, Any]:
    """The readings, applied in place; returns ``document``."""
    schemas = document["components"]["schemas"]
    # Snowflakes are strings in the description, but discord.py (the real client) sends some as JSON integers
    # and the real Discord takes them (its reference: IDs are "returned as strings", accepted as either):
    # ``attachments[].id`` is the index of the uploaded file (``{"id": 0, "filename": …}``, discord.py's
    # ``handle_message_parameters``), ``allowed_mentions.users``/``roles`` and ``emoji.id`` are ``int`` ids
    # (``AllowedMentions.to_dict``, ``PartialEmoji.to_dict``), and ``POST /users/@me/channels`` sends
    # ``recipient_id`` as an int (``HTTPClient.start_private_message``).
    snowflake = schemas["SnowflakeType"]
    snowflake["type"] = ["string", "integer"]
    snowflake["minimum"] = 0
    # A command's ``default_member_permissions`` is an integer in the description and a "?string" (a bit set
    # in decimal) in Discord's reference; discord.py sends the int, other clients the string: take both.
    for schema in schemas.values():
        permissions = schema.get("properties", {}).get("default_member_permissions")
        if permissions is not None and "integer" in permissions.get("type", []):
            permissions["type"] = [*permissions["type"], "string"]
            permissions["pattern"] = "^[0-9]{1,20}$"
    for node in list(_schema_nodes(document)):
        _enum_of_consts(node)
    for node in list(_schema_nodes(document)):
        _redundant_enum_refs(node, schemas)
        _nullable(node) or _discriminated(node, schemas)
    for name in MESSAGE_SCHEMAS:
        properties = schemas[name]["properties"]
        properties["components"] = {REMEMBERED: properties["components"]}
    for template in COMMAND_SYNCS:  # every bot start sends the same command list (8 ms to check in full)
        body = document["paths"][template]["put"]["requestBody"]["content"]["application/json"]
        body["schema"] = {REMEMBERED: body["schema"]}
    _inline_refs(document, schemas)
    return document


def _redundant_enum_refs(node: dict[str, Any], schemas: dict[str, Any]) -> None:
    """``{"enum": [2], "allOf": [{"$ref": "…/MessageComponentTypes"}]}``: the ``enum`` already names a subset of
    the referenced enum, so the ``allOf`` can never refuse anything; dropping it saves a lookup per field."""
    refs = node.get("allOf")
    if "enum" not in node or not isinstance(refs, list):
        return
    for ref in refs:
        target = schemas.get(ref.get("$ref", "").removeprefix(SCHEMAS), {}) if set(ref) == {"$ref"} else {}
        if "enum" not in target or not set(node["enum"]) <= set(target["enum"]):
            return
    del node["allOf"]


def _inline_refs(document: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Every ``{"$ref": "#/components/schemas/X"}`` whose target cannot reach itself again is replaced by the
    target object itself (shared, not copied): the same schema, without a registry lookup per field (a quarter
    of the time a message body took). References on a cycle stay references. Done last: the document is a
    graph with shared nodes afterwards, no longer a tree to walk."""
    edges = {name: _refs_in(schema) for name, schema in schemas.items()}
    cyclic = {name for name in schemas if _reaches(name, name, edges)}

    def replace(node: Any) -> Any:
        if isinstance(node, dict):
            target = node.get("$ref", "")
            name = target.removeprefix(SCHEMAS) if isinstance(target, str) and target.startswith(SCHEMAS) else None
            if set(node) == {"$ref"} and name in schemas and name not in cyclic:
                return schemas[name]
            for key, value in node.items():
                node[key] = replace(value)
        elif isinstance(node, list):
            node[:] = [replace(value) for value in node]
        return node

    # each node once: components first (their own references become objects), then the paths
    for schema in schemas.values():
        replace(schema)
    replace(document["paths"])


def _refs_in(node: Any) -> set[str]:
    return {
        n["$ref"].removeprefix(SCHEMAS) for n in _schema_nodes(node)
        if isinstance(n.get("$ref"), str) and n["$ref"].startswith(SCHEMAS)
    }


def _reaches(start: str, goal: str, edges: dict[str, set[str]]) -> bool:
    seen: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        name = todo.pop()
        if name == goal:
            return True
        if name not in seen:
            seen.add(name)
            todo.extend(edges.get(name, ()))
    return False


def _schema_nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _schema_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schema_nodes(value)


def _enum_of_consts(node: dict[str, Any]) -> None:
    """``{"oneOf": [{"title": "PRIMARY", "const": 1}, …]}`` is an enum: say so, for one check instead of one per
    member and for "Value must be one of …" instead of "is not valid under any of the given schemas"."""
    members = node.get("oneOf")
    if isinstance(members, list) and members and all(
        isinstance(m, dict) and "const" in m and set(m) <= {"title", "description", "const"} for m in members
    ):
        node["enum"] = [m["const"] for m in members]
        del node["oneOf"]


def _nullable(node: dict[str, Any]) -> bool:
    """OpenAPI 3.1's ``{"oneOf": [{"type": "null"}, X]}``: checked as "null, or else X" (``NULLABLE``), so that a
    bad X is reported by X's own rule at its own path, and a valid one costs one check of X."""
    for keyword in ("oneOf", "anyOf"):
        members = node.get(keyword)
        if isinstance(members, list) and len(members) == 2 and {"type": "null"} in members:
            del node[keyword]
            node[NULLABLE] = members[1] if members[0] == {"type": "null"} else members[0]
            return True
    return False


def _discriminated(node: dict[str, Any], schemas: dict[str, Any]) -> None:
    """A union of object schemas told apart by their ``type`` field (components, command options, interaction
    callbacks) is checked against the one member its ``type`` names (``UNION_BY_TYPE``): a bad button is
    refused for what is wrong with it, not for failing six other kinds of component, and a valid one is
    checked once instead of against every member."""
    for keyword in ("oneOf", "anyOf"):
        members = node.get(keyword)
        if not isinstance(members, list) or len(members) < 2:
            continue
        tags = [_type_tag(member, schemas) for member in members]
        if any(tag is None for tag in tags):
            return
        by_type = {value: member for tag, member in zip(tags, members, strict=True) for value in tag}  # type: ignore[union-attr]
        if len(by_type) != sum(len(tag) for tag in tags):  # type: ignore[arg-type]
            return  # two members claim the same type: not a discriminated union, leave it to the schema
        del node[keyword]
        node[UNION_BY_TYPE] = by_type
        return


def _type_tag(member: dict[str, Any], schemas: dict[str, Any]) -> list[Any] | None:
    if set(member) == {"$ref"} and member["$ref"].startswith(SCHEMAS):
        member = schemas.get(member["$ref"].removeprefix(SCHEMAS), {})
    kind = member.get("properties", {}).get("type", {})
    if "type" not in member.get("required", []) or not isinstance(kind.get("enum"), list):
        return None
    return list(kind["enum"])
