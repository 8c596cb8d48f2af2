"""``bot.job_access``: who may start something from a job, and where — every combination of owner, place and switch."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import discord
import pytest

from bot.job_access import Access, access, may_use
from storage.settings import ServerSettings

OWNER, OTHER = 1, 2
HOME, ELSEWHERE = 100, 200
#: the job's channel in HOME, and another channel of HOME (which may be private to a role on real Discord)
JOB_CHANNEL, OTHER_CHANNEL = 1000, 1001
COMMAND = discord.InteractionType.application_command
BUTTON = discord.InteractionType.component
FORM = discord.InteractionType.modal_submit


@dataclass
class Settings:
    """The settings store's one method these rules read: which servers let anyone press."""

    open_servers: frozenset[int]

    async def server(self, guild_id: int | None) -> ServerSettings:
        return ServerSettings(others_may_press=guild_id in self.open_servers)


def bot(*open_servers: int) -> SimpleNamespace:
    return SimpleNamespace(settings_store=Settings(frozenset(open_servers)))


def job(guild_id: int | None = HOME) -> SimpleNamespace:
    return SimpleNamespace(owner_id=OWNER, guild_id=guild_id, channel_id=JOB_CHANNEL)


def interaction(
    user_id: int, guild_id: int | None, kind: discord.InteractionType = COMMAND, channel_id: int = JOB_CHANNEL
) -> SimpleNamespace:
    return SimpleNamespace(user=SimpleNamespace(id=user_id), guild_id=guild_id, type=kind, channel_id=channel_id)


@pytest.mark.parametrize("where", [HOME, ELSEWHERE, None])
@pytest.mark.parametrize("job_place", [HOME, None])
async def test_the_owner_may_use_their_job_anywhere(where: int | None, job_place: int | None) -> None:
    assert await may_use(bot(), job(job_place), OWNER, where, OTHER_CHANNEL)


@pytest.mark.parametrize(
    ("where", "open_servers", "allowed"),
    [
        (HOME, (HOME,), True),  # its own server, which lets anyone press
        (HOME, (), False),  # its own server, switch off
        (ELSEWHERE, (HOME, ELSEWHERE), False),  # another server, whatever the switches
        (None, (HOME,), False),  # a DM
    ],
)
async def test_someone_else_only_in_the_jobs_own_server_with_the_switch_on(
    where: int | None, open_servers: tuple[int, ...], allowed: bool
) -> None:
    assert await may_use(bot(*open_servers), job(), OTHER, where, JOB_CHANNEL) is allowed


async def test_someone_else_only_in_the_jobs_own_channel() -> None:
    assert await may_use(bot(HOME), job(), OTHER, HOME, JOB_CHANNEL)
    assert not await may_use(bot(HOME), job(), OTHER, HOME, OTHER_CHANNEL)
    assert not await may_use(bot(HOME), job(), OTHER, HOME, None)
    assert await access(bot(HOME), job(), interaction(OTHER, HOME, COMMAND, OTHER_CHANNEL)) is Access.HIDDEN  # type: ignore[arg-type]


async def test_nobody_else_may_use_a_job_started_in_a_dm() -> None:
    assert not await may_use(bot(HOME), job(None), OTHER, None, JOB_CHANNEL)
    assert not await may_use(bot(HOME), job(None), OTHER, HOME, JOB_CHANNEL)


@pytest.mark.parametrize(
    ("where", "kind", "expected"),
    [
        (HOME, BUTTON, Access.NOT_OWNER),  # on the job's own message: may be told whose it is
        (HOME, FORM, Access.NOT_OWNER),
        (HOME, COMMAND, Access.HIDDEN),  # a typed number: like a number that does not exist
        (ELSEWHERE, BUTTON, Access.HIDDEN),
        (ELSEWHERE, COMMAND, Access.HIDDEN),
        (None, FORM, Access.HIDDEN),
    ],
)
async def test_a_refusal_names_the_owner_only_on_the_jobs_own_message(
    where: int | None, kind: discord.InteractionType, expected: Access
) -> None:
    assert await access(bot(ELSEWHERE), job(), interaction(OTHER, where, kind)) is expected  # type: ignore[arg-type]


async def test_allowed_is_allowed_whatever_the_interaction() -> None:
    for kind in (COMMAND, BUTTON, FORM):
        assert await access(bot(HOME), job(), interaction(OTHER, HOME, kind)) is Access.ALLOWED  # type: ignore[arg-type]
        assert await access(bot(), job(), interaction(OWNER, None, kind)) is Access.ALLOWED  # type: ignore[arg-type]
