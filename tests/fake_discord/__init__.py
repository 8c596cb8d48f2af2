"""A fake Discord (REST API + gateway websocket on loopback) for the real, unmodified discord.py client.

    async with FakeDiscord() as fake:
        restore = fake.point_discord_py_here()          # or give the bot fake.api_base / fake.gateway_url
        async with fake.running(bot):                   # bot.start(), wait until ready, bot.close() after
            interaction = await fake.send_slash_command("imagine", {"prompt": "a cat"}, user=fake.admin)
            reply = await fake.wait_for_original(interaction, lambda m: not m.loading)
            await fake.click_button(reply, "job:1:U2")
        restore()

What it records (``fake.state``): every message with all its versions (``message.edits``), attachments with
their raw bytes, every interaction callback, every REST request, synced commands, gateway connections.
Failures to inject: ``fake.expire_interaction(i)`` (401 / 50027 on token edits, 404 / 10062 on a late first
answer), ``fake.faults.rate_limit_edits(...)`` (429 with ``Via`` + ``Retry-After``), ``fake.faults.upload_limit``
(413 / 40005; ``fake.faults.accepted_upload_limit`` refuses files within the advertised limit too),
``await fake.drop_gateway()`` (the client resumes; missed events are replayed), ``async with
fake.gateway_outage():`` (dropped and unreachable for the block: events of the gap arrive on the resume),
``fake.state.cdn.clock_offset`` (attachment links are signed with an expiry; moving the CDN's clock on a day
expires those handed out so far, and ``POST /attachments/refresh-urls`` signs them anew).
What it refuses, as Discord does (400 / 50035 "Invalid Form Body" with Discord's nested ``errors``): every body
that breaks the schema of its route in Discord's own OpenAPI description (``openapi.py``) or a documented limit
the description does not encode (``validation.py``). ``fake.refused`` lists every 400 with its problems and the
body sent; ``FAKE_DISCORD_REPORT=path`` also writes them, tagged with the running test, as JSON lines (with each
fake's validation cost per route when it closes): a suite's refusals, passing tests included.
Run it alone with ``python -m tests.fake_discord`` (see ``control.py`` for the curl API).
"""

from tests.fake_discord.interactions import InteractionRecord, Upload
from tests.fake_discord.messages import EPHEMERAL, LOADING, MessageVersion, StoredAttachment, StoredMessage
from tests.fake_discord.server import TEST_BOT_TOKEN, FakeDiscord
from tests.fake_discord.world import FakeChannel, FakeGuild, FakeUser

__all__ = [
    "EPHEMERAL",
    "LOADING",
    "TEST_BOT_TOKEN",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeUser",
    "InteractionRecord",
    "MessageVersion",
    "StoredAttachment",
    "StoredMessage",
    "Upload",
]
