"""Someone else's job only in its own channel: on real Discord a channel may be private to a role, and a member
who cannot see it must not get its picture and prompt by typing the job number in a channel they can see.
End to end through the fake Discord, with a server whose two channels both let anyone press."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.app import GridBot
from bot.i18n import t
from storage.settings import ServerSettings
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_imagine import assert_is_grid, job_of, picture, settled
from tests.fake_discord import FakeChannel, FakeGuild, FakeUser, InteractionRecord
from tests.fake_discord.world import FakeMember

PROMPT = "secret staff lighthouse"
UNKNOWN = t("follow_up.no_such_job", "en-US")


@dataclass
class Server:
    bot: GridBot
    guild: FakeGuild
    general: FakeChannel
    #: where the owner's grid is (on real Discord: a channel only some roles can see)
    staff: FakeChannel
    owner: FakeUser
    member: FakeUser


@pytest.fixture
async def server(stack: Stack) -> AsyncIterator[Server]:
    fake = stack.fake
    guild = fake.add_guild("two-rooms", channel_names=("general", "staff-only"))  # before the bot connects
    guild.members.append(FakeMember(fake.member, []))
    member = fake.add_user("eve", guilds=[guild])
    general, staff = guild.channels
    async with stack.running() as bot:
        await bot.settings_store.save_server(guild.id, ServerSettings(others_may_press=True))
        yield Server(bot, guild, general, staff, fake.member, member)


async def send(stack: Stack, server: Server, command: str, options: dict[str, object], channel: FakeChannel,
               user: FakeUser | None = None) -> InteractionRecord:
    return await stack.fake.send_slash_command(
        command, options, user=user or server.member, guild=server.guild, channel_id=channel.id
    )


async def private_answer(stack: Stack, interaction: InteractionRecord) -> str:
    answer = await stack.fake.wait_for_original(interaction, lambda message: not message.loading)
    assert answer.ephemeral, answer.content
    return answer.content


async def staff_grid(stack: Stack, server: Server) -> int:
    grid = await stack.final(await send(stack, server, "imagine", {"prompt": PROMPT, "provider": "ngpu"},
                                        server.staff, user=server.owner))
    assert_is_grid(grid)
    return job_of(grid)


async def test_someone_elses_job_only_in_its_own_channel(stack: Stack, server: Server) -> None:
    job_id = await staff_grid(stack, server)

    for command, options in (("upscale", {"job": job_id, "grid": 1}), ("variation", {"job": job_id, "grid": 2})):
        answer = await private_answer(stack, await send(stack, server, command, options, server.general))
        # answered like a number that does not exist, with nothing of the job in it
        assert UNKNOWN in answer and PROMPT not in answer, command
    assert await server.bot.store.children(job_id) == []

    picture(await stack.final(await send(stack, server, "upscale", {"job": job_id, "grid": 1}, server.staff)))
    [child] = await settled(server.bot, server.member.id, 1)
    assert child.parent_job_id == job_id and child.owner_id == server.member.id


async def test_a_variation_of_an_own_upscale_of_a_grid_elsewhere_says_where_to_use_it(
    stack: Stack, server: Server
) -> None:
    job_id = await staff_grid(stack, server)
    picture(await stack.final(await send(stack, server, "upscale", {"job": job_id, "grid": 3}, server.staff)))
    [upscale] = await settled(server.bot, server.member.id, 1)

    answer = await private_answer(
        stack, await send(stack, server, "variation", {"job": upscale.id, "grid": 1}, server.general)
    )

    # their own upscale: not "no such job", but where its grid can be used
    assert answer.endswith(t("follow_up.grid_elsewhere", "en-US", job=upscale.id, grid=job_id)), answer
    assert UNKNOWN not in answer
    assert await server.bot.store.children(upscale.id) == []
    assert [child.id for child in await server.bot.store.children(job_id)] == [upscale.id]
