"""``app_commands.Translator`` over the catalogs: descriptions and choice names, never command names."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n.catalog import command_translation

#: what is translated; names stay as typed (the localized name of ``/imagine`` would be a different word)
_TRANSLATED = frozenset(
    {
        app_commands.TranslationContextLocation.command_description,
        app_commands.TranslationContextLocation.group_description,
        app_commands.TranslationContextLocation.parameter_description,
        app_commands.TranslationContextLocation.choice_name,
    }
)


class CatalogTranslator(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if context.location not in _TRANSLATED:
            return None
        return command_translation(string.message, locale)
