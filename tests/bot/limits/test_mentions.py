"""No message pings anyone the bot did not mean to: every builder makes member and service text inert (the
property tests of this package), and Discord is told so for every message the bot sends, the poller's edits
through an interaction token included (they go through the client's state)."""

from __future__ import annotations

from bot.app import GridBot
from bot.settings import Settings


async def test_every_message_the_client_sends_allows_no_mentions() -> None:
    client = GridBot(Settings(), services={})
    try:
        assert client.allowed_mentions is not None
        assert client.allowed_mentions.to_dict() == {"parse": []}
        # the poller edits job messages through a webhook bound to the client (``Webhook.partial(client=…)``), whose
        # state is the client's connection state: the same setting applies to its edits
        assert client._connection.allowed_mentions.to_dict() == {"parse": []}  # type: ignore[union-attr]
    finally:
        await client.close()
