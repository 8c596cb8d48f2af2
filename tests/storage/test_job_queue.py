"""The job table's side of the queue (migration 0007): waiting rows, their release, the counts the limits use,
finished jobs waking their server's line, the query plans, and a database from before the queue."""

from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest

from providers.core.models import JobKind
from storage.database import open_database
from storage.jobs import JobRecord, JobStore
from storage.lifecycle import SUBMIT_GRACE_SECONDS, LifecycleState
from storage.schema import load_migrations, migrate
from tests.storage.test_jobs import T0, Clock, a_handle, a_result

S = LifecycleState
GUILD, OTHER_GUILD = 500, 600
ANN, BOB = 1, 2
SERVER_KEYS = f"guild:{GUILD}"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    connection = await open_database(tmp_path / "bot.sqlite3")
    yield connection
    await connection.close()


@pytest.fixture
def store(db: aiosqlite.Connection, clock: Clock) -> JobStore:
    return JobStore(db, clock=clock)


async def job(
    store: JobStore,
    owner: int = ANN,
    guild: int | None = GUILD,
    *,
    waiting: bool = False,
    ref: str = SERVER_KEYS,
    kind: JobKind = JobKind.IMAGINE,
) -> JobRecord:
    return await store.create(
        kind=kind,
        provider="picpik",
        owner_id=owner,
        guild_id=guild,
        channel_id=9,
        request={"prompt": "a kite"},
        credential_ref=ref,
        waiting=waiting,
        next_poll_at=T0 + 30 if waiting else None,
    )


async def finish(store: JobStore, record: JobRecord) -> None:
    if record.state is S.WAITING:
        await store.release(record.id)
    await store.mark_submitted(record.id, a_handle(f"task-{record.id}"), next_poll_at=T0 + 1)
    await store.mark_result(record.id, a_result())
    assert await store.mark_delivered(record.id, 77)


async def test_a_waiting_row_is_open_unsent_and_due_when_asked(store: JobStore) -> None:
    waiting = await job(store, waiting=True)
    assert (waiting.state, waiting.sent_at, waiting.next_poll_at) == (S.WAITING, None, T0 + 30)
    assert waiting.state.is_open
    assert [r.id for r in await store.due_jobs(T0 + 30, 10)] == [waiting.id]
    sent = await job(store)
    assert (sent.state, sent.sent_at) == (S.PENDING, T0)
    with pytest.raises(ValueError, match="next_poll_at"):
        await store.create(kind=JobKind.IMAGINE, provider="picpik", owner_id=1, channel_id=2, waiting=True)


async def test_release_sends_a_waiting_job_once(store: JobStore, clock: Clock) -> None:
    waiting = await job(store, waiting=True)
    clock.now = T0 + 100
    released = await store.release(waiting.id, expected=S.WAITING)
    assert released is not None
    assert (released.state, released.sent_at) == (S.PENDING, T0 + 100)
    assert released.next_poll_at == T0 + 100 + SUBMIT_GRACE_SECONDS
    assert await store.release(waiting.id) is None  # a second walk of the line finds it gone
    assert await store.release(waiting.id, expected=S.WAITING) is None


async def test_a_waiting_job_that_cannot_be_sent_fails_through_failing(store: JobStore) -> None:
    waiting = await job(store, waiting=True)
    assert await store.mark_failed(waiting.id, "keys_removed", "gone", expected=S.WAITING)
    assert (await store.get(waiting.id)).state is S.FAILING


async def test_the_counts_the_limits_use(store: JobStore, clock: Clock) -> None:
    first = await job(store, ANN)
    await job(store, ANN)
    await job(store, BOB)
    done = await job(store, BOB)
    await finish(store, done)
    ann_waits = await job(store, ANN, waiting=True)
    bob_waits = await job(store, BOB, waiting=True)
    await job(store, ANN, OTHER_GUILD, ref=f"guild:{OTHER_GUILD}")
    await job(store, ANN, None, ref="user:1")
    await job(store, ANN, kind=JobKind.APP_ACTION)  # an admin's app action is no member's job

    assert [r.id for r in await store.waiting_jobs(GUILD)] == [ann_waits.id, bob_waits.id]
    assert await store.waiting_jobs(OTHER_GUILD) == []
    # waiting and finished jobs are not running; other servers' and DMs' jobs are not this server's
    assert await store.running_by_owner(GUILD) == {ANN: 2, BOB: 1}
    assert await store.running_by_owner(None) == {ANN: 1}
    # sent on the server's keys: everything written to be sent (finished too), nothing still waiting
    assert await store.count_sent_since(SERVER_KEYS, T0) == 4
    assert await store.count_sent_since(SERVER_KEYS, T0 + 1) == 0
    clock.now = T0 + 50
    await store.release(ann_waits.id)
    assert await store.count_sent_since(SERVER_KEYS, T0 + 1) == 1
    assert await store.running_by_owner(GUILD) == {ANN: 3, BOB: 1}
    assert first.sent_at == T0


