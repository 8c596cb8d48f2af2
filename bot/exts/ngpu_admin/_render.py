"""The embeds of ``/ngpu …``. Pure: no I/O, no clock.

Long lists are trimmed to what reads well in one embed, newest first, with the full count. Of a task's details,
what identifies the workspace (its id is its key), the member who sent it (``userkey``, ``userip``) and the
raw request and response bodies is never shown.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Final

import discord

from bot.exts.ngpu_admin._dates import DayRange
from bot.i18n import t
from bot.text_fit import FIELD_CHARS, clipped, fit_embed, fitted, neutral_within
from providers.ngpu.models import Brc20Holdings, Node, TaskInfo

#: task ids listed in one answer (each line is about 60 characters; an embed takes 4,096)
MAX_LISTED_TASKS: Final = 20
MAX_LISTED_NODES: Final = 25
#: a service's id or address in a list line, and anywhere else (a task id is 24 characters, a node address 42):
#: with these the longest list stays within an embed's description
LISTED_ID_CHARS: Final = 100
ID_CHARS: Final = 200
#: a time NGPU wrote, as shown (its own format is 19 characters), and an inscription's name in the BRC20 list
TIME_CHARS: Final = 40
NAME_CHARS: Final = 60
#: NGPU's task ids are timestamps: ``20240411_13_36_11_922124``
_TASK_ID_TIME: Final = "%Y%m%d_%H_%M_%S_%f"
#: NGPU's times in ``getDetailed``
_DETAIL_TIME: Final = "%Y-%m-%d %H:%M:%S"
NGPU_COLOUR: Final = discord.Colour.dark_teal()


def duration_text(seconds: float, locale: object) -> str:
    """``1 h 2 min``, ``3 min 5 s``, ``42 s`` (at most two units; seconds dropped from an hour or more)."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(t("ngpu_admin.hours", locale, n=hours))
    if minutes:
        parts.append(t("ngpu_admin.minutes", locale, n=minutes))
    if (secs and not hours) or not parts:
        parts.append(t("ngpu_admin.seconds", locale, n=secs))
    return " ".join(parts)


def task_time(task_id: str) -> str | None:
    """When NGPU received the task, read from its id (None for an id of another shape)."""
    try:
        return datetime.datetime.strptime(task_id, _TASK_ID_TIME).strftime(_DETAIL_TIME)
    except ValueError:
        return None


def task_list_embed(
    title: str, task_ids: Sequence[str], reported: int, days: DayRange, locale: object, *, node: str | None = None
) -> discord.Embed:
    """The newest tasks first (the ids sort by time), at most ``MAX_LISTED_TASKS``, with the full count."""
    count = max(reported, len(task_ids))
    newest = sorted(task_ids, reverse=True)[:MAX_LISTED_TASKS]
    lines = [t("ngpu_admin.node_line", locale, node=node)] if node else []
    if count:
        lines.append(t("ngpu_admin.task_count", locale, count=count, range=days.text(locale)))
    else:
        lines.append(t("ngpu_admin.no_tasks", locale, range=days.text(locale)))
    if newest:
        lines.append("")
        lines.extend(_task_line(task_id) for task_id in newest)
    embed = discord.Embed(title=title, description="\n".join(lines), colour=NGPU_COLOUR)
    footer = [t("ngpu_admin.trimmed", locale, shown=len(newest), count=count)] if count > len(newest) else []
    if newest:
        footer.append(t("ngpu_admin.task_hint", locale))
    if footer:
        embed.set_footer(text="\n".join(footer))
    return fit_embed(embed)


def _task_line(task_id: str) -> str:
    when = task_time(task_id)
    code = f"`{_plain(task_id, LISTED_ID_CHARS)}`"
    return f"{code} · {when}" if when else code


