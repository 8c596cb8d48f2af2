"""A server's rules, applied whenever a job is about to start: before "thinking…" and before any service call.

``admit_job`` is called once at the top of ``bot.job_start.start_job``, so every command and button that starts a
job obeys the same rules, in order of cost: the channel, the service, banned words in every prompt the job would
send, and last the service's own access check when the server requires it (NGPU: the BTC address holds AINN),
which is the only one that may call the service. A refused job gets a private explanation and leaves no trace.

``admit_interaction`` applies the channel rule to everything else too: the command tree and every button check it
(``bot.app``), so in a server with a channel list the bot answers members only there. Members with Manage Server
are exempt from that check (never locked out of changing the list; their jobs still obey it), and so are DMs.

``preferred_services`` is how ``/imagine`` picks a service when none is named.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

import discord
from pydantic import BaseModel

from bot import rendering
from bot.banned_words import banned_words_in
from bot.i18n import t
from bot.permissions import ADMIN_PERMISSION
from bot.text_fit import CHANNELS_IN_TEXT_CHARS, channel_mentions
from providers.core.base import AccessOutcome, Provider
from providers.core.errors import ProviderError
from providers.core.models import Capability, JobKind
from storage.settings import MemberSettings, ServerSettings

if TYPE_CHECKING:
    from bot.app import GridBot
    from bot.credentials import Resolved
    from storage.jobs import JobRecord

log = logging.getLogger(__name__)

#: the request fields that carry text a member (or a described image) wrote, sent to the service as is
PROMPT_FIELDS: Final = ("prompt", "negative_prompt", "text")
#: kinds that send no prompt, even though their row records the grid's request (an upscale only enlarges)
_SENDS_NO_PROMPT: Final = frozenset({JobKind.UPSCALE})
#: a service's access check must leave room in Discord's 3 s for the answer, and for a command's image check
#: before it (``bot.member_images.ANSWER_BUDGET_SECONDS``); a pass is then cached
ACCESS_CHECK_SECONDS: Final = 1.5
#: which server switch turns on each access gate a service may offer (``Provider.access_gate``)
GATE_SWITCHES: Final[Mapping[str, Callable[[ServerSettings], bool]]] = {
    "ainn": lambda server: server.ngpu_requires_ainn,
}


# --- the single rules ---------------------------------------------------------------------------------------


def channel_refusal(server: ServerSettings, channel_ids: Iterable[int | None], locale: object) -> str | None:
    """Why no job may start in this channel (``channel_ids``: the channel and, in a thread, its parent)."""
    if server.channel_ids is None or any(server.allows_channel(cid) for cid in channel_ids if cid is not None):
        return None
    if not server.channel_ids:
        return t("rules.no_channel", locale)
    channels = channel_mentions(server.channel_ids, CHANNELS_IN_TEXT_CHARS, locale)
    return t("rules.wrong_channel", locale, channels=channels)


def allowed_names(server: ServerSettings, offered: Iterable[str], locale: object) -> str:
    """The display names of the offered services the server allows, for a refusal."""
    names = [rendering.service_name(name) for name in offered if server.allows_service(name)]
    return ", ".join(names) if names else t("rules.nothing_allowed", locale)


def service_refusal(server: ServerSettings, service: str, offered: Iterable[str], locale: object) -> str | None:
    """Why ``service`` may not run jobs on this server, naming the ones that may."""
    if server.allows_service(service):
        return None
    allowed = allowed_names(server, offered, locale)
    return t("rules.service_not_allowed", locale, service=rendering.service_name(service), allowed=allowed)


def job_prompts(kind: JobKind, request: BaseModel | Mapping[str, Any] | None) -> list[str]:
    """Every prompt text the job would send (its request's ``PROMPT_FIELDS``)."""
    if kind in _SENDS_NO_PROMPT or request is None:
        return []
    fields = request if isinstance(request, Mapping) else {name: getattr(request, name, None) for name in PROMPT_FIELDS}
    return [value for name in PROMPT_FIELDS if isinstance(value := fields.get(name), str) and value]


def banned_word_refusal(server: ServerSettings, texts: Iterable[str], locale: object) -> str | None:
    """Which of the server's banned words the texts contain (shown to the member who wrote them only)."""
    if not server.banned_words:
        return None
    found = banned_words_in(texts, server.banned_words)
    if not found:
        return None
    return t("rules.banned_words", locale, words=", ".join(f"“{word}”" for word in found))


def gate_required(server: ServerSettings, provider: type[Provider] | Provider) -> str | None:
    """The access gate this server requires of jobs on ``provider``, or None."""
    gate = provider.access_gate
    switch = GATE_SWITCHES.get(gate) if gate is not None else None
    return gate if switch is not None and switch(server) else None


async def access_refusal(server: ServerSettings, provider: Provider, locale: object) -> str | None:
    """Why these keys fail the service's access check this server requires; None when they pass or none is
    required. A service that cannot answer in time is a refusal too: nothing is sent unchecked."""
    gate = gate_required(server, provider)
    if gate is None:
        return None
    service = provider.display_name
    try:
        outcome = await asyncio.wait_for(provider.check_access(), ACCESS_CHECK_SECONDS)
    except (ProviderError, TimeoutError) as error:
        log.info("the %s access check (%s) could not be made: %s", provider.name, gate, type(error).__name__)
        return t("rules.gate.unavailable", locale, service=service)
    if outcome is AccessOutcome.GRANTED:
        return None
    try:
        return t(f"rules.gate.{gate}.{outcome.value}", locale, service=service, name=provider.name)
    except KeyError:  # a gate without its own words
        return t(f"rules.gate.{outcome.value}", locale, service=service, name=provider.name)


def preferred_services(
    offered: Mapping[str, type[Provider]], member: MemberSettings, server: ServerSettings
) -> list[str]:
    """The services ``/imagine`` tries, in order, when none is named: the member's default, the server's, then
    the bot's order — only offered ones that can draw and that the server allows (keys decide among them)."""
    drawing = [name for name, service in offered.items() if service.supports(Capability.IMAGINE)]
    return _in_preferred_order(drawing, member, server)


def _in_preferred_order(services: Iterable[str], member: MemberSettings, server: ServerSettings) -> list[str]:
    """``services`` with the member's default first, then the server's, the rest in the bot's order; only those
    the server allows."""
    listed = list(services)
    order = dict.fromkeys(name for name in (member.default_service, server.default_service, *listed) if name)
    return [name for name in order if name in listed and server.allows_service(name)]


async def ordered_for_member(bot: GridBot, interaction: discord.Interaction[GridBot], services: list[str]) -> list[str]:
    """``services`` (those able to run a command, none named) in the member's order of preference, without those
    the server does not allow. When none is allowed here the list is left whole, so that the refusal at job
    start names the services that are."""
    member = await bot.settings_store.member(interaction.user.id)
    server = await bot.settings_store.server(interaction.guild_id)
    return _in_preferred_order(services, member, server) or services


async def others_may_press(bot: GridBot, job: JobRecord) -> bool:
    """Whether members other than its owner may use a job's buttons: the job's server decides
    (``/server-settings switches``); in DMs only the owner may. Whoever presses is charged to their own keys
    either way (``start_follow_up``)."""
    if job.guild_id is None:
        return False
    return (await bot.settings_store.server(job.guild_id)).others_may_press


def imagine_services(
    offered: Mapping[str, type[Provider]],
    member: MemberSettings,
    server: ServerSettings,
    requested: str | None,
    locale: object,
) -> list[str] | str:
    """The services an ``/imagine`` may run on, in order (``requested`` alone when named), or why none may."""
    if requested:
        refusal = service_refusal(server, requested, offered, locale)
        return [requested] if refusal is None else refusal
    services = preferred_services(offered, member, server)
    if services:
        return services
    allowed = sorted(rendering.service_name(name) for name in server.allowed_services or ())
    return t("rules.no_service_allowed", locale, allowed=", ".join(allowed) or t("rules.nothing_allowed", locale))


# --- applied to a job -----------------------------------------------------------------------------------------


def _channels_of(interaction: discord.Interaction[GridBot]) -> list[int | None]:
    # a thread counts as the channel it belongs to, so an allowed channel's threads are allowed too
    return [interaction.channel_id, getattr(interaction.channel, "parent_id", None)]


async def job_refusal(
    interaction: discord.Interaction[GridBot],
    resolved: Resolved,
    kind: JobKind,
    request: BaseModel | Mapping[str, Any] | None,
) -> str | None:
    """Why the server's rules refuse this job, or None. Checked in order of cost; only the last may call the
    service."""
    bot, locale = interaction.client, interaction.locale
    server = await bot.settings_store.server(interaction.guild_id)  # the defaults in a direct message
    provider = resolved.provider
    return (
        channel_refusal(server, _channels_of(interaction), locale)
        or service_refusal(server, provider.name, bot.service_classes, locale)
        or banned_word_refusal(server, job_prompts(kind, request), locale)
        or await access_refusal(server, provider, locale)
    )


async def admit_job(
    interaction: discord.Interaction[GridBot],
    resolved: Resolved,
    kind: JobKind,
    request: BaseModel | Mapping[str, Any] | None,
) -> bool:
    """Whether the job may start; when not, the member has been told why, privately."""
    reason = await job_refusal(interaction, resolved, kind, request)
    if reason is None:
        return True
    log.info("job refused by the rules of server %s (%s)", interaction.guild_id, kind.value)
    text = rendering.input_error_text(reason)
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)
    return False


