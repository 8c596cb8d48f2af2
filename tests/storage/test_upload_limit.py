"""The ``upload_limit`` column (migration 0003): stored per job, and added to a database made before it."""

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from providers.core.models import JobKind
from storage.database import open_database
from storage.jobs import JobStore
from storage.schema import load_migrations, migrate

TEN_MIB = 10 * 1024 * 1024


async def test_the_limit_the_interaction_allowed_is_stored_and_read_back(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "bot.sqlite3")
    try:
        store = JobStore(db)
        boosted = await store.create(kind=JobKind.IMAGINE, provider="picpik", owner_id=1, channel_id=2,
                                     upload_limit=50 * 1024 * 1024)
        unknown = await store.create(kind=JobKind.UPSCALE, provider="picpik", owner_id=1, channel_id=2)
        assert boosted.upload_limit == 50 * 1024 * 1024
        assert (await store.get(boosted.id)).upload_limit == 50 * 1024 * 1024
        assert unknown.upload_limit is None and (await store.get(unknown.id)).upload_limit is None
        with pytest.raises(sqlite3.IntegrityError):  # Discord never allows nothing: a zero is a bug
            await store.create(kind=JobKind.IMAGINE, provider="picpik", owner_id=1, channel_id=2, upload_limit=0)
    finally:
        await db.close()


async def test_the_migration_adds_the_column_to_a_database_from_before_it(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    old = await aiosqlite.connect(path, isolation_level=None)
    try:
        assert await migrate(old, [m for m in load_migrations() if m.version <= 2]) == 2
        await old.execute(
            "INSERT INTO jobs (kind, state, owner_id, channel_id, provider, created_at, updated_at, next_poll_at)"
            " VALUES ('imagine', 'running', 7, 8, 'ngpu', 1.0, 1.0, 2.0)"
        )
    finally:
        await old.close()

    db = await open_database(path)
    try:
        async with db.execute("SELECT name FROM schema_version WHERE version = 3") as cursor:
            assert tuple(await cursor.fetchone()) == ("0003_upload_limit.sql",)
        store = JobStore(db)
        [older] = await store.jobs_for_owner(7, 10)
        assert (older.provider, older.upload_limit) == ("ngpu", None)  # the old row survives, its limit unknown
        newer = await store.create(kind=JobKind.IMAGINE, provider="ngpu", owner_id=7, channel_id=8,
                                   upload_limit=TEN_MIB)
        assert (await store.get(newer.id)).upload_limit == TEN_MIB
        assert await migrate(db) == load_migrations()[-1].version  # nothing left to apply
    finally:
        await db.close()
