"""What slash-command options offer: service choices and the member's own jobs as they type (autocomplete)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from discord import app_commands

from providers.core.base import Provider
from storage.jobs import JobRecord, JobStore

#: Discord shows at most 25 choices, each name and value at most 100 characters
MAX_CHOICES: Final = 25
MAX_CHOICE_CHARS: Final = 100
#: how many of a member's recent jobs a job option looks through
RECENT_JOBS: Final = 100


def service_choices(services: Mapping[str, type[Provider]]) -> list[app_commands.Choice[str]]:
    """One choice per service, by display name, in the given order."""
    return [app_commands.Choice(name=cls.display_name, value=name) for name, cls in services.items()][:MAX_CHOICES]


async def own_job_choices(
    store: JobStore,
    owner_id: int,
    typed: str,
    name_of: Callable[[JobRecord], str],
    keep: Callable[[JobRecord], bool] = lambda record: True,
) -> list[app_commands.Choice[int]]:
    """The member's own recent jobs that ``keep`` accepts, newest first, whose shown name contains what they
    typed (a number, with or without ``#``, or words of the prompt)."""
    wanted = typed.strip().lstrip("#").casefold()
    choices: list[app_commands.Choice[int]] = []
    for record in await store.jobs_for_owner(owner_id, RECENT_JOBS):
        if not keep(record):
            continue
        name = name_of(record)[:MAX_CHOICE_CHARS]
        if wanted and wanted not in name.casefold():
            continue
        choices.append(app_commands.Choice(name=name, value=record.id))
        if len(choices) == MAX_CHOICES:
            break
    return choices
