"""``JobStore.record_observation``: what a job follower has seen of an open job, kept in the row until the finished
observation replaces it (an app action's states across a restart of the bot)."""

from providers.core.models import JobState, JobStatus
from storage.jobs import JobStore
from storage.lifecycle import LifecycleState
from tests.storage.test_jobs import T0, a_handle, a_result, clock, db, new_job, store  # noqa: F401


async def test_an_observation_is_kept_on_an_open_job_without_moving_it(store: JobStore) -> None:  # noqa: F811
    job = await new_job(store)
    assert await store.mark_submitted(job.id, a_handle(), next_poll_at=T0 + 10)
    assert await store.record_progress(job.id, JobStatus.RUNNING, None, next_poll_at=T0 + 20)
    seen = JobState(status=JobStatus.RUNNING, raw_status='{"apps":{"app-1":9},"moved":["app-1"]}')

    assert await store.record_observation(job.id, seen)

    running = await store.get(job.id)
    assert (running.state, running.next_poll_at, running.result) == (LifecycleState.RUNNING, T0 + 20, seen)
    # the finished observation takes its place, and a finished job takes no more
    assert await store.mark_result(job.id, a_result())
    assert (await store.get(job.id)).result == a_result()
    assert await store.mark_delivered(job.id)
    assert not await store.record_observation(job.id, seen)
    assert (await store.get(job.id)).result == a_result()
