"""Members' images held for waiting jobs (migration 0008): kept in order, under a byte cap, and gone once the job no
longer needs them."""

from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest

from providers.core.models import JobKind
from storage.database import open_database
from storage.held_images import HeldImage, HeldImageStore
from storage.jobs import JobStore

PNG, JPEG = HeldImage("image/png", b"\x89PNG first"), HeldImage("image/jpeg", b"\xff\xd8\xff second")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    connection = await open_database(tmp_path / "bot.sqlite3")
    yield connection
    await connection.close()


async def waiting_job(jobs: JobStore) -> int:
    record = await jobs.create(
        kind=JobKind.BLEND, provider="midjourney", owner_id=1, channel_id=2, guild_id=3, waiting=True, next_poll_at=0
    )
    return record.id


async def test_images_come_back_in_their_order_until_forgotten(db: aiosqlite.Connection) -> None:
    held, jobs = HeldImageStore(db), JobStore(db)
    job_id = await waiting_job(jobs)
    assert await held.hold(job_id, [PNG, JPEG])
    assert await held.held(job_id) == [PNG, JPEG]
    assert await held.held_bytes() == len(PNG.data) + len(JPEG.data)

    await held.forget(job_id)
    assert await held.held(job_id) == []


async def test_nothing_is_held_beyond_the_cap(db: aiosqlite.Connection) -> None:
    jobs = JobStore(db)
    held = HeldImageStore(db, max_bytes=len(PNG.data) + len(JPEG.data))
    first, second = await waiting_job(jobs), await waiting_job(jobs)
    assert await held.hold(first, [PNG, JPEG])
    assert not await held.hold(second, [PNG])
    assert await held.held(second) == []
    await held.forget(first)
    assert await held.hold(second, [PNG])


async def test_images_of_jobs_that_no_longer_wait_are_dropped_at_the_next_hold(db: aiosqlite.Connection) -> None:
    held, jobs = HeldImageStore(db), JobStore(db)
    gone, released, waiting = await waiting_job(jobs), await waiting_job(jobs), await waiting_job(jobs)
    for job_id in (gone, released, waiting):
        assert await held.hold(job_id, [PNG])
    await jobs.mark_failed(gone, "keys_removed", "the keys were removed")  # failed while it waited
    await jobs.release(released)  # pending: on its way to the service, its images still needed

    assert await held.hold(await waiting_job(jobs), [JPEG])

    assert await held.held(gone) == []
    assert await held.held(released) == [PNG] and await held.held(waiting) == [PNG]


def test_a_held_image_never_shows_its_bytes() -> None:
    assert repr(HeldImage("image/png", b"x" * 5_000_000)) == "HeldImage(image/png, 5000000 bytes)"
