"""Which offered services may run a command that needs a capability, or why none can.

Read from each service's declared ``capabilities`` only (class data: a service is offered whether or not the
bot's settings have keys for it, since members may bring their own; ``bot.credentials`` picks whose keys).
A command a service cannot do is never quietly done some other way: the member is told plainly which services
could (from the whole registry, offered or not).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from discord import app_commands

from bot.choices import service_choices
from bot.i18n import t
from providers.core.base import Provider
from providers.core.models import Capability
from providers.registry import PROVIDERS


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


def capable(services: Mapping[str, type[Provider]], capability: Capability) -> dict[str, type[Provider]]:
    """The offered services that declare ``capability``, in registry order (the first is the default)."""
    return {name: cls for name, cls in services.items() if cls.supports(capability)}


def services_that_can(capability: Capability) -> tuple[str, ...]:
    """Display names of every known service that declares ``capability``."""
    return tuple(cls.display_name for cls in PROVIDERS.values() if cls.supports(capability))


def provider_choices(
    services: Mapping[str, type[Provider]], capability: Capability
) -> list[app_commands.Choice[str]]:
    return service_choices(capable(services, capability))


def no_service_text(no_service: NoService, feature: str, locale: object) -> str:
    """Why nobody can run ``feature`` (``blend``, ``describe`` …: the catalog module whose ``cannot`` and
    ``none_configured`` texts say it), naming the services that could."""
    able = ", ".join(no_service.able)
    if no_service.reason is NoServiceReason.NOT_SET_UP:
        return t("common.service_not_set_up", locale, service=no_service.requested)
    if no_service.reason is NoServiceReason.CANNOT:
        return t(f"{feature}.cannot", locale, service=no_service.requested, able=able)
    return t(f"{feature}.none_configured", locale, able=able)


def candidate_services(
    services: Mapping[str, type[Provider]], capability: Capability, requested: str | None
) -> list[str] | NoService:
    """The names of the services that may run it, in order of preference: the named one alone, or every offered
    one that can (the member's keys decide which of them runs it); a ``NoService`` saying why none otherwise."""
    able = services_that_can(capability)
    if requested:
        cls = services.get(requested)
        if cls is None:
            known = PROVIDERS.get(requested)
            return NoService(NoServiceReason.NOT_SET_UP, known.display_name if known else requested, able)
        if not cls.supports(capability):
            return NoService(NoServiceReason.CANNOT, cls.display_name, able)
        return [requested]
    found = list(capable(services, capability))
    return found if found else NoService(NoServiceReason.NONE_CONFIGURED, None, able)
