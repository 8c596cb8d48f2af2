"""The keys form of the Midjourney-style API, Jumdata and NGPU end to end (Picpik's: ``test_keys.py``).

The bot here has none of these services' keys in its settings, so each job can only run on the keys the member
typed into the form: each form's fields reach the service's check, a wrong key is refused, a right one is saved
sealed (no part of a secret in the file) and runs the member's next /imagine. Then what belongs to the keys: the
login token the Midjourney-style API hands out goes with them, and NGPU's optional BTC address is what a server
that requires AINN checks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest

from bot.app import GridBot
from storage.keys import KeyScope
from storage.settings import ServerSettings
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_keys import (
    answer,
    assert_nothing_of_the_secret_stored,
    list_keys,
    set_keys,
    without_settings_keys,
)
from tests.emulators import jumdata, midjourney, ngpu

#: an account of the Midjourney-style emulator that is not the one in the bot's settings
SECOND_USER, SECOND_PASSWORD = "second-user", "second-password-8c1f"


@dataclass(frozen=True)
class Case:
    good: dict[str, str]
    wrong: dict[str, str]
    secret: str
    #: whether the service saw the keys' identifying field (the check reached it with what the member typed)
    saw_keys: Callable[[Stack], bool]


CASES = {
    "midjourney": Case(
        good={"username": SECOND_USER, "password": SECOND_PASSWORD},
        wrong={"username": SECOND_USER, "password": "not-the-password-1"},
        secret=SECOND_PASSWORD,
        saw_keys=lambda stack: any(
            r["path"] == "/auth/login" and (r["body"] or {}).get("username") == SECOND_USER
            for r in stack.emulators["midjourney"][midjourney.REQUESTS_KEY]
        ),
    ),
    "jumdata": Case(
        good={"app_id": jumdata.TEST_APP_ID, "app_secret": jumdata.TEST_APP_SECRET},
        wrong={"app_id": jumdata.TEST_APP_ID, "app_secret": "not-the-app-secret-1"},
        secret=jumdata.TEST_APP_SECRET,
        saw_keys=lambda stack: any(
            r.fields.get("appId") == jumdata.TEST_APP_ID for r in stack.emulators["jumdata"][jumdata.REQUESTS_KEY]
        ),
    ),
    "ngpu": Case(
        good={"workspace_id": ngpu.TEST_WORKSPACE_ID},
        wrong={"workspace_id": "not-the-workspace-1"},
        secret=ngpu.TEST_WORKSPACE_ID,
        saw_keys=lambda stack: any(
            r.authorization == f"Bearer {ngpu.TEST_WORKSPACE_ID}" for r in stack.emulators["ngpu"][ngpu.REQUESTS_KEY]
        ),
    ),
}


@pytest.fixture
async def keyless(stack: Stack) -> AsyncIterator[GridBot]:
    """A bot with no keys of its own for the three services, and a second account on the Midjourney-style API."""
    stack.emulators["midjourney"][midjourney.STATE_KEY].users[SECOND_USER] = SECOND_PASSWORD
    bot = GridBot(without_settings_keys(stack.settings, *CASES), front_end=stack.front_end)
    async with stack.running(bot) as client:
        yield client


@pytest.mark.parametrize("service", sorted(CASES))
async def test_the_form_checks_saves_sealed_and_runs_the_next_imagine(
    stack: Stack, keyless: GridBot, service: str
) -> None:
    case, member = CASES[service], stack.fake.member
    before = await answer(stack, await stack.imagine("a lighthouse", provider=service))
    assert before.ephemeral and "/keys set" in before.content

    refused = await set_keys(stack, member, case.wrong, service=service)
    assert "do not work" in refused.content and "Nothing was saved" in refused.content
    assert await keyless.key_store.get(KeyScope.USER, member.id, service) is None

    saved = await set_keys(stack, member, case.good, service=service)
    assert saved.ephemeral and "work and are saved" in saved.content, saved.content
    assert case.saw_keys(stack)
    assert await keyless.key_store.get(KeyScope.USER, member.id, service) == case.good
    await assert_nothing_of_the_secret_stored(keyless, case.secret)

    grid = await stack.final(await stack.imagine("a lighthouse", provider=service))
    assert grid.attachments, grid.content
    [job] = await keyless.store.jobs_for_owner(member.id, 1)
    assert job.credential_ref == f"user:{member.id}" and job.provider == service
    assert ": worked" in (await list_keys(stack, member)).content


async def login_token_owners(bot: GridBot) -> list[str | None]:
    assert bot.db is not None
    return [row[0] for row in await bot.db.execute_fetchall("SELECT owner FROM login_tokens ORDER BY owner")]


async def test_the_login_token_goes_with_the_keys_it_was_made_with(stack: Stack, keyless: GridBot) -> None:
    member, case = stack.fake.member, CASES["midjourney"]
    owner = f"user:{member.id}:midjourney"
    await set_keys(stack, member, case.good, service="midjourney")
    assert await login_token_owners(keyless) == []  # the check's login is not kept: the keys were not saved yet
    await stack.final(await stack.imagine("a paper boat", provider="midjourney"))
    assert await login_token_owners(keyless) == [owner]

    await set_keys(stack, member, case.good, service="midjourney")  # replaced (say, after a password change)
    assert await login_token_owners(keyless) == []
    await stack.final(await stack.imagine("a paper boat", provider="midjourney"))
    assert await login_token_owners(keyless) == [owner]

    remove = {"service": "midjourney"}
    await answer(stack, await stack.fake.send_slash_command("keys", remove, user=member, subcommand="remove"))
    assert await login_token_owners(keyless) == []


async def test_a_btc_address_set_in_the_form_is_what_the_ainn_rule_checks(stack: Stack, keyless: GridBot) -> None:
    member = stack.fake.member
    await keyless.settings_store.save_server(stack.fake.guild.id, ServerSettings(ngpu_requires_ainn=True))
    no_ainn = {"workspace_id": ngpu.TEST_WORKSPACE_ID, "btc_address": ngpu.TEST_BTC_ADDRESS_WITHOUT_AINN}
    saved = await set_keys(stack, member, no_ainn, service="ngpu")
    assert "work and are saved" in saved.content
    assert f"NGPU `••••{ngpu.TEST_BTC_ADDRESS_WITHOUT_AINN[-4:]}`" in (await list_keys(stack, member)).content

    denied = await answer(stack, await stack.imagine("a fox", provider="ngpu"))
    assert denied.ephemeral and "holds no AINN" in denied.content
    assert await keyless.store.jobs_for_owner(member.id, 5) == []

    with_ainn = {"workspace_id": ngpu.TEST_WORKSPACE_ID, "btc_address": ngpu.TEST_BTC_ADDRESS}
    await set_keys(stack, member, with_ainn, service="ngpu")
    grid = await stack.final(await stack.imagine("a fox", provider="ngpu"))
    assert grid.attachments, grid.content
