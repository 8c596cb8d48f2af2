"""The REST API at the HTTP level: headers, error codes, multipart bodies and injected failures, as Discord
documents them and as discord.py depends on them."""

from __future__ import annotations

import aiohttp

from tests.fake_discord import FakeDiscord
from tests.fake_discord.raw_client import JSON, bot_headers, callback, multipart, webhook
from tests.fake_discord.raw_gateway import RawGatewayClient
from tests.fake_discord.sample_bot import png


async def test_bot_routes_need_the_token_and_answer_plain_json(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    ok = await http.get(f"{fake.api_base}/users/@me", headers=bot_headers(fake))
    assert ok.headers["Content-Type"] == JSON  # no charset: discord.py only decodes exactly this
    assert (await ok.json())["id"] == str(fake.bot_user.id)
    for headers in ({}, {"Authorization": "Bot wrong"}, {"Authorization": fake.token}):
        refused = await http.get(f"{fake.api_base}/oauth2/applications/@me", headers=headers)
        assert refused.status == 401 and (await refused.json())["message"] == "401: Unauthorized"
    assert fake.state.requests[-1].status == 401


async def test_command_sync_keeps_ids_and_rejects_invalid_commands(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    url = f"{fake.api_base}/applications/{fake.state.application_id}/guilds/{fake.guild.id}/commands"
    first = await (await http.put(url, json=[{"name": "imagine", "description": "Draw"}],
                                  headers=bot_headers(fake))).json()
    again = await (await http.put(url, json=[{"name": "imagine", "description": "Draw!"},
                                             {"name": "blend", "description": "Mix"}],
                                  headers=bot_headers(fake))).json()
    assert again[0]["id"] == first[0]["id"] and again[1]["id"] != first[0]["id"]
    assert again[0]["guild_id"] == str(fake.guild.id) and again[0]["application_id"] == str(fake.bot_user.id)
    assert [c["name"] for c in fake.commands(fake.guild)] == ["imagine", "blend"] and fake.commands() == []
    listed = await (await http.get(url, headers=bot_headers(fake))).json()
    assert listed == again

    bad = await http.put(url, json=[{"name": "Imagine", "description": "Draw"}], headers=bot_headers(fake))
    assert bad.status == 400 and (await bad.json())["code"] == 50035
    unknown_guild = url.replace(str(fake.guild.id), "42")
    assert (await http.put(unknown_guild, json=[], headers=bot_headers(fake))).status == 404


async def test_callback_answers_json_once_and_rejects_a_second_answer(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient
) -> None:
    interaction = await fake.send_slash_command("imagine", {"prompt": "a cat"})
    await fake.wait_for(lambda: raw_bot.events("INTERACTION_CREATE"), what="the interaction event")
    event = raw_bot.events("INTERACTION_CREATE")[0]
    assert event["attachment_size_limit"] == 10 * 1024 * 1024
    assert event["data"]["options"] == [{"name": "prompt", "type": 3, "value": "a cat"}]
    assert event["member"]["permissions"] == str(fake.guild.permissions_of(fake.member))

    first = await callback(http, fake, interaction, {"type": 5, "data": {"flags": 64}})
    assert first.status == 200 and first.headers["Content-Type"] == JSON
    body = await first.json()
    assert body["interaction"]["id"] == str(interaction.id)
    assert body["interaction"]["response_message_loading"] is True
    assert body["interaction"]["response_message_ephemeral"] is True
    assert body["resource"] == {"type": 5}
    second = await callback(http, fake, interaction, {"type": 4, "data": {"content": "again"}})
    assert second.status == 400 and (await second.json())["code"] == 40060
    assert [c.status for c in fake.state.callbacks] == [200, 400]

    plain = await fake.send_slash_command("imagine", {"prompt": "no response body"})
    no_body = await callback(http, fake, plain, {"type": 4, "data": {"content": "hi"}}, with_response=False)
    assert no_body.status == 204


async def test_expired_and_unanswered_tokens(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient
) -> None:
    unanswered = await fake.send_slash_command("imagine", {"prompt": "x"})
    early = await http.patch(webhook(fake, unanswered), json={"content": "too early"})
    assert early.status == 404 and (await early.json())["code"] == 10015

    fake.expire_interaction(unanswered)
    late = await callback(http, fake, unanswered, {"type": 5})
    assert late.status == 404 and (await late.json())["code"] == 10062

    answered = await fake.send_slash_command("imagine", {"prompt": "y"})
    assert (await callback(http, fake, answered, {"type": 4, "data": {"content": "hi"}})).status == 200
    fake.expire_interaction(answered)
    for method in ("GET", "PATCH", "DELETE"):
        expired = await http.request(method, webhook(fake, answered), json={"content": "late"})
        assert expired.status == 401 and await expired.json() == {"message": "Invalid Webhook Token", "code": 50027}
    followup = await http.post(webhook(fake, answered, ""), json={"content": "late"}, params={"wait": "1"})
    assert followup.status == 401


async def test_multipart_edits_add_keep_and_drop_attachments(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient
) -> None:
    interaction = await fake.send_slash_command("imagine", {"prompt": "files"})
    await callback(http, fake, interaction, {"type": 5})
    grid, note = png(8, 8, (1, 2, 3)), b"hello"
    added = await http.patch(webhook(fake, interaction), data=multipart(
        {"content": "two files", "attachments": [{"id": 0, "filename": "grid.png"}, {"id": 1, "filename": "n.txt"}]},
        ("upload-0", grid), ("upload-1", note)))
    body = await added.json()
    assert added.status == 200 and [a["filename"] for a in body["attachments"]] == ["grid.png", "n.txt"]
    assert body["attachments"][0]["width"] == 8 and body["attachments"][1]["size"] == len(note)
    served = await http.get(body["attachments"][0]["url"])
    assert await served.read() == grid

    kept_id = body["attachments"][1]["id"]
    keep_one = await http.patch(webhook(fake, interaction), json={"attachments": [{"id": kept_id}]})
    assert [a["filename"] for a in (await keep_one.json())["attachments"]] == ["n.txt"]
    message = fake.original_message(interaction)
    assert message is not None and message.content == "two files"
    assert [len(v.attachments) for v in message.versions] == [0, 2, 1]
    assert message.versions[1].attachments[0].data == grid
    assert message.versions[0].monotonic < message.versions[1].monotonic < message.versions[2].monotonic


async def test_upload_limit_rate_limit_and_form_checks(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient
) -> None:
    interaction = await fake.send_slash_command("imagine", {"prompt": "limits"})
    await callback(http, fake, interaction, {"type": 5})
    fake.faults.upload_limit = 100
    over_limit = multipart({"attachments": [{"id": 0}]}, ("a", b"x" * 101))
    too_big = await http.patch(webhook(fake, interaction), data=over_limit)
    assert too_big.status == 413 and (await too_big.json())["code"] == 40005

    fake.faults.rate_limit_edits(every=1, times=1, retry_after=0.25)
    limited = await http.patch(webhook(fake, interaction), json={"content": "edit"})
    assert limited.status == 429
    assert limited.headers["Via"] and limited.headers["Retry-After"] == "1"
    assert (await limited.json())["retry_after"] == 0.25
    assert (await http.patch(webhook(fake, interaction), json={"content": "edit"})).status == 200

    checks = [
        ({"content": ""}, 50006),
        ({"content": "x" * 2001}, 50035),
        ({"components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "U1", "custom_id": "c" * 101}]}]},
         50035),
        ({"components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "U1", "custom_id": "same"},
                                                    {"type": 2, "style": 1, "label": "U2", "custom_id": "same"}]}]},
         50035),
    ]
    for body, code in checks:
        refused = await http.patch(webhook(fake, interaction), json=body)
        assert refused.status == 400 and (await refused.json())["code"] == code, body


