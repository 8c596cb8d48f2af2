"""jsonschema's failures in Discord's words: its error code word and message, at the failing field's path."""

from __future__ import annotations

import json
from typing import Any

from jsonschema.exceptions import ValidationError

from tests.fake_discord.form_errors import FieldError


def deepest(error: ValidationError) -> list[ValidationError]:
    """A union none of whose members fit: the member that came closest (fewest complaints) says what is wrong."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    by_member: dict[Any, list[ValidationError]] = {}
    for inner in error.context:
        by_member.setdefault(inner.relative_schema_path[0], []).append(inner)
    closest = min(by_member.values(), key=len)
    return [leaf for inner in closest for leaf in deepest(inner)]


TYPE_ERRORS = {
    "integer": ("NUMBER_TYPE_COERCE", 'Value "{value}" is not int.'),
    "number": ("NUMBER_TYPE_COERCE", 'Value "{value}" is not a valid number.'),
    "string": ("STRING_TYPE_CONVERT", 'Could not interpret "{value}" as string.'),
    "boolean": ("BOOLEAN_TYPE_CONVERT", 'Value "{value}" is not a valid boolean.'),
    "array": ("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType."),
    "object": ("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType."),
}


def field_errors(error: ValidationError) -> list[FieldError]:
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
