"""The job table on a real SQLite file: lifecycle, races, the poller's queue, restarts and query plans."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest
from cryptography.fernet import Fernet

from providers.core.models import (
    ImageData,
    ImagineRequest,
    JobFailure,
    JobHandle,
    JobKind,
    JobState,
    JobStatus,
)
from storage.crypto import SecretBox
from storage.database import open_database
from storage.jobs import (
    _MAX_IDS_PER_STATEMENT,
    DELIVERY_LEASE_SECONDS,
    JobNotFound,
    JobRecord,
    JobStore,
    ProgressUpdate,
)
from storage.lifecycle import OPEN_STATES, SUBMIT_GRACE_SECONDS, IllegalTransition, LifecycleState

S = LifecycleState
T0 = 1_700_000_000.0


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


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


def a_handle(job_id: str = "task-1", provider: str = "picpik") -> JobHandle:
    return JobHandle(
        provider=provider,
        kind=JobKind.IMAGINE,
        job_id=job_id,
        meta={"hash": "abc", "profile": {"steps": 20}},
        submitted_at=datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=UTC),
    )


def a_request() -> ImagineRequest:
    return ImagineRequest(
        prompt="a lighthouse at dusk, 灯塔",
        negative_prompt="text",
        aspect_ratio="16:9",
        seed=42,
        options={"lora": ["x"]},
    )


def a_result() -> JobState:
    images = [
        ImageData(url=f"http://127.0.0.1/{n}.png", data=bytes([n]) * 64, content_type="image/png", width=8, height=8)
        for n in range(4)
    ]
    return JobState(status=JobStatus.SUCCEEDED, progress=100, images=images, seed=42, raw_status="Finished")


async def new_job(store: JobStore, **overrides: object) -> JobRecord:
    fields: dict[str, object] = {
        "kind": JobKind.IMAGINE,
        "provider": "picpik",
        "owner_id": 111_111_111_111_111_111,
        "guild_id": 222_222_222_222_222_222,
        "channel_id": 333_333_333_333_333_333,
        "interaction_token": "secret-interaction-token",
        "token_expires_at": T0 + 900,
        "locale": "zh-CN",
        "request": a_request(),
    }
    fields.update(overrides)
    return await store.create(**fields)  # type: ignore[arg-type]


async def test_create_writes_a_pending_row_due_after_the_submit_grace(store: JobStore) -> None:
    job = await new_job(store)
    assert job.state is S.PENDING
    assert job.kind is JobKind.IMAGINE
    assert job.owner_id == 111_111_111_111_111_111
    assert (job.guild_id, job.channel_id) == (222_222_222_222_222_222, 333_333_333_333_333_333)
    assert job.message_id is None
    assert job.created_at == job.updated_at == T0
    assert job.next_poll_at == T0 + SUBMIT_GRACE_SECONDS
    assert job.request_as(ImagineRequest) == a_request()
    assert job.handle is None
    assert job.result is None
    assert await store.get(job.id) == job
    assert "secret-interaction-token" not in repr(job)


async def test_full_lifecycle_to_delivered(store: JobStore, clock: Clock) -> None:
    job = await new_job(store)
    await store.set_message(job.id, 444, 555)

    clock.now += 1
    assert await store.mark_submitted(job.id, a_handle(), next_poll_at=T0 + 10)
    submitted = await store.get(job.id)
    assert submitted.state is S.SUBMITTED
    assert submitted.provider_job_id == "task-1"
    assert submitted.handle == a_handle()
    assert submitted.submitted_at == a_handle().submitted_at.timestamp()
    assert submitted.next_poll_at == T0 + 10
    assert (submitted.channel_id, submitted.message_id) == (444, 555)

    assert await store.record_progress(job.id, JobStatus.QUEUED, None, next_poll_at=T0 + 20)
    assert (await store.get(job.id)).state is S.SUBMITTED
    assert await store.record_progress(job.id, JobStatus.RUNNING, 42.5, next_poll_at=T0 + 30)
    running = await store.get(job.id)
    assert (running.state, running.progress, running.next_poll_at) == (S.RUNNING, 42.5, T0 + 30)

    clock.now += 5
    assert await store.mark_result(job.id, a_result())
    delivering = await store.get(job.id)
    assert delivering.state is S.DELIVERING
    assert delivering.progress == 100.0
    assert delivering.result == a_result()
    assert delivering.result is not None
    assert delivering.result.images[2].data == bytes([2]) * 64
    # still due, so that a crash before Discord confirms the message leads to a second (idempotent) edit
    assert delivering.next_poll_at == clock.now + DELIVERY_LEASE_SECONDS

    clock.now += 1
    assert await store.mark_delivered(job.id, message_id=555)
    delivered = await store.get(job.id)
    assert delivered.state is S.DELIVERED
    assert delivered.delivered_at == clock.now
    assert delivered.next_poll_at is None
    assert delivered.interaction_token is None  # a finished job keeps no secret
    assert delivered.result == a_result()
    assert await store.due_jobs(clock.now + 10_000, 10) == []


async def test_failure_is_stored_then_shown_once(store: JobStore) -> None:
    job = await new_job(store)
    await store.mark_submitted(job.id, a_handle(), next_poll_at=T0)
    failure = JobState(status=JobStatus.FAILED, failure=JobFailure(kind="moderation", message="Prompt refused."))
    assert await store.mark_result(job.id, failure)
    failing = await store.get(job.id)
    assert failing.state is S.FAILING
    assert (failing.failure_kind, failing.failure_message) == ("moderation", "Prompt refused.")
    assert failing.result == failure
    assert await store.mark_delivered(job.id)
    failed = await store.get(job.id)
    assert failed.state is S.FAILED
    assert failed.failure_kind == "moderation"
    assert not await store.mark_delivered(job.id)


async def test_unknown_submit_is_never_resent_and_ends_as_a_failure(store: JobStore) -> None:
    job = await new_job(store)
    assert await store.mark_submit_unknown(job.id, "The service did not answer.")
    unknown = await store.get(job.id)
    assert (unknown.state, unknown.failure_kind, unknown.next_poll_at) == (S.UNKNOWN, "submit_unknown", T0)
    # the submit returning late is stale: the job stays unknown
    assert await store.mark_submit_unknown(job.id, "again") is False
    assert await store.mark_failed(job.id, "submit_unknown", "It may or may not have started.", timed_out=True)
    assert (await store.get(job.id)).state is S.FAILING
    assert await store.mark_delivered(job.id)
    assert (await store.get(job.id)).state is S.FAILED


async def test_illegal_transition_is_refused_and_the_row_unchanged(store: JobStore, clock: Clock) -> None:
    job = await new_job(store)
    clock.now += 50
    with pytest.raises(IllegalTransition):
        await store.mark_delivered(job.id, message_id=999)
    with pytest.raises(IllegalTransition):
        await store.mark_result(job.id, a_result())
    with pytest.raises(IllegalTransition):
        await store.record_progress(job.id, JobStatus.RUNNING, 10, next_poll_at=T0 + 1)
    assert await store.get(job.id) == job


async def test_wrong_inputs_are_refused(store: JobStore) -> None:
    job = await new_job(store)
    with pytest.raises(ValueError, match="mark_result"):
        await store.record_progress(job.id, JobStatus.SUCCEEDED, 100, next_poll_at=T0)
    with pytest.raises(ValueError, match="finished"):
        await store.mark_result(job.id, JobState(status=JobStatus.RUNNING))
    with pytest.raises(JobNotFound):
        await store.get(job.id + 1)
    with pytest.raises(JobNotFound):
        await store.mark_submitted(job.id + 1, a_handle(), next_poll_at=T0)
    with pytest.raises(JobNotFound):
        await store.mark_delivered(job.id + 1, expected=S.DELIVERING)
    with pytest.raises(JobNotFound):
        await store.set_message(job.id + 1, 1, 2)
    with pytest.raises(aiosqlite.IntegrityError):
        await new_job(store, parent_job_id=job.id + 100, grid_index=1)
    assert await store.get(job.id) == job


async def delivering_job(store: JobStore) -> JobRecord:
    job = await new_job(store)
    await store.mark_submitted(job.id, a_handle(), next_poll_at=T0)
    await store.mark_result(job.id, a_result())
    return await store.get(job.id)


async def test_second_delivery_attempt_is_a_no_op(store: JobStore, clock: Clock) -> None:
    job = await delivering_job(store)
    # two pollers that both saw the job in "delivering": the conditional update lets only the first through
    assert await store.mark_delivered(job.id, message_id=1, expected=job.state)
    first = await store.get(job.id)
    clock.now += 30
    assert await store.mark_delivered(job.id, message_id=2, expected=job.state) is False
    assert await store.mark_delivered(job.id, message_id=3) is False
    assert await store.get(job.id) == first
    assert first.message_id == 1


async def test_racing_pollers_on_two_connections_deliver_once(tmp_path: Path) -> None:
    path = tmp_path / "race.sqlite3"
    db_a, db_b = await open_database(path), await open_database(path)
    try:
        store_a, store_b = JobStore(db_a), JobStore(db_b)
        jobs = [await delivering_job(store_a) for _ in range(20)]
        outcomes = await asyncio.gather(
            *(store.mark_delivered(job.id, expected=S.DELIVERING) for job in jobs for store in (store_a, store_b)),
            *(store.mark_delivered(job.id) for job in jobs for store in (store_b, store_a)),
        )
        assert sum(outcomes) == len(jobs)
        assert {(await store_b.get(job.id)).state for job in jobs} == {S.DELIVERED}
    finally:
        await db_a.close()
        await db_b.close()


async def test_a_poll_answer_after_the_result_is_ignored(store: JobStore) -> None:
    job = await delivering_job(store)
    assert await store.record_progress(job.id, JobStatus.RUNNING, 50, next_poll_at=T0 + 1) is False
    assert await store.mark_failed(job.id, "timeout", "too slow", timed_out=True) is False
    assert await store.get(job.id) == job


async def test_due_jobs_oldest_first_with_limit(store: JobStore) -> None:
    due_at = [T0 + 5, T0 + 1, T0 + 3, T0 + 100, T0 + 2, T0 + 4]
    jobs = [await new_job(store, next_poll_at=when) for when in due_at]
    finished = await delivering_job(store)
    await store.mark_delivered(finished.id)

    due = await store.due_jobs(T0 + 5, limit=10)
    assert [job.next_poll_at for job in due] == [T0 + 1, T0 + 2, T0 + 3, T0 + 4, T0 + 5]
    assert jobs[3].id not in {job.id for job in due}
    assert [job.id for job in await store.due_jobs(T0 + 5, limit=2)] == [jobs[1].id, jobs[4].id]
    assert await store.due_jobs(T0, limit=10) == []
    assert await store.next_due_at() == T0 + 1


async def test_claim_due_hands_each_job_out_once_per_lease(store: JobStore) -> None:
    jobs = [await new_job(store, next_poll_at=T0 + n) for n in range(5)]
    first = await store.claim_due(T0 + 10, limit=3, lease_seconds=30)
    assert [job.id for job in first] == [job.id for job in jobs[:3]]
    assert {job.next_poll_at for job in first} == {T0 + 40}
    second = await store.claim_due(T0 + 10, limit=10, lease_seconds=30)
    assert [job.id for job in second] == [job.id for job in jobs[3:]]
    assert await store.claim_due(T0 + 10, limit=10, lease_seconds=30) == []
    # the worker died: the lease runs out and every job is due again
    assert len(await store.claim_due(T0 + 41, limit=10, lease_seconds=30)) == 5


async def test_next_due_at_is_none_when_nothing_is_open(store: JobStore) -> None:
    assert await store.next_due_at() is None
    job = await delivering_job(store)
    assert await store.next_due_at() == job.next_poll_at
    await store.mark_delivered(job.id)
    assert await store.next_due_at() is None


async def test_errors_are_counted_and_reset_by_progress(store: JobStore) -> None:
    job = await new_job(store)
    await store.mark_submitted(job.id, a_handle(), next_poll_at=T0)
    assert await store.record_error(job.id, T0 + 2) == 1
    assert await store.record_error(job.id, T0 + 6) == 2
    errored = await store.get(job.id)
    assert (errored.poll_errors, errored.next_poll_at) == (2, T0 + 6)
    await store.record_progress(job.id, JobStatus.RUNNING, 5, next_poll_at=T0 + 7)
    assert (await store.get(job.id)).poll_errors == 0
    assert await store.reschedule(job.id, T0 + 99)
    assert (await store.get(job.id)).next_poll_at == T0 + 99
    await store.mark_result(job.id, a_result())
    await store.mark_delivered(job.id)
    assert await store.record_error(job.id, T0 + 10) is None
    assert await store.reschedule(job.id, T0 + 10) is False


async def test_open_jobs_resume_after_a_restart(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await open_database(path)
    store = JobStore(db, clock=clock)
    pending = await new_job(store)
    submitted = await new_job(store, provider="midjourney")
    await store.mark_submitted(submitted.id, a_handle("mj-1", "midjourney"), next_poll_at=T0 + 3)
    running = await new_job(store, provider="ngpu")
    await store.mark_submitted(running.id, a_handle("ngpu-1", "ngpu"), next_poll_at=T0)
    await store.record_progress(running.id, JobStatus.RUNNING, 70, next_poll_at=T0 + 2)
    delivering = await delivering_job(store)
    done = await delivering_job(store)
    await store.mark_delivered(done.id)
    before = {job.id: await store.get(job.id) for job in (pending, submitted, running, delivering)}
    await db.close()

    db = await open_database(path)
    try:
        reopened = JobStore(db, clock=clock)
        due = await reopened.due_jobs(T0 + SUBMIT_GRACE_SECONDS, limit=100)
        assert {job.id: job for job in due} == before
        assert [job.state for job in due] == [S.RUNNING, S.SUBMITTED, S.DELIVERING, S.PENDING]
        assert due[2].interaction_token == "secret-interaction-token"
        by_provider = await reopened.open_jobs_by_provider()
        assert {name: [job.id for job in jobs] for name, jobs in by_provider.items()} == {
            "picpik": [delivering.id, pending.id],
            "midjourney": [submitted.id],
            "ngpu": [running.id],
        }
        found = await reopened.find_by_provider_job("midjourney", "mj-1")
        assert found is not None
        assert found.id == submitted.id
        assert await reopened.find_by_provider_job("picpik", "mj-1") is None
    finally:
        await db.close()


async def test_json_columns_round_trip_to_the_provider_models(store: JobStore) -> None:
    request = a_request()
    job = await new_job(store, request=request)
    await store.mark_submitted(job.id, a_handle(), next_poll_at=T0)
    await store.mark_result(job.id, a_result())
    stored = await store.get(job.id)
    assert stored.request_as(ImagineRequest) == request
    assert stored.handle == a_handle()
    assert stored.handle is not None
    assert stored.handle.meta["profile"] == {"steps": 20}
    assert stored.result == a_result()
    blend = await new_job(store, kind=JobKind.BLEND, request={"urls": ["http://x/1.png"], "dimensions": "2:3"})
    assert blend.request_json is not None
    assert '"dimensions":"2:3"' in blend.request_json


async def test_follow_ups_and_owner_history(store: JobStore, clock: Clock) -> None:
    parent = await new_job(store)
    children = []
    for index in (2, 3):
        clock.now += 1
        children.append(await new_job(store, kind=JobKind.UPSCALE, parent_job_id=parent.id, grid_index=index))
    clock.now += 1
    other = await new_job(store, owner_id=7)
    assert [(job.id, job.grid_index) for job in await store.children(parent.id)] == [
        (children[0].id, 2),
        (children[1].id, 3),
    ]
    assert await store.children(other.id) == []
    history = await store.jobs_for_owner(111_111_111_111_111_111, limit=2)
    assert [job.id for job in history] == [children[1].id, children[0].id]
    assert [job.id for job in await store.jobs_for_owner(7, limit=10)] == [other.id]


async def test_token_usable_until_it_expires(store: JobStore) -> None:
    job = await new_job(store)
    assert job.token_usable(T0 + 899)
    assert not job.token_usable(T0 + 900)
    assert not (await new_job(store, interaction_token=None)).token_usable(T0)


async def _plan(db: aiosqlite.Connection, sql: str) -> str:
    async with db.execute(f"EXPLAIN QUERY PLAN {sql}") as cursor:
        return " | ".join(str(row[3]) for row in await cursor.fetchall())


async def test_queries_use_their_indexes_with_many_finished_jobs(
    store: JobStore, db: aiosqlite.Connection, clock: Clock
) -> None:
    # 500 open jobs through the store, 10,000 finished ones written in bulk (the store would take seconds)
    for n in range(500):
        await new_job(store, owner_id=n % 50, next_poll_at=T0 + n)
    finished = [("imagine", "delivered", n % 50, 1, "picpik", f"t{n}", T0, T0, T0) for n in range(10_000)]
    await db.execute("BEGIN")
    await db.executemany(
        "INSERT INTO jobs (kind, state, owner_id, channel_id, provider, provider_job_id, created_at, updated_at,"
        " delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        finished,
    )
    await db.commit()
    open_count = sum(len(jobs) for jobs in (await store.open_jobs_by_provider()).values())
    assert open_count == 500

    statements: list[str] = []
    await db.set_trace_callback(statements.append)
    due = await store.due_jobs(T0 + 10_000, limit=1000)
    await store.next_due_at()
    await store.claim_due(T0 + 1, limit=10, lease_seconds=30)
    await store.jobs_for_owner(3, limit=20)
    await store.find_by_provider_job("picpik", "t1")
    await store.children(1)
    await db.set_trace_callback(None)
    assert len(due) == 500
    assert all(job.state is S.PENDING for job in due)

    due_sql, next_sql, claim_sql, owner_sql, provider_sql, children_sql = statements
    due_plan = await _plan(db, due_sql)
    assert "USING INDEX jobs_open_by_due" in due_plan
    assert "TEMP B-TREE" not in due_plan  # already in due order: no sort of the matches
    assert "USING INDEX jobs_open_by_due" in await _plan(db, next_sql)
    assert "USING INDEX jobs_open_by_due" in await _plan(db, claim_sql)
    assert "USING INDEX jobs_by_owner" in await _plan(db, owner_sql)
    assert "USING INDEX jobs_by_provider_job" in await _plan(db, provider_sql)
    assert "USING INDEX jobs_by_parent" in await _plan(db, children_sql)


async def test_partial_index_lists_exactly_the_open_states(db: aiosqlite.Connection) -> None:
    async with db.execute("SELECT sql FROM sqlite_master WHERE name = 'jobs_open_by_due'") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    listed = ", ".join(f"'{state.value}'" for state in OPEN_STATES)
    assert f"state IN ({listed})" in " ".join(row[0].split())


class CountingBox(SecretBox):
    """A real box that counts how often it opens a token."""

    def __init__(self) -> None:
        super().__init__([Fernet.generate_key()])
        self.opened = 0

    def open(self, sealed: str) -> str:
        self.opened += 1
        return super().open(sealed)


async def test_an_open_jobs_token_is_opened_once_however_often_its_row_is_read(
    db: aiosqlite.Connection, clock: Clock
) -> None:
    box = CountingBox()
    store = JobStore(db, clock=clock, box=box)
    job = await new_job(store, interaction_token="the-token")
    for _ in range(5):
        assert (await store.get(job.id)).interaction_token == "the-token"
    claimed = await store.claim_due(T0 + SUBMIT_GRACE_SECONDS + 1, 10, 60)
    assert [record.interaction_token for record in claimed] == ["the-token"]
    assert box.opened == 1
    # the database holds it sealed all the same
    async with db.execute("SELECT interaction_token FROM jobs WHERE id = ?", (job.id,)) as cursor:
        (stored,) = await cursor.fetchone()  # type: ignore[misc]
    assert stored != "the-token" and "the-token" not in stored
    # a second store (another process) opens it itself
    assert (await JobStore(db, clock=clock, box=box).get(job.id)).interaction_token == "the-token"
    assert box.opened == 2


async def test_progress_of_a_whole_poll_round_is_written_at_once_each_job_by_its_own_rules(
    store: JobStore, clock: Clock
) -> None:
    jobs = [await new_job(store) for _ in range(5)]
    for number, job in enumerate(jobs):
        assert await store.mark_submitted(job.id, a_handle(f"task-{number}"), next_poll_at=T0 + 10)
    assert await store.record_progress(jobs[1].id, JobStatus.RUNNING, 30.0, next_poll_at=T0 + 10)
    assert await store.mark_result(jobs[3].id, a_result())  # finished meanwhile: its answer below is stale
    errors_before = await store.record_error(jobs[4].id, T0 + 10)
    assert errors_before == 1
    clock.now += 2
    changed = await store.record_progress_many(
        [
            ProgressUpdate(jobs[0].id, S.SUBMITTED, JobStatus.RUNNING, 12.5, T0 + 21),  # starts running
            ProgressUpdate(jobs[1].id, S.RUNNING, JobStatus.RUNNING, None, T0 + 22),  # no percentage: kept
            ProgressUpdate(jobs[2].id, S.RUNNING, JobStatus.RUNNING, 50.0, T0 + 23),  # not running: state differs
            ProgressUpdate(jobs[3].id, S.RUNNING, JobStatus.RUNNING, 99.0, T0 + 24),  # already past
            ProgressUpdate(jobs[4].id, S.SUBMITTED, JobStatus.QUEUED, None, T0 + 25),  # still queued
        ]
    )
    assert changed == {jobs[0].id, jobs[1].id, jobs[4].id}
    after = {job.id: await store.get(job.id) for job in jobs}
    assert (after[jobs[0].id].state, after[jobs[0].id].progress, after[jobs[0].id].next_poll_at) == (
        S.RUNNING, 12.5, T0 + 21
    )
    assert (after[jobs[1].id].state, after[jobs[1].id].progress, after[jobs[1].id].next_poll_at) == (
        S.RUNNING, 30.0, T0 + 22
    )
    assert (after[jobs[2].id].state, after[jobs[2].id].next_poll_at) == (S.SUBMITTED, T0 + 10)
    assert after[jobs[3].id].state is S.DELIVERING
    assert (after[jobs[4].id].state, after[jobs[4].id].poll_errors) == (S.SUBMITTED, 0)
    assert after[jobs[0].id].updated_at == clock.now
    with pytest.raises(ValueError, match="mark_result"):
        await store.record_progress_many([ProgressUpdate(jobs[0].id, S.RUNNING, JobStatus.SUCCEEDED, 100, T0)])


async def test_progress_for_more_jobs_than_one_statement_takes(store: JobStore) -> None:
    jobs = [await new_job(store) for _ in range(_MAX_IDS_PER_STATEMENT + 3)]
    for job in jobs:
        assert await store.mark_submitted(job.id, a_handle(f"task-{job.id}"), next_poll_at=T0 + 10)
    updates = [ProgressUpdate(job.id, S.SUBMITTED, JobStatus.RUNNING, float(job.id % 100), T0 + 30) for job in jobs]
    assert await store.record_progress_many(updates) == {job.id for job in jobs}
    assert {(await store.get(job.id)).progress for job in jobs[-3:]} == {float(job.id % 100) for job in jobs[-3:]}
