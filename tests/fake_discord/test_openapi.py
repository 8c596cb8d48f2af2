"""Discord's OpenAPI description as the fake reads it: every route the fake serves has its operation there,
validators are compiled once, and the readings applied to the description accept exactly what they say."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.fake_discord import FakeDiscord
from tests.fake_discord.openapi import API_PREFIX, discord_api
from tests.fake_discord.schema_readings import NULLABLE, REMEMBERED, UNION_BY_TYPE

SAMPLE_VALUES = {"token": "aW50ZXJhY3Rpb24token", "filename": "grid.png"}


def concrete(canonical: str, message_id: str = "1") -> str:
    """A request path for an aiohttp route template (ids 1, the token a token, ``message_id`` as given)."""
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return message_id if name == "message_id" else SAMPLE_VALUES.get(name, "1")
    return re.sub(r"\{(\w+)\}", value, canonical).removeprefix(API_PREFIX)


def served_api_routes() -> list[tuple[str, str]]:
    app = FakeDiscord().make_app()
    return sorted({
        (route.method, route.resource.canonical) for route in app.router.routes()
        if route.resource is not None and route.resource.canonical.startswith(API_PREFIX + "/")
        and route.method != "HEAD"
    })


@pytest.mark.parametrize(("method", "canonical"), served_api_routes())
def test_every_route_the_fake_serves_is_an_operation_of_the_description(method: str, canonical: str) -> None:
    api = discord_api()
    interaction_message = canonical.startswith(API_PREFIX + "/webhooks/") and canonical.endswith("{message_id}")
    for message_id in ("1", "@original") if interaction_message else ("1",):
        operation = api.operation(method, concrete(canonical, message_id))
        assert operation is not None, (method, canonical)
        assert (operation.body is not None) == (method in ("POST", "PUT", "PATCH")), operation.template
        assert ("@original" in operation.template) == (message_id == "@original")


def test_one_validator_per_route_and_method_compiled_once() -> None:
    api = discord_api()
    first = api.operation("PATCH", "/webhooks/1/token-a/messages/@original")
    again = api.operation("PATCH", "/webhooks/2/token-b/messages/@original")
    assert first is again and first is not None and first.body is not None
    assert api.operation("PATCH", "/webhooks/1/token-a/messages/5") is not first
    assert api.operation("GET", "/no/such/route") is None


def errors_of(method: str, path: str, body: Any) -> list[str]:
    operation = discord_api().operation(method, path)
    assert operation is not None
    return [str(error) for error in operation.body_errors(body)]


@pytest.mark.parametrize("attachment_id", [0, 7, "0", "1234567890123456789"])
def test_a_snowflake_may_be_a_non_negative_integer_as_discord_py_sends_some(attachment_id: Any) -> None:
    assert errors_of("PATCH", "/channels/1/messages/2", {"attachments": [{"id": attachment_id}]}) == []


@pytest.mark.parametrize(("attachment_id", "code"), [(-1, "NUMBER_TYPE_MIN"), ("12a", "STRING_TYPE_REGEX"),
                                                      (1.5, "STRING_TYPE_CONVERT"), (None, "STRING_TYPE_CONVERT")])
def test_a_snowflake_is_still_refused_when_it_is_no_id(attachment_id: Any, code: str) -> None:
    (error,) = errors_of("PATCH", "/channels/1/messages/2", {"attachments": [{"id": attachment_id}]})
    assert error.startswith("attachments.0.id: ") and error.endswith(f"[{code}]")


def test_a_nullable_field_takes_null_and_is_otherwise_checked_as_its_schema() -> None:
    assert errors_of("POST", "/channels/1/messages", {"content": "x", "allowed_mentions": None}) == []
    assert errors_of("POST", "/channels/1/messages", {"content": "x", "allowed_mentions": {"parse": "all"}}) == [
        "allowed_mentions.parse: Only iterables may be used in a ListType. [LIST_TYPE_CONVERT]"
    ]


def test_a_union_told_apart_by_type_reports_the_named_members_own_rule() -> None:
    too_long = {"type": 2, "style": 1, "custom_id": "b", "label": "L" * 81}
    body = {"content": "x", "components": [{"type": 1, "components": [too_long]}]}
    assert errors_of("POST", "/channels/1/messages", body) == [
        "components.0.components.0.label: Must be 80 or fewer in length. [BASE_TYPE_MAX_LENGTH]"
    ]
    assert errors_of("POST", "/interactions/1/token/callback", {"type": 9, "data": {}}) == [
        "data.custom_id: This field is required [BASE_TYPE_REQUIRED]",
        "data.title: This field is required [BASE_TYPE_REQUIRED]",
        "data.components: This field is required [BASE_TYPE_REQUIRED]",
    ]


def test_the_readings_were_applied_and_plain_unions_remain_where_no_type_tells_members_apart() -> None:
    schemas = discord_api().document["components"]["schemas"]
    message = schemas["IncomingWebhookUpdateRequestPartial"]["properties"]
    assert UNION_BY_TYPE in message["components"][REMEMBERED]["items"] and NULLABLE in message["allowed_mentions"]
    assert schemas["ButtonStyleTypes"]["enum"] == [1, 2, 3, 4, 5, 6]
    autocomplete = schemas["ApplicationCommandAutocompleteCallbackRequest"]["properties"]["data"]
    assert len(autocomplete["anyOf"]) == 3  # integer, number and string choices: no ``type`` to tell them apart
    assert "en-US" in discord_api().locales and "zh-CN" in discord_api().locales and "en" not in discord_api().locales


def test_query_parameters_the_route_does_not_declare_are_ignored() -> None:
    operation = discord_api().operation("POST", "/webhooks/1/token")
    assert operation is not None
    assert operation.query_errors({"wait": "1", "with_components": "false", "unheard_of": "x"}) == []
    assert [str(e) for e in operation.query_errors({"wait": "2", "thread_id": "abc"})] == [
        'wait: Value "2" is not a valid boolean. [BOOLEAN_TYPE_CONVERT]',
        'thread_id: Value "abc" is not int. [NUMBER_TYPE_COERCE]',
    ]


async def test_every_checked_body_is_counted_with_its_cost(fake: FakeDiscord) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as http:
        url = f"{fake.api_base}/channels/{fake.channel.id}/messages"
        headers = {"Authorization": f"Bot {fake.token}"}
        assert (await http.post(url, json={"content": "one"}, headers=headers)).status == 200
        assert (await http.post(url, json={"content": 1}, headers=headers)).status == 400
    cost = fake.state.validation
    assert cost.requests == 2 and cost.by_route["POST /channels/{channel_id}/messages"][0] == 2
    assert cost.seconds > 0 and cost.slowest <= cost.seconds


def test_a_component_list_found_valid_is_remembered_and_any_other_list_is_checked() -> None:
    from tests.fake_discord import schema_readings

    buttons = [{"type": 1, "components": [{"type": 2, "style": 1, "label": "U1", "custom_id": "remembered:1"}]}]
    assert errors_of("PATCH", "/channels/1/messages/2", {"components": buttons}) == []
    assert any("remembered:1" in key for key in schema_readings._valid_seen)
    assert errors_of("PATCH", "/channels/1/messages/2", {"components": buttons}) == []
    changed = [{**buttons[0], "components": [{**buttons[0]["components"][0], "style": 0}]}]
    assert errors_of("PATCH", "/channels/1/messages/2", {"components": changed}) == [
        "components.0.components.0.style: Value must be one of {1, 2, 3, 4, 5, 6}. [BASE_TYPE_CHOICES]"
    ]
