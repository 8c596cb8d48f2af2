"""``/bot-status``: what a server manager checks when members say their pictures do not come.

Admin-only (``bot.permissions.admin_only``): it shows no member's data, but which services the bot has keys for
and how busy it is are the operator's business. Read from the job table alone, so it answers even when a service
or the poller is stuck: a job the poller has not looked at long after it fell due means the poller is behind. Last,
the values the services sent that the bot does not know (``providers.core.unknown_values``, counted in this process),
for the operator to report.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts.status._unknown_values import unknown_values_field
from bot.i18n import t
from bot.permissions import admin_only
from bot.poller import MAX_IDLE_SECONDS
from providers.core.unknown_values import unknown_value_counts
from storage.jobs import JobRecord
from storage.lifecycle import LifecycleState

if TYPE_CHECKING:
    from bot.app import GridBot

_WAITING = frozenset(
    {LifecycleState.WAITING, LifecycleState.PENDING, LifecycleState.SUBMITTED, LifecycleState.UNKNOWN}
)
_FINISHING = frozenset({LifecycleState.DELIVERING, LifecycleState.FAILING})


class StatusCog(commands.Cog):
    def __init__(self, bot: GridBot) -> None:
        self.bot = bot

    @admin_only
    @app_commands.command(name="bot-status", description="Services, open jobs and the job poller (Manage Server)")
    async def status(self, interaction: discord.Interaction[GridBot]) -> None:
        open_jobs = await self.bot.store.open_jobs_by_provider()
        embed = discord.Embed(title=t("status.title", interaction.locale))
        embed.add_field(
            name=t("status.services", interaction.locale),
            value=self._services(open_jobs, interaction.locale),
            inline=False,
        )
        embed.add_field(
            name=t("status.poller", interaction.locale),
            value=_poller_health([r for group in open_jobs.values() for r in group], time.time(), interaction.locale),
            inline=False,
        )
        display_names = {name: cls.display_name for name, cls in self.bot.service_classes.items()}
        name, value = unknown_values_field(unknown_value_counts(), display_names, interaction.locale)
        embed.add_field(name=name, value=value, inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    def _services(self, open_jobs: dict[str, list[JobRecord]], locale: object) -> str:
        lines = []
        for name, cls in self.bot.service_classes.items():
            if name not in self.bot.providers:
                lines.append(t("status.service_missing", locale, service=cls.display_name))
                continue
            records = open_jobs.get(name, [])
            lines.append(t("status.service_ready", locale, service=cls.display_name, open=len(records)))
            if records:
                lines.append(f"-# {_open_detail(records, locale)}")
        return "\n".join(lines) or "—"


def _open_detail(records: list[JobRecord], locale: object) -> str:
    states = Counter(record.state for record in records)
    return t(
        "status.open_detail",
        locale,
        waiting=sum(states[s] for s in _WAITING),
        running=states[LifecycleState.RUNNING],
        finishing=sum(states[s] for s in _FINISHING),
    )


def _poller_health(records: list[JobRecord], now: float, locale: object) -> str:
    due = [record.next_poll_at for record in records if record.next_poll_at is not None]
    if not due:
        return t("status.poller_idle", locale)
    # the poller never sleeps longer than MAX_IDLE_SECONDS, so a job due for longer than that was not picked up
    overdue = [at for at in due if at < now - MAX_IDLE_SECONDS]
    if overdue:
        return t("status.poller_behind", locale, count=len(overdue), when=_relative(min(overdue)))
    return t("status.poller_next", locale, when=_relative(min(due)))


def _relative(timestamp: float) -> str:
    """A time Discord shows in the reader's own language and clock ("in 5 seconds", "3 minutes ago")."""
    return discord.utils.format_dt(datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC), "R")
