"""``/blend image1 [image2 … image5] [dimensions] [provider]``.

The command is registered even when no configured service can blend, so a member who tries it is told which
services could, instead of not finding it. ``dimensions`` offers only the shapes a service that can blend can be
told with the operator's settings (``_shapes``), and is left out when none can: the service then picks the shape.
Only ``image1`` is required by Discord: the number of images a service takes is its own limit, and a member who
attaches too few gets a plain answer rather than a greyed-out form. Everything is checked before "thinking…", the
images fetched and decoded too (``bot.member_images``); then the job row, the submit, and the poller delivers the
grid.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.attachments import AttachmentRefused, BlendRequest, checked_image
from bot.command_service import resolve_service
from bot.exts.blend._shapes import offered_shapes, shape_refusal
from bot.i18n import t
from bot.member_images import start_image_job
from bot.replies import refuse
from bot.service_choice import provider_choices
from providers.core.models import BlendDimensions, Capability, JobKind

if TYPE_CHECKING:
    from bot.app import GridBot

#: runs /blend with the images attached, the shape picked (None: none) and the service named
Blend = Callable[["discord.Interaction[GridBot]", list[discord.Attachment], str | None, str | None], Awaitable[None]]


class BlendCog(commands.Cog):
    def __init__(self, bot: GridBot) -> None:
        self.bot = bot
        self.command = _blend_command(self)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.command)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.command.name)

    async def blend(
        self,
        interaction: discord.Interaction[GridBot],
        attachments: list[discord.Attachment],
        dimensions: str | None,
        provider_name: str | None,
    ) -> None:
        locale = interaction.locale
        resolved = await resolve_service(interaction, Capability.BLEND, provider_name, "blend")
        if resolved is None:
            return
        provider = resolved.provider
        low, high = provider.limits.blend_min_images, provider.limits.blend_max_images
        if not low <= len(attachments) <= high:
            text = t("blend.count", locale, service=provider.display_name, low=low, high=high, count=len(attachments))
            await refuse(interaction, text)
            return
        cannot_shape = shape_refusal(provider, dimensions, locale)
        if cannot_shape is not None:
            await refuse(interaction, cannot_shape)
            return
        try:
            images = [checked_image(attachment) for attachment in attachments]
        except AttachmentRefused as refused:
            await refuse(interaction, refused.text(locale))
            return
        request = BlendRequest(images=images, dimensions=BlendDimensions(dimensions or BlendDimensions.SQUARE))
        await start_image_job(
            interaction, resolved, JobKind.BLEND, request, images, lambda sent: provider.blend(sent, request.dimensions)
        )


def _blend_command(cog: BlendCog) -> app_commands.Command[Any, ..., None]:
    """Built per bot: the service choices are the offered services that can blend (first = default); the shapes
    those services can be told with the bot's settings, or no ``dimensions`` option when none can."""
    providers = provider_choices(cog.bot.service_classes, Capability.BLEND)
    shapes = offered_shapes(cog.bot.service_classes, cog.bot.settings.services)
    command = _with_dimensions(cog.blend, shapes) if shapes else _without_dimensions(cog.blend)
    app_commands.choices(provider=providers)(command)
    return command


_DESCRIPTIONS = {
    "image1": "An image to blend",
    **{f"image{n}": "Another image to blend" for n in range(2, 6)},
    "provider": "Which image service blends them",
}


def _with_dimensions(blend: Blend, shapes: list[app_commands.Choice[str]]) -> app_commands.Command[Any, ..., None]:
    @app_commands.command(name="blend", description="Blend 2 to 5 images into four new pictures")
    @app_commands.describe(**_DESCRIPTIONS, dimensions="The shape of the result")
    @app_commands.choices(dimensions=shapes)
    async def command(
        interaction: discord.Interaction[GridBot],
        image1: discord.Attachment,
        image2: discord.Attachment | None = None,
        image3: discord.Attachment | None = None,
        image4: discord.Attachment | None = None,
        image5: discord.Attachment | None = None,
        dimensions: str | None = None,
        provider: str | None = None,
    ) -> None:
        attachments = [a for a in (image1, image2, image3, image4, image5) if a is not None]
        await blend(interaction, attachments, dimensions, provider)

    return command


def _without_dimensions(blend: Blend) -> app_commands.Command[Any, ..., None]:
    @app_commands.command(name="blend", description="Blend 2 to 5 images into four new pictures")
    @app_commands.describe(**_DESCRIPTIONS)
    async def command(
        interaction: discord.Interaction[GridBot],
        image1: discord.Attachment,
        image2: discord.Attachment | None = None,
        image3: discord.Attachment | None = None,
        image4: discord.Attachment | None = None,
        image5: discord.Attachment | None = None,
        provider: str | None = None,
    ) -> None:
        attachments = [a for a in (image1, image2, image3, image4, image5) if a is not None]
        await blend(interaction, attachments, None, provider)

    return command