async def test_bot_token_cannot_reach_ephemeral_or_unknown_messages(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient
) -> None:
    interaction = await fake.send_slash_command("imagine", {"prompt": "secret"})
    ephemeral = {"type": 4, "data": {"content": "psst", "flags": 64}}
    answer = await (await callback(http, fake, interaction, ephemeral)).json()
    message_id = answer["resource"]["message"]["id"]
    channel = f"{fake.api_base}/channels/{fake.channel.id}"
    hidden = await http.patch(f"{channel}/messages/{message_id}", json={"content": "x"}, headers=bot_headers(fake))
    assert hidden.status == 404 and (await hidden.json())["code"] == 10008
    nowhere = await http.post(f"{fake.api_base}/channels/42/messages", json={"content": "x"}, headers=bot_headers(fake))
    assert nowhere.status == 404 and (await nowhere.json())["code"] == 10003


async def test_control_api_drives_the_fake_for_command_line_use(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient
) -> None:
    sent = await http.post(f"{fake.base_url}/_fake/slash", json={"name": "imagine", "options": {"prompt": "curl"},
                                                                 "user": "alice"})
    assert sent.status == 200
    interaction = fake.state.interactions[int((await sent.json())["interaction_id"])]
    assert interaction.user is fake.admin
    await callback(http, fake, interaction, {"type": 4, "data": {"content": "from curl"}})
    state = await (await http.get(f"{fake.base_url}/_fake/state")).json()
    assert [m["content"] for m in state["messages"]] == ["from curl"]
    assert state["commands"] == {"None": ["imagine"]}
    bad = await http.post(f"{fake.base_url}/_fake/slash", json={"name": "nope"})
    assert bad.status == 400 and "never synced" in await bad.text()


