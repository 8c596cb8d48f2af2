"""``/imagine prompt [provider] [negative] [aspect] [seed] [model]``.

Everything that can be checked without the service is checked before Discord is even answered, so a bad
prompt costs nothing and gets a private explanation. Then: "thinking…" (well within Discord's 3 s), the job
row, the submit, the handle — and the poller takes it from there.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import rendering
from bot.exts.imagine._buttons import GridButton, RerollButton
from bot.exts.imagine._submit import deferred_message_id, submit_job
from bot.prompting import parse_prompt, to_imagine_request
from providers.core.errors import InvalidInputError
from providers.core.models import JobKind

if TYPE_CHECKING:
    from bot.app import GridBot

log = logging.getLogger(__name__)

#: Discord shows at most 25 autocomplete choices
_MAX_CHOICES = 25


class ImagineCog(commands.Cog):
    def __init__(self, bot: GridBot) -> None:
        self.bot = bot
        self.command = _imagine_command(self) if bot.providers else None

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(GridButton, RerollButton)
        if self.command is not None:
            self.bot.tree.add_command(self.command)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(GridButton, RerollButton)
        if self.command is not None:
            self.bot.tree.remove_command(self.command.name)

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
        providers = self.bot.providers
        provider = providers.get(provider_name or next(iter(providers)))
        if provider is None:
            await _refuse(interaction, f"The service “{provider_name}” is not set up on this bot.")
            return
        try:
            request = to_imagine_request(
                parse_prompt(prompt),
                negative=negative,
                aspect_ratio=aspect,
                seed=seed,
                model=model,
                service=provider.display_name,
            )
            provider.validate_imagine(request)
        except InvalidInputError as error:  # PromptParameterError is one too
            await _refuse(interaction, error.user_message)
            return
        message_id = await deferred_message_id(interaction)
        record = await self.bot.store.create(
            kind=JobKind.IMAGINE,
            provider=provider.name,
            owner_id=interaction.user.id,
            channel_id=interaction.channel_id or 0,
            guild_id=interaction.guild_id,
            message_id=message_id,
            interaction_token=interaction.token,
            token_expires_at=interaction.expires_at.timestamp(),
            locale=interaction.locale.value,
            request=request,
        )
        await submit_job(self.bot, interaction, record, provider, lambda: provider.imagine(request))

    def model_choices(self, provider_name: str | None, typed: str) -> list[app_commands.Choice[str]]:
        """The styles or models the chosen service lists, filtered by what the member typed."""
        providers = self.bot.providers
        provider = providers.get(provider_name or next(iter(providers), ""))
        styles = provider.limits.styles if provider is not None else ()
        wanted = typed.casefold()
        return [app_commands.Choice(name=s, value=s) for s in styles if wanted in s.casefold()][:_MAX_CHOICES]

    async def on_imagine_error(
        self, interaction: discord.Interaction[GridBot], error: app_commands.AppCommandError
    ) -> None:
        """The last resort: anything unexpected gets a private apology instead of "This interaction failed"."""
        log.error("/%s failed", interaction.command.name if interaction.command else "?", exc_info=error)
        if interaction.type is discord.InteractionType.autocomplete:
            return  # an autocomplete can only be answered with choices
        text = rendering.input_error_text("Something went wrong on the bot's side; please try again.")
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not tell the member that /imagine failed", exc_info=True)


async def _refuse(interaction: discord.Interaction[GridBot], message: str) -> None:
    await interaction.response.send_message(rendering.input_error_text(message), ephemeral=True)


def _imagine_command(cog: ImagineCog) -> app_commands.Command[ImagineCog, ..., None]:
    """Built per bot, because the service choices are the services configured at start-up (first = default)."""
    choices = [app_commands.Choice(name=p.display_name, value=name) for name, p in cog.bot.providers.items()]

    @app_commands.command(name="imagine", description="Draw four pictures from a prompt")
    @app_commands.describe(
        prompt="What to draw; Midjourney-style parameters work too (--ar 16:9 --seed 42 --no text)",
        provider="Which image service draws it",
        negative="What to keep out of the picture",
        aspect="Width:height, like 16:9 or 2:3",
        seed="A number that makes the result repeatable",
        model="A model or style the service offers",
    )
    @app_commands.choices(provider=choices[:_MAX_CHOICES])
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
        return cog.model_choices(interaction.namespace.provider, typed)

    imagine.error(cog.on_imagine_error)
    return imagine
