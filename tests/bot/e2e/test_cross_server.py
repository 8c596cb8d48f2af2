"""A job is used only where it belongs: someone else's job only in its own server (and only when that server lets
anyone press its buttons), never from a DM or another server; the owner's own jobs anywhere. A number that may
not be used is answered exactly like one that does not exist. End to end through the fake Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.app import GridBot
from bot.i18n import t
from storage.settings import ServerSettings
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_imagine import assert_is_grid, job_of, picture, settled
from tests.fake_discord import FakeGuild, FakeUser, InteractionRecord, StoredMessage
from tests.fake_discord.world import FakeMember

PROMPT = "my private lighthouse at dusk"
UNKNOWN = t("follow_up.no_such_job", "en-US")


@dataclass
class Place:
    """Two servers: the owner's (home) and another one that the owner and a stranger share."""

    bot: GridBot
    home: FakeGuild
    elsewhere: FakeGuild
    owner: FakeUser
    #: in the home server too, not the owner
    neighbour: FakeUser
    #: only in the other server
    stranger: FakeUser


@pytest.fixture
async def place(stack: Stack) -> AsyncIterator[Place]:
    fake = stack.fake
    elsewhere = fake.add_guild("elsewhere")  # before the bot connects: it arrives in GUILD_CREATE
    owner, home = fake.member, fake.guild
    elsewhere.members.append(FakeMember(owner, []))
    neighbour = fake.add_user("carol", guilds=[home])
    stranger = fake.add_user("mallory", guilds=[elsewhere])
    async with stack.running() as bot:
        # every server lets anyone press: only where the job is used can keep it from others
        for guild in (home, elsewhere):
            await bot.settings_store.save_server(guild.id, ServerSettings(others_may_press=True))
        yield Place(bot, home, elsewhere, owner, neighbour, stranger)


async def owners_grid(stack: Stack, service: str = "ngpu") -> tuple[StoredMessage, int]:
    grid = await stack.final(await stack.imagine(PROMPT, provider=service))
    assert_is_grid(grid)
    return grid, job_of(grid)


async def private_answer(stack: Stack, interaction: InteractionRecord) -> str:
    answer = await stack.fake.wait_for_original(interaction, lambda message: not message.loading)
    assert answer.ephemeral, answer.content
    return answer.content


def where(place: Place, name: str) -> dict[str, object]:
    return {"dm": True} if name == "dm" else {"guild": place.elsewhere}


@pytest.mark.parametrize("place_name", ["dm", "another server"])
async def test_someone_elses_job_number_is_unknown_outside_its_server(
    stack: Stack, place: Place, place_name: str
) -> None:
    _, job_id = await owners_grid(stack)
    context = {"user": place.stranger, **where(place, place_name)}

    answers = [
        await private_answer(stack, await stack.fake.send_slash_command(command, options, **context))
        for command, options in (
            ("upscale", {"job": job_id, "grid": 1}),
            ("variation", {"job": job_id, "grid": 2}),
            ("variation", {"job": job_id, "grid": 3, "prompt": "a red lighthouse"}),
            ("upscale", {"job": 999_999, "grid": 1}),  # a number nobody has
        )
    ]

    # the same words for a job that exists and one that does not: trying numbers tells nothing
    assert len(set(answers)) == 1 and UNKNOWN in answers[0]
    assert PROMPT not in answers[0] and str(place.owner.id) not in answers[0]
    assert await place.bot.store.children(job_id) == []
    assert await place.bot.store.jobs_for_owner(place.stranger.id, 10) == []
    # and the stranger's job option offers none of it
    typing = await stack.fake.actions.autocomplete(
        "upscale",
        {"job": "", "grid": 1},
        "job",
        locale="en-US",
        subcommand=None,
        user=place.stranger,
        guild=place.elsewhere,
        channel=place.elsewhere.channels[0],
    )
    await stack.fake.wait_for(lambda: typing.autocomplete_choices is not None, what="autocomplete choices")
    assert typing.autocomplete_choices == []


async def test_in_its_own_server_another_member_uses_it_only_while_the_switch_is_on(stack: Stack, place: Place) -> None:
    _, job_id = await owners_grid(stack)
    await place.bot.settings_store.save_server(place.home.id, ServerSettings(others_may_press=False))

    refused = await stack.fake.send_slash_command("upscale", {"job": job_id, "grid": 2}, user=place.neighbour)
    assert UNKNOWN in await private_answer(stack, refused)
    assert await place.bot.store.children(job_id) == []

    await place.bot.settings_store.save_server(place.home.id, ServerSettings(others_may_press=True))
    upscaled = await stack.final(
        await stack.fake.send_slash_command("upscale", {"job": job_id, "grid": 2}, user=place.neighbour)
    )
    picture(upscaled)
    [child] = await settled(place.bot, place.neighbour.id, 1)
    assert child.owner_id == place.neighbour.id and child.parent_job_id == job_id


@pytest.mark.parametrize("place_name", ["dm", "another server"])
async def test_the_owner_uses_their_own_job_anywhere(stack: Stack, place: Place, place_name: str) -> None:
    _, job_id = await owners_grid(stack)

    interaction = await stack.fake.send_slash_command(
        "upscale", {"job": job_id, "grid": 4}, user=place.owner, **where(place, place_name)
    )

    picture(await stack.final(interaction))
    [upscale, _] = await settled(place.bot, place.owner.id, 2)
    assert upscale.parent_job_id == job_id
    assert upscale.guild_id == (None if place_name == "dm" else place.elsewhere.id)


async def test_buttons_in_another_server_do_not_reach_a_grid_of_the_owners_server(stack: Stack, place: Place) -> None:
    # the owner upscales their grid in the other server: its 🪄 / 🖌️ / 🔄 start from the grid back home
    _, job_id = await owners_grid(stack, "midjourney")
    upscaled = await stack.final(
        await stack.fake.send_slash_command(
            "upscale", {"job": job_id, "grid": 1}, user=place.owner, guild=place.elsewhere
        )
    )
    [upscale] = await place.bot.store.children(job_id)

    for button in ("vary", "reroll", "remix"):
        press = await stack.fake.click_button(upscaled, f"job:{upscale.id}:{button}", user=place.stranger)
        assert UNKNOWN in await private_answer(stack, press), button

    assert stack.fake.state.modals == []  # no remix form with the owner's prompt
    assert [child.id for child in await place.bot.store.children(job_id)] == [upscale.id]
    assert await place.bot.store.children(upscale.id) == []
