"""The handlers behind ``/server-settings``: show a server's rules and change them, one concern per subcommand.

Every change reads the stored rules, builds the new ones (``_edits``, validated as a whole), saves them with who
changed them, and answers privately with the new value. What the rules do to jobs is applied where jobs start.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord

from bot.exts.settings import _edits
from bot.exts.settings._edits import SettingRefused, chosen_service
from bot.exts.settings._services import picker_view
from bot.exts.settings._summary import (
    channels_value,
    default_service_value,
    embed,
    limits_value,
    server_fields,
    switches_value,
    words_change_text,
    words_pages,
)
from bot.i18n import t
from bot.replies import refuse
from bot.text_fit import CHANNELS_IN_TEXT_CHARS, fit_content, fit_embed
from storage.settings import ServerSettings

if TYPE_CHECKING:
    from bot.app import GridBot

#: builds the new rules from the stored ones and says what changed (raises ``SettingRefused`` when it cannot)
Change = Callable[[ServerSettings], tuple[ServerSettings, str]]


class ServerSettingsCommands:
    def __init__(self, bot: GridBot) -> None:
        self.bot = bot

    # --- reading --------------------------------------------------------------------------------------

    async def rules(self, interaction: discord.Interaction[GridBot]) -> ServerSettings:
        return await self.bot.settings_store.server(interaction.guild_id)

    async def show(self, interaction: discord.Interaction[GridBot]) -> None:
        locale = interaction.locale
        fields = server_fields(await self.rules(interaction), self.bot.service_classes, locale)
        shown = embed(t("settings.server.title", locale), fields)
        shown.set_footer(text=t("settings.server.footer", locale))
        # rules that could not be read were reset, closed (``storage.settings``): the admin should set them again
        if reset := await self.bot.settings_store.unreadable_fields(interaction.guild_id):
            names = ", ".join(t(f"settings_reset.{name}", locale) for name in sorted(reset))
            shown.description = t("settings_reset.warning", locale, fields=names)
        await interaction.response.send_message(embed=fit_embed(shown), ephemeral=True)

    async def services(self, interaction: discord.Interaction[GridBot]) -> None:
        locale = interaction.locale
        view = picker_view(self.bot.service_classes, await self.rules(interaction), locale)
        await interaction.response.send_message(t("settings.services.pick", locale), view=view, ephemeral=True)

    async def words_list(self, interaction: discord.Interaction[GridBot], page: int = 1) -> None:
        locale = interaction.locale
        words = (await self.rules(interaction)).banned_words
        shown = discord.Embed(title=t("settings.words.title", locale, count=len(words)))
        if not words:
            shown.description = t("settings.server.no_words", locale)
            await interaction.response.send_message(embed=shown, ephemeral=True)
            return
        pages = words_pages(words)
        number = min(max(page, 1), len(pages))  # past the end: the last page, rather than nothing
        shown.description = pages[number - 1]
        if len(pages) > 1:
            shown.set_footer(text=t("settings.words.page", locale, page=number, pages=len(pages)))
        await interaction.response.send_message(embed=shown, ephemeral=True)

    async def channels_list(self, interaction: discord.Interaction[GridBot]) -> None:
        rules, locale = await self.rules(interaction), interaction.locale
        text = t("settings.channels.current", locale, value=channels_value(rules, locale, CHANNELS_IN_TEXT_CHARS))
        await interaction.response.send_message(text, ephemeral=True)

    # --- changing -------------------------------------------------------------------------------------

    async def change(self, interaction: discord.Interaction[GridBot], build: Change) -> None:
        """Read, build, save, confirm; a refused value changes nothing and says why."""
        guild_id = interaction.guild_id
        if guild_id is None:  # require_admin rules this out
            await refuse(interaction, t("permissions.guild_only", interaction.locale))
            return
        store = self.bot.settings_store
        try:
            new, said = build(await store.server(guild_id))
        except SettingRefused as refused:
            await refuse(interaction, t(refused.key, interaction.locale, **refused.values))
            return
        await store.save_server(guild_id, new, updated_by=interaction.user.id)
        await interaction.response.send_message(fit_content(said), ephemeral=True)
        # raised limits let waiting jobs go now rather than at the line's next look
        await self.bot.store.reschedule_waiting(guild_id, time.time())
        self.bot.poller.wake()

    async def default_service(self, interaction: discord.Interaction[GridBot], service: str) -> None:
        locale, services = interaction.locale, self.bot.service_classes

        def build(rules: ServerSettings) -> tuple[ServerSettings, str]:
            name = chosen_service(service)
            if name is not None and name not in services:
                raise SettingRefused("settings.default_service.unknown", service=name)
            if name is not None and not rules.allows_service(name):
                raise SettingRefused("settings.default_service.not_allowed", service=services[name].display_name)
            new = _edits.updated(rules, default_service=name)
            return new, t("settings.default_service.saved", locale, value=default_service_value(new, services, locale))

        await self.change(interaction, build)

    async def limits(
        self,
        interaction: discord.Interaction[GridBot],
        running_per_member: int | None,
        daily_server_key_jobs: int | None,
        queue_cap: int | None,
    ) -> None:
        locale = interaction.locale
        if running_per_member is None and daily_server_key_jobs is None and queue_cap is None:
            text = t("settings.limits.current", locale, value=limits_value(await self.rules(interaction), locale))
            await interaction.response.send_message(text, ephemeral=True)
            return

        def build(rules: ServerSettings) -> tuple[ServerSettings, str]:
            new = _edits.updated(
                rules,
                max_running_per_member=_edits.limit_value(running_per_member, rules.max_running_per_member),
                daily_server_key_jobs=_edits.limit_value(daily_server_key_jobs, rules.daily_server_key_jobs),
                queue_cap=rules.queue_cap if queue_cap is None else queue_cap,
            )
            return new, t("settings.limits.saved", locale, value=limits_value(new, locale))

        await self.change(interaction, build)

    async def words_add(self, interaction: discord.Interaction[GridBot], words: str) -> None:
        await self._words(interaction, _edits.add_words, words, "settings.words.added", "settings.words.already")

    async def words_remove(self, interaction: discord.Interaction[GridBot], words: str) -> None:
        await self._words(interaction, _edits.remove_words, words, "settings.words.removed", "settings.words.missing")

    async def _words(
        self,
        interaction: discord.Interaction[GridBot],
        edit: Callable[[tuple[str, ...], str], _edits.WordsChange],
        words: str,
        changed_key: str,
        unchanged_key: str,
    ) -> None:
        locale = interaction.locale

        def build(rules: ServerSettings) -> tuple[ServerSettings, str]:
            result = edit(rules.banned_words, words)
            said = words_change_text(result, changed_key, unchanged_key, locale)
            return _edits.updated(rules, banned_words=result.words), said

        await self.change(interaction, build)

    async def channels_add(self, interaction: discord.Interaction[GridBot], channel_id: int) -> None:
        await self._channels(interaction, lambda rules: _edits.added_channel(rules.channel_ids, channel_id))

    async def channels_remove(self, interaction: discord.Interaction[GridBot], channel_id: int) -> None:
        await self._channels(interaction, lambda rules: _edits.removed_channel(rules.channel_ids, channel_id))

    async def channels_clear(self, interaction: discord.Interaction[GridBot]) -> None:
        await self._channels(interaction, lambda rules: None)

    async def _channels(
        self, interaction: discord.Interaction[GridBot], edit: Callable[[ServerSettings], frozenset[int] | None]
    ) -> None:
        locale = interaction.locale

        def build(rules: ServerSettings) -> tuple[ServerSettings, str]:
            new = _edits.updated(rules, channel_ids=edit(rules))
            value = channels_value(new, locale, CHANNELS_IN_TEXT_CHARS)
            return new, t("settings.channels.saved", locale, value=value)

        await self.change(interaction, build)

    async def switches(
        self,
        interaction: discord.Interaction[GridBot],
        server_keys: bool | None,
        others_may_press: bool | None,
        ngpu_requires_ainn: bool | None,
    ) -> None:
        locale = interaction.locale
        asked = {
            "server_keys_allowed": server_keys,
            "others_may_press": others_may_press,
            "ngpu_requires_ainn": ngpu_requires_ainn,
        }
        changes = {name: value for name, value in asked.items() if value is not None}
        if not changes:
            text = t("settings.switches.current", locale, value=switches_value(await self.rules(interaction), locale))
            await interaction.response.send_message(text, ephemeral=True)
            return

        def build(rules: ServerSettings) -> tuple[ServerSettings, str]:
            new = _edits.updated(rules, **changes)
            return new, t("settings.switches.saved", locale, value=switches_value(new, locale))

        await self.change(interaction, build)
