"""The limits Discord enforces that its OpenAPI description (``openapi.py``) does not encode, as its "Message",
"Embed", "Component", "Modal" and "Application command" references state them, so that a bot bug fails here
as it would on Discord: ``400 {"code": 50035, "message": "Invalid Form Body", "errors": …}``.

They are checked on what Discord would hold after the request (a PATCH's fields merged into the message), so
every limit applies to the text as sent: after markdown escaping, translation and formatting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from tests.fake_discord.form_errors import FormErrors, Path, invalid
from tests.fake_discord.messages import ApiError, MessageVersion
from tests.fake_discord.openapi import discord_api

COMPONENTS_V2 = 1 << 15
ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT, TEXT_DISPLAY, LABEL = 1, 2, 3, 4, 10, 18
SELECTS = frozenset({3, 5, 6, 7, 8})
LINK_BUTTON, PREMIUM_BUTTON = 5, 6
CHAT_INPUT, SUB_COMMAND, SUB_COMMAND_GROUP = 1, 1, 2
#: Discord's naming rule ``^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`` (its reference includes the
#: apostrophe); Python's ``\w`` is letters, digits and ``_``, and the two scripts' blocks add their marks
COMMAND_NAME = re.compile(r"^[-_'\w\u0900-\u097f\u0e00-\u0e7f]{1,32}$")

CONTENT_CHARS = 2000
EMBEDS_PER_MESSAGE = 10
#: all embeds of a message together: title, description, field names and values, footer text, author name
EMBED_TOTAL_CHARS = 6000
EMBED_LIMITS = {"title": 256, "description": 4096}
EMBED_FIELDS, FIELD_NAME_CHARS, FIELD_VALUE_CHARS = 25, 256, 1024
FOOTER_CHARS, AUTHOR_CHARS = 2048, 256
ATTACHMENTS_PER_MESSAGE = 10
#: an embed's own link opens in a browser; its pictures may also be files of the message (``attachment://``)
EMBED_URL_SCHEMES, EMBED_MEDIA_SCHEMES = ("http", "https"), ("http", "https", "attachment")
LINK_BUTTON_SCHEMES = ("http", "https", "discord")
ACTION_ROWS, ROW_COMPONENTS, CUSTOM_ID_CHARS, BUTTON_LABEL_CHARS = 5, 5, 100, 80
MODAL_TITLE_CHARS, MODAL_COMPONENTS = 45, 5
TEXT_INPUT_LABEL_CHARS, TEXT_INPUT_PLACEHOLDER_CHARS, TEXT_INPUT_VALUE_CHARS = 45, 100, 4000
CHAT_COMMANDS, COMMAND_OPTIONS, OPTION_CHOICES, DESCRIPTION_CHARS = 100, 25, 25, 100
#: a command's names, descriptions and choice names/values, one locale at a time (DISCORD.md; Discord's own
#: reference words it as the sum of each field's longest localization, see ``command_text_totals``)
COMMAND_TOTAL_CHARS = 4000
AUTOCOMPLETE_CHOICES, CHOICE_NAME_CHARS = 25, 100


def _too_long(limit: int) -> tuple[str, str]:
    return "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."


# -- messages


def check_message(version: MessageVersion, at: Path = (), sent: dict[str, Any] | None = None) -> None:
    """The message as it stands after the request (``at``: where the message sits in the body, e.g. ``data``;
    ``sent``: the request's own fields there, for the rules about the request rather than the message)."""
    if not (version.content or version.embeds or version.attachments or version.components):
        raise ApiError(400, 50006, "Cannot send an empty message")
    errors = FormErrors(at)
    _check_allowed_mentions(errors, (sent or {}).get("allowed_mentions"))
    if len(version.content) > CONTENT_CHARS:
        errors.add(("content",), *_too_long(CONTENT_CHARS))
    if len(version.embeds) > EMBEDS_PER_MESSAGE:
        errors.add(("embeds",), *_too_long(EMBEDS_PER_MESSAGE))
    total = 0
    for index, embed in enumerate(version.embeds):
        total += _check_embed(errors, ("embeds", index), embed)
    if total > EMBED_TOTAL_CHARS:
        errors.add(("embeds",), "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL_CHARS}")
    if len(version.attachments) > ATTACHMENTS_PER_MESSAGE:
        errors.add(("attachments",), *_too_long(ATTACHMENTS_PER_MESSAGE))
    _check_components(errors, version.components, v2=bool(version.flags & COMPONENTS_V2))
    errors.raise_if_any()


def _check_allowed_mentions(errors: FormErrors, mentions: Any) -> None:
    """``parse: ["users"]`` lets every user mention ping, ``users: [...]`` only those: Discord takes one or
    the other, never both."""
    if not isinstance(mentions, dict):
        return
    parse = mentions.get("parse") or []
    for kind in ("users", "roles"):
        if kind in parse and mentions.get(kind):
            errors.add(("allowed_mentions",), "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                       f'parse:["{kind}"] and {kind}: [ids] are mutually exclusive.')


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _check_embed(errors: FormErrors, at: Path, embed: dict[str, Any]) -> int:
    """Checks one embed and returns its characters that count towards the message's embed total."""
    counted = 0
    for key, limit in EMBED_LIMITS.items():
        text = _text(embed.get(key))
        counted += len(text)
        if len(text) > limit:
            errors.add((*at, key), *_too_long(limit))
    fields = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS:
        errors.add((*at, "fields"), *_too_long(EMBED_FIELDS))
    for index, item in enumerate(fields):
        for key, limit in (("name", FIELD_NAME_CHARS), ("value", FIELD_VALUE_CHARS)):
            text = _text(item.get(key))
            counted += len(text)
            if not text.strip():
                # Discord refuses an empty (or blank) field name or value: "This field is required"
                errors.add((*at, "fields", index, key), "BASE_TYPE_REQUIRED", "This field is required")
            elif len(text) > limit:
                errors.add((*at, "fields", index, key), *_too_long(limit))
    for key, inner, limit in (("footer", "text", FOOTER_CHARS), ("author", "name", AUTHOR_CHARS)):
        part = embed.get(key)
        text = _text(part.get(inner)) if isinstance(part, dict) else ""
        counted += len(text)
        if len(text) > limit:
            errors.add((*at, key, inner), *_too_long(limit))
    for path, link in _embed_links(embed):
        _check_link(errors, (*at, *path), link, EMBED_URL_SCHEMES if path == ("url",) else EMBED_MEDIA_SCHEMES)
    return counted


def _embed_links(embed: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    if embed.get("url") is not None:
        yield ("url",), embed["url"]
    for key, inner in (("image", "url"), ("thumbnail", "url"), ("author", "url"), ("author", "icon_url"),
                       ("footer", "icon_url")):
        part = embed.get(key)
        if isinstance(part, dict) and part.get(inner) is not None:
            yield (key, inner), part[inner]


def _check_link(errors: FormErrors, at: Path, link: Any, schemes: tuple[str, ...]) -> None:
    """The description's ``"format": "uri"``, as Discord applies it: a well-formed link with a scheme it takes."""
    parts = urlsplit(link) if isinstance(link, str) else None
    if parts is None or not parts.scheme or not (parts.netloc or parts.scheme in ("attachment", "discord")):
        errors.add(at, "URL_TYPE_INVALID_URL", "Not a well formed URL.")
    elif parts.scheme not in schemes:
        allowed = ", ".join(repr(scheme) for scheme in schemes)
        errors.add(at, "URL_TYPE_INVALID_SCHEME", f'Scheme "{parts.scheme}" is not supported. Scheme must be one '
                                                  f"of ({allowed}).")


# -- components


def _walk(components: list[Any], at: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every component with its path, depth first (rows, sections, labels and containers nest others)."""
    for index, component in enumerate(components):
        if isinstance(component, dict):
            yield from _walk_one(component, (*at, index))


def _walk_one(component: dict[str, Any], at: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    yield at, component
    children = component.get("components")
    if isinstance(children, list):
        yield from _walk(children, (*at, "components"))
    for key in ("component", "accessory"):
        if isinstance(component.get(key), dict):
            yield from _walk_one(component[key], (*at, key))


def check_components(components: list[dict[str, Any]], *, v2: bool = False, at: Path = ()) -> None:
    errors = FormErrors(at)
    _check_components(errors, components, v2=v2)
    errors.raise_if_any()


def _check_components(errors: FormErrors, components: list[dict[str, Any]], *, v2: bool,
                      at: Path = ("components",)) -> None:
    if not v2:
        if len(components) > ACTION_ROWS:
            errors.add(at, *_too_long(ACTION_ROWS))
        for index, row in enumerate(components):
            _check_row(errors, (*at, index), row)
    seen: dict[str, Path] = {}
    for path, component in _walk(components, at):
        kind, custom_id = component.get("type"), component.get("custom_id")
        if kind == BUTTON:
            _check_button(errors, path, component)
        if kind == STRING_SELECT:
            _check_select_options(errors, path, component)
        if custom_id is None:
            continue
        if isinstance(custom_id, str) and not 1 <= len(custom_id) <= CUSTOM_ID_CHARS:
            errors.add((*path, "custom_id"), "BASE_TYPE_BAD_LENGTH",
                       f"Must be between 1 and {CUSTOM_ID_CHARS} in length.")
        if custom_id in seen:
            errors.add((*path, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED",
                       "Component custom id cannot be duplicated")
        seen.setdefault(custom_id, path)


def _check_row(errors: FormErrors, at: Path, row: Any) -> None:
    children = row.get("components") if isinstance(row, dict) else None
    if not isinstance(row, dict) or row.get("type") != ACTION_ROW:
        errors.add((*at, "type"), "BASE_TYPE_CHOICES", "Without the components V2 flag a message holds action rows")
        return
    if not isinstance(children, list) or not 1 <= len(children) <= ROW_COMPONENTS:
        errors.add((*at, "components"), "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {ROW_COMPONENTS} in length.")
        return
    if len(children) > 1 and any(isinstance(c, dict) and c.get("type") in SELECTS for c in children):
        errors.add((*at, "components"), "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                   "An action row holds up to 5 buttons or one select menu, not both")


def _check_select_options(errors: FormErrors, at: Path, select: dict[str, Any]) -> None:
    values: set[Any] = set()
    for index, choice in enumerate(select.get("options") or []):
        value = choice.get("value") if isinstance(choice, dict) else None
        if value in values:
            errors.add((*at, "options", index, "value"), "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                       "Select component option values must be unique")
        values.add(value)


def _check_button(errors: FormErrors, at: Path, button: dict[str, Any]) -> None:
    style = button.get("style")
    if style == LINK_BUTTON:
        if not button.get("url"):
            errors.add((*at, "url"), "BASE_TYPE_REQUIRED", "This field is required")
        else:
            _check_link(errors, (*at, "url"), button["url"], LINK_BUTTON_SCHEMES)
        if button.get("custom_id") is not None:
            errors.add((*at, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "A link button has no custom_id")
    elif style != PREMIUM_BUTTON:
        if not button.get("custom_id"):
            errors.add((*at, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED", "A custom id is required")
        if button.get("url") is not None:
            errors.add((*at, "url"), "BUTTON_COMPONENT_URL_NOT_ALLOWED", "Only a link button has a url")
    if len(_text(button.get("label"))) > BUTTON_LABEL_CHARS:
        errors.add((*at, "label"), *_too_long(BUTTON_LABEL_CHARS))


# -- modals and autocomplete (interaction callbacks 9 and 8)


def check_modal(data: dict[str, Any], at: Path = ("data",)) -> None:
    errors = FormErrors(at)
    title, custom_id = _text(data.get("title")), _text(data.get("custom_id"))
    if not 1 <= len(title) <= MODAL_TITLE_CHARS:
        errors.add(("title",), "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {MODAL_TITLE_CHARS} in length.")
    if not 1 <= len(custom_id) <= CUSTOM_ID_CHARS:
        errors.add(("custom_id",), "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {CUSTOM_ID_CHARS} in length.")
    components = data.get("components") or []
    if not 1 <= len(components) <= MODAL_COMPONENTS:
        errors.add(("components",), "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {MODAL_COMPONENTS} in length.")
    for index, top in enumerate(components):
        if isinstance(top, dict) and top.get("type") == ACTION_ROW:
            # the older layout: an action row holding one text input, which then carries its own label
            inputs = top.get("components") or []
            if len(inputs) != 1:
                errors.add(("components", index, "components"), "BASE_TYPE_BAD_LENGTH",
                           "A modal's action row holds exactly one text input")
            for inner, text_input in enumerate(inputs):
                if isinstance(text_input, dict) and not text_input.get("label"):
                    errors.add(("components", index, "components", inner, "label"), "BASE_TYPE_REQUIRED",
                               "This field is required")
    for path, component in _walk(components, ("components",)):
        if component.get("type") == TEXT_INPUT:
            _check_text_input(errors, path, component)
    _check_components(errors, components, v2=True)
    errors.raise_if_any()


def _check_text_input(errors: FormErrors, at: Path, text_input: dict[str, Any]) -> None:
    for key, limit in (("label", TEXT_INPUT_LABEL_CHARS), ("placeholder", TEXT_INPUT_PLACEHOLDER_CHARS),
                       ("value", TEXT_INPUT_VALUE_CHARS)):
        if len(_text(text_input.get(key))) > limit:
            errors.add((*at, key), *_too_long(limit))
    low, high = text_input.get("min_length"), text_input.get("max_length")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        errors.add((*at, "min_length"), "NUMBER_TYPE_MAX", f"int value should be less than or equal to {high}.")


def check_autocomplete(data: dict[str, Any], at: Path = ("data",)) -> None:
    errors = FormErrors(at)
    choices = data.get("choices") or []
    if len(choices) > AUTOCOMPLETE_CHOICES:
        errors.add(("choices",), *_too_long(AUTOCOMPLETE_CHOICES))
    for index, choice in enumerate(choices):
        name = _text(choice.get("name")) if isinstance(choice, dict) else ""
        if not 1 <= len(name) <= CHOICE_NAME_CHARS:
            errors.add(("choices", index, "name"), "BASE_TYPE_BAD_LENGTH",
                       f"Must be between 1 and {CHOICE_NAME_CHARS} in length.")
    errors.raise_if_any()


# -- application commands (bulk overwrite)


def check_commands(commands: Any) -> None:
    if not isinstance(commands, list):
        raise invalid("", "Only iterables may be used in a ListType.", "LIST_TYPE_CONVERT")
    errors = FormErrors()
    if sum(1 for c in commands if isinstance(c, dict) and c.get("type", CHAT_INPUT) == CHAT_INPUT) > CHAT_COMMANDS:
        errors.add((), "APPLICATION_COMMANDS_TOO_MANY", f"At most {CHAT_COMMANDS} chat input commands")
    names: set[tuple[str, int]] = set()
    for index, command in enumerate(commands):
        name, kind = command.get("name", ""), command.get("type") or CHAT_INPUT
        if kind == CHAT_INPUT:
            _check_name(errors, (index,), command)
            _check_description(errors, (index,), command)
            _check_options(errors, (index, "options"), command.get("options") or [])
            for locale, total in command_text_totals(command).items():
                if total > COMMAND_TOTAL_CHARS:
                    errors.add((index,), "APPLICATION_COMMAND_TOO_LARGE",
                               f"Command exceeds maximum size ({COMMAND_TOTAL_CHARS}): {total} characters in "
                               f"{locale or 'the default locale'}")
        _check_locales(errors, (index,), command)
        if (name, kind) in names:
            errors.add((index, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME",
                       f"Application command names must be unique ({name!r} is declared twice)")
        names.add((name, kind))
    errors.raise_if_any()


def _check_name(errors: FormErrors, at: Path, item: dict[str, Any]) -> None:
    spelled = {"name": item.get("name")}
    spelled.update({f"name_localizations.{locale}": name
                    for locale, name in (item.get("name_localizations") or {}).items()})
    for where, name in spelled.items():
        if not isinstance(name, str) or not COMMAND_NAME.match(name) or name != name.lower():
            path = (*at, *where.split("."))
            errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {name!r}")


def _check_description(errors: FormErrors, at: Path, item: dict[str, Any]) -> None:
    if not 1 <= len(_text(item.get("description"))) <= DESCRIPTION_CHARS:
        errors.add((*at, "description"), "BASE_TYPE_BAD_LENGTH",
                   f"Must be between 1 and {DESCRIPTION_CHARS} in length.")


def _check_locales(errors: FormErrors, at: Path, item: dict[str, Any]) -> None:
    """Localization keys are Discord locales (the description's ``AvailableLocalesEnum``), at every level."""
    known = discord_api().locales
    for key in ("name_localizations", "description_localizations"):
        for locale in item.get(key) or {}:
            if locale not in known:
                errors.add((*at, key, locale), "LOCALE_INVALID", f"{locale!r} is not a Discord locale")
    for index, option in enumerate(item.get("options") or []):
        _check_locales(errors, (*at, "options", index), option)
    for index, choice in enumerate(item.get("choices") or []):
        _check_locales(errors, (*at, "choices", index), choice)


def _check_options(errors: FormErrors, at: Path, options: list[dict[str, Any]]) -> None:
    if len(options) > COMMAND_OPTIONS:
        errors.add(at, *_too_long(COMMAND_OPTIONS))
    optional_seen = False
    names: set[str] = set()
    for index, option in enumerate(options):
        here = (*at, index)
        _check_name(errors, here, option)
        _check_description(errors, here, option)
        if option.get("name") in names:
            errors.add((*here, "name"), "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                       f"Option name {option.get('name')!r} is already used")
        names.add(option.get("name", ""))
        if option.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
            _check_options(errors, (*here, "options"), option.get("options") or [])
            continue
        if option.get("required"):
            if optional_seen:
                errors.add(here, "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                           "Required options must be placed before non-required options")
        else:
            optional_seen = True
        if len(option.get("choices") or []) > OPTION_CHOICES:
            errors.add((*here, "choices"), *_too_long(OPTION_CHOICES))


def _texts(item: dict[str, Any], keys: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    for key in keys:
        value = item.get(key)
        if value is not None:
            yield str(value), item.get(f"{key}_localizations") or {}


def _command_fields(command: dict[str, Any]) -> Iterator[tuple[str, dict[str, str]]]:
    """Each counted text of a command (names, descriptions, choice names and values), with its translations."""
    yield from _texts(command, ("name", "description"))
    for option in command.get("options") or []:
        yield from _command_fields(option)
    for choice in command.get("choices") or []:
        yield from _texts(choice, ("name", "value"))


def command_text_totals(command: dict[str, Any]) -> dict[str | None, int]:
    """Characters of a command's counted texts per locale (``None``: the default texts), each text in that
    locale where translated and the default otherwise."""
    fields = list(_command_fields(command))
    locales: set[str | None] = {None} | {locale for _, translations in fields for locale in translations}
    return {
        locale: sum(len(translations.get(locale, default) if locale else default) for default, translations in fields)
        for locale in locales
    }


def command_longest_text_total(command: dict[str, Any]) -> int:
    """Discord's reference's own wording of the limit: each field counted at its longest localization."""
    return sum(max([len(default), *map(len, translations.values())]) for default, translations in
               _command_fields(command))
