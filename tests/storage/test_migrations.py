from pathlib import Path

import aiosqlite
import pytest

from storage.database import open_database
from storage.schema import Migration, current_version, load_migrations, migrate


async def test_fresh_database_reaches_latest_version(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "nested" / "bot.sqlite3")
    try:
        assert await current_version(db) == len(load_migrations())
        async with db.execute("SELECT value FROM installation WHERE key = 'created_at'") as cursor:
            row = await cursor.fetchone()
        assert row is not None
        assert row[0].startswith("20")
    finally:
        await db.close()
    assert (tmp_path / "nested" / "bot.sqlite3").stat().st_size > 0


async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    await (await open_database(path)).close()
    db = await open_database(path)
    try:
        async with db.execute("SELECT COUNT(*) FROM schema_version") as cursor:
            (count,) = await cursor.fetchone()  # type: ignore[misc]
        assert count == len(load_migrations())
    finally:
        await db.close()


async def test_failed_migration_rolls_back_and_keeps_version(tmp_path: Path) -> None:
    db = await aiosqlite.connect(tmp_path / "x.sqlite3", isolation_level=None)
    try:
        good = Migration(1, "0001_a.sql", "CREATE TABLE a (x INTEGER)")
        bad = Migration(2, "0002_b.sql", "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1)")
        with pytest.raises(aiosqlite.OperationalError):
            await migrate(db, [good, bad])
        assert await current_version(db) == 1
        async with db.execute("SELECT name FROM sqlite_master WHERE name = 'b'") as cursor:
            assert await cursor.fetchone() is None
    finally:
        await db.close()


def test_packaged_migrations_are_numbered_without_gaps() -> None:
    versions = [m.version for m in load_migrations()]
    assert versions == list(range(1, len(versions) + 1))
    assert versions
