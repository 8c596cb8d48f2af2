"""Why a member's keys do not fit a service's credentials model, said field by field.

``Provider._accept_credentials`` turns the first fault into one ``InvalidInputError`` with a message ``key`` (the bot
shows it in the member's language): a field left empty, too long or too short, a control character in it, or a
fault the model's own validator names. A validator names its fault by raising ``PydanticCustomError`` whose type is
the message key and whose text is the English message (e.g. NGPU's ``btc_address_invalid``); anything else reads as
"cannot use this field". No message ever repeats the value: it may be a secret.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, get_args

from pydantic import SecretStr
from pydantic_core.core_schema import ErrorType

from providers.core.errors import InvalidInputError

if TYPE_CHECKING:
    from providers.core.base import Provider

#: control characters (tab, line break, NUL…), invisible format characters (zero-width space, BOM…) and lone
#: surrogates: never part of a real key, often carried in by a paste, and some break the request or the storage
UNPRINTABLE_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs"})
#: pydantic's own error types; any other type was raised by a credentials model's validator and is its message key
PYDANTIC_ERROR_TYPES: Final = frozenset(get_args(ErrorType))
#: pydantic's types for a value too long or too short (``string_…`` for ``str``, the plain ones for ``SecretStr``)
TOO_LONG: Final = frozenset({"string_too_long", "too_long"})
TOO_SHORT: Final = frozenset({"string_too_short", "too_short"})
#: the ``type`` ``credential_error`` takes for a value refused by ``has_control_characters``
CONTROL_CHARACTERS: Final = "control_characters"


def has_control_characters(value: object) -> bool:
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    return isinstance(text, str) and any(unicodedata.category(ch) in UNPRINTABLE_CATEGORIES for ch in text)


def credential_error(service: type[Provider], name: str, error: Mapping[str, Any]) -> InvalidInputError:
    """The refusal for field ``name`` of ``service``'s credentials failing with ``error`` (a pydantic error's
    details, or ``{"type": CONTROL_CHARACTERS}``). ``values`` carries ``credential`` (the field's name) so the bot
    can name the field as its form does; ``field`` stays ``"credentials"``, the argument at fault."""
    fields = service.credentials_model.model_fields
    kind = str(error.get("type", ""))
    if not name:  # not keys at all (no fields to read): say the first thing needed
        name, kind = next((n for n, f in fields.items() if f.is_required()), ""), "missing"
    info = fields.get(name)
    display_name = service.display_name
    title = (info.title if info is not None else None) or name
    context: Mapping[str, Any] = error.get("ctx") or {}
    given = error.get("input")
    given = given.get_secret_value() if isinstance(given, SecretStr) else given
    length = len(given) if isinstance(given, str) else 0
    values: dict[str, object] = {"service": display_name, "field": title, "credential": name}

    def refusal(message: str, *, key: str, more: Mapping[str, object] | None = None) -> InvalidInputError:
        return InvalidInputError(
            message, field="credentials", provider=service.name, key=key, values={**values, **(more or {})}
        )

    if info is None:
        return refusal(
            f"{display_name} cannot use these keys; check them and type them again.", key="credentials_invalid"
        )
    if kind == CONTROL_CHARACTERS:
        return refusal(
            f"{display_name}'s {title} contains a control or invisible character (a tab, a line break, a zero-width "
            "space…); type it again without it.",
            key="credentials_control_characters",
        )
    if kind == "missing" or (kind in TOO_SHORT and length == 0):
        return refusal(f"{display_name} needs the {title}.", key="credentials_field_missing")
    if kind in TOO_LONG:
        limit = context.get("max_length", 0)
        return refusal(
            f"{display_name}'s {title} is at most {limit} characters; this one has {length}.",
            key="credentials_field_too_long",
            more={"limit": limit, "length": length},
        )
    if kind in TOO_SHORT:
        limit = context.get("min_length", 0)
        return refusal(
            f"{display_name}'s {title} is at least {limit} characters; this one has {length}.",
            key="credentials_field_too_short",
            more={"limit": limit, "length": length},
        )
    if kind not in PYDANTIC_ERROR_TYPES:  # the model's own validator named its fault: its text, its key
        return refusal(str(error.get("msg", "")), key=kind, more=context)
    return refusal(
        f"{display_name} cannot use this {title}; check it and type it again.", key="credentials_field_invalid"
    )
