"""``/talk image text [voice] [background] [provider]``.

For every member, on their own keys, else their server's, else the bot's (``ProviderPool.first_for_member``),
like ``/imagine``. Registered even when no offered service can make talking videos, so a member who tries it is
told which services could. The photo and the words are checked before "thinking…", the photo fetched and decoded
too (``bot.member_images``); then it is a job like any other: the poller follows it and delivers the video
(``bot.talk_rendering``). Over the server's limits it waits in line like the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.attachments import AttachmentRefused, checked_image
from bot.command_service import resolve_service
from bot.exts.talk._choices import background_choices, talk_limits, voice_choices
from bot.exts.talk._request import TalkRefused, checked_request
from bot.member_images import start_image_job
from bot.replies import refuse
from bot.service_choice import (
    NoService,
    NoServiceReason,
    no_service_text,
    provider_choices,
    services_that_can,
)
from providers.core.models import Capability, JobKind

if TYPE_CHECKING:
    from bot.app import GridBot


class TalkCog(commands.Cog):
    def __init__(self, bot: GridBot) -> None:
        self.bot = bot
        self.command = _talk_command(self)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.command)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.command.name)

    async def talk(
        self,
        interaction: discord.Interaction[GridBot],
        attachment: discord.Attachment,
        text: str,
        voice: str | None,
        background: str | None,
        provider_name: str | None,
    ) -> None:
        locale = interaction.locale
        resolved = await resolve_service(interaction, Capability.TALK, provider_name, "talk")
        if resolved is None:
            return
        provider = resolved.provider
        limits = provider.limits.talk
        if limits is None:  # a service declaring TALK without its limits: as if it could not
            cannot = NoService(NoServiceReason.CANNOT, provider.display_name, services_that_can(Capability.TALK))
            await refuse(interaction, no_service_text(cannot, "talk", locale))
            return
        try:
            image = checked_image(attachment)
            request = checked_request(image, text, voice, background, limits, provider.display_name)
        except (AttachmentRefused, TalkRefused) as refused:
            await refuse(interaction, refused.text(locale))
            return
        await start_image_job(
            interaction,
            resolved,
            JobKind.TALK,
            request,
            [request.image],
            lambda sent: provider.talk(request.for_service(sent[0])),
        )


def _talk_command(cog: TalkCog) -> app_commands.Command[TalkCog, ..., None]:
    """Built per bot: the services, voices and backgrounds offered are those of the services that can talk."""
    services = cog.bot.service_classes
    limits = talk_limits(services)

    async def talk(
        interaction: discord.Interaction[GridBot],
        image: discord.Attachment,
        text: str,
        voice: str | None = None,
        background: str | None = None,
        provider: str | None = None,
    ) -> None:
        await cog.talk(interaction, image, text, voice, background, provider)

    # Discord refuses an empty choice list, so an option with nothing to offer stays free text (and is refused
    # with a reason when the member types into it)
    offered = {
        "voice": voice_choices(limits),
        "background": background_choices(limits),
        "provider": provider_choices(services, Capability.TALK),
    }
    choices = {name: listed for name, listed in offered.items() if listed}
    if choices:
        talk = app_commands.choices(**choices)(talk)
    talk = app_commands.describe(
        image="A photo with a face",
        text="What the photo says",
        voice="The voice that speaks",
        background="The video's background",
        provider="Which service makes the video",
    )(talk)
    return app_commands.command(name="talk", description="Make a photo say your text (a short video)")(talk)
