"""``/imagine prompt [provider] [negative] [aspect] [seed] [model]``.

Everything that can be checked without the service is checked before Discord is even answered, so a bad
prompt costs nothing and gets a private explanation. Then: "thinking…" (well within Discord's 3 s), the job
row, the submit, the handle — and the poller takes it from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.choices import service_choices
from bot.credentials import NoKeys, no_keys_text
from bot.exts.imagine._buttons import BUTTONS
from bot.exts.imagine._models import ModelCatalog
from bot.i18n import t
from bot.i18n.errors import error_text
from bot.job_start import start_job
from bot.prompting import parse_prompt, to_imagine_request
from bot.replies import refuse
from bot.server_rules import imagine_services
from providers.core.errors import InvalidInputError
from providers.core.models import JobKind

if TYPE_CHECKING:
    from bot.app import GridBot




class ImagineCog(commands.Cog):
    def __init__(self, bot: GridBot) -> None:
        self.bot = bot
        self.command = _imagine_command(self) if bot.service_classes else None
        self.models = ModelCatalog(bot.providers, ttl_seconds=bot.front_end.model_list_ttl_seconds)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*BUTTONS)
        if self.command is not None:
            self.bot.tree.add_command(self.command)
        self.models.start()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*BUTTONS)
        if self.command is not None:
            self.bot.tree.remove_command(self.command.name)
        await self.models.close()

    async def imagine(
        self,
        interaction: discord.Interaction[GridBot],
        prompt: str,
        provider_name: str | None,
        negative: str | None,
        aspect: str | None,
        seed: int | None,
        model: str | None,
    ) -> None:
        bot = self.bot
        if provider_name and provider_name not in bot.service_classes:
            await refuse(interaction, t("common.service_not_set_up", interaction.locale, service=provider_name))
            return
        member = await bot.settings_store.member(interaction.user.id)
        server = await bot.settings_store.server(interaction.guild_id)
        # the named service, or the first this member has keys for (their own, the server's or the bot's) in the
        # order: their default, the server's default, the bot's; only services this server allows
        services = imagine_services(bot.service_classes, member, server, provider_name, interaction.locale)
        if isinstance(services, str):
            await refuse(interaction, services)
            return
        resolved = await bot.pool.first_for_member(services, interaction.user.id, interaction.guild_id)
        if isinstance(resolved, NoKeys):
            await refuse(interaction, no_keys_text(resolved, interaction.locale))
            return
        provider = resolved.provider
        try:
            parsed = parse_prompt(prompt)
            # the member's default shape when neither the option nor the prompt (--ar) names one
            default_aspect = member.default_aspect if aspect is None and parsed.aspect_ratio is None else None
            request = to_imagine_request(
                parsed,
                negative=negative,
                aspect_ratio=aspect or default_aspect,
                seed=seed,
                model=model,
                service=provider.display_name,
            )
            request = self.models.with_known_model(provider, request, interaction.locale)
            provider.validate_imagine(request)
        except InvalidInputError as error:  # PromptParameterError is one too
            await refuse(interaction, error_text(error, interaction.locale))
            return
        await start_job(interaction, resolved, JobKind.IMAGINE, request, lambda: provider.imagine(request))

    async def model_choices(
        self, interaction: discord.Interaction[GridBot], provider_name: str | None, typed: str
    ) -> list[app_commands.Choice[str]]:
        """The styles or models of the service this ``/imagine`` would run on (the named one, else the member's
        first choice), filtered by what the member typed; listed with the member's keys when the bot has none."""
        bot = self.bot
        member = await bot.settings_store.member(interaction.user.id)
        server = await bot.settings_store.server(interaction.guild_id)
        services = imagine_services(bot.service_classes, member, server, provider_name, interaction.locale)
        if isinstance(services, str):
            return []
        resolved = await bot.pool.first_for_member(services, interaction.user.id, interaction.guild_id)
        if isinstance(resolved, NoKeys):
            return []
        options = await self.models.choices(resolved.provider.name, typed, resolved.provider)
        return [app_commands.Choice(name=o.label, value=o.value) for o in options]


def _imagine_command(cog: ImagineCog) -> app_commands.Command[ImagineCog, ..., None]:
    """Built per bot, because the service choices are the services it offers (first = default)."""

    @app_commands.command(name="imagine", description="Draw four pictures from a prompt")
    @app_commands.describe(
        prompt="What to draw; Midjourney-style parameters work too (--ar 16:9 --seed 42 --no text)",
        provider="Which image service draws it",
        negative="What to keep out of the picture",
        aspect="Width:height, like 16:9 or 2:3",
        seed="A number that makes the result repeatable",
        model="A model or style the service offers",
    )
    @app_commands.choices(provider=service_choices(cog.bot.service_classes))
    async def imagine(
        interaction: discord.Interaction[GridBot],
        prompt: str,
        provider: str | None = None,
        negative: str | None = None,
        aspect: str | None = None,
        seed: int | None = None,
        model: str | None = None,
    ) -> None:
        await cog.imagine(interaction, prompt, provider, negative, aspect, seed, model)

    @imagine.autocomplete("model")
    async def _models(interaction: discord.Interaction[GridBot], typed: str) -> list[app_commands.Choice[str]]:
        return await cog.model_choices(interaction, interaction.namespace.provider, typed)

    return imagine