# --- every interaction ----------------------------------------------------------------------------------------


async def interaction_refusal(interaction: discord.Interaction[GridBot]) -> str | None:
    """Why the bot does not answer this member here (a channel the server's list leaves out), or None."""
    if interaction.guild_id is None or getattr(interaction.permissions, ADMIN_PERMISSION, False):
        return None
    server = await interaction.client.settings_store.server(interaction.guild_id)
    return channel_refusal(server, _channels_of(interaction), interaction.locale)


async def admit_interaction(interaction: discord.Interaction[GridBot]) -> bool:
    """Whether to handle a command, an autocomplete or a button press at all. When not, the member has been told
    why, privately; an autocomplete quietly offers nothing (it cannot show a message)."""
    reason = await interaction_refusal(interaction)
    if reason is None:
        return True
    log.info("interaction outside the channels of server %s refused", interaction.guild_id)
    try:
        if interaction.type is discord.InteractionType.autocomplete:
            await interaction.response.autocomplete([])
        else:
            await interaction.response.send_message(rendering.input_error_text(reason), ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the member that this channel is closed to the bot", exc_info=True)
    return False


#: each button or menu class → the same class behind the channel check (one per class, so removing finds it)
_GATED: dict[type[discord.ui.DynamicItem[Any]], type[discord.ui.DynamicItem[Any]]] = {}


def channel_gated(item: type[discord.ui.DynamicItem[Any]]) -> type[discord.ui.DynamicItem[Any]]:
    """``item`` (a restart-proof button or menu) checked by ``admit_interaction`` before its own check and callback.
    discord.py has no tree-wide check for components: this is the one place they all pass through (``GridBot``
    registers every dynamic item through it)."""
    gated = _GATED.get(item)
    if gated is None:

        class Gated(item, template=item.__discord_ui_compiled_template__):  # type: ignore[valid-type,misc]
            async def interaction_check(self, interaction: discord.Interaction[GridBot], /) -> bool:
                return await admit_interaction(interaction) and await super().interaction_check(interaction)

        Gated.__name__, Gated.__qualname__ = item.__name__, item.__qualname__
        _GATED[item] = gated = Gated
    return gated
