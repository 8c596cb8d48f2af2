"""``/describe image [provider]``.

Registered even when no configured service can describe, so a member who tries it is told which services
could. The image is checked before "thinking…", fetched and decoded too (``bot.member_images``); then the job row,
the submit, and the poller shows the prompts with a button for each (``_buttons.PromptButton``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.attachments import AttachmentRefused, DescribeRequest, checked_image
from bot.command_service import resolve_service
from bot.exts.describe._buttons import PromptButton
from bot.member_images import start_image_job
from bot.replies import refuse
from bot.service_choice import provider_choices
from providers.core.models import Capability, JobKind

if TYPE_CHECKING:
    from bot.app import GridBot


class DescribeCog(commands.Cog):
    def __init__(self, bot: GridBot) -> None:
        self.bot = bot
        self.command = _describe_command(self)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PromptButton)
        self.bot.tree.add_command(self.command)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PromptButton)
        self.bot.tree.remove_command(self.command.name)

    async def describe(
        self, interaction: discord.Interaction[GridBot], attachment: discord.Attachment, provider_name: str | None
    ) -> None:
        locale = interaction.locale
        resolved = await resolve_service(interaction, Capability.DESCRIBE, provider_name, "describe")
        if resolved is None:
            return
        provider = resolved.provider
        try:
            image = checked_image(attachment)
        except AttachmentRefused as refused:
            await refuse(interaction, refused.text(locale))
            return
        request = DescribeRequest(image=image)
        await start_image_job(
            interaction, resolved, JobKind.DESCRIBE, request, [image], lambda sent: provider.describe(sent[0])
        )


def _describe_command(cog: DescribeCog) -> app_commands.Command[DescribeCog, ..., None]:
    """Built per bot: the service choices are the offered services that can describe (first = default)."""

    @app_commands.command(name="describe", description="Get prompts that describe an image")
    @app_commands.describe(image="The image to describe", provider="Which image service describes it")
    @app_commands.choices(provider=provider_choices(cog.bot.service_classes, Capability.DESCRIBE))
    async def describe(
        interaction: discord.Interaction[GridBot], image: discord.Attachment, provider: str | None = None
    ) -> None:
        await cog.describe(interaction, image, provider)

    return describe
