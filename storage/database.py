"""Opening the SQLite file the way every part of the bot expects it."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from storage.schema import migrate


async def open_database(path: Path) -> aiosqlite.Connection:
    """Open (creating folders as needed), set durable pragmas, and bring the schema up to date."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = await aiosqlite.connect(path, isolation_level=None)
    db.row_factory = aiosqlite.Row
    await db.execute("PRAGMA journal_mode=WAL")
    await db.execute("PRAGMA synchronous=NORMAL")
    await db.execute("PRAGMA foreign_keys=ON")
    await db.execute("PRAGMA busy_timeout=5000")
    await migrate(db)
    return db