async def test_a_finished_job_makes_the_oldest_waiting_job_of_its_server_due(store: JobStore, clock: Clock) -> None:
    running = await job(store, ANN)
    elsewhere = await job(store, ANN, OTHER_GUILD)
    in_dm = await job(store, ANN, None)
    oldest = await job(store, BOB, waiting=True)
    younger = await job(store, ANN, waiting=True)
    other_server = await job(store, BOB, OTHER_GUILD, waiting=True)
    clock.now = T0 + 5

    await finish(store, in_dm)
    await finish(store, elsewhere)
    assert (await store.get(other_server.id)).next_poll_at == T0 + 5
    assert (await store.get(oldest.id)).next_poll_at == T0 + 30

    await finish(store, running)
    assert (await store.get(oldest.id)).next_poll_at == T0 + 5
    assert (await store.get(younger.id)).next_poll_at == T0 + 30  # one walk of the line covers every job in it

    await store.reschedule_waiting(GUILD, T0 + 99)
    assert [(await store.get(r.id)).next_poll_at for r in (oldest, younger)] == [T0 + 99, T0 + 99]
    assert (await store.get(other_server.id)).next_poll_at == T0 + 5


async def _plan(db: aiosqlite.Connection, sql: str) -> str:
    async with db.execute(f"EXPLAIN QUERY PLAN {sql}") as cursor:
        return " | ".join(str(row[3]) for row in await cursor.fetchall())


async def test_the_queue_queries_use_their_indexes(store: JobStore, db: aiosqlite.Connection) -> None:
    finished = [("imagine", "delivered", n % 50, GUILD, 1, "picpik", T0, T0, SERVER_KEYS, T0) for n in range(5_000)]
    await db.execute("BEGIN")
    await db.executemany(
        "INSERT INTO jobs (kind, state, owner_id, guild_id, channel_id, provider, created_at, updated_at,"
        " credential_ref, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        finished,
    )
    await db.commit()
    await job(store, waiting=True)
    statements: list[str] = []
    await db.set_trace_callback(statements.append)
    await store.waiting_jobs(GUILD)
    await store.running_by_owner(GUILD)
    await store.count_sent_since(SERVER_KEYS, T0)
    await db.set_trace_callback(None)
    waiting_sql, running_sql, sent_sql = statements  # the trace shows them with their values filled in
    assert "INDEX jobs_open_by_guild (guild_id=? AND state=?)" in await _plan(db, waiting_sql)
    assert "COVERING INDEX jobs_open_by_guild (guild_id=? AND state=?)" in await _plan(db, running_sql)
    assert "COVERING INDEX jobs_sent_by_credentials (credential_ref=? AND sent_at>?)" in await _plan(db, sent_sql)


async def test_a_database_from_before_the_queue_keeps_every_job(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    old = await aiosqlite.connect(path, isolation_level=None)
    try:
        await old.execute("PRAGMA foreign_keys=ON")
        assert await migrate(old, [m for m in load_migrations() if m.version <= 6]) == 6
        await old.execute(
            "INSERT INTO jobs (id, kind, state, owner_id, guild_id, channel_id, provider, created_at, updated_at,"
            " delivered_at, credential_ref) VALUES (1, 'imagine', 'delivered', 7, 5, 8, 'ngpu', 10.0, 11.0, 11.0,"
            " 'guild:5')"
        )
        await old.execute(
            "INSERT INTO jobs (id, kind, state, owner_id, channel_id, provider, created_at, updated_at, next_poll_at,"
            " parent_job_id, grid_index, upload_limit) VALUES (2, 'upscale', 'running', 7, 8, 'ngpu', 20.0, 20.0,"
            " 21.0, 1, 2, 1024)"
        )
    finally:
        await old.close()

    db = await open_database(path)
    try:
        store = JobStore(db)
        grid, upscale = await store.get(1), await store.get(2)
        assert (grid.state, grid.sent_at, grid.credential_ref, grid.guild_id) == (S.DELIVERED, 10.0, "guild:5", 5)
        assert (upscale.state, upscale.parent_job_id, upscale.grid_index, upscale.upload_limit) == (
            S.RUNNING,
            1,
            2,
            1024,
        )
        assert upscale.sent_at == 20.0
        assert [c.id for c in await store.children(1)] == [2]
        waiting = await job(store, waiting=True)
        assert waiting.state is S.WAITING
        with pytest.raises(aiosqlite.IntegrityError):  # the reference to the parent job survived the rebuild
            await store.create(kind=JobKind.UPSCALE, provider="ngpu", owner_id=1, channel_id=2, parent_job_id=99)
        with pytest.raises(aiosqlite.IntegrityError):  # and so did the list of states
            await db.execute("UPDATE jobs SET state = 'lost' WHERE id = 2")
        async with db.execute("PRAGMA foreign_key_check") as cursor:
            assert await cursor.fetchall() == []
    finally:
        await db.close()
