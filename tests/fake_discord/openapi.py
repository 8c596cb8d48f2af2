"""Discord's own OpenAPI description as the judge of every request the fake Discord receives.

``discord-openapi.json`` beside this module is an unmodified copy of ``specs/openapi.json`` from the public
``discord/discord-api-spec`` repository (as of 2026-07), kept here so the tests do not depend on a path outside
the repository. It is loaded once per process, on first use; each (route, method) gets one precompiled
Draft 2020-12 validator for its ``application/json`` request body (a multipart body's ``payload_json`` is
checked against the same schema) and a table of its query parameters.

Before compiling, a few readings are applied to an in-memory copy of the document (``_adapt``), each for a
reason written next to it: two make the validator accept what the real Discord accepts from the real
discord.py client, the others only change how a refusal is worded and how much a valid body costs to check,
never what is accepted.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.fake_discord.form_errors import FieldError

SPEC_FILE = Path(__file__).with_name("discord-openapi.json")
#: the two keywords the readings below add (plain JSON Schema says the same with if/then, at several times the
#: cost per request: the validator runs on every request of the end-to-end suites and the load benchmark)
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
BASE_URI = "urn:discord:openapi"
API_PREFIX = "/api/v10"
SCHEMAS = "#/components/schemas/"
BODY_METHODS = ("post", "put", "patch")
#: Discord's documented boolean query values ("Boolean query strings" in its API reference)
QUERY_TRUE, QUERY_FALSE = ("True", "true", "1"), ("False", "false", "0")

#: Routes the fake serves that Discord's OpenAPI description does not list, with the body the fake takes.
#: ``POST /attachments/refresh-urls`` (signs expired attachment links anew) is used by the bot but missing
#: from the description; its shape is the fake's reading: 1 to 50 links.
EXTRA_OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/attachments/refresh-urls"): {
        "type": "object",
        "properties": {
            "attachment_urls": {"type": "array", "items": {"type": "string", "maxLength": 2048},
                                "minItems": 1, "maxItems": 50},
        },
        "required": ["attachment_urls"],
    },
}


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


@dataclass(frozen=True)
class QueryParameter:
    name: str
    #: "boolean", "integer", "snowflake" or "string"
    kind: str
    minimum: int | None = None
    maximum: int | None = None

    def error(self, value: str) -> FieldError | None:
        if self.kind == "boolean" and value not in QUERY_TRUE + QUERY_FALSE:
            return FieldError((self.name,), "BOOLEAN_TYPE_CONVERT", f'Value "{value}" is not a valid boolean.')
        if self.kind in ("integer", "snowflake"):
            if not value.isascii() or not value.lstrip("-").isdigit() or (self.kind == "snowflake" and "-" in value):
                return FieldError((self.name,), "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
            number = int(value)
            if self.minimum is not None and number < self.minimum:
                return FieldError((self.name,), "NUMBER_TYPE_MIN",
                                  f"int value should be greater than or equal to {self.minimum}.")
            if self.maximum is not None and number > self.maximum:
                return FieldError((self.name,), "NUMBER_TYPE_MAX",
                                  f"int value should be less than or equal to {self.maximum}.")
        return None


@dataclass(frozen=True)
class Operation:
    """One (route, method) of Discord's API: its precompiled body validator and its query parameters."""

    method: str
    template: str
    body: Any  # a DiscordValidator, or None for a route that takes no body
    query: Mapping[str, QueryParameter]

    def body_errors(self, body: Any) -> list[FieldError]:
        if self.body is None:
            return []
        found: list[FieldError] = []
        for error in self.body.iter_errors(body):
            for leaf in _deepest(error):
                for field_error in _field_errors(leaf):
                    if field_error not in found:
                        found.append(field_error)
        return found

    def query_errors(self, query: Mapping[str, str]) -> list[FieldError]:
        found = []
        for name, value in query.items():
            parameter = self.query.get(name)
            error = parameter.error(value) if parameter is not None else None  # Discord ignores unknown ones
            if error is not None:
                found.append(error)
        return found


