"""``python -m bot doctor``: the command line around ``examine`` (arguments, settings, logging, exit status)."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
from collections.abc import Sequence
from typing import Final

from pydantic import ValidationError

from bot.doctor._run import DEFAULT_TIMEOUT_SECONDS, DoctorReport, examine
from bot.doctor._table import render
from bot.logs import configure_logging, settings_secrets
from bot.settings import Settings
from providers.registry import PROVIDERS

#: every configured service is usable
USABLE: Final = 0
#: a configured service is unusable, or no service is configured
UNUSABLE: Final = 1
#: the settings or the arguments are wrong
BAD_SETTINGS: Final = 2

DESCRIPTION: Final = """\
Check what the bot assumes about each service against the keys in its settings, with calls that cost nothing
(listings, queries, logins; never a billed request). Prints per configured service: reachable, keys accepted, and
for each entry of the README's inference table whether what the service showed confirms the bot's reading, refutes
it (naming the setting to change) or could not tell.

exit status: 0 every configured service is usable; 1 a configured service is unusable, or none is configured;
2 the settings or the arguments are wrong."""


def parser() -> argparse.ArgumentParser:
    parsed = argparse.ArgumentParser(
        prog="python -m bot doctor", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parsed.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    parsed.add_argument(
        "--service", action="append", choices=sorted(PROVIDERS), metavar="NAME",
        help=f"check only this service (repeatable; one of {', '.join(PROVIDERS)})",
    )
    parsed.add_argument(
        "--timeout", type=_positive, default=DEFAULT_TIMEOUT_SECONDS, metavar="SECONDS",
        help=f"the longest one service's checks may take before it counts as not reachable "
        f"(default {DEFAULT_TIMEOUT_SECONDS:g})",
    )
    return parsed


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def exit_status(report: DoctorReport) -> int:
    return USABLE if report.usable else UNUSABLE


def main(argv: Sequence[str]) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as stop:  # argparse exits 2 on a usage error and 0 for --help
        return int(stop.code or 0)
    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        print(f"Settings are invalid: {problems}", file=sys.stderr)
        return BAD_SETTINGS
    secrets = settings_secrets(settings)
    # the services' own logs (an unknown value, a retry) go to stderr through the filter that takes keys out
    configure_logging(settings.log_level, secrets)
    report = asyncio.run(examine(settings.services, only=args.service, timeout=args.timeout, secrets=secrets))
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="replace")  # ✓ ✗ on a terminal that cannot show them must not end the run
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) if args.json else render(report))
    return exit_status(report)
