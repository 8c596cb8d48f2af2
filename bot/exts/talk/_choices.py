"""The ``voice`` and ``background`` choices of ``/talk``, from what the offered services declare (``TalkLimits``).

Each service names its voices and backgrounds by the value it sends; the names members read are kept here, in
English, and translated through the catalog (``bot/i18n/catalogs/talk.py``). A value with no name here is shown
as it is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from discord import app_commands

from bot.choices import MAX_CHOICES
from bot.service_choice import capable
from providers.core.base import Provider
from providers.core.models import Capability, TalkLimits

VOICE_NAMES: Final = {
    "alloy": "Alloy",
    "echo": "Echo",
    "fable": "Fable",
    "onyx": "Onyx",
    "nova": "Nova",
    "shimmer": "Shimmer",
}
BACKGROUND_NAMES: Final = {"laba": "Laba festival"}


def talk_limits(services: Mapping[str, type[Provider]]) -> list[TalkLimits]:
    """The declared limits of every offered service that can make talking videos, in registry order."""
    return [cls.limits.talk for cls in capable(services, Capability.TALK).values() if cls.limits.talk is not None]


def _choices(values: Iterable[str], names: Mapping[str, str]) -> list[app_commands.Choice[str]]:
    unique = list(dict.fromkeys(values))  # several services may offer one voice: it is listed once
    return [app_commands.Choice(name=names.get(value, value), value=value) for value in unique][:MAX_CHOICES]


def voice_choices(limits: Iterable[TalkLimits]) -> list[app_commands.Choice[str]]:
    return _choices((voice for each in limits for voice in each.voices), VOICE_NAMES)


def background_choices(limits: Iterable[TalkLimits]) -> list[app_commands.Choice[str]]:
    return _choices((background for each in limits for background in each.backgrounds), BACKGROUND_NAMES)
