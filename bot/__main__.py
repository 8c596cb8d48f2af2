"""``python -m bot``: read settings, check them, start the bot. ``python -m bot doctor``: check the services."""

from __future__ import annotations

import sys

import discord
from pydantic import ValidationError

from bot.app import GridBot
from bot.config import FrontEndSettings
from bot.logs import configure_logging, settings_secrets
from bot.settings import Settings
from storage.crypto import SecretConfigError

USAGE = "usage: python -m bot            start the bot\n       python -m bot doctor     check the services (--help)"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args:
        return _subcommand(args)
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"Settings are invalid: {_problems(error)}", file=sys.stderr)
        return 2
    if settings.discord.token is None or not settings.discord.token.get_secret_value().strip():
        print(
            "DISCORD_TOKEN is not set: put your bot token in the environment or in .env (see README).",
            file=sys.stderr,
        )
        return 2
    token = settings.discord.token.get_secret_value().strip()
    # every record of every logger passes one filter that takes the token and the services' keys out
    configure_logging(settings.log_level, settings_secrets(settings))
    settings.database.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        front_end = FrontEndSettings()
    except ValidationError as error:
        print(f"Settings are invalid: {_problems(error)}", file=sys.stderr)
        return 2
    bot = GridBot(settings, front_end=front_end)
    try:
        # discord.py's own logging was configured above; log_handler=None keeps it from adding a second handler
        bot.run(token, log_handler=None)
    except discord.LoginFailure:
        print("Discord refused DISCORD_TOKEN: check the bot token.", file=sys.stderr)
        return 2
    except SecretConfigError as error:
        print(f"Secrets at rest: {error}", file=sys.stderr)
        return 2
    return 0


def _subcommand(args: list[str]) -> int:
    if args[0] == "doctor":
        from bot.doctor import main as doctor  # only here: starting the bot needs none of it

        return doctor(args[1:])
    if args[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    # an unknown word must not start the bot as if nothing had been asked
    print(f"unknown command {args[0]!r}\n{USAGE}", file=sys.stderr)
    return 2


def _problems(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())


if __name__ == "__main__":
    sys.exit(main())
