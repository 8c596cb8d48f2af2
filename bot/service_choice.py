"""Which configured service runs a command that needs a capability, or why none can.

Read from each service's declared ``capabilities`` only. A command a service cannot do is never quietly done
some other way: the member is told plainly which services could (from the whole registry, configured or not).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from discord import app_commands

from providers.core.base import Provider
from providers.core.models import Capability
from providers.registry import PROVIDERS

#: Discord shows at most 25 choices
MAX_CHOICES = 25


class NoServiceReason(StrEnum):
    #: the member named a service that has no keys on this bot
    NOT_SET_UP = "not_set_up"
    #: the member named a service that cannot do this
    CANNOT = "cannot"
    #: no configured service can do this
    NONE_CONFIGURED = "none_configured"


@dataclass(frozen=True, slots=True)
class NoService:
    reason: NoServiceReason
    #: the service the member asked for (its display name when known)
    requested: str | None
    #: every service the bot knows that can do it, configured or not
    able: tuple[str, ...]


def capable(providers: Mapping[str, Provider], capability: Capability) -> dict[str, Provider]:
    """The configured services that declare ``capability``, in registry order (the first is the default)."""
    return {name: provider for name, provider in providers.items() if provider.supports(capability)}


def services_that_can(capability: Capability) -> tuple[str, ...]:
    """Display names of every known service that declares ``capability``."""
    return tuple(cls.display_name for cls in PROVIDERS.values() if cls.supports(capability))


def provider_choices(providers: Mapping[str, Provider], capability: Capability) -> list[app_commands.Choice[str]]:
    able = capable(providers, capability)
    return [app_commands.Choice(name=p.display_name, value=name) for name, p in able.items()][:MAX_CHOICES]


def choose_service(
    providers: Mapping[str, Provider], capability: Capability, requested: str | None
) -> Provider | NoService:
    """The named service, or the first configured one that can; a ``NoService`` saying why not otherwise."""
    able = services_that_can(capability)
    if requested:
        provider = providers.get(requested)
        if provider is None:
            known = PROVIDERS.get(requested)
            return NoService(NoServiceReason.NOT_SET_UP, known.display_name if known else requested, able)
        if not provider.supports(capability):
            return NoService(NoServiceReason.CANNOT, provider.display_name, able)
        return provider
    first = next(iter(capable(providers, capability).values()), None)
    return first if first is not None else NoService(NoServiceReason.NONE_CONFIGURED, None, able)
