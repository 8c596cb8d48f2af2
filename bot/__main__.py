"""``python -m bot``: read settings, check them, start the bot."""

from __future__ import annotations

import logging
import sys

from pydantic import ValidationError

from bot.settings import Settings


def main() -> int:
    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        print(f"Settings are invalid: {problems}", file=sys.stderr)
        return 2
    if settings.discord.token is None or not settings.discord.token.get_secret_value().strip():
        print(
            "DISCORD_TOKEN is not set: put your bot token in the environment or in .env (see README).",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings.database.path.parent.mkdir(parents=True, exist_ok=True)
    # The Discord front end (slash commands, poller, buttons) is built on this entry point next.
    print("The provider layer is ready; the Discord front end is not built yet.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