async def test_followups_are_edited_fetched_and_deleted_through_the_token(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient
) -> None:
    interaction = await fake.send_slash_command("imagine", {"prompt": "followups"})
    await callback(http, fake, interaction, {"type": 4, "data": {"content": "original"}})
    no_wait = await http.post(webhook(fake, interaction, ""), json={"content": "fire and forget"})
    assert no_wait.status == 204
    sent = await (await http.post(webhook(fake, interaction, ""), json={"content": "one"}, params={"wait": "1"})).json()
    assert sent["content"] == "one" and sent["interaction_metadata"]["id"] == str(interaction.id)

    edited = await http.patch(webhook(fake, interaction, f"/messages/{sent['id']}"), json={"content": "one, edited"})
    assert (await edited.json())["edited_timestamp"] is not None
    fetched = await (await http.get(webhook(fake, interaction))).json()
    assert fetched["content"] == "original"
    other = await fake.send_slash_command("imagine", {"prompt": "other"})
    await callback(http, fake, other, {"type": 4, "data": {"content": "other"}})
    foreign = await http.get(webhook(fake, other, f"/messages/{sent['id']}"))
    assert foreign.status == 404 and (await foreign.json())["code"] == 10008

    assert (await http.delete(webhook(fake, interaction, f"/messages/{sent['id']}"))).status == 204
    assert [m.content for m in fake.followups(interaction)] == ["fire and forget", "one, edited"]
    assert fake.message(int(sent["id"])).deleted
    assert [v.content for v in fake.message(int(sent["id"])).versions] == ["one", "one, edited"]


async def test_a_file_within_the_advertised_limit_can_still_be_refused(
    fake: FakeDiscord, http: aiohttp.ClientSession, raw_bot: RawGatewayClient
) -> None:
    fake.faults.upload_limit, fake.faults.accepted_upload_limit = 1000, 100
    interaction = await fake.send_slash_command("imagine", {"prompt": "the boost ran out"})
    assert interaction.payload["attachment_size_limit"] == 1000  # what the bot is told …
    await callback(http, fake, interaction, {"type": 5})

    async def upload(size: int) -> aiohttp.ClientResponse:
        body = multipart({"attachments": [{"id": 0}]}, ("a", b"x" * size))
        return await http.patch(webhook(fake, interaction), data=body)

    refused = await upload(101)
    assert refused.status == 413 and (await refused.json())["code"] == 40005  # … is not what it gets
    assert (await upload(100)).status == 200
    fake.faults.clear()
    assert (await upload(1000)).status == 200
    assert [len(a.data) for a in fake.original_message(interaction).attachments] == [1000]
