"""How settings read: a member's preferences and a server's rules as lines and embeds, in the member's language.

Pure (no I/O): the commands pass in the settings and the services the bot offers. Everything shown keeps within
Discord's sizes (``bot.text_fit``, and ``WORDS_PAGE_CHARS`` for the banned words): a long list shows whole items
only, then "… and N more".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import discord

from bot.exts.settings._edits import WordsChange
from bot.i18n import t
from bot.text_fit import CONTENT_CHARS, FIELD_CHARS, channel_mentions, clipped, fit_embed, fitted
from providers.core.base import Provider
from storage.settings import MemberSettings, ServerSettings

#: one page of ``/server-settings banned-words list`` (an embed description holds 4,096; the whole embed 6,000)
WORDS_PAGE_CHARS: Final = 3_500
#: the words named in each line of an add/remove answer (two such lines and the count stay within 2,000)
WORDS_IN_REPLY_CHARS: Final = 800


def quoted(words: Sequence[str]) -> list[str]:
    """Words in code style, so markdown in a word shows as typed (a backtick would end it: a look-alike instead)."""
    return [f"`{word.replace('`', 'ˋ')}`" for word in words]


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


def channels_value(server: ServerSettings, locale: object, budget: int = FIELD_CHARS) -> str:
    if server.channel_ids is None:
        return t("settings.server.every_channel", locale)
    if not server.channel_ids:
        return t("settings.server.no_channel", locale)
    return channel_mentions(server.channel_ids, budget, locale)


def words_count_value(server: ServerSettings, locale: object) -> str:
    if not server.banned_words:
        return t("settings.server.no_words", locale)
    return t("settings.server.word_count", locale, count=len(server.banned_words))


def switches_value(server: ServerSettings, locale: object) -> str:
    """The switches, each followed by what it means now (whose keys pay matters most: said in full)."""
    keys_meaning = "settings.server.server_keys_on" if server.server_keys_allowed else "settings.server.server_keys_off"
    return "\n".join(
        (
            t("settings.server.server_keys", locale, value=on_off(server.server_keys_allowed, locale)),
            t(keys_meaning, locale),
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
        shown.add_field(name=name, value=value, inline=inline)
    # the values are built to fit; cutting is the last resort, and then visibly
    return fit_embed(shown)


def words_pages(words: Sequence[str]) -> list[str]:
    """The banned words, one per line in code style, in pages of at most ``WORDS_PAGE_CHARS`` characters."""
    pages: list[list[str]] = [[]]
    used = 0
    for line in quoted(words):
        if pages[-1] and used + len(line) + 1 > WORDS_PAGE_CHARS:
            pages.append([])
            used = 0
        pages[-1].append(line)
        used += len(line) + 1
    return ["\n".join(lines) for lines in pages]


def words_change_text(change: WordsChange, changed_key: str, unchanged_key: str, locale: object) -> str:
    """The answer to ``banned-words add`` or ``remove``: how many words changed and which (the first ones, when
    many), the same for those left as they were, and the list's new size."""
    lines = []
    for key, named in ((changed_key, change.changed), (unchanged_key, change.unchanged)):
        if named:
            lines.append(t(key, locale, count=len(named), words=fitted(quoted(named), WORDS_IN_REPLY_CHARS, locale)))
    lines.append(t("settings.words.count", locale, count=len(change.words)))
    return clipped("\n".join(lines), CONTENT_CHARS)
