"""Numbered SQL migrations (``migrations/NNNN_name.sql``) applied in order, the version recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import aiosqlite

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """The packaged migrations in version order; refuses gaps and duplicates."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration {migration.name} breaks the sequence (expected {expected:04d})")
    return found


async def current_version(db: aiosqlite.Connection) -> int:
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
    )
    async with db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(db: aiosqlite.Connection, migrations: list[Migration] | None = None) -> int:
    """Apply every migration newer than the database, each in its own transaction. Returns the version."""
    pending = migrations if migrations is not None else load_migrations()
    version = await current_version(db)
    await db.commit()
    for migration in pending:
        if migration.version <= version:
            continue
        try:
            await db.execute("BEGIN")
            for statement in _statements(migration.sql):
                await db.execute(statement)
            await db.execute(
                "INSERT INTO schema_version (version, name) VALUES (?, ?)", (migration.version, migration.name)
            )
            await db.commit()
        except Exception:
            await db.rollback()
            raise
        version = migration.version
    return version


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (our migrations keep ';' out of string literals)."""
    return [part.strip() for part in sql.split(";") if part.strip()]
