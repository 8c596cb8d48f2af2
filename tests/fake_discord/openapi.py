"""Discord's own OpenAPI description as the judge of every request the fake Discord receives.

``discord-openapi.json`` beside this module is an unmodified copy of ``specs/openapi.json`` from the public
``discord/discord-api-spec`` repository (as of 2026-07), kept here so the tests do not depend on a path outside
the repository. It is loaded once per process, on first use; each (route, method) gets one precompiled
Draft 2020-12 validator for its ``application/json`` request body (a multipart body's ``payload_json`` is
checked against the same schema) and a table of its query parameters.

Before compiling, a few readings are applied to the loaded document (``schema_readings.adapt``), each for a
reason written next to it; failures are worded as Discord words them (``schema_errors``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.fake_discord.form_errors import FieldError
from tests.fake_discord.schema_errors import deepest, field_errors
from tests.fake_discord.schema_readings import DiscordValidator, adapt

SPEC_FILE = Path(__file__).with_name("discord-openapi.json")
BASE_URI = "urn:discord:openapi"
API_PREFIX = "/api/v10"
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
            for leaf in deepest(error):
                for field_error in field_errors(leaf):
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
        self.document = adapt(document)
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