class DiscordApi:
    """The adapted document (``document`` is changed in place), its registry, and the operations by method
    and path (each compiled on first use)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = _adapt(document)
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(BASE_URI, resource)
        self.locales = frozenset(_enum_values(self.document["components"]["schemas"]["AvailableLocalesEnum"]))
        self._templates: dict[tuple[str, int], list[tuple[str, tuple[str, ...]]]] = {}
        for template, item in self.document["paths"].items():
            for method in item:
                if method in ("get", "post", "put", "patch", "delete"):
                    self._add_template(method, template)
        for method, template in EXTRA_OPERATIONS:
            self._add_template(method, template)
        for candidates in self._templates.values():
            # a literal segment ("@original", "@me") wins over a placeholder in the same place
            candidates.sort(key=lambda entry: -sum(not s.startswith("{") for s in entry[1]))
        self._operations: dict[tuple[str, str], Operation] = {}

    def _add_template(self, method: str, template: str) -> None:
        segments = tuple(template.strip("/").split("/"))
        self._templates.setdefault((method, len(segments)), []).append((template, segments))

    def template(self, method: str, path: str) -> str | None:
        """The OpenAPI path template of a concrete request path (without the ``/api/v10`` prefix)."""
        segments = path.strip("/").split("/")
        for template, parts in self._templates.get((method.lower(), len(segments)), ()):
            if all(part == segment or part.startswith("{") for part, segment in zip(parts, segments, strict=True)):
                return template
        return None

    def operation(self, method: str, path: str) -> Operation | None:
        template = self.template(method, path)
        if template is None:
            return None
        key = (method.lower(), template)
        if key not in self._operations:
            self._operations[key] = self._compile(*key)
        return self._operations[key]

    def _compile(self, method: str, template: str) -> Operation:
        if (method, template) in EXTRA_OPERATIONS:
            validator = DiscordValidator(EXTRA_OPERATIONS[method, template], registry=self.registry)
            return Operation(method.upper(), template, validator, {})
        item = self.document["paths"][template]
        operation = item[method]
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        validator = None
        if body is not None:
            pointer = "/".join(("#/paths", _escape(template), method, "requestBody/content/application~1json/schema"))
            validator = DiscordValidator({"$ref": BASE_URI + pointer}, registry=self.registry)
        parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
        query = {p["name"]: self._query_parameter(p) for p in parameters if p.get("in") == "query"}
        return Operation(method.upper(), template, validator, query)

    def _query_parameter(self, parameter: dict[str, Any]) -> QueryParameter:
        schema = parameter.get("schema", {})
        if schema.get("format") == "snowflake":  # ``SnowflakeType``, inlined by ``_inline_refs``
            return QueryParameter(parameter["name"], "snowflake")
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "string")
        if kind == "boolean":
            return QueryParameter(parameter["name"], "boolean")
        if kind == "integer":
            return QueryParameter(parameter["name"], "integer", schema.get("minimum"), schema.get("maximum"))
        return QueryParameter(parameter["name"], "string")


@functools.cache
def discord_api() -> DiscordApi:
    """Loaded once per process (about a second of work, then each request costs only its own validation)."""
    with SPEC_FILE.open(encoding="utf-8") as file:
        return DiscordApi(json.load(file))


def _escape(template: str) -> str:
    return template.replace("~", "~0").replace("/", "~1")


def _enum_values(schema: dict[str, Any]) -> list[Any]:
    return list(schema["enum"]) if "enum" in schema else [entry["const"] for entry in schema.get("oneOf", [])]


# -- readings applied to the document before compiling


def _adapt(document: dict[str, Any]) -> dict[str, Any]:
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


# -- jsonschema errors in Discord's words


def _deepest(error: ValidationError) -> list[ValidationError]:
    """A union none of whose members fit: the member that came closest (fewest complaints) says what is wrong."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    by_member: dict[Any, list[ValidationError]] = {}
    for inner in error.context:
        by_member.setdefault(inner.relative_schema_path[0], []).append(inner)
    closest = min(by_member.values(), key=len)
    return [leaf for inner in closest for leaf in _deepest(inner)]


TYPE_ERRORS = {
    "integer": ("NUMBER_TYPE_COERCE", 'Value "{value}" is not int.'),
    "number": ("NUMBER_TYPE_COERCE", 'Value "{value}" is not a valid number.'),
    "string": ("STRING_TYPE_CONVERT", 'Could not interpret "{value}" as string.'),
    "boolean": ("BOOLEAN_TYPE_CONVERT", 'Value "{value}" is not a valid boolean.'),
    "array": ("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType."),
    "object": ("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType."),
}


def _field_errors(error: ValidationError) -> list[FieldError]:
    """Discord's code word and message for a schema failure (Discord's own where known, e.g.
    ``BASE_TYPE_MAX_LENGTH``; otherwise named after the rule), at the failing field's path."""
    path = tuple(error.absolute_path)
    rule, limit, value = error.validator, error.validator_value, error.instance
    if rule == "required":
        missing = [name for name in limit if isinstance(value, dict) and name not in value]
        return [FieldError((*path, name), "BASE_TYPE_REQUIRED", "This field is required") for name in missing]
    if rule in ("maxLength", "maxItems", "maxProperties"):
        return [FieldError(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")]
    if rule in ("minLength", "minItems", "minProperties"):
        return [FieldError(path, "BASE_TYPE_MIN_LENGTH", f"Must be {limit} or more in length.")]
    if rule in ("enum", "const"):
        choices = ", ".join(json.dumps(choice) for choice in _sorted(limit if rule == "enum" else [limit]))
        return [FieldError(path, "BASE_TYPE_CHOICES", f"Value must be one of {{{choices}}}.")]
    if rule == "type":
        expected = [limit] if isinstance(limit, str) else [kind for kind in limit if kind != "null"]
        code, message = TYPE_ERRORS.get(expected[0] if expected else "", ("BASE_TYPE_INVALID", "{value}"))
        return [FieldError(path, code, message.format(value=_shown(value)))]
    if rule == "pattern":
        return [FieldError(path, "STRING_TYPE_REGEX", f"String value did not match validation regex ({limit}).")]
    if rule == "maximum":
        return [FieldError(path, "NUMBER_TYPE_MAX", f"int value should be less than or equal to {limit}.")]
    if rule == "minimum":
        return [FieldError(path, "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {limit}.")]
    if rule == "uniqueItems":
        return [FieldError(path, "LIST_ITEM_VALUE_DUPLICATE", "The list holds the same value twice.")]
    return [FieldError(path, f"SCHEMA_{str(rule).upper()}", error.message)]


def _sorted(values: list[Any]) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:
        return values


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "…"
