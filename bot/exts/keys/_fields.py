"""The inputs of a service's keys form, read from its ``credentials_model`` (class data, no instance needed), with
their words from the catalog (``keys.field.<service>.<field>``; the model's English where it has none)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, get_args

from pydantic import SecretStr

from bot.i18n import t
from bot.i18n.catalog import DEFAULT_LOCALE, load_catalog
from providers.core.base import Provider
from storage.keys import MASK, mask

#: Discord's limits for a text input's label and placeholder, and the inputs one form may hold
LABEL_LIMIT: Final = 45
PLACEHOLDER_LIMIT: Final = 100
MAX_INPUTS: Final = 5
#: Discord's longest text input
MAX_INPUT_LENGTH: Final = 4_000
#: what a copied key may carry around it and a secret loses (white space inside or around it is kept)
PASTED_LINE_BREAKS: Final = "\r\n"


@dataclass(frozen=True, slots=True)
class KeyField:
    """One credential field: its name (the input's custom_id), what the member reads, and how it is checked."""

    name: str
    title: str
    description: str
    required: bool
    secret: bool
    max_length: int


def key_fields(service: type[Provider]) -> list[KeyField]:
    """The service's credential fields in declaration order (a form shows at most five)."""
    fields = []
    for name, info in service.credentials_model.model_fields.items():
        annotation = info.annotation
        secret = annotation is SecretStr or SecretStr in get_args(annotation)
        declared = next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), None)
        fields.append(
            KeyField(
                name=name,
                title=(info.title or name)[:LABEL_LIMIT],
                description=(info.description or "")[:PLACEHOLDER_LIMIT],
                required=info.is_required(),
                secret=secret,
                max_length=min(declared or MAX_INPUT_LENGTH, MAX_INPUT_LENGTH),
            )
        )
    return fields[:MAX_INPUTS]


def field_words(service: type[Provider], field: KeyField, locale: object) -> tuple[str, str]:
    """The input's label and its line of help in ``locale``, within Discord's limits."""
    key = f"keys.field.{service.name}.{field.name}"
    english = load_catalog().texts[DEFAULT_LOCALE]
    label = t(key, locale) if key in english else field.title
    help_text = t(f"{key}.help", locale) if f"{key}.help" in english else field.description
    return label[:LABEL_LIMIT], help_text[:PLACEHOLDER_LIMIT]


def entered_fields(service: type[Provider], values: Mapping[str, object]) -> dict[str, str]:
    """The submitted values by field name; fields left empty (or only blank) are left out. Public fields (an id, a
    user name, an address) are trimmed. A secret is kept as typed but for line breaks around it, which only a paste
    brings: a password may begin or end with a space (``edge_spaced`` lets the answer point that out)."""
    entered: dict[str, str] = {}
    for field in key_fields(service):
        value = str(values.get(field.name) or "")
        value = value.strip(PASTED_LINE_BREAKS) if field.secret else value.strip()
        if value.strip():
            entered[field.name] = value
    return entered


def edge_spaced(service: type[Provider], fields: Mapping[str, str]) -> KeyField | None:
    """The first secret field that begins or ends with white space (kept as typed), or None."""
    return next(
        (f for f in key_fields(service) if f.secret and (value := fields.get(f.name)) and value != value.strip()),
        None,
    )


def masked_hint(service: type[Provider], fields: Mapping[str, str]) -> str:
    """What ``/keys list`` shows instead of the keys: the end of the first public field that is set (a public key,
    a user name, an app id, a BTC address) masked (``••••abcd``), or ``••••`` alone. Never any part of a secret
    field: the hint is stored in the clear."""
    public = next((f.name for f in key_fields(service) if not f.secret and fields.get(f.name)), None)
    return (mask(fields[public]) if public is not None else "") or MASK
