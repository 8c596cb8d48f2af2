"""The real, unmodified discord.py client against the fake Discord: login, sync, slash commands, buttons,
modals, followups, attachments, bot-token edits, token expiry, rate limits, upload limits, gateway resume."""

from __future__ import annotations

import io

import discord
import pytest
from PIL import Image

from tests.fake_discord import EPHEMERAL, FakeDiscord, Upload
from tests.fake_discord.sample_bot import COMMANDS, GridBot, png


async def test_login_sync_and_a_deferred_reply_with_an_image_and_a_button(fake: FakeDiscord, bot: GridBot) -> None:
    synced = {c["name"]: c for c in fake.commands()}
    assert set(synced) == {command.name for command in COMMANDS}
    assert synced["imagine"]["options"][0]["name"] == "prompt"
    assert bot.user is not None and bot.user.id == fake.bot_user.id
    assert bot.get_guild(fake.guild.id) is not None

    interaction = await fake.send_slash_command("imagine", {"prompt": "a red fox"}, user=fake.admin)
    reply = await fake.wait_for_original(interaction, lambda m: not m.loading)

    assert fake.state.callbacks[0].type == 5  # deferred, "is thinking"
    assert reply.versions[0].via == "callback deferred" and reply.versions[0].flags & (1 << 7)
    assert [v.via for v in reply.edits] == ["webhook edit original"]
    assert reply.content == "**a red fox** — done"
    assert reply.interaction_token == interaction.token
    grid = reply.attachment("grid.png")
    with Image.open(io.BytesIO(grid.data)) as image:
        assert image.size == (64, 48)
        assert image.getpixel((10, 10)) == (200, 30, 30)
    assert grid.size == len(grid.data)
    assert reply.custom_ids == ["grid:7:U2"] and reply.button_labels == ["U2"]
    assert bot.seen_limits == [10 * 1024 * 1024]


async def test_a_button_click_reaches_the_dynamic_item(fake: FakeDiscord, bot: GridBot) -> None:
    reply = await fake.wait_for_original(
        await fake.send_slash_command("imagine", {"prompt": "owl"}), lambda m: bool(m.custom_ids)
    )
    click = await fake.click_button(reply, "grid:7:U2", user=fake.member)
    answer = await fake.wait_for_original(click)
    assert answer.content == "upscaling image 2 of job 7"
    assert answer.flags & EPHEMERAL
    assert answer.interacted_message_id == reply.id
    with pytest.raises(LookupError):
        await fake.click_button(reply, "grid:7:U9")


async def test_a_modal_round_trip(fake: FakeDiscord, bot: GridBot) -> None:
    opened = await fake.send_slash_command("remix")
    await fake.wait_for(lambda: opened.callback_type == 9, what="the modal")
    assert fake.state.modals[-1].title == "Remix"
    with pytest.raises(ValueError, match="remix_prompt"):
        await fake.submit_modal({"remix_prompt": "x" * 51})  # longer than the input's max_length
    submitted = await fake.submit_modal({"remix_prompt": "a blue fox"})
    answer = await fake.wait_for_original(submitted)
    assert answer.content == "remixing: a blue fox"


async def test_followups_fill_the_deferred_reply_then_add_messages(fake: FakeDiscord, bot: GridBot) -> None:
    interaction = await fake.send_slash_command("chatty")
    await fake.wait_for(lambda: len(interaction.followup_ids) == 1, what="the second followup")
    original = fake.original_message(interaction)
    assert original is not None
    assert original.content == "first followup fills the deferred reply" and not original.loading
    (second,) = fake.followups(interaction)
    assert second.content == "second followup, only for you" and second.ephemeral


async def test_an_attachment_option_is_downloadable_by_the_bot(fake: FakeDiscord, bot: GridBot) -> None:
    picture = png(30, 20, (0, 0, 255))
    interaction = await fake.send_slash_command("describe", {"image": Upload("cat.png", picture, "image/png")})
    answer = await fake.wait_for_original(interaction)
    assert answer.content == f"cat.png: 30x20, {len(picture)} bytes"
    assert bot.seen_attachments == [("cat.png", picture)]


