"""The allowed-services picker of ``/server-settings services``: a multi-select on the admin's ephemeral answer.

A ``DynamicItem``: its ``custom_id`` is fixed and the server comes from the interaction, so a picker shown
before a restart still works. The permission is checked again when it is used (the message may be old, the
admin's roles may have changed since).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, Self

import discord
from discord import app_commands

from bot.exts.settings._edits import SettingRefused, allowed_from_selection
from bot.exts.settings._summary import services_value
from bot.i18n import t
from bot.permissions import ADMIN_PERMISSION, refusal_text
from bot.replies import refuse
from providers.core.base import Provider
from storage.settings import ServerSettings

if TYPE_CHECKING:
    from bot.app import GridBot

SERVICES_PICKER_ID: Final = "server-settings:services"
#: a select menu offers at most 25 options
MAX_OPTIONS: Final = 25


def picker_view(services: Mapping[str, type[Provider]], current: ServerSettings, locale: object) -> discord.ui.View:
    """The ephemeral answer's view: every offered service, the allowed ones already ticked."""
    view = discord.ui.View(timeout=None)
    view.add_item(ServicesPicker(_select(services, current, locale)))
    view.stop()  # not kept by discord.py: the DynamicItem answers the choice by its custom_id
    return view


def _select(services: Mapping[str, type[Provider]], current: ServerSettings, locale: object) -> discord.ui.Select:
    options = [
        discord.SelectOption(label=cls.display_name, value=name, default=current.allows_service(name))
        for name, cls in list(services.items())[:MAX_OPTIONS]
    ]
    return discord.ui.Select(
        custom_id=SERVICES_PICKER_ID,
        placeholder=t("settings.services.placeholder", locale),
        min_values=1,
        max_values=max(1, len(options)),
        options=options,
    )


class ServicesPicker(discord.ui.DynamicItem[discord.ui.Select], template=re.escape(SERVICES_PICKER_ID)):
    def __init__(self, select: discord.ui.Select) -> None:
        super().__init__(select)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[GridBot], item: discord.ui.Select, match: re.Match[str]
    ) -> Self:
        return cls(item)

    async def callback(self, interaction: discord.Interaction[GridBot]) -> None:  # type: ignore[override]
        locale = interaction.locale
        refusal = _admin_refusal(interaction)
        if refusal is not None or interaction.guild_id is None:
            await refuse(interaction, refusal or t("permissions.guild_only", locale))
            return
        bot = interaction.client
        store = bot.settings_store
        current = await store.server(interaction.guild_id)
        try:
            allowed = allowed_from_selection(self.item.values, bot.service_classes)
        except SettingRefused as refused:
            await refuse(interaction, t(refused.key, locale, **refused.values))
            return
        new = current.model_copy(update={"allowed_services": allowed})
        lines = [t("settings.services.saved", locale, value=services_value(new, bot.service_classes, locale))]
        if new.default_service is not None and not new.allows_service(new.default_service):
            # a default members may not use would make every plain /imagine fail
            new = new.model_copy(update={"default_service": None})
            lines.append(t("settings.services.default_cleared", locale))
        await store.save_server(interaction.guild_id, new, updated_by=interaction.user.id)
        await interaction.response.edit_message(
            content="\n".join(lines), view=picker_view(bot.service_classes, new, locale)
        )


def _admin_refusal(interaction: discord.Interaction[GridBot]) -> str | None:
    """What ``bot.permissions.require_admin`` checks for commands, for a component (which has no checks)."""
    if interaction.guild_id is None:
        return refusal_text(app_commands.NoPrivateMessage(), interaction.locale)
    if not getattr(interaction.permissions, ADMIN_PERMISSION, False):
        return refusal_text(app_commands.MissingPermissions([ADMIN_PERMISSION]), interaction.locale)
    return None
