"""``/settings show``, ``/settings set [service] [aspect] [results_by_dm]``, ``/settings clear preference``.

A member's own preferences follow them into every server and DMs, so ``/settings`` works anywhere. Every answer
is ephemeral. The default service and aspect are only stored here; the job start applies them. A member who may
manage the server is pointed to ``/server-settings``, where its rules are changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import discord
from discord import app_commands

from bot.choices import MAX_CHOICES, service_choices
from bot.exts.settings._edits import DEFAULT_CHOICE, chosen_service, normalised_aspect
from bot.exts.settings._summary import embed, member_fields, server_fields
from bot.i18n import t
from bot.i18n.errors import error_text
from bot.permissions import ADMIN_PERMISSION
from bot.replies import refuse
from bot.text_fit import fit_embeds
from providers.core.errors import InvalidInputError
from storage.settings import MemberSettings

if TYPE_CHECKING:
    from bot.app import GridBot

#: ``/settings clear preference`` → the fields it resets (None: every one)
CLEARED: Final[dict[str, tuple[str, ...] | None]] = {
    "service": ("default_service",),
    "aspect": ("default_aspect",),
    "results_by_dm": ("results_by_dm",),
    "all": None,
}
CLEAR_CHOICES: Final = [
    app_commands.Choice(name="Default service", value="service"),
    app_commands.Choice(name="Default aspect ratio", value="aspect"),
    app_commands.Choice(name="Results by direct message", value="results_by_dm"),
    app_commands.Choice(name="All of them", value="all"),
]


class MemberSettingsCommands:
    """The handlers behind ``/settings`` (the group itself is built per bot: its service choices vary)."""

    def __init__(self, bot: GridBot) -> None:
        self.bot = bot

    async def show(self, interaction: discord.Interaction[GridBot], *, saved: bool = False) -> None:
        locale = interaction.locale
        member = await self.bot.settings_store.member(interaction.user.id)
        in_server = interaction.guild_id is not None
        server = await self.bot.settings_store.server(interaction.guild_id) if in_server else None
        services = self.bot.service_classes
        embeds = [embed(t("settings.member.title", locale), member_fields(member, server, services, locale))]
        if server is not None:
            rules = embed(t("settings.server.title_here", locale), server_fields(server, services, locale))
            if getattr(interaction.permissions, ADMIN_PERMISSION, False):
                rules.set_footer(text=t("settings.member.admin_hint", locale))
            embeds.append(rules)
        content = t("settings.member.saved", locale) if saved else None
        await interaction.response.send_message(content, embeds=fit_embeds(embeds), ephemeral=True)

    async def set(
        self,
        interaction: discord.Interaction[GridBot],
        service: str | None,
        aspect: str | None,
        results_by_dm: bool | None,
    ) -> None:
        locale = interaction.locale
        if service is None and aspect is None and results_by_dm is None:
            await refuse(interaction, t("settings.member.nothing_to_set", locale))
            return
        changes: dict[str, object] = {}
        if service is not None:
            if service != DEFAULT_CHOICE and service not in self.bot.service_classes:
                await refuse(interaction, t("common.service_not_set_up", locale, service=service))
                return
            changes["default_service"] = chosen_service(service)
        if aspect is not None:
            try:
                changes["default_aspect"] = normalised_aspect(aspect)
            except InvalidInputError as error:
                await refuse(interaction, error_text(error, locale))
                return
        if results_by_dm is not None:
            changes["results_by_dm"] = results_by_dm
        current = await self.bot.settings_store.member(interaction.user.id)
        await self.bot.settings_store.save_member(interaction.user.id, current.model_copy(update=changes))
        await self.show(interaction, saved=True)

    async def clear(self, interaction: discord.Interaction[GridBot], preference: str) -> None:
        fields = CLEARED.get(preference)
        current = await self.bot.settings_store.member(interaction.user.id)
        defaults = MemberSettings()
        if fields is None:
            cleared = defaults
        else:
            cleared = current.model_copy(update={name: getattr(defaults, name) for name in fields})
        await self.bot.settings_store.save_member(interaction.user.id, cleared)
        await self.show(interaction, saved=True)


def member_group(bot: GridBot) -> app_commands.Group:
    """``/settings``, with the services this bot offers as choices."""
    handlers = MemberSettingsCommands(bot)
    services = [
        *service_choices(bot.service_classes)[: MAX_CHOICES - 1],
        app_commands.Choice(name="Server default", value=DEFAULT_CHOICE),
    ]
    group = app_commands.Group(name="settings", description="Your own preferences for the bot")

    @group.command(name="show", description="Show your preferences (and, in a server, its rules)")
    async def show(interaction: discord.Interaction[GridBot]) -> None:
        await handlers.show(interaction)

    @group.command(name="set", description="Change your preferences")
    @app_commands.describe(
        service="The service /imagine uses when you name none",
        aspect="The aspect ratio used when a prompt names none, like 16:9 or 2:3",
        results_by_dm="Also send you each finished picture by direct message",
    )
    @app_commands.choices(service=services)
    async def set_(
        interaction: discord.Interaction[GridBot],
        service: str | None = None,
        aspect: app_commands.Range[str, 1, 20] | None = None,
        results_by_dm: bool | None = None,
    ) -> None:
        await handlers.set(interaction, service, aspect, results_by_dm)

    @group.command(name="clear", description="Forget one of your preferences, or all of them")
    @app_commands.describe(preference="Which preference to forget")
    @app_commands.choices(preference=CLEAR_CHOICES)
    async def clear(interaction: discord.Interaction[GridBot], preference: str) -> None:
        await handlers.clear(interaction, preference)

    return group
