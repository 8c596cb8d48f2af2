"""Members' and servers' settings on a real SQLite file: defaults, saves, what survives a reopen, and rows
that no longer fit the model."""

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest
from pydantic import ValidationError

from storage.database import open_database
from storage.settings import (
    DEFAULT_QUEUE_CAP,
    SERVER_SETTINGS_VERSION,
    MemberSettings,
    ServerSettings,
    SettingsStore,
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    connection = await open_database(tmp_path / "bot.sqlite3")
    yield connection
    await connection.close()


async def test_defaults_before_anything_is_saved(db: aiosqlite.Connection) -> None:
    store = SettingsStore(db)
    member = await store.member(1)
    server = await store.server(2)
    assert member == MemberSettings() and member.results_by_dm is False
    assert server.allowed_services is None and server.queue_cap == DEFAULT_QUEUE_CAP
    # members do not spend the server's keys until an admin says so
    assert server.server_keys_allowed is False and server.others_may_press is False
    assert await store.server(None) == ServerSettings()


async def test_saved_settings_survive_a_new_store_on_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await open_database(path)
    store = SettingsStore(db)
    await store.save_member(7, MemberSettings(default_service="ngpu", default_aspect="16:9", results_by_dm=True))
    rules = ServerSettings(
        allowed_services=frozenset({"picpik", "ngpu"}),
        max_running_per_member=2,
        banned_words=("gore",),
        channel_ids=frozenset({55}),
        others_may_press=True,
    )
    await store.save_server(9, rules, updated_by=7)
    await db.close()

    reopened = await open_database(path)
    try:
        fresh = SettingsStore(reopened)
        assert (await fresh.member(7)).default_aspect == "16:9"
        server = await fresh.server(9)
        assert server == rules
        assert server.allows_service("ngpu") and not server.allows_service("midjourney")
        assert server.allows_channel(55) and not server.allows_channel(56)
        assert await fresh.member(8) == MemberSettings()  # someone else's are untouched
    finally:
        await reopened.close()


async def test_a_save_is_seen_by_the_next_read_without_a_reopen(db: aiosqlite.Connection) -> None:
    store = SettingsStore(db)
    assert (await store.server(3)).queue_cap == DEFAULT_QUEUE_CAP  # cached now
    await store.save_server(3, ServerSettings(queue_cap=4))
    assert (await store.server(3)).queue_cap == 4


async def test_old_unknown_and_broken_rows_read_as_defaults_where_they_do_not_fit(db: aiosqlite.Connection) -> None:
    await db.execute(
        "INSERT INTO server_settings (guild_id, settings_json, updated_at) VALUES (1, ?, 0)",
        ('{"queue_cap": 3, "a_setting_from_the_future": true}',),
    )
    await db.execute(
        "INSERT INTO server_settings (guild_id, settings_json, updated_at) VALUES (2, ?, 0)", ('{"queue_cap": -5}',)
    )
    await db.execute("INSERT INTO member_settings (user_id, settings_json, updated_at) VALUES (1, 'not json', 0)")
    store = SettingsStore(db)
    assert (await store.server(1)).queue_cap == 3
    assert await store.server(2) == ServerSettings()
    assert await store.member(1) == MemberSettings()


async def test_a_row_with_a_bad_field_keeps_every_field_that_still_fits(
    db: aiosqlite.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    stored = {
        "settings_version": SERVER_SETTINGS_VERSION,
        "queue_cap": -5,  # out of range now
        "banned_words": ["dragon", "x" * 61, "", "ghost"],  # two words no longer allowed among good ones
        "channel_ids": [11, 12],
        "others_may_press": "sometimes",
        "default_service": "ngpu",
    }
    await insert_server_row(db, 1, json.dumps(stored))
    await insert_server_row(db, 2, json.dumps({"channel_ids": list(range(1, 61)), "banned_words": ["w"] * 201}))
    await insert_server_row(db, 3, "[1, 2]")  # not a settings object at all
    store = SettingsStore(db)

    with caplog.at_level(logging.WARNING, logger="storage.settings"):
        salvaged = await store.server(1)

    assert salvaged.banned_words == ("dragon", "ghost")
    assert salvaged.channel_ids == frozenset({11, 12}) and salvaged.default_service == "ngpu"
    assert salvaged.queue_cap == DEFAULT_QUEUE_CAP and salvaged.others_may_press is False  # only these defaulted
    warned = " ".join(record.getMessage() for record in caplog.records)
    assert "banned_words" in warned and "queue_cap" in warned and "others_may_press" in warned
    assert "channel_ids" not in warned and "dragon" not in warned  # names the fields, not their values
    too_long = await store.server(2)  # lists over their size keep their first items: still a restriction
    assert too_long.channel_ids == frozenset(range(1, 51)) and len(too_long.banned_words) == 200
    # not a settings object: every restrictive rule reads closed (see below), not open
    assert await store.server(3) == CLOSED
    assert await store.unreadable_fields(3) >= {"allowed_services", "channel_ids", "banned_words"}


def test_limits_are_checked_by_the_model() -> None:
    with pytest.raises(ValidationError):
        ServerSettings(max_running_per_member=0)
    with pytest.raises(ValidationError):
        ServerSettings(banned_words=("",))
    with pytest.raises(ValidationError):
        ServerSettings(banned_words=tuple(f"w{i}" for i in range(201)))


async def insert_server_row(db: aiosqlite.Connection, guild_id: int, settings_json: str) -> None:
    await db.execute(
        "INSERT INTO server_settings (guild_id, settings_json, updated_at) VALUES (?, ?, 0)", (guild_id, settings_json)
    )


async def test_rows_from_before_the_server_keys_default_changed_read_with_the_switch_off(
    db: aiosqlite.Connection,
) -> None:
    # what version 1 stored: every field, the switch's old default "true" among them
    await insert_server_row(db, 1, '{"queue_cap": 4, "server_keys_allowed": true, "others_may_press": true}')
    await insert_server_row(db, 2, '{"server_keys_allowed": false}')
    store = SettingsStore(db)

    upgraded = await store.server(1)
    assert upgraded.server_keys_allowed is False  # "true" may only be the old default: the safe reading
    assert (upgraded.queue_cap, upgraded.others_may_press) == (4, True)  # the rest as stored
    assert (await store.server(2)).server_keys_allowed is False


async def test_an_admins_choice_saved_now_is_kept(db: aiosqlite.Connection) -> None:
    store = SettingsStore(db)
    await store.save_server(3, ServerSettings(server_keys_allowed=True))
    async with db.execute("SELECT settings_json FROM server_settings WHERE guild_id = 3") as cursor:
        [(stored,)] = list(await cursor.fetchall())
    assert f'"settings_version":{SERVER_SETTINGS_VERSION}' in stored

    assert (await SettingsStore(db).server(3)).server_keys_allowed is True  # a fresh store reads the row again


#: a server whose every restrictive rule could not be read: nothing opened that the admin may have closed
CLOSED = ServerSettings(
    allowed_services=frozenset(),
    channel_ids=frozenset(),
    max_running_per_member=1,
    daily_server_key_jobs=1,
    ngpu_requires_ainn=True,
)


async def test_a_restrictive_rule_that_cannot_be_read_fails_closed_and_is_flagged(
    db: aiosqlite.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    stored = {
        "settings_version": SERVER_SETTINGS_VERSION,
        "allowed_services": "picpik",  # no longer a list
        "default_service": "ngpu",
        "channel_ids": {"general": 1},
        "max_running_per_member": 0,
        "daily_server_key_jobs": "lots",
        "ngpu_requires_ainn": "maybe",
        "queue_cap": 7,
    }
    await insert_server_row(db, 1, json.dumps(stored))
    store = SettingsStore(db)

    with caplog.at_level(logging.WARNING, logger="storage.settings"):
        rules = await store.server(1)

    # each one as restrictive as still makes sense, never as its open default
    assert rules.allowed_services == frozenset({"ngpu"})  # the server's own default service, at least
    assert rules.channel_ids == frozenset() and rules.max_running_per_member == 1
    assert rules.daily_server_key_jobs == 1 and rules.ngpu_requires_ainn is True
    assert rules.queue_cap == 7 and rules.default_service == "ngpu"  # what still fits is kept
    flagged = {"allowed_services", "channel_ids", "max_running_per_member", "daily_server_key_jobs",
               "ngpu_requires_ainn"}
    assert await store.unreadable_fields(1) == flagged
    assert "allowed_services" in " ".join(record.getMessage() for record in caplog.records)

    # the flags survive a save of another rule and a reopen; setting a rule again clears its flag
    await store.save_server(1, rules.model_copy(update={"queue_cap": 3}))
    assert await SettingsStore(db).unreadable_fields(1) == flagged
    await store.save_server(1, rules.model_copy(update={"queue_cap": 3, "allowed_services": None}))
    reopened = SettingsStore(db)
    assert await reopened.unreadable_fields(1) == flagged - {"allowed_services"}
    assert (await reopened.server(1)).channel_ids == frozenset()  # stored closed, read as stored
    assert await reopened.unreadable_fields(2) == frozenset() and await reopened.unreadable_fields(None) == frozenset()


async def test_allowed_services_without_a_default_service_reads_as_none_allowed(db: aiosqlite.Connection) -> None:
    await insert_server_row(db, 1, json.dumps({"settings_version": SERVER_SETTINGS_VERSION, "allowed_services": 3}))
    assert (await SettingsStore(db).server(1)).allowed_services == frozenset()
