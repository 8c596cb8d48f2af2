"""/keys end to end: the form, the check with the service, sealed storage, and whose keys every job runs on.

The bot in these tests has NO Picpik keys in its settings, so a Picpik job can only run on keys a member or an
admin gave through /keys; the Picpik emulator records the PublicKey of every call, which shows whose keys ran it.
The other services' forms: ``test_keys_services.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import GridBot
from bot.settings import Settings
from storage.keys import MASK, KeyScope
from storage.settings import ServerSettings
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_imagine import job_of
from tests.emulators.common import FAULTS_KEY
from tests.emulators.picpik import KEY_PAIRS, REQUESTS_KEY, TEST_PRIVATE_KEY, TEST_PUBLIC_KEY
from tests.fake_discord import FakeUser, InteractionRecord, StoredMessage

SECOND_PUBLIC_KEY = "second-public-key"
SECOND_PRIVATE_KEY = KEY_PAIRS[SECOND_PUBLIC_KEY]
#: each service's credential fields in its settings (``<SERVICE>_…`` variables)
SETTINGS_KEY_FIELDS = {
    "picpik": ("public_key", "private_key"),
    "midjourney": ("username", "password"),
    "jumdata": ("app_id", "app_secret"),
    "ngpu": ("workspace_id", "btc_address"),
}


def without_settings_keys(settings: Settings, *services: str) -> Settings:
    """``settings`` with no keys of their own for ``services``: their jobs can only run on /keys."""
    emptied = {
        name: settings.services[name].model_copy(update=dict.fromkeys(SETTINGS_KEY_FIELDS[name])) for name in services
    }
    return settings.model_copy(update={"services": {**settings.services, **emptied}})


@pytest.fixture
async def keyless(stack: Stack) -> AsyncIterator[GridBot]:
    """A bot whose settings have no Picpik keys (the other services keep theirs)."""
    bot = GridBot(without_settings_keys(stack.settings, "picpik"), front_end=stack.front_end)
    async with stack.running(bot) as client:
        yield client


def picpik_public_keys(stack: Stack, since: int = 0) -> list[str]:
    """The PublicKey of every Picpik call received (after the first ``since``)."""
    return [entry["body"]["PublicKey"] for entry in stack.emulators["picpik"][REQUESTS_KEY][since:]]


async def set_keys(
    stack: Stack, user: FakeUser, values: dict[str, str], *, service: str = "picpik", scope: str | None = None
) -> StoredMessage:
    """/keys set, fill in the form, and the answer once the keys were checked."""
    options = {"service": service} | ({"scope": scope} if scope else {})
    await stack.fake.send_slash_command("keys", options, user=user, subcommand="set")
    await stack.wait(lambda: [m for m in stack.fake.state.modals if not m.submitted], "the keys form")
    submitted = await stack.fake.submit_modal(values, user=user)
    return await stack.fake.wait_for_original(submitted, lambda m: not m.loading)


async def answer(stack: Stack, interaction: InteractionRecord) -> StoredMessage:
    return await stack.fake.wait_for_original(interaction, lambda m: not m.loading)


def database_bytes(bot: GridBot) -> bytes:
    """The SQLite file as someone who copied it would have it (with its write-ahead log)."""
    path = Path(bot.settings.database.path)
    return b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*"))


async def assert_nothing_of_the_secret_stored(bot: GridBot, secret: str) -> None:
    """Neither the secret nor a hint showing 3 or more of its last characters is in the database file."""
    assert bot.db is not None
    masked = [str(row[0]) for row in await bot.db.execute_fetchall("SELECT masked FROM service_keys")]
    raw = database_bytes(bot)
    assert secret.encode() not in raw
    for n in range(3, len(secret) + 1):
        assert not [hint for hint in masked if secret[-n:] in hint], (masked, n)
        assert (MASK + secret[-n:]).encode() not in raw, n


async def list_keys(stack: Stack, user: FakeUser, locale: str = "en-US") -> StoredMessage:
    return await answer(stack, await stack.fake.send_slash_command("keys", user=user, subcommand="list", locale=locale))


async def test_keys_are_checked_saved_sealed_and_used_by_the_next_imagine(stack: Stack, keyless: GridBot) -> None:
    member = stack.fake.member
    before = await answer(stack, await stack.imagine("a lighthouse", provider="picpik"))
    assert before.ephemeral and "/keys set" in before.content and "Picpik" in before.content

    await stack.fake.send_slash_command("keys", {"service": "picpik"}, user=member, subcommand="set")
    await stack.wait(lambda: stack.fake.state.modals, "the keys form")
    form = stack.fake.state.modals[-1]
    assert form.title == "Your Picpik keys"
    submitted = await stack.fake.submit_modal(
        {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY}, user=member
    )
    saved = await answer(stack, submitted)

    assert saved.ephemeral and "work and are saved" in saved.content
    assert SECOND_PRIVATE_KEY not in saved.content
    assert picpik_public_keys(stack) == [SECOND_PUBLIC_KEY]  # the check: one call, with the member's keys
    stored = await keyless.key_store.get(KeyScope.USER, member.id, "picpik")
    assert stored == {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY}
    raw = database_bytes(keyless)
    assert SECOND_PRIVATE_KEY.encode() not in raw and SECOND_PUBLIC_KEY.encode() not in raw
    assert [s.masked for s in await keyless.key_store.summaries(KeyScope.USER, member.id)] == ["••••-key"]  # public

    grid = await stack.final(await stack.imagine("a lighthouse", provider="picpik"))

    assert grid.attachments, grid.content
    assert set(picpik_public_keys(stack)) == {SECOND_PUBLIC_KEY}
    [job] = await keyless.store.jobs_for_owner(member.id, 1)
    assert job.credential_ref == f"user:{member.id}"


async def test_keys_that_do_not_work_are_refused_and_not_saved(stack: Stack, keyless: GridBot) -> None:
    member = stack.fake.member

    refused = await set_keys(stack, member, {"public_key": SECOND_PUBLIC_KEY, "private_key": "not-the-key"})

    assert refused.ephemeral and "do not work" in refused.content and "Nothing was saved" in refused.content
    assert "not-the-key" not in refused.content
    assert await keyless.key_store.get(KeyScope.USER, member.id, "picpik") is None


async def test_keys_that_cannot_be_checked_are_not_saved(stack: Stack, keyless: GridBot) -> None:
    stack.arm("picpik", "server_error", times=None)  # every call, retries included
    keys = {"public_key": TEST_PUBLIC_KEY, "private_key": TEST_PRIVATE_KEY}
    unchecked = await set_keys(stack, stack.fake.member, keys)
    stack.emulators["picpik"][FAULTS_KEY].clear()

    assert unchecked.ephemeral and "could not be checked" in unchecked.content
    assert await keyless.key_store.get(KeyScope.USER, stack.fake.member.id, "picpik") is None


async def test_list_shows_keys_masked_and_remove_forgets_them(stack: Stack, keyless: GridBot) -> None:
    member = stack.fake.member
    await set_keys(stack, member, {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY})
    await stack.final(await stack.imagine("a kite", provider="picpik"))

    listed = await list_keys(stack, member)

    assert listed.ephemeral and "Picpik" in listed.content and "••••" in listed.content and "worked" in listed.content
    assert SECOND_PRIVATE_KEY not in listed.content and SECOND_PUBLIC_KEY not in listed.content
    assert "This server's keys" not in listed.content  # a member without Manage Server sees only their own

    removed = await answer(
        stack, await stack.fake.send_slash_command("keys", {"service": "picpik"}, user=member, subcommand="remove")
    )
    assert removed.ephemeral and "removed" in removed.content
    assert await keyless.key_store.get(KeyScope.USER, member.id, "picpik") is None
    again = await answer(stack, await stack.imagine("a kite", provider="picpik"))
    assert again.ephemeral and "/keys set" in again.content


async def test_a_member_without_manage_server_cannot_set_server_keys(stack: Stack, keyless: GridBot) -> None:
    interaction = await stack.fake.send_slash_command(
        "keys", {"service": "picpik", "scope": "server"}, user=stack.fake.member, subcommand="set"
    )
    refusal = await answer(stack, interaction)

    assert refusal.ephemeral and "Manage Server" in refusal.content
    assert stack.fake.state.modals == []


async def test_server_keys_set_by_an_admin_serve_members_without_their_own(stack: Stack, keyless: GridBot) -> None:
    # members use the server's keys only when the admin allows it (``/server-settings switches server_keys``)
    await keyless.settings_store.save_server(stack.fake.guild.id, ServerSettings(server_keys_allowed=True))
    options = {"service": "picpik", "scope": "server"}
    await stack.fake.send_slash_command("keys", options, user=stack.fake.admin, subcommand="set")
    await stack.wait(lambda: [m for m in stack.fake.state.modals if not m.submitted], "the keys form")
    assert stack.fake.state.modals[-1].title == "This server's Picpik keys"  # not to be mistaken for one's own
    submitted = await stack.fake.submit_modal(
        {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY}, user=stack.fake.admin
    )
    saved = await answer(stack, submitted)
    assert "server's Picpik keys work" in saved.content
    assert "Members without Picpik keys of their own now use them" in saved.content

    await stack.final(await stack.imagine("a harbour at dawn", provider="picpik"))

    [job] = await keyless.store.jobs_for_owner(stack.fake.member.id, 1)
    assert job.credential_ref == f"guild:{stack.fake.guild.id}"
    assert set(picpik_public_keys(stack)) == {SECOND_PUBLIC_KEY}


async def test_another_member_pressing_a_button_pays_with_their_own_keys(stack: Stack, keyless: GridBot) -> None:
    # the server lets anyone press a job's buttons (``/server-settings switches others_may_press:True``)
    await keyless.settings_store.save_server(stack.fake.guild.id, ServerSettings(others_may_press=True))
    owner, presser = stack.fake.member, stack.fake.add_user("carol")
    await set_keys(stack, owner, {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY})
    grid = await stack.final(await stack.imagine("a paper boat", provider="picpik"))
    job_id = job_of(grid)
    calls_before = len(stack.emulators["picpik"][REQUESTS_KEY])

    told = await answer(stack, await stack.fake.click_button(grid, f"job:{job_id}:U1", user=presser))

    assert told.ephemeral and "/keys set" in told.content
    assert await keyless.store.children(job_id) == []
    assert picpik_public_keys(stack, calls_before) == []  # the owner's keys were not touched

    await set_keys(stack, presser, {"public_key": TEST_PUBLIC_KEY, "private_key": TEST_PRIVATE_KEY})
    calls_before = len(stack.emulators["picpik"][REQUESTS_KEY])
    # V1, not U1: Picpik's upscale only fetches the image by its link, a variation is a billed call with keys
    varied = await stack.final(await stack.fake.click_button(grid, f"job:{job_id}:V1", user=presser))

    assert varied.attachments, varied.content
    [child] = await keyless.store.children(job_id)
    assert child.owner_id == presser.id and child.credential_ref == f"user:{presser.id}"
    assert set(picpik_public_keys(stack, calls_before)) == {TEST_PUBLIC_KEY}


async def test_a_job_whose_keys_were_removed_ends_with_a_clear_reason(stack: Stack, keyless: GridBot) -> None:
    member = stack.fake.member
    await set_keys(stack, member, {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY})
    interaction = await stack.imagine("a snowy owl", provider="picpik")
    await stack.fake.wait_for_original(interaction, lambda m: "Waiting" in m.content)

    await keyless.key_store.remove(KeyScope.USER, member.id, "picpik")
    final = await stack.final(interaction)

    assert "❌ The Picpik keys this job was started with were removed before it finished." in final.content
    assert not final.attachments


async def test_server_keys_saved_while_members_may_not_use_them_say_so(stack: Stack, keyless: GridBot) -> None:
    assert not (await keyless.settings_store.server(stack.fake.guild.id)).server_keys_allowed  # off by default

    saved = await set_keys(
        stack, stack.fake.admin, {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY}, scope="server"
    )

    assert "work and are saved" in saved.content and "now use them" not in saved.content
    assert "Members do not use them for their jobs yet" in saved.content and "server_keys:True" in saved.content
    refused = await answer(stack, await stack.imagine("a harbour", provider="picpik"))
    assert refused.ephemeral and "/keys set" in refused.content  # and indeed: the member has no keys to use


async def test_an_admin_lists_and_removes_the_servers_keys(stack: Stack, keyless: GridBot) -> None:
    admin, member = stack.fake.admin, stack.fake.member
    await set_keys(stack, admin, {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY}, scope="server")

    listed = await list_keys(stack, admin)
    own, server = listed.content.split("**This server's keys**")
    assert "none yet" in own and "Picpik `••••-key` · not used yet" in server
    assert "This server's keys" not in (await list_keys(stack, member)).content

    remove = {"service": "picpik", "scope": "server"}
    refused = await answer(stack, await stack.fake.send_slash_command("keys", remove, user=member, subcommand="remove"))
    assert refused.ephemeral and "Manage Server" in refused.content
    assert await keyless.key_store.get(KeyScope.GUILD, stack.fake.guild.id, "picpik") is not None

    removed = await answer(stack, await stack.fake.send_slash_command("keys", remove, user=admin, subcommand="remove"))
    assert removed.ephemeral and removed.content == "The server's Picpik keys were removed."
    assert await keyless.key_store.get(KeyScope.GUILD, stack.fake.guild.id, "picpik") is None
    assert "Picpik" not in (await list_keys(stack, admin)).content.split("**This server's keys**")[1]


async def test_the_list_says_how_the_last_call_really_went_in_the_readers_language(
    stack: Stack, keyless: GridBot
) -> None:
    member = stack.fake.member
    await set_keys(stack, member, {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY})
    stack.arm("picpik", "server_error", times=None)  # the service fails: the keys themselves are not the cause
    failed = await stack.final(await stack.imagine("a kite", provider="picpik"))
    stack.emulators["picpik"][FAULTS_KEY].clear()
    assert "❌" in failed.content

    [summary] = await keyless.key_store.summaries(KeyScope.USER, member.id)
    assert summary.last_outcome == "server" and summary.last_ok is False
    english = (await list_keys(stack, member)).content
    assert "failed (an error at the service); the service did not get to judge the keys" in english
    assert "worked" not in english and "accepted" not in english
    chinese = (await list_keys(stack, member, "zh-CN")).content
    assert "**你的密钥**" in chinese and "失败（服务出错）；服务未能对密钥作出判断" in chinese

    await stack.final(await stack.imagine("a kite", provider="picpik"))
    assert ": worked" in (await list_keys(stack, member)).content


async def test_hints_blanked_by_the_migration_are_made_again_at_start(stack: Stack) -> None:
    settings = without_settings_keys(stack.settings, "picpik")
    async with stack.running(GridBot(settings, front_end=stack.front_end)) as first:
        await set_keys(stack, stack.fake.member, {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY})
        assert first.db is not None
        await first.db.execute("UPDATE service_keys SET masked = ''")  # what migration 0009 does to old hints

    async with stack.running(GridBot(settings, front_end=stack.front_end)) as second:
        [summary] = await second.key_store.summaries(KeyScope.USER, stack.fake.member.id)
        assert summary.masked == "••••-key"
