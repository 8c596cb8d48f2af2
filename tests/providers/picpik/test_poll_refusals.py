"""A ``ListTasksDetails`` call refused as a whole (RetCode non-zero) against a service whose refusals are chosen per
task and per size: the round narrows a refusal down to the id it is about, never fails the healthy jobs polled with
it, learns a limit the refusal names, and keeps an error about the call itself (keys, rate) every task's, unsplit."""

from __future__ import annotations

import logging

import pytest

from providers.core.errors import (
    AuthenticationError,
    DecodeError,
    ErrorKind,
    InvalidInputError,
    NotFoundError,
    ProviderError,
    RateLimitedError,
)
from providers.core.unknown_values import UnknownValue, forget_unknown_values, unknown_value_counts
from providers.picpik.batch_limit import forget_learned_limits, ids_per_call, learn_limit, limit_named
from providers.picpik.codes import error_for_retcode
from providers.picpik.models import TaskDetail
from providers.picpik.poll_round import EXTRA_CALLS_PER_ROUND, REFUSED_ALONE_FIELD, PollRound, Suspects, TaskRefused


class Service:
    """``ListTasksDetails`` that refuses a call naming a ``gone`` task, or carrying more than ``limit`` ids."""

    def __init__(self, gone: set[str] = frozenset(), *, limit: int | None = None, limit_text: str = "") -> None:
        self.gone = set(gone)
        self.limit = limit
        self.limit_text = limit_text or f"Params [TaskUIDList] not available: at most {limit} ids per call"
        self.calls: list[list[str]] = []

    async def ask(self, task_uids: list[str]) -> dict[str, TaskDetail | DecodeError]:
        self.calls.append(list(task_uids))
        if self.limit is not None and len(task_uids) > self.limit:
            raise error_for_retcode(230, self.limit_text)
        gone = next((uid for uid in task_uids if uid in self.gone), None)
        if gone is not None:
            raise error_for_retcode(240, f"Task [{gone}] not found")
        return {uid: TaskDetail(TaskUID=uid, Status="Processing") for uid in task_uids}


def _uids(count: int) -> list[str]:
    return [f"task-{n:03}" for n in range(count)]


async def _round(service: Service, suspects: Suspects, uids: list[str], batch: int = 50, **kwargs: object) -> dict:
    service.calls.clear()
    return dict(await PollRound(service.ask, suspects, batch_size=batch, **kwargs).run(uids))  # type: ignore[arg-type]


def _refused(details: dict) -> set[str]:
    return {uid for uid, detail in details.items() if isinstance(detail, TaskRefused)}


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    forget_learned_limits()
    forget_unknown_values()


async def test_one_refused_id_among_many_is_narrowed_down_and_fails_no_other_job() -> None:
    uids = _uids(50)
    service, suspects = Service({uids[21]}), Suspects()
    details = await _round(service, suspects, uids)
    assert _refused(details) == {uids[21]}
    assert all(isinstance(details[uid], TaskDetail) for uid in uids if uid != uids[21])
    assert len(service.calls) <= 1 + EXTRA_CALLS_PER_ROUND
    refusal = details[uids[21]]
    # the conservative reading: no error at all (the job is kept open until its deadline), the refusal kept and
    # reported as an unknown value by its RetCode, never by the id
    assert not isinstance(refusal, ProviderError)
    assert isinstance(refusal, TaskRefused) and refusal.task_uid == uids[21]
    assert refusal.refusal.kind is ErrorKind.NOT_FOUND and "Task [task-021] not found" in refusal.refusal.user_message
    assert unknown_value_counts() == {UnknownValue("picpik", REFUSED_ALONE_FIELD, "RetCode 240"): 1}
    # from now on it is asked alone, and the others' call is accepted at once
    details = await _round(service, suspects, uids)
    assert sorted(map(len, service.calls)) == [1, 49]
    assert _refused(details) == {uids[21]}


async def test_two_refused_ids_in_different_halves_are_both_found() -> None:
    uids = _uids(50)
    gone = {uids[3], uids[40]}
    service, suspects = Service(gone), Suspects()
    strikes = dict.fromkeys(uids, 0)
    for _ in range(3):
        details = await _round(service, suspects, uids)
        for uid, detail in details.items():
            strikes[uid] += isinstance(detail, ProviderError)
    assert _refused(details) == gone
    assert set(suspects.among(uids)) == gone
    # a refusal is no error for any job, refused or healthy
    assert all(strikes[uid] == 0 for uid in uids), strikes


