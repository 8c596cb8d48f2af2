"""Which blend shapes ``/blend`` offers: only those a service that can blend can actually be told.

A service declares the shapes it can be told with the operator's settings (``blend_shapes(settings)``, class
data read at start-up, when the command is built for syncing); a service that does not declare them takes the shape
``Provider.blend`` is given. The Midjourney-style API's blend is documented as image links only, so it declares
none unless ``MIDJOURNEY_BLEND_READS_AR`` says the operator's service reads ``--ar``: then the service picks the
shape, and ``/blend`` has no ``dimensions`` option at all when no offered service can be told one.
"""

from __future__ import annotations

from collections.abc import Mapping

from discord import app_commands

from bot.i18n import command_translation, t
from bot.service_choice import capable
from providers.core.base import Provider, ServiceSettings
from providers.core.models import BlendDimensions, Capability

DIMENSION_CHOICES = [
    app_commands.Choice(name="Square (1:1)", value=BlendDimensions.SQUARE.value),
    app_commands.Choice(name="Portrait (2:3)", value=BlendDimensions.PORTRAIT.value),
    app_commands.Choice(name="Landscape (3:2)", value=BlendDimensions.LANDSCAPE.value),
]

def told_shapes(cls: type[Provider], settings: ServiceSettings | None) -> frozenset[BlendDimensions]:
    """The shapes ``cls`` can be told with ``settings`` (every shape when it declares nothing)."""
    return cls.blend_shapes(settings)


def offered_shapes(
    services: Mapping[str, type[Provider]], settings: Mapping[str, ServiceSettings]
) -> list[app_commands.Choice[str]]:
    """The ``dimensions`` choices: every shape at least one offered service that can blend can be told, in the
    usual order; empty when none can (the option is then left out)."""
    told: set[BlendDimensions] = set()
    for name, cls in capable(services, Capability.BLEND).items():
        told |= told_shapes(cls, settings.get(name))
    return [choice for choice in DIMENSION_CHOICES if BlendDimensions(choice.value) in told]


def shape_refusal(provider: Provider, dimensions: str | None, locale: object) -> str | None:
    """Why ``provider`` cannot make the shape a member picked (offered because another service that can blend can be
    told it); None when it can, or none was picked."""
    if dimensions is None or BlendDimensions(dimensions) in told_shapes(type(provider), provider.settings):
        return None
    name = next(choice.name for choice in DIMENSION_CHOICES if choice.value == dimensions)
    shape = command_translation(name, locale) or name
    return t("blend.service_picks_shape", locale, service=provider.display_name, shape=shape)