def nodes_embed(nodes: Sequence[Node], locale: object) -> discord.Embed:
    shown = list(nodes)[:MAX_LISTED_NODES]
    if not shown:
        description = t("ngpu_admin.no_nodes", locale)
    else:
        entries = [
            t(
                "ngpu_admin.node_entry",
                locale,
                node=_plain(node.node_addr, LISTED_ID_CHARS),
                progress=node.progress,
                status=node.status,
            )
            for node in shown
        ]
        description = "\n".join([t("ngpu_admin.node_count", locale, count=len(nodes)), "", *entries])
    embed = discord.Embed(title=t("ngpu_admin.nodes_title", locale), description=description, colour=NGPU_COLOUR)
    footer = []
    if len(nodes) > len(shown):
        footer.append(t("ngpu_admin.nodes_trimmed", locale, shown=len(shown), count=len(nodes)))
    if shown:
        footer.append(t("ngpu_admin.nodes_hint", locale))
    if footer:
        embed.set_footer(text="\n".join(footer))
    return fit_embed(embed)


def task_embed(info: TaskInfo, locale: object) -> discord.Embed:
    """One task in full: state, times and how long it took, the node, GPU seconds, what was asked."""
    state = (
        t("ngpu_admin.state_finished", locale)
        if info.finished
        else t("ngpu_admin.state_open", locale, state=info.state)
    )
    embed = discord.Embed(title=t("ngpu_admin.task_title", locale, task=_plain(info.taskid)), colour=NGPU_COLOUR)
    embed.add_field(name=t("ngpu_admin.state", locale), value=state, inline=True)
    requested, answered = _when(info.requesttime), _when(info.responsetime)
    embed.add_field(name=t("ngpu_admin.requested", locale), value=_time(info.requesttime, "unknown", locale))
    embed.add_field(name=t("ngpu_admin.answered", locale), value=_time(info.responsetime, "not_yet", locale))
    if requested is not None and answered is not None and answered >= requested:
        took = duration_text((answered - requested).total_seconds(), locale)
        embed.add_field(name=t("ngpu_admin.took", locale), value=took)
    gpu = info.gpudursion
    gpu_text = (
        t("ngpu_admin.gpu_seconds", locale, duration=duration_text(gpu, locale), seconds=gpu)
        if gpu is not None
        else t("ngpu_admin.unknown", locale)
    )
    embed.add_field(name=t("ngpu_admin.gpu_time", locale), value=gpu_text)
    embed.add_field(name=t("ngpu_admin.node", locale), value=_code(info.nodeaddr, locale), inline=False)
    asked = " ".join(part for part in (info.method, info.requrl) if part)
    embed.add_field(name=t("ngpu_admin.request", locale), value=_code(asked, locale), inline=False)
    if info.btcaddress:
        embed.add_field(name=t("ngpu_admin.btc_address", locale), value=_code(info.btcaddress, locale), inline=False)
    return fit_embed(embed)


def brc20_embed(address: str, holdings: Brc20Holdings, locale: object) -> discord.Embed:
    ainn = holdings.balance_of("AINN")
    verdict = (
        t("ngpu_admin.brc20_holds_ainn", locale, balance=ainn)
        if holdings.holds("AINN")
        else t("ngpu_admin.brc20_no_ainn", locale)
    )
    embed = discord.Embed(
        title=t("ngpu_admin.brc20_title", locale), description=f"`{_plain(address)}`\n{verdict}", colour=NGPU_COLOUR
    )
    held = [
        f"{neutral_within(name, NAME_CHARS)}: {balance}"
        for name, balance in zip(holdings.names, holdings.balances, strict=False)
    ]
    shown = fitted(held, FIELD_CHARS, locale, separator="\n") or t("ngpu_admin.brc20_nothing", locale)
    embed.add_field(name=t("ngpu_admin.brc20_held", locale), value=shown, inline=False)
    return fit_embed(embed)


def _when(text: str | None) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(text or "", _DETAIL_TIME)
    except ValueError:
        return None


def _plain(text: str, limit: int = ID_CHARS) -> str:
    """A service's text inside backticks: backticks removed, so it cannot end the code span; at most ``limit``
    characters (markdown does nothing inside the span: there is nothing else to escape)."""
    return clipped(text.replace("`", ""), limit)


def _time(text: str | None, missing: str, locale: object) -> str:
    """A time as NGPU wrote it (inert, within ``TIME_CHARS``), or the ``ngpu_admin.<missing>`` words."""
    return neutral_within(text, TIME_CHARS) if text and text.strip() else t(f"ngpu_admin.{missing}", locale)


def _code(text: str | None, locale: object) -> str:
    return f"`{_plain(text)}`" if text else t("ngpu_admin.unknown", locale)
