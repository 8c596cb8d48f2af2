"""Members' images held for jobs that wait in their server's queue (``0008_held_images.sql``).

A waiting job may be sent a day later, when the Discord links of its images no longer work; so the bytes the bot
checked when the command came are kept here until the job is handed to its service, then deleted. Everything
held together stays under a byte cap: beyond it a job waits with its links alone (``hold`` says False).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import aiosqlite

from storage.lifecycle import LifecycleState

#: all held images together; a queue is capped per server, and this keeps a busy bot's file in bounds too
MAX_HELD_BYTES: Final = 256 * 1024 * 1024
#: the jobs whose images may still be needed: waiting, or released and being sent
_NEEDED_SQL: Final = (
    f"SELECT id FROM jobs WHERE state IN ('{LifecycleState.WAITING.value}', '{LifecycleState.PENDING.value}')"
)


@dataclass(frozen=True, slots=True)
class HeldImage:
    content_type: str
    data: bytes

    def __repr__(self) -> str:  # never dump megabytes into a log line
        return f"HeldImage({self.content_type}, {len(self.data)} bytes)"


class HeldImageStore:
    """Typed access to ``held_images`` over the bot's one SQLite connection."""

    def __init__(self, db: aiosqlite.Connection, *, max_bytes: int = MAX_HELD_BYTES) -> None:
        self._db = db
        self.max_bytes = max_bytes

    async def hold(self, job_id: int, images: Sequence[HeldImage]) -> bool:
        """Keep ``images`` (in their order) for ``job_id``; False, and nothing kept, when they would pass the cap.
        Images of jobs that no longer need them (failed while waiting, sent before a crash) go first."""
        await self.forget_unneeded()
        size = sum(len(image.data) for image in images)
        if not images or await self.held_bytes() + size > self.max_bytes:
            return False
        # one statement: the connection is shared by concurrent coroutines (see storage.jobs)
        marks = ", ".join("(?, ?, ?, ?)" for _ in images)
        values = [v for n, image in enumerate(images) for v in (job_id, n, image.content_type, image.data)]
        await self._db.execute_fetchall(
            f"INSERT OR REPLACE INTO held_images (job_id, position, content_type, data) VALUES {marks}", values
        )
        return True

    async def held(self, job_id: int) -> list[HeldImage]:
        """The job's images in their order (empty when none are held)."""
        rows = await self._db.execute_fetchall(
            "SELECT content_type, data FROM held_images WHERE job_id = ? ORDER BY position", (job_id,)
        )
        return [HeldImage(str(content_type), bytes(data)) for content_type, data in rows]

    async def forget(self, job_id: int) -> None:
        await self._db.execute_fetchall("DELETE FROM held_images WHERE job_id = ?", (job_id,))

    async def forget_unneeded(self) -> None:
        await self._db.execute_fetchall(f"DELETE FROM held_images WHERE job_id NOT IN ({_NEEDED_SQL})")

    async def held_bytes(self) -> int:
        rows = await self._db.execute_fetchall("SELECT COALESCE(SUM(LENGTH(data)), 0) FROM held_images")
        return int(next(iter(rows))[0])
