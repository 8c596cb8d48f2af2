"""Known-bad bodies are refused as Discord refuses them (400 / 50035 "Invalid Form Body" with the failing
field's path in the nested ``errors`` tree), one rule each; known-good bodies shaped as discord.py builds
them are accepted; every refusal is kept in ``fake.refused`` with its problems and the body sent."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.fake_discord import FakeDiscord, InteractionRecord
from tests.fake_discord.raw_client import bot_headers, callback, multipart, webhook
from tests.fake_discord.raw_gateway import RawGatewayClient


def button(custom_id: str, label: str = "U1", style: int = 1) -> dict[str, Any]:
    return {"type": 2, "style": style, "label": label, "custom_id": custom_id}


def row(*components: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(components)}


def text_input(custom_id: str = "prompt", **fields: Any) -> dict[str, Any]:
    return {"type": 18, "label": "Prompt", "component": {"type": 4, "custom_id": custom_id, "style": 1, **fields}}


def modal(*components: dict[str, Any], title: str = "Remix") -> dict[str, Any]:
    return {"type": 9, "data": {"custom_id": "remix", "title": title, "components": list(components)}}


def command(name: str = "imagine", **fields: Any) -> dict[str, Any]:
    return {"name": name, "description": "Draw", "type": 1, **fields}


def option(name: str, required: bool = False, **fields: Any) -> dict[str, Any]:
    return {"type": 3, "name": name, "description": "what", "required": required, **fields}


async def refusal(response: aiohttp.ClientResponse) -> dict[str, Any]:
    """The errors tree of a 400 / 50035 answer (fails the test if the request was not refused so)."""
    body = await response.json()
    assert response.status == 400, body
    assert body["code"] == 50035 and body["message"] == "Invalid Form Body", body
    return body["errors"]


def codes_at(errors: dict[str, Any], *path: str | int) -> list[str]:
    node = errors
    for step in path:
        node = node[str(step)]
    return [entry["code"] for entry in node["_errors"]]


async def deferred(fake: FakeDiscord, http: aiohttp.ClientSession, prompt: str = "x") -> InteractionRecord:
    interaction = await fake.send_slash_command("imagine", {"prompt": prompt})
    assert (await callback(http, fake, interaction, {"type": 5})).status == 200
    return interaction


# -- message bodies: an interaction's first answer (type 4: the message sits under ``data``)

MESSAGE_RULES = [
    pytest.param({"content": "x" * 2001}, ("content",), "BASE_TYPE_MAX_LENGTH", id="content-over-2000"),
    pytest.param({"embeds": [{"title": "t" * 257}]}, ("embeds", 0, "title"), "BASE_TYPE_MAX_LENGTH",
                 id="embed-title"),
    pytest.param({"embeds": [{"description": "d" * 4097}]}, ("embeds", 0, "description"), "BASE_TYPE_MAX_LENGTH",
                 id="embed-description"),
    pytest.param({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]},
                 ("embeds", 0, "fields", 0, "value"), "BASE_TYPE_MAX_LENGTH", id="embed-field-value"),
    pytest.param({"embeds": [{"fields": [{"name": "n" * 257, "value": "v"}]}]},
                 ("embeds", 0, "fields", 0, "name"), "BASE_TYPE_MAX_LENGTH", id="embed-field-name"),
    pytest.param({"embeds": [{"title": "t", "fields": [{"name": "n", "value": ""}]}]},
                 ("embeds", 0, "fields", 0, "value"), "BASE_TYPE_REQUIRED", id="embed-field-empty"),
    pytest.param({"embeds": [{"footer": {"text": "f" * 2049}}]}, ("embeds", 0, "footer", "text"),
                 "BASE_TYPE_MAX_LENGTH", id="embed-footer"),
    pytest.param({"embeds": [{"author": {"name": "a" * 257}}]}, ("embeds", 0, "author", "name"),
                 "BASE_TYPE_MAX_LENGTH", id="embed-author"),
    pytest.param({"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]}, ("embeds",),
                 "MAX_EMBED_SIZE_EXCEEDED", id="embeds-total-over-6000"),
    pytest.param({"embeds": [{"title": "t"}] * 11}, ("embeds",), "BASE_TYPE_MAX_LENGTH", id="eleven-embeds"),
    pytest.param({"embeds": [{"color": 16777216}]}, ("embeds", 0, "color"), "NUMBER_TYPE_MAX", id="embed-colour"),
    pytest.param({"content": "x", "components": [row(button(f"b{i}")) for i in range(6)]}, ("components",),
                 "BASE_TYPE_MAX_LENGTH", id="six-action-rows"),
    pytest.param({"content": "x", "components": [row(*[button(f"b{i}") for i in range(6)])]},
                 ("components", 0, "components"), "BASE_TYPE_MAX_LENGTH", id="six-buttons-in-a-row"),
    pytest.param({"content": "x", "components": [row(button("c" * 101))]},
                 ("components", 0, "components", 0, "custom_id"), "BASE_TYPE_MAX_LENGTH", id="custom-id-101"),
    pytest.param({"content": "x", "components": [row(button("same"), button("same", "U2"))]},
                 ("components", 0, "components", 1, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED",
                 id="duplicate-custom-ids"),
    pytest.param({"content": "x", "components": [row(button("a")), row(button("a", "U2"))]},
                 ("components", 1, "components", 0, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED",
                 id="duplicate-custom-ids-across-rows"),
    pytest.param({"content": "x", "components": [row(button("b", label="L" * 81))]},
                 ("components", 0, "components", 0, "label"), "BASE_TYPE_MAX_LENGTH", id="button-label-81"),
    pytest.param({"content": "x", "components": [row(button("b", style=9))]},
                 ("components", 0, "components", 0, "style"), "BASE_TYPE_CHOICES", id="unknown-button-style"),
    pytest.param({"content": "x", "components": [row({"type": 2, "style": 1, "label": "no id"})]},
                 ("components", 0, "components", 0, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED",
                 id="button-without-custom-id"),
    pytest.param({"content": "x", "components": [row({"type": 2, "style": 5, "label": "link"})]},
                 ("components", 0, "components", 0, "url"), "BASE_TYPE_REQUIRED", id="link-button-without-url"),
    pytest.param({"content": "x", "components": [row({"type": 3, "custom_id": "menu", "options": [
        {"label": "a", "value": "a"}]}, button("b"))]}, ("components", 0, "components"),
        "COMPONENT_LAYOUT_WIDTH_EXCEEDED", id="select-shares-a-row"),
    pytest.param({"content": "x", "components": [{"type": 77}]}, ("components", 0, "type"), "BASE_TYPE_CHOICES",
                 id="unknown-component-type"),
    pytest.param({"content": "x", "components": [row({"type": 3, "custom_id": "menu", "options": [
        {"label": "a", "value": "same"}, {"label": "b", "value": "same"}]})]},
        ("components", 0, "components", 0, "options", 1, "value"), "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
        id="select-values-twice"),
    pytest.param({"content": "x", "components": [row({"type": 2, "style": 5, "label": "l", "url": "ftp://x.org/a"})]},
                 ("components", 0, "components", 0, "url"), "URL_TYPE_INVALID_SCHEME", id="link-button-ftp"),
    pytest.param({"embeds": [{"title": "t", "url": "attachment://grid.png"}]}, ("embeds", 0, "url"),
                 "URL_TYPE_INVALID_SCHEME", id="embed-link-to-a-file"),
    pytest.param({"embeds": [{"title": "t", "image": {"url": "/files/grid.png"}}]}, ("embeds", 0, "image", "url"),
                 "URL_TYPE_INVALID_URL", id="embed-image-relative"),
    pytest.param({"content": "<@1>", "allowed_mentions": {"parse": ["users"], "users": ["1"]}},
                 ("allowed_mentions",), "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", id="mentions-parse-and-list"),
    pytest.param({"content": "x", "flags": "64"}, ("flags",), "NUMBER_TYPE_COERCE", id="flags-as-a-string"),
    pytest.param({"content": "x", "tts": "no"}, ("tts",), "BOOLEAN_TYPE_CONVERT", id="tts-as-a-string"),
    pytest.param({"content": 5}, ("content",), "STRING_TYPE_CONVERT", id="content-as-a-number"),
    pytest.param({"content": "x", "allowed_mentions": {"parse": ["everyone", "nobody"]}},
                 ("allowed_mentions", "parse", 1), "BASE_TYPE_CHOICES", id="unknown-allowed-mention"),
    pytest.param({"content": "x", "attachments": [{"id": "first"}]}, ("attachments", 0, "id"), "STRING_TYPE_REGEX",
                 id="attachment-id-not-a-snowflake"),
]


@pytest.mark.parametrize(("data", "path", "code"), MESSAGE_RULES)
async def test_a_first_answer_breaking_a_rule_is_refused_at_its_field(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient,
    data: dict[str, Any], path: tuple[str | int, ...], code: str,
) -> None:
    interaction = await fake.send_slash_command("imagine", {"prompt": "rules"})
    errors = await refusal(await callback(http, fake, interaction, {"type": 4, "data": data}))
    assert code in codes_at(errors, "data", *path), errors
    assert fake.original_message(interaction) is None and not interaction.acknowledged
    assert [c.status for c in fake.state.callbacks] == [400]
    refused = fake.refused[-1]
    assert refused.route == f"/interactions/{interaction.id}/{{token}}/callback"  # the token is never kept
    assert refused.body == {"type": 4, "data": data}
    assert any(p.startswith(".".join(map(str, ("data", *path))) + ":") for p in refused.problems), refused.problems


async def test_the_same_rules_hold_on_every_route_that_writes_a_message(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient
) -> None:
    interaction = await deferred(fake, http)
    too_long = {"content": "x" * 2001}
    channel = f"{fake.api_base}/channels/{fake.channel.id}/messages"
    created = await http.post(channel, json={"content": "a bot-token message"}, headers=bot_headers(fake))
    message_id = (await created.json())["id"]
    routes = [
        http.patch(webhook(fake, interaction), json=too_long),
        http.post(webhook(fake, interaction, ""), json=too_long, params={"wait": "true"}),
        http.post(channel, json=too_long, headers=bot_headers(fake)),
        http.patch(f"{channel}/{message_id}", json=too_long, headers=bot_headers(fake)),
        http.patch(webhook(fake, interaction), data=multipart(too_long)),  # payload_json of a multipart body
    ]
    for request in routes:
        assert codes_at(await refusal(await request), "content") == ["BASE_TYPE_MAX_LENGTH"]
    assert len(fake.refused) == len(routes)
    assert all(r.problems == ["content: Must be 2000 or fewer in length."] for r in fake.refused)


async def test_the_message_as_it_stands_after_an_edit_is_what_counts(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient
) -> None:
    interaction = await deferred(fake, http)
    kept = {"content": "x", "components": [row(button("a"))]}
    assert (await http.patch(webhook(fake, interaction), json=kept)).status == 200
    # the new row reuses the custom_id of a row the edit does not touch… the message is replaced, not merged:
    assert (await http.patch(webhook(fake, interaction), json={"components": [row(button("a"))]})).status == 200
    # … but an edit of the embeds alone is judged with the components the message already has
    four_thousand = {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]}
    errors = await refusal(await http.patch(webhook(fake, interaction), json=four_thousand))
    assert codes_at(errors, "embeds") == ["MAX_EMBED_SIZE_EXCEEDED"]


async def test_query_parameters_must_parse_as_their_declared_type(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient
) -> None:
    interaction = await fake.send_slash_command("imagine", {"prompt": "query"})
    url = f"{fake.api_base}/interactions/{interaction.id}/{interaction.token}/callback"
    errors = await refusal(await http.post(url, json={"type": 5}, params={"with_response": "yes"}))
    assert codes_at(errors, "with_response") == ["BOOLEAN_TYPE_CONVERT"]
    assert not interaction.acknowledged
    for accepted in ("True", "0"):  # Discord's boolean query values: True/true/1, False/false/0
        other = await fake.send_slash_command("imagine", {"prompt": accepted})
        answer = await http.post(f"{fake.api_base}/interactions/{other.id}/{other.token}/callback",
                                 json={"type": 5}, params={"with_response": accepted})
        assert answer.status in (200, 204)
    followup = await http.post(webhook(fake, other, ""), json={"content": "hi"}, params={"wait": "maybe"})
    assert codes_at(await refusal(followup), "wait") == ["BOOLEAN_TYPE_CONVERT"]


# -- interaction callbacks of other types


async def test_an_unknown_callback_type_is_refused(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient
) -> None:
    interaction = await fake.send_slash_command("imagine", {"prompt": "type"})
    errors = await refusal(await callback(http, fake, interaction, {"type": 3}))
    assert codes_at(errors, "type") == ["BASE_TYPE_CHOICES"]
    errors = await refusal(await callback(http, fake, interaction, {"data": {"content": "no type"}}))
    assert codes_at(errors, "type") == ["BASE_TYPE_REQUIRED"]
    errors = await refusal(await callback(http, fake, interaction, ["not", "an", "object"]))
    assert codes_at(errors) == ["MODEL_TYPE_CONVERT"]


MODAL_RULES = [
    pytest.param(modal(*[text_input(f"i{n}") for n in range(6)]), ("components",), "BASE_TYPE_BAD_LENGTH",
                 id="six-components"),
    pytest.param(modal(text_input(), title="T" * 46), ("title",), "BASE_TYPE_MAX_LENGTH", id="title-46"),
    pytest.param(modal({**text_input(), "label": "L" * 46}), ("components", 0, "label"), "BASE_TYPE_MAX_LENGTH",
                 id="label-46"),
    pytest.param(modal(text_input(placeholder="p" * 101)), ("components", 0, "component", "placeholder"),
                 "BASE_TYPE_MAX_LENGTH", id="placeholder-101"),
    pytest.param(modal(text_input(value="v" * 4001)), ("components", 0, "component", "value"),
                 "BASE_TYPE_MAX_LENGTH", id="value-4001"),
    pytest.param(modal(text_input(style=3)), ("components", 0, "component", "style"), "BASE_TYPE_CHOICES",
                 id="unknown-text-input-style"),
    pytest.param(modal(text_input("same"), text_input("same")), ("components", 1, "component", "custom_id"),
                 "COMPONENT_CUSTOM_ID_DUPLICATED", id="duplicate-inputs"),
    pytest.param(modal(row({"type": 4, "custom_id": "old", "style": 1})),
                 ("components", 0, "components", 0, "label"), "BASE_TYPE_REQUIRED",
                 id="row-input-without-label"),
    pytest.param(modal(text_input(min_length=10, max_length=5)), ("components", 0, "component", "min_length"),
                 "NUMBER_TYPE_MAX", id="min-over-max"),
]


@pytest.mark.parametrize(("body", "path", "code"), MODAL_RULES)
async def test_a_modal_breaking_a_rule_is_refused(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient,
    body: dict[str, Any], path: tuple[str | int, ...], code: str,
) -> None:
    interaction = await fake.send_slash_command("imagine", {"prompt": "modal"})
    errors = await refusal(await callback(http, fake, interaction, body))
    assert code in codes_at(errors, "data", *path), errors
    assert fake.state.modals == []


async def test_autocomplete_answers_are_held_to_25_choices_of_100_characters(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient
) -> None:
    await http.put(f"{fake.api_base}/applications/{fake.state.application_id}/commands", headers=bot_headers(fake),
                   json=[command(options=[option("prompt", True, autocomplete=True)])])
    typing = await fake.actions.autocomplete("imagine", {"prompt": "c"}, "prompt", locale="en-US", subcommand=None,
                                             user=fake.member, guild=fake.guild, channel=fake.channel)
    choices = [{"name": f"choice {n}", "value": str(n)} for n in range(26)]
    errors = await refusal(await callback(http, fake, typing, {"type": 8, "data": {"choices": choices}}))
    assert codes_at(errors, "data", "choices") == ["BASE_TYPE_MAX_LENGTH"]
    long_name = [{"name": "n" * 101, "value": "v"}]
    errors = await refusal(await callback(http, fake, typing, {"type": 8, "data": {"choices": long_name}}))
    assert codes_at(errors, "data", "choices", 0, "name") == ["BASE_TYPE_MAX_LENGTH"]
    fine = await callback(http, fake, typing, {"type": 8, "data": {"choices": choices[:25]}})
    assert fine.status == 200 and typing.autocomplete_choices == choices[:25]


# -- application commands (bulk overwrite)

COMMAND_RULES = [
    pytest.param([command("Imagine")], (0, "name"), "APPLICATION_COMMAND_INVALID_NAME", id="upper-case-name"),
    pytest.param([command("two words")], (0, "name"), "APPLICATION_COMMAND_INVALID_NAME", id="space-in-name"),
    pytest.param([command("n" * 33)], (0, "name"), "BASE_TYPE_MAX_LENGTH", id="name-33"),
    pytest.param([command(description="")], (0, "description"), "BASE_TYPE_BAD_LENGTH", id="empty-description"),
    pytest.param([command(description="d" * 101)], (0, "description"), "BASE_TYPE_MAX_LENGTH",
                 id="description-101"),
    pytest.param([command(), command()], (1, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", id="declared-twice"),
    pytest.param([command(name_localizations={"zh-CN": "画 图"})], (0, "name_localizations", "zh-CN"),
                 "APPLICATION_COMMAND_INVALID_NAME", id="localized-name-with-a-space"),
    pytest.param([command(name_localizations={"fr": "Dessiner"})], (0, "name_localizations", "fr"),
                 "APPLICATION_COMMAND_INVALID_NAME", id="localized-name-upper-case"),
    pytest.param([command(description_localizations={"zh": "画"})], (0, "description_localizations", "zh"),
                 "LOCALE_INVALID", id="not-a-discord-locale"),
    pytest.param([command(options=[option("style", choices=[{"name": "a", "value": "a",
                                                               "name_localizations": {"en": "A"}}])])],
                 (0, "options", 0, "choices", 0, "name_localizations", "en"), "LOCALE_INVALID",
                 id="choice-locale"),
    pytest.param([command(options=[option("style"), option("prompt", True)])], (0, "options", 1),
                 "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", id="required-after-optional"),
    pytest.param([command(options=[option("prompt"), option("prompt")])], (0, "options", 1, "name"),
                 "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS", id="option-declared-twice"),
    pytest.param([command(options=[option(f"o{n}") for n in range(26)])], (0, "options"), "BASE_TYPE_MAX_LENGTH",
                 id="twenty-six-options"),
    pytest.param([command(options=[option("style", choices=[{"name": str(n), "value": str(n)} for n in range(26)])])],
                 (0, "options", 0, "choices"), "BASE_TYPE_MAX_LENGTH", id="twenty-six-choices"),
    pytest.param([command(options=[{"type": 99, "name": "x", "description": "x"}])], (0, "options", 0, "type"),
                 "BASE_TYPE_CHOICES", id="unknown-option-type"),
    pytest.param([command(options=[option("size", min_length=7000)])], (0, "options", 0, "min_length"),
                 "NUMBER_TYPE_MAX", id="min-length-over-6000"),
    pytest.param([command(default_member_permissions="admin")], (0, "default_member_permissions"),
                 "STRING_TYPE_REGEX", id="permissions-not-a-number"),
    pytest.param([command(options=[option(f"o{n}", description="d" * 100, choices=[
        {"name": "c" * 100, "value": "v" * 100} for _ in range(1)]) for n in range(20)])], (0,),
        "APPLICATION_COMMAND_TOO_LARGE", id="over-4000-characters"),
]


@pytest.mark.parametrize(("commands", "path", "code"), COMMAND_RULES)
async def test_a_command_sync_breaking_a_rule_is_refused(
    fake: FakeDiscord, http: aiohttp.ClientSession,
    commands: list[dict[str, Any]], path: tuple[str | int, ...], code: str,
) -> None:
    url = f"{fake.api_base}/applications/{fake.state.application_id}/commands"
    errors = await refusal(await http.put(url, json=commands, headers=bot_headers(fake)))
    assert code in codes_at(errors, *path), errors
    assert fake.commands() == []


async def test_the_4000_characters_count_one_locale_at_a_time(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    url = f"{fake.api_base}/applications/{fake.state.application_id}/commands"
    # 13 options of 3 + 100 characters with a choice of 100 + 90, plus the command's 7 + 4: 3,820 characters
    options = [option(f"o{n}", description="d" * 100, choices=[{"name": "c" * 100, "value": "v" * 90}])
               for n in range(10, 23)]
    # translations do not add up across locales: 3,820 in each of en, fr and de
    translated = [{**o, "description_localizations": {"fr": "f" * 100, "de": "g" * 100}} for o in options]
    accepted = await http.put(url, json=[command(options=translated)], headers=bot_headers(fake))
    assert accepted.status == 200, await accepted.text()
    # French option names 17 characters longer than the English ones: 4,041 in French alone
    longer = [{**o, "name_localizations": {"fr": f"nom{n:017d}"}} for n, o in enumerate(translated)]
    errors = await refusal(await http.put(url, json=[command(options=longer)], headers=bot_headers(fake)))
    assert codes_at(errors, 0) == ["APPLICATION_COMMAND_TOO_LARGE"]
    assert errors["0"]["_errors"][0]["message"].endswith("4041 characters in fr")


# -- what discord.py sends is accepted


async def test_bodies_shaped_as_discord_py_builds_them_are_accepted(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient
) -> None:
    interaction = await fake.send_slash_command("imagine", {"prompt": "good"})
    message = {
        "tts": False,
        "content": "**good** — done",
        "flags": 64,
        # every limit reached, 5,994 characters in all
        "embeds": [{"type": "rich", "title": "t" * 256, "description": "d" * 4096, "color": 0xFFFFFF,
                    "fields": [{"name": "n", "value": "v" * 1024, "inline": True}],
                    "footer": {"text": "f" * 361}, "author": {"name": "a" * 256}, "image": {"url": "attachment://g.png"},
                    "timestamp": "2026-07-01T00:00:00+00:00"}],
        # discord.py sends ints where the description says snowflake strings (schema_readings.adapt says why)
        "allowed_mentions": {"parse": [], "users": [fake.member.id], "replied_user": False},
        "components": [row(*[{**button(f"job:1:U{n}"), "emoji": {"name": "🔁", "id": 123, "animated": False},
                              "disabled": False} for n in range(1, 6)])] * 1
        + [row({"type": 3, "custom_id": "menu", "placeholder": None, "min_values": 1, "max_values": 1,
                "disabled": False, "options": [{"label": "a", "value": "a", "default": False, "emoji": None}]})]
        + [row({"type": 2, "style": 5, "label": "open", "url": "https://example.com/x", "disabled": False})],
        "attachments": [],
    }
    answer = await callback(http, fake, interaction, {"type": 4, "data": message})
    assert answer.status == 200, await answer.text()
    edit = multipart({"content": "with a file", "attachments": [{"id": 0, "filename": "g.png", "description": "d"}]},
                     ("g.png", b"\x89PNG"))
    assert (await http.patch(webhook(fake, interaction), data=edit)).status == 200
    nulls = {"content": None, "embeds": None, "components": None, "allowed_mentions": None, "flags": None}
    assert (await http.patch(webhook(fake, interaction), json={**nulls, "content": "x"})).status == 200
    opened = await http.post(f"{fake.api_base}/users/@me/channels", json={"recipient_id": fake.member.id},
                             headers=bot_headers(fake))
    assert opened.status == 200
    legacy = await fake.send_slash_command("imagine", {"prompt": "modal"})
    form = modal(text_input("new", max_length=4000, required=True, placeholder="p" * 100),
                 row({"type": 4, "custom_id": "old", "style": 2, "label": "L" * 45, "value": "v" * 4000}),
                 {"type": 10, "content": "A remix keeps the seed."}, title="T" * 45)
    assert (await callback(http, fake, legacy, form)).status == 200
    assert fake.refused == []


async def test_commands_as_discord_py_syncs_them_are_accepted(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    url = f"{fake.api_base}/applications/{fake.state.application_id}/commands"
    synced = [
        command("imagine", nsfw=False, default_member_permissions=None, contexts=[0, 1], integration_types=[0],
                name_localizations={"zh-CN": "画图", "pt-BR": "imaginar"},
                description_localizations={"zh-CN": "画", "es-419": "Dibujar"},
                options=[option("prompt", True, max_length=6000, name_localizations={"zh-CN": "提示"}),
                         option("style", choices=[{"name": "Raw", "value": "raw",
                                                   "name_localizations": {"fr": "Brut"}}]),
                         {"type": 4, "name": "seed", "description": "seed", "min_value": 0, "max_value": 2**32},
                         {"type": 11, "name": "image", "description": "an image"},
                         {"type": 7, "name": "channel", "description": "where", "channel_types": [0, 5]}]),
        command("server-settings", default_member_permissions="32", options=[
            {"type": 2, "name": "keys", "description": "keys", "options": [
                {"type": 1, "name": "set", "description": "set", "options": [option("key", True)]}]}]),
        {"name": "Upscale this", "type": 3, "description": ""},
        command("हिन्दी", description="Devanagari"),
        command("rock'n'roll", description="an apostrophe is allowed"),
    ]
    answer = await http.put(url, json=synced, headers=bot_headers(fake))
    assert answer.status == 200, await answer.text()
    assert [c["name"] for c in fake.commands()] == [c["name"] for c in synced]
