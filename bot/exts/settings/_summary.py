"""How settings read: a member's preferences and a server's rules as lines and embeds, in the member's language.

Pure (no I/O): the commands pass in the settings and the services the bot offers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import discord

from bot.i18n import t
from providers.core.base import Provider
from storage.settings import MemberSettings, ServerSettings

#: an embed description holds 4,096 characters; the banned-words list stops well before
WORDS_SHOWN_CHARS: Final = 3_500


def service_display(name: str | None, services: Mapping[str, type[Provider]]) -> str | None:
    if name is None:
        return None
    cls = services.get(name)
    return cls.display_name if cls is not None else name


def on_off(value: bool, locale: object) -> str:
    return t("settings.on" if value else "settings.off", locale)


def member_fields(
    member: MemberSettings, server: ServerSettings | None, services: Mapping[str, type[Provider]], locale: object
) -> list[tuple[str, str]]:
    """(name, value) of each preference; ``server`` (None in DMs) notes a preferred service it does not allow."""
    service = service_display(member.default_service, services) or t("settings.member.service_unset", locale)
    if member.default_service is not None and server is not None and not server.allows_service(member.default_service):
        service = t("settings.member.service_not_here", locale, service=service)
    return [
        (t("settings.member.service", locale), service),
        (t("settings.member.aspect", locale), member.default_aspect or t("settings.member.aspect_unset", locale)),
        (t("settings.member.results_by_dm", locale), on_off(member.results_by_dm, locale)),
    ]


def services_value(server: ServerSettings, services: Mapping[str, type[Provider]], locale: object) -> str:
    if server.allowed_services is None:
        return t("settings.server.every_service", locale)
    names = [cls.display_name for name, cls in services.items() if name in server.allowed_services]
    return ", ".join(names) or t("settings.server.no_service", locale)


def default_service_value(server: ServerSettings, services: Mapping[str, type[Provider]], locale: object) -> str:
    return service_display(server.default_service, services) or t("settings.server.bot_default", locale)


def limits_value(server: ServerSettings, locale: object) -> str:
    unlimited = t("settings.server.no_limit", locale)
    running = unlimited if server.max_running_per_member is None else str(server.max_running_per_member)
    daily = unlimited if server.daily_server_key_jobs is None else str(server.daily_server_key_jobs)
    return "\n".join(
        (
            t("settings.server.running_per_member", locale, value=running),
            t("settings.server.daily_server_key_jobs", locale, value=daily),
            t("settings.server.queue_cap", locale, value=server.queue_cap),
        )
    )


def channels_value(server: ServerSettings, locale: object) -> str:
    if server.channel_ids is None:
        return t("settings.server.every_channel", locale)
    return ", ".join(f"<#{channel_id}>" for channel_id in sorted(server.channel_ids))


def words_count_value(server: ServerSettings, locale: object) -> str:
    if not server.banned_words:
        return t("settings.server.no_words", locale)
    return t("settings.server.word_count", locale, count=len(server.banned_words))


def switches_value(server: ServerSettings, locale: object) -> str:
    return "\n".join(
        (
            t("settings.server.server_keys", locale, value=on_off(server.server_keys_allowed, locale)),
            t("settings.server.others_may_press", locale, value=on_off(server.others_may_press, locale)),
            t("settings.server.ngpu_requires_ainn", locale, value=on_off(server.ngpu_requires_ainn, locale)),
        )
    )


def server_fields(
    server: ServerSettings, services: Mapping[str, type[Provider]], locale: object
) -> list[tuple[str, str]]:
    """(name, value) of each rule, as members and admins read them (the banned words themselves are not
    shown: members see how many there are, admins list them with ``/server-settings banned-words list``)."""
    return [
        (t("settings.server.services", locale), services_value(server, services, locale)),
        (t("settings.server.default_service", locale), default_service_value(server, services, locale)),
        (t("settings.server.limits", locale), limits_value(server, locale)),
        (t("settings.server.banned_words", locale), words_count_value(server, locale)),
        (t("settings.server.channels", locale), channels_value(server, locale)),
        (t("settings.server.switches", locale), switches_value(server, locale)),
    ]


def embed(title: str, fields: Sequence[tuple[str, str]], *, inline: bool = False) -> discord.Embed:
    shown = discord.Embed(title=title)
    for name, value in fields:
        shown.add_field(name=name, value=value[:1024], inline=inline)
    return shown


def words_list(words: Sequence[str], locale: object) -> str:
    """The banned words, one per line in code style (so markdown in a word shows as typed), cut to fit."""
    if not words:
        return t("settings.server.no_words", locale)
    lines: list[str] = []
    used = 0
    for index, word in enumerate(words):
        line = f"`{word.replace('`', 'ˋ')}`"
        if used + len(line) + 1 > WORDS_SHOWN_CHARS:
            lines.append(t("settings.words.more", locale, count=len(words) - index))
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)
