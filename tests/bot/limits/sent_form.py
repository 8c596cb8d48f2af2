"""Discord's limits on what a bot sends, checked on the form it is sent in (``Embed.to_dict``,
``View.to_components``, ``Modal.to_dict``), plus the two things a limit alone does not say: no text may ping
anyone the bot did not mean to, and no text may hold half a surrogate pair.

Each ``*_problems`` function returns what is wrong (empty: nothing), so a failing property names the part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import discord
from discord import app_commands

from bot.text_fit import (
    AUTHOR_CHARS,
    BUTTON_LABEL_CHARS,
    CHOICE_NAME_CHARS,
    CONTENT_CHARS,
    DESCRIPTION_CHARS,
    EMBED_TOTAL_CHARS,
    EMBEDS_PER_MESSAGE,
    FIELD_CHARS,
    FIELD_NAME_CHARS,
    FIELDS_PER_EMBED,
    FOOTER_CHARS,
    INPUT_LABEL_CHARS,
    INPUT_PLACEHOLDER_CHARS,
    INPUT_VALUE_CHARS,
    MODAL_TITLE_CHARS,
    OPTION_DESCRIPTION_CHARS,
    OPTION_LABEL_CHARS,
    TITLE_CHARS,
)

#: what makes Discord ping: @everyone, @here, a role, a user (``<@id>``, ``<@!id>``)
_MASS = re.compile(r"@(everyone|here)")
_ROLE = re.compile(r"<@&\d+>")
_USER = re.compile(r"<@!?(\d+)>")
#: a link as Discord's markdown reads it (whole: nothing inside it formats)
_LINK = re.compile(r"<[^: >]+:/[^ >]+>|(?:https?|steam)://[^\s<]+[^<.,:;\"'\]\s]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
SELECT_PLACEHOLDER_CHARS = 150
ROWS_PER_MESSAGE = 5
ITEMS_PER_ROW = 5
CUSTOM_ID_CHARS = 100
OPTIONS_PER_SELECT = 25
CHOICES_PER_ANSWER = 25
MODAL_COMPONENTS = 5


def _over(where: str, text: str | None, limit: int) -> list[str]:
    size = len(text or "")
    return [f"{where}: {size} > {limit}"] if size > limit else []


def text_problems(where: str, text: str | None) -> list[str]:
    """Half a surrogate pair cannot be sent as UTF-8: Discord (and the JSON encoder) refuse it."""
    return [f"{where}: half a surrogate pair"] if text and _LONE_SURROGATE.search(text) else []


def outside_code(text: str) -> str:
    """``text`` without its code spans and escaped characters, read left to right as Discord's markdown reads it:
    a backslash escapes the next character (an escaped backtick opens no span), a link is read whole (a backtick in
    it opens nothing), a run of backticks opens a span that the same run closes (a backslash inside it is just a
    backslash), and no mention is parsed in a span."""
    kept: list[str] = []
    position = 0
    while position < len(text):
        character = text[position]
        link = _LINK.match(text, position)
        if link is not None:
            kept.append(link[0])
            position = link.end()
            continue
        if character == "\\":
            position += 2
            continue
        if character == "`":
            run = len(text[position:]) - len(text[position:].lstrip("`"))
            end = text.find("`" * run, position + run)
            if end != -1:
                position = end + run
                continue
        kept.append(character)
        position += 1
    return "".join(kept)


def pings(text: str | None, meant: Iterable[int] = ()) -> list[str]:
    """The mentions in ``text`` (outside code) that would ping, except the users in ``meant``."""
    plain = outside_code(text or "")
    allowed = {str(user) for user in meant}
    found = [match[0] for match in _MASS.finditer(plain)] + [match[0] for match in _ROLE.finditer(plain)]
    found += [match[0] for match in _USER.finditer(plain) if match[1] not in allowed]
    return found


def content_problems(text: str | None, meant: Iterable[int] = ()) -> list[str]:
    problems = _over("content", text, CONTENT_CHARS) + text_problems("content", text)
    return problems + [f"content pings {mention!r}" for mention in pings(text, meant)]


def embeds_problems(embeds: Sequence[discord.Embed]) -> list[str]:
    problems = [f"{len(embeds)} embeds"] if len(embeds) > EMBEDS_PER_MESSAGE else []
    total = 0
    for number, embed in enumerate(embeds):
        data: dict[str, Any] = embed.to_dict()
        where = f"embed {number}"
        problems += _over(f"{where} title", data.get("title"), TITLE_CHARS)
        problems += _over(f"{where} description", data.get("description"), DESCRIPTION_CHARS)
        fields = data.get("fields") or []
        if len(fields) > FIELDS_PER_EMBED:
            problems.append(f"{where}: {len(fields)} fields")
        for field in fields:
            problems += _over(f"{where} field name", field["name"], FIELD_NAME_CHARS)
            problems += _over(f"{where} field {field['name']!r}", field["value"], FIELD_CHARS)
            if not field["name"] or not field["value"]:
                problems.append(f"{where}: an empty field")
        footer = (data.get("footer") or {}).get("text")
        author = (data.get("author") or {}).get("name")
        problems += _over(f"{where} footer", footer, FOOTER_CHARS) + _over(f"{where} author", author, AUTHOR_CHARS)
        for key in ("title", "description"):
            problems += text_problems(f"{where} {key}", data.get(key))
        total += len(embed)
    return problems + ([f"embeds: {total} characters together"] if total > EMBED_TOTAL_CHARS else [])


def components_problems(components: Sequence[dict[str, Any]]) -> list[str]:
    problems = [f"{len(components)} rows"] if len(components) > ROWS_PER_MESSAGE else []
    seen: set[str] = set()
    for row in components:
        items = row.get("components") or []
        if not 1 <= len(items) <= ITEMS_PER_ROW:
            problems.append(f"a row of {len(items)}")
        for item in items:
            problems += _item_problems(item, seen)
    return problems


def _item_problems(item: dict[str, Any], seen: set[str]) -> list[str]:
    custom_id = item.get("custom_id")
    problems = _over("custom_id", custom_id, CUSTOM_ID_CHARS)
    if custom_id is not None:
        problems += [f"custom_id {custom_id!r} twice"] if custom_id in seen else []
        seen.add(custom_id)
    problems += _over("button label", item.get("label"), BUTTON_LABEL_CHARS) if item.get("type") == 2 else []
    problems += _over("select placeholder", item.get("placeholder"), SELECT_PLACEHOLDER_CHARS)
    options = item.get("options") or []
    problems += [f"{len(options)} options"] if len(options) > OPTIONS_PER_SELECT else []
    for option in options:
        problems += _over("option label", option.get("label"), OPTION_LABEL_CHARS)
        problems += _over("option description", option.get("description"), OPTION_DESCRIPTION_CHARS)
        problems += _over("option value", option.get("value"), CUSTOM_ID_CHARS)
    return problems


def view_problems(view: discord.ui.View | None) -> list[str]:
    return [] if view is None else components_problems(view.to_components())


def modal_problems(modal: discord.ui.Modal) -> list[str]:
    data = modal.to_dict()
    problems = _over("modal title", data.get("title"), MODAL_TITLE_CHARS) + _over(
        "modal custom_id", data.get("custom_id"), CUSTOM_ID_CHARS
    )
    components = data.get("components") or []
    problems += [f"{len(components)} modal components"] if not 1 <= len(components) <= MODAL_COMPONENTS else []
    seen: set[str] = set()
    for label in components:
        problems += _over("modal label", label.get("label"), INPUT_LABEL_CHARS)
        inner = label.get("component") or {}
        problems += _item_problems(inner, seen)
        if inner.get("type") == 4:  # a text input
            problems += _over("input placeholder", inner.get("placeholder"), INPUT_PLACEHOLDER_CHARS)
            longest = min(INPUT_VALUE_CHARS, inner.get("max_length") or INPUT_VALUE_CHARS)
            problems += _over("input value", inner.get("value"), longest)
    return problems


def choices_problems(choices: Sequence[app_commands.Choice[Any]]) -> list[str]:
    problems = [f"{len(choices)} choices"] if len(choices) > CHOICES_PER_ANSWER else []
    for choice in choices:
        problems += _over("choice name", choice.name, CHOICE_NAME_CHARS) + text_problems("choice name", choice.name)
        problems += [] if choice.name else ["an empty choice name"]
        if isinstance(choice.value, str):
            problems += _over("choice value", choice.value, CUSTOM_ID_CHARS)
    return problems


def message_problems(
    content: str | None = None,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    meant: Iterable[int] = (),
) -> list[str]:
    """Everything wrong with one message as sent."""
    return content_problems(content, meant) + embeds_problems(embeds) + view_problems(view)
