"""What ``/jobs`` and ``/job`` show: pure functions from job rows to embeds, in the member's language."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Final

import discord

from bot import rendering
from bot.i18n import t
from bot.text_fit import fit_embed, neutral_within
from storage.jobs import JobRecord
from storage.lifecycle import LifecycleState

PAGE_SIZE: Final = 10
#: a prompt in the list is cut here (the whole prompt is in /job)
LIST_PROMPT_LIMIT: Final = 60
#: /job shows the prompt in the embed's description (4,096 characters); the stored prompt can be longer
FULL_PROMPT_LIMIT: Final = 1_500
#: Discord's limits for an embed's description and for one field's value
DESCRIPTION_LIMIT: Final = 4_096
FIELD_LIMIT: Final = 1_024

_WAITING: Final = frozenset({LifecycleState.PENDING, LifecycleState.SUBMITTED})
_FAILED: Final = frozenset({LifecycleState.FAILED, LifecycleState.FAILING})


def service_name(record: JobRecord) -> str:
    return rendering.service_name(record.provider)


def kind_name(record: JobRecord, locale: object) -> str:
    return t(f"jobs_list.kind.{record.kind.value}", locale)


def state_words(record: JobRecord, locale: object) -> str:
    """Where the job is, in a few words: delivered, failed (why), running (how far), waiting."""
    service = service_name(record)
    if record.state is LifecycleState.DELIVERED:
        return t("jobs_list.state.delivered", locale)
    if record.state in _FAILED:
        reason = rendering.failure_reason(record.failure_kind, service, locale)
        return t("jobs_list.state.failed", locale, reason=reason)
    if record.state is LifecycleState.RUNNING:
        if record.progress is None:
            return t("jobs_list.state.running", locale)
        return t("jobs_list.state.running_percent", locale, percent=f"{record.progress:.0f}")
    if record.state is LifecycleState.UNKNOWN:
        return t("jobs_list.state.unknown", locale, service=service)
    if record.state is LifecycleState.DELIVERING:
        return t("jobs_list.state.delivering", locale)
    return t("jobs_list.state.waiting", locale)


def message_link(record: JobRecord) -> str | None:
    """The job's message in the Discord client (``@me`` for a direct message); None before it exists."""
    if record.message_id is None:
        return None
    return f"https://discord.com/channels/{record.guild_id or '@me'}/{record.channel_id}/{record.message_id}"


def shown_prompt(record: JobRecord, limit: int) -> str | None:
    """The prompt as plain text inside an embed: markdown and mentions neutralised, cut to ``limit`` characters
    as sent (the escapes count)."""
    prompt = rendering.prompt_of(record)
    if prompt is None:
        return None
    return neutral_within(prompt, limit)


def when(timestamp: float, style: str = "R") -> str:
    """A time that Discord writes in the reader's own language and time zone ("3 minutes ago")."""
    moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    return discord.utils.format_dt(moment, style)  # type: ignore[arg-type]


def _linked(text: str, record: JobRecord) -> str:
    link = message_link(record)
    return f"[{text}]({link})" if link is not None else text


def list_entry(record: JobRecord, locale: object) -> str:
    """Two lines: number, kind, service and age; then the state, the prompt and a link to the message."""
    number = f"**#{record.id}** {kind_name(record, locale)}"
    heading = " · ".join((number, service_name(record), when(record.created_at)))
    details = [state_words(record, locale)]
    prompt = shown_prompt(record, LIST_PROMPT_LIMIT)
    if prompt is not None:
        details.append(f"“{prompt}”")
    if message_link(record) is not None:
        details.append(_linked(t("jobs_list.open_message", locale), record))
    return f"{heading}\n{' · '.join(details)}"


def list_embed(records: Sequence[JobRecord], page: int, pages: int, total: int, locale: object) -> discord.Embed:
    entries = [list_entry(record, locale) for record in records]
    description = _fit(entries, DESCRIPTION_LIMIT, "\n\n", locale)
    embed = discord.Embed(title=t("jobs_list.title", locale), description=description)
    embed.set_footer(text=t("jobs_list.page", locale, page=page, pages=pages, total=total))
    return fit_embed(embed)


def job_embed(record: JobRecord, children: Sequence[JobRecord], locale: object) -> discord.Embed:
    """One job in full: the whole prompt, state, service, times, where it came from and what came of it."""
    title = t("jobs_list.job_title", locale, id=record.id, kind=kind_name(record, locale))
    embed = discord.Embed(title=title, description=shown_prompt(record, FULL_PROMPT_LIMIT))
    state = rendering.shortened(state_words(record, locale), FIELD_LIMIT)
    embed.add_field(name=t("jobs_list.field.state", locale), value=state)
    embed.add_field(name=t("jobs_list.field.service", locale), value=service_name(record))
    embed.add_field(
        name=t("jobs_list.field.started", locale), value=f"{when(record.created_at, 'f')} ({when(record.created_at)})"
    )
    if record.delivered_at is not None:
        embed.add_field(name=t("jobs_list.field.finished", locale), value=when(record.delivered_at, "f"))
    if record.parent_job_id is not None:
        embed.add_field(name=t("jobs_list.field.from", locale), value=_origin(record, locale))
    link = message_link(record)
    if link is not None:
        embed.add_field(name=t("jobs_list.field.message", locale), value=link, inline=False)
    if children:
        lines = [_child_line(child, locale) for child in children]
        embed.add_field(
            name=t("jobs_list.field.follow_ups", locale), value=_fit(lines, FIELD_LIMIT, "\n", locale), inline=False
        )
    return fit_embed(embed)


def _origin(record: JobRecord, locale: object) -> str:
    if record.grid_index:
        return t("jobs_list.from_image", locale, id=record.parent_job_id, index=record.grid_index)
    return t("jobs_list.from_job", locale, id=record.parent_job_id)


def _child_line(child: JobRecord, locale: object) -> str:
    what = kind_name(child, locale) + (f" {child.grid_index}" if child.grid_index else "")
    return f"{_linked(f'#{child.id}', child)} {what} · {state_words(child, locale)}"


def _fit(parts: Sequence[str], limit: int, separator: str, locale: object) -> str:
    """As many whole parts as fit in ``limit`` characters, then "… and N more" for the rest."""
    shown: list[str] = []
    for index, part in enumerate(parts):
        left = len(parts) - index - 1
        tail = [t("jobs_list.more", locale, count=left)] if left else []
        if len(separator.join([*shown, part, *tail])) > limit:
            # the previous round checked that this very tail fits after what is shown
            return separator.join([*shown, t("jobs_list.more", locale, count=len(parts) - index)])
        shown.append(part)
    return separator.join(shown)
