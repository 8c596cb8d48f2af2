"""Buttons 1…N under a ``/describe`` answer: each starts an ``/imagine`` of that prompt on the same service.

A ``DynamicItem`` like the grid buttons: the job id and the prompt's number are in the ``custom_id``, the
prompts in the job's row, so ``from_custom_id`` is one primary-key read and a button from before a restart
works like a new one. The new job gets its own message, which the poller fills.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Self

import discord

from bot import rendering
from bot.credentials import NoKeys, no_keys_text
from bot.i18n import t
from bot.i18n.errors import error_text
from bot.job_access import Access, access
from bot.job_start import start_job
from bot.prompting import parse_prompt, to_imagine_request
from bot.replies import refuse
from providers.core.errors import InvalidInputError
from providers.core.models import Capability, JobKind
from storage.jobs import JobNotFound, JobRecord
from storage.lifecycle import LifecycleState

if TYPE_CHECKING:
    from bot.app import GridBot


class PromptButton(discord.ui.DynamicItem[discord.ui.Button], template=rendering.PROMPT_BUTTON_TEMPLATE):
    """*n*: ``/imagine`` the described image's prompt *n*."""

    def __init__(self, job_id: int, index: int, source: JobRecord | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                label=str(index),
                custom_id=rendering.prompt_custom_id(job_id, index),
            )
        )
        # not ``parent``/``id``: discord.py's Item has those
        self.source_id, self.index, self.source = job_id, index, source

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[GridBot], item: discord.ui.Button, match: re.Match[str]
    ) -> Self:
        job_id = int(match["job_id"])
        try:
            source = await interaction.client.store.get(job_id)
        except JobNotFound:
            source = None
        return cls(job_id, int(match["index"]), source)

    async def callback(self, interaction: discord.Interaction[GridBot]) -> None:  # type: ignore[override]
        await imagine_prompt(interaction, self.source, self.index)


async def _chosen_prompt(
    interaction: discord.Interaction[GridBot], described: JobRecord | None, index: int
) -> tuple[str, str] | str:
    """The service and prompt *index* of a finished describe job, or why this member cannot start from it here."""
    bot, locale = interaction.client, interaction.locale
    if described is None or described.kind is not JobKind.DESCRIBE:
        return t("describe.job_gone", locale)
    allowed = await access(bot, described, interaction)
    if allowed is Access.HIDDEN:  # answered like a job that does not exist (``bot.job_access``)
        return t("describe.job_gone", locale)
    if allowed is Access.NOT_OWNER:
        return t("describe.not_owner", locale, owner=described.owner_id)
    result = described.result
    prompts = result.texts if result is not None and described.state is LifecycleState.DELIVERED else []
    if not 1 <= index <= len(prompts):
        return t("describe.no_prompt", locale, index=index)
    service = bot.service_classes.get(described.provider)
    if service is None:
        return rendering.failure_reason(rendering.NOT_CONFIGURED, described.provider, locale)
    if not service.supports(Capability.IMAGINE):
        return t("describe.cannot_draw", locale, service=service.display_name)
    return service.name, prompts[index - 1]


async def imagine_prompt(interaction: discord.Interaction[GridBot], described: JobRecord | None, index: int) -> None:
    """A new ``/imagine`` job from prompt *index*, checked like a typed prompt before anything is sent."""
    bot, locale = interaction.client, interaction.locale
    chosen = await _chosen_prompt(interaction, described, index)
    if isinstance(chosen, str):
        await refuse(interaction, chosen)
        return
    service, prompt = chosen
    # charged to whoever pressed: their keys (or their server's, or the bot's)
    resolved = await bot.pool.for_member(service, interaction.user.id, interaction.guild_id)
    if isinstance(resolved, NoKeys):
        await refuse(interaction, no_keys_text(resolved, locale))
        return
    provider = resolved.provider
    try:
        request = to_imagine_request(parse_prompt(prompt), service=provider.display_name)
        provider.validate_imagine(request)
    except InvalidInputError as error:  # PromptParameterError is one too
        await refuse(interaction, error_text(error, locale))
        return
    assert described is not None  # _chosen_prompt refuses a missing job
    send = lambda: provider.imagine(request)  # noqa: E731 — named for the line's length
    await start_job(interaction, resolved, JobKind.IMAGINE, request, send, parent=described)
