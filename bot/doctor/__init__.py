"""``python -m bot doctor``: check the bot's guesses about the services against the operator's own keys.

``examine`` (in-process, for tests and tools) returns a ``DoctorReport``; ``main`` is the command line.
"""

from bot.doctor._cli import BAD_SETTINGS, UNUSABLE, USABLE, exit_status, main
from bot.doctor._run import DEFAULT_TIMEOUT_SECONDS, DoctorReport, ServiceReport, examine, key_settings
from bot.doctor._table import render

__all__ = [
    "BAD_SETTINGS",
    "DEFAULT_TIMEOUT_SECONDS",
    "UNUSABLE",
    "USABLE",
    "DoctorReport",
    "ServiceReport",
    "examine",
    "exit_status",
    "key_settings",
    "main",
    "render",
]
