"""Run the fake Discord on loopback so the bot can be started against it:

    python -m tests.fake_discord [--port 8700] [--token TOKEN]

Prints the settings to put in ``.env`` (API base, gateway URL, token). Drive it with curl, e.g.
``curl -X POST localhost:8700/_fake/slash -d '{"name": "imagine", "options": {"prompt": "a cat"}}'``
(every control route is listed in ``tests/fake_discord/control.py``).
"""

from __future__ import annotations

import argparse
import asyncio
from contextlib import suppress

from tests.fake_discord.server import TEST_BOT_TOKEN, FakeDiscord


async def run(host: str, port: int, token: str, ready: asyncio.Event | None = None) -> None:
    async with FakeDiscord(token=token, host=host, port=port) as fake:
        print(f"DISCORD_API_BASE={fake.api_base}", flush=True)
        print(f"DISCORD_GATEWAY_URL={fake.gateway_url}", flush=True)
        print(f"DISCORD_TOKEN={fake.token}", flush=True)
        print(f"# guild {fake.guild.id} channel {fake.channel.id}; users alice (admin) and bob", flush=True)
        print(f"# fake Discord ready; state at {fake.base_url}/_fake/state; Ctrl-C stops it", flush=True)
        if ready is not None:
            ready.set()
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8700, help="0 picks a free port")
    parser.add_argument("--token", default=TEST_BOT_TOKEN, help="the bot token the fake accepts")
    args = parser.parse_args()
    with suppress(KeyboardInterrupt):
        asyncio.run(run(args.host, args.port, args.token))


if __name__ == "__main__":
    main()