async def test_expired_token_is_an_http_error_and_the_bot_token_edit_still_works(
    fake: FakeDiscord, bot: GridBot
) -> None:
    interaction = await fake.send_slash_command("slow")
    deferred = await fake.wait_for_original(interaction)
    fake.expire_interaction(interaction)
    bot.proceed.set()
    await fake.wait_for(lambda: bot.http_errors, what="the failed edit")
    error = bot.http_errors[0]
    assert (error.status, error.code) == (401, 50027)
    assert deferred.edits == []

    partial = bot.get_partial_messageable(deferred.channel_id).get_partial_message(deferred.id)
    await partial.edit(content="finished through the bot token")
    assert deferred.content == "finished through the bot token"
    assert deferred.edits[-1].via == "bot edit"
    assert fake.state.requests[-1].route == f"/channels/{deferred.channel_id}/messages/{deferred.id}"


async def test_a_late_first_answer_is_unknown_interaction(fake: FakeDiscord, bot: GridBot) -> None:
    fake.faults.callback_deadline = 0.1
    interaction = await fake.send_slash_command("late")
    await fake.wait_for(lambda: bot.http_errors, what="the late answer to fail")
    assert isinstance(bot.http_errors[0], discord.NotFound) and bot.http_errors[0].code == 10062
    assert fake.original_message(interaction) is None


async def test_rate_limited_edits_are_retried_by_discord_py(fake: FakeDiscord, bot: GridBot) -> None:
    fake.faults.rate_limit_edits(every=1, times=2, retry_after=0.05)
    interaction = await fake.send_slash_command("imagine", {"prompt": "slowly"})
    reply = await fake.wait_for_original(interaction, lambda m: not m.loading)
    assert len(fake.state.rate_limited) == 2
    assert all(r.route.endswith("/messages/@original") for r in fake.state.rate_limited)
    assert reply.content == "**slowly** — done" and len(reply.edits) == 1


async def test_files_over_the_upload_limit_get_413(fake: FakeDiscord, bot: GridBot) -> None:
    fake.faults.upload_limit = 1000
    interaction = await fake.send_slash_command("too_big")
    reply = await fake.wait_for_original(interaction, lambda m: not m.loading)
    assert reply.content == "that file is too large" and reply.attachments == ()
    assert (bot.http_errors[0].status, bot.http_errors[0].code) == (413, 40005)


async def test_a_dropped_gateway_resumes_and_a_command_sent_meanwhile_arrives(fake: FakeDiscord, bot: GridBot) -> None:
    assert await fake.drop_gateway() == 1
    interaction = await fake.send_slash_command("imagine", {"prompt": "during the outage"})
    reply = await fake.wait_for_original(interaction, lambda m: not m.loading)
    assert reply.content == "**during the outage** — done"
    assert (fake.gateway.identify_count, fake.gateway.resume_count) == (1, 1)
    resumed = next(c for c in fake.gateway.connections if c.resumed)
    assert resumed.path == "/resume"  # discord.py used resume_gateway_url from READY
    assert resumed.replayed == ["INTERACTION_CREATE"]  # sent while the client was away
    assert fake.gateway.connections[0].dropped


async def test_the_bot_token_sends_to_a_channel(fake: FakeDiscord, bot: GridBot) -> None:
    sent = await bot.get_partial_messageable(fake.channel.id).send(
        "hello", file=discord.File(io.BytesIO(b"plain text"), "note.txt")
    )
    stored = fake.message(sent.id)
    assert stored.content == "hello" and stored.attachment("note.txt").data == b"plain text"
    fetched = await bot.get_partial_messageable(fake.channel.id).fetch_message(sent.id)
    assert fetched.attachments[0].filename == "note.txt"
    assert await fetched.attachments[0].read() == b"plain text"


async def test_a_wrong_token_cannot_log_in(fake: FakeDiscord) -> None:
    client = discord.Client(intents=discord.Intents.none())
    with pytest.raises(discord.LoginFailure):
        await client.login("not-the-token")
    await client.close()


async def test_running_reports_why_a_client_could_not_start(fake: FakeDiscord) -> None:
    impostor = FakeDiscord(token="another-token")  # never started: its token is tried against `fake`
    with pytest.raises(discord.LoginFailure):
        async with impostor.running(GridBot()):
            pass
