"""Which service and whose keys a command runs on, for the commands that need one capability (/blend,
/describe, /talk): the named service, or the member's and the server's defaults first among those allowed here,
then the first the member has keys for. ``/imagine`` has its own order (``bot.server_rules.imagine_services``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.credentials import NoKeys, Resolved, no_keys_text
from bot.replies import refuse
from bot.server_rules import ordered_for_member
from bot.service_choice import NoService, candidate_services, no_service_text
from providers.core.models import Capability

if TYPE_CHECKING:
    from bot.app import GridBot


async def resolve_service(
    interaction: discord.Interaction[GridBot], capability: Capability, requested: str | None, feature: str
) -> Resolved | None:
    """The provider (with the member's, the server's or the bot's keys) for a command that needs ``capability``;
    None after telling the member privately why there is none (``feature``: the catalog whose texts say it)."""
    bot, locale = interaction.client, interaction.locale
    services = candidate_services(bot.service_classes, capability, requested)
    if isinstance(services, NoService):
        await refuse(interaction, no_service_text(services, feature, locale))
        return None
    if not requested:
        services = await ordered_for_member(bot, interaction, services)
    resolved = await bot.pool.first_for_member(services, interaction.user.id, interaction.guild_id)
    if isinstance(resolved, NoKeys):
        await refuse(interaction, no_keys_text(resolved, locale))
        return None
    return resolved