async def test_a_refusal_that_names_a_limit_lowers_the_ids_per_call() -> None:
    uids = _uids(50)
    service, learned = Service(limit=20), []
    details = await _round(service, Suspects(), uids, on_limit=learned.append)
    assert all(isinstance(detail, TaskDetail) for detail in details.values())
    assert [len(call) for call in service.calls] == [50, 20, 20, 10]
    assert learned == [20]


async def test_a_limit_worded_as_a_length_is_learned_too() -> None:
    uids = _uids(30)
    service, learned = Service(limit=7, limit_text="TaskUIDList length exceeds 7"), []
    details = await _round(service, Suspects(), uids, batch=30, on_limit=learned.append)
    assert all(isinstance(detail, TaskDetail) for detail in details.values())
    assert learned == [7]
    assert [len(call) for call in service.calls] == [30, 7, 7, 7, 7, 2]


async def test_a_refusal_naming_no_limit_is_narrowed_without_learning_one() -> None:
    uids = _uids(40)
    service, learned = Service(limit=25, limit_text="too many"), []
    details = await _round(service, Suspects(), uids, on_limit=learned.append)
    assert all(isinstance(detail, TaskDetail) for detail in details.values())
    assert learned == [] and [len(call) for call in service.calls] == [40, 20, 20]


@pytest.mark.parametrize(
    "error",
    [
        AuthenticationError("Picpik refused the keys", provider="picpik", code=171),
        RateLimitedError("too frequent", provider="picpik", code=180),
    ],
)
async def test_an_error_about_the_call_itself_is_every_tasks_and_not_split(error: ProviderError) -> None:
    calls: list[list[str]] = []

    async def ask(task_uids: list[str]) -> dict[str, TaskDetail | DecodeError]:
        calls.append(task_uids)
        raise error

    details = await PollRound(ask, Suspects(), batch_size=50).run(_uids(10))
    assert all(detail is error for detail in details.values())
    assert len(calls) == 1


async def test_a_refused_id_that_is_accepted_again_goes_back_into_the_batch() -> None:
    uids = _uids(6)
    service, suspects = Service({uids[2]}), Suspects()
    await _round(service, suspects, uids)
    service.gone.clear()
    assert all(isinstance(d, TaskDetail) for d in (await _round(service, suspects, uids)).values())
    assert sorted(map(len, service.calls)) == [1, 5]
    await _round(service, suspects, uids)
    assert service.calls == [uids]


async def test_a_refusal_of_one_id_asked_alone_keeps_the_refusal_s_kind() -> None:
    service = Service({"only"})
    (refusal,) = (await _round(service, Suspects(), ["only"])).values()
    assert isinstance(refusal, TaskRefused) and isinstance(refusal.refusal, NotFoundError)
    assert service.calls == [["only"]]


@pytest.mark.parametrize(
    ("message", "asked", "expected"),
    [
        ("Params [TaskUIDList] not available: at most 20 ids per call", 50, 20),
        ("TaskUIDList length exceeds 20", 50, 20),
        ("TaskUIDList size must be at most 20", 50, 20),
        ("max 20 TaskUIDs", 50, 20),
        ("TaskUIDList 最多20个", 50, 20),
        ("任务数量不能超过20", 50, 20),
        ("at most 20 ids per call", 20, None),  # not smaller than the call: not what refused it
        ("Params [TaskUIDList] not available: task abc expired more than 24 hours ago", 50, None),
        ("Task [c123] not found", 50, None),
        ("up to 20", 50, None),  # a number that says nothing about ids
    ],
)
def test_the_limit_a_refusal_names(message: str, asked: int, expected: int | None) -> None:
    assert limit_named(error_for_retcode(230, message), asked) == expected


def test_only_a_refusal_of_the_list_can_name_a_limit() -> None:
    assert limit_named(error_for_retcode(180, "at most 20 ids per second"), 50) is None
    assert limit_named(InvalidInputError("at most 20 ids", provider="picpik"), 50) == 20


def test_a_learned_limit_holds_for_the_process_per_host_and_is_said_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="providers.picpik.batch_limit")
    assert ids_per_call("https://a", 50) == 50
    learn_limit("https://a", 20)
    learn_limit("https://a", 30)  # a larger one never raises it again
    learn_limit("https://a", 20)
    assert ids_per_call("https://a", 50) == 20 and ids_per_call("https://a", 10) == 10
    assert ids_per_call("https://b", 50) == 50
    assert [record.getMessage() for record in caplog.records if "PICPIK_TASK_IDS_PER_CALL=20" in record.getMessage()]
    assert len(caplog.records) == 1
