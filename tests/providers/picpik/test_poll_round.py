"""The calls of one Picpik poll round against a service whose unreadable replies are chosen per task: narrowing a
batch down by halves, giving up when both halves are unreadable, the cap on calls beyond one per batch, and the
suspects (tasks asked alone) taking turns when there are more than the cap allows."""

from __future__ import annotations

import pytest

from providers.core.errors import DecodeError
from providers.picpik.models import TaskDetail
from providers.picpik.poll_round import EXTRA_CALLS_PER_ROUND, MAX_SUSPECTS, PollRound, Suspects


class Service:
    """``ListTasksDetails`` whose reply cannot be read when it names a broken task."""

    def __init__(self, broken: set[str]) -> None:
        self.broken = broken
        self.calls: list[list[str]] = []

    async def ask(self, task_uids: list[str]) -> dict[str, TaskDetail | DecodeError]:
        self.calls.append(list(task_uids))
        if self.broken & set(task_uids):
            raise DecodeError("over the size cap", provider="picpik")
        return {uid: TaskDetail(TaskUID=uid, Status="Running") for uid in task_uids}


def _uids(count: int) -> list[str]:
    return [f"task-{n:03}" for n in range(count)]


async def _round(service: Service, suspects: Suspects, uids: list[str], batch: int = 50) -> dict[str, object]:
    service.calls.clear()
    return dict(await PollRound(service.ask, suspects, batch_size=batch).run(uids))


async def test_one_broken_task_is_narrowed_down_and_then_asked_alone() -> None:
    uids = _uids(50)
    service, suspects = Service({uids[37]}), Suspects()
    details = await _round(service, suspects, uids)
    assert [uid for uid, detail in details.items() if isinstance(detail, DecodeError)] == [uids[37]]
    assert len(details) == 50 and list(suspects.among(uids)) == [uids[37]]
    assert len(service.calls) <= 1 + EXTRA_CALLS_PER_ROUND
    details = await _round(service, suspects, uids)
    assert sorted(map(len, service.calls)) == [1, 49]


async def test_both_halves_unreadable_fails_the_batch_once_without_splitting_further() -> None:
    uids = _uids(100)
    # one broken task in each half of the first batch; the second batch is healthy and still answered
    service, suspects = Service({uids[3], uids[40]}), Suspects()
    details = await _round(service, suspects, uids)
    assert [len(call) for call in service.calls] == [50, 25, 25, 50]
    assert all(isinstance(details[uid], DecodeError) for uid in uids[:50])
    assert all(isinstance(details[uid], TaskDetail) for uid in uids[50:])
    assert len(suspects) == 0


async def test_calls_beyond_one_per_batch_are_capped_per_round() -> None:
    uids = _uids(200)
    broken = {uids[7], uids[57], uids[107], uids[157]}  # one in each batch: narrowing all four needs ~48 calls
    service, suspects = Service(broken), Suspects()
    costs = []
    for _ in range(5):
        details = await _round(service, suspects, uids)
        assert len(details) == 200
        costs.append(len(service.calls))
    # 4 batches, the cap, the left-over suspects asked together; the cap carries the narrowing over a few rounds
    assert max(costs) <= 4 + EXTRA_CALLS_PER_ROUND + 1, costs
    assert set(suspects.among(uids)) == broken
    assert {uid for uid, detail in details.items() if isinstance(detail, DecodeError)} == broken
    assert costs[-1] == 4 + 4  # settled: the healthy tasks in 4 batches, the broken ones alone


async def test_suspects_over_the_cap_take_turns_alone() -> None:
    uids = _uids(EXTRA_CALLS_PER_ROUND + 10)
    suspects = Suspects()
    for uid in uids:
        suspects.note(uid)
    healthy = uids[-1]  # the most recently asked: its turn to be asked alone comes last
    service = Service(set(uids) - {healthy})
    asked_alone: set[str] = set()
    for _ in range(3):
        details = await _round(service, suspects, uids)
        assert all(isinstance(details[uid], DecodeError) for uid in uids if uid != healthy)
        assert len(service.calls) <= EXTRA_CALLS_PER_ROUND
        asked_alone |= {call[0] for call in service.calls if len(call) == 1}
        if isinstance(details[healthy], TaskDetail):
            break
    assert isinstance(details[healthy], TaskDetail) and healthy not in suspects
    assert asked_alone == set(uids)


async def test_the_left_over_suspects_readable_together_leave_the_suspects() -> None:
    uids = _uids(EXTRA_CALLS_PER_ROUND + 4)
    suspects = Suspects()
    for uid in uids:
        suspects.note(uid)
    service = Service(set())
    await _round(service, suspects, uids)
    assert [len(call) for call in service.calls] == [1] * (EXTRA_CALLS_PER_ROUND - 1) + [5]
    assert len(suspects) == 0


@pytest.mark.parametrize("extra", [1, 10])
def test_suspects_are_bounded(extra: int) -> None:
    suspects = Suspects()
    for uid in _uids(MAX_SUSPECTS + extra):
        suspects.note(uid)
    assert len(suspects) == MAX_SUSPECTS and "task-000" not in suspects
