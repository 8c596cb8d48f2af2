"""One poll round of Picpik tasks: ``ListTasksDetails`` for many TaskUIDs per call, and what to do when a reply
cannot be read as a whole (over the 32 MiB cap, not JSON, not the documented shape) or the call is refused as a whole.

* A batch whose reply cannot be read is asked for again in halves, down to the one task whose own answer is
  unreadable: only that task fails, and later rounds ask it alone (a *suspect*) so that it does not spoil the batch
  of every healthy task polled with it.
* When both halves of a batch cannot be read as a whole, the service answers garbage, not one task: the batch is
  not split further and each of its tasks gets that one unreadable poll, as if the bot had never split (the poller
  fails a job after ``MAX_UNREADABLE_POLLS`` in a row). An outage costs three calls a batch, not two per task.
* A batch refused as a whole (a non-zero RetCode that may be about the ids: an unknown or expired id, too many ids;
  ``batch_limit.is_refusal_of_the_list``) never fails the jobs in it. A refusal naming a limit smaller than the batch
  lowers the ids per call for the process (``batch_limit``) and the batch is asked again in calls of that size.
  Any other is narrowed down in halves like an unreadable reply, to the id it is about; the healthy halves are
  answered. Unlike garbage, both halves refused is no sign of an outage (two bad ids, one in each half): both are
  narrowed down, within the cap below. An id refused alone becomes a suspect; its job gets ``TaskRefused`` (kept
  QUEUED until its own deadline, as an id Picpik does not list at all is) and the refusal is reported as an unknown
  value (``providers.core.unknown_values``).
* The calls beyond one per batch (halves, suspects asked alone) are capped per round: a poll is a read, but the
  service's rate limit is shared with the submits. The suspects the cap leaves over are asked together, as one
  more batch that is not split.

A round where nothing goes wrong costs one call per batch.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from providers.core.errors import DecodeError, ProviderError
from providers.core.unknown_values import report_unknown
from providers.picpik.batch_limit import is_refusal_of_the_list, limit_named
from providers.picpik.models import TaskDetail

log = logging.getLogger(__name__)

#: calls a round may make beyond one per batch: enough to narrow one unreadable task down among 50 (2·log2 50 ≈ 12)
EXTRA_CALLS_PER_ROUND = 16
#: suspects remembered: a few are failing at any time; the bound keeps memory flat
MAX_SUSPECTS = 256

#: one ``ListTasksDetails`` call: a malformed entry is that task's ``DecodeError``; an unreadable reply raises it
AskDetails = Callable[[list[str]], Awaitable[dict[str, TaskDetail | DecodeError]]]


@dataclass(frozen=True)
class TaskRefused:
    """Picpik refused a ``ListTasksDetails`` call naming this one task (alone, or in a batch that could not be
    narrowed further this round). Not an error on purpose: the job is kept open (QUEUED) until its own deadline.

    One refusal cannot tell an expired id from one Picpik has not registered yet (a task asked for just after
    ``GenerateImages`` answered, the member already billed) or from a passing fault of the service, and no document
    says what an unknown or expired id does to the call. An id Picpik leaves out of the list is read the same way
    (still queued), so the two readings of one fact agree; the job's deadline ends a task that is really gone."""

    task_uid: str
    refusal: ProviderError


#: the field under which a refusal of one id is counted as an unknown value (its RetCode is the value)
REFUSED_ALONE_FIELD = "ListTasksDetails refusal of one TaskUID"

Details = dict[str, TaskDetail | TaskRefused | ProviderError]


@dataclass(frozen=True)
class Refused:
    """A call refused as a whole in a way that may be about one of its ids."""

    error: ProviderError


class Suspects:
    """Tasks whose own answer could not be read lately, least recently asked first, at most ``MAX_SUSPECTS``."""

    def __init__(self) -> None:
        self._ids: dict[str, None] = {}

    def __contains__(self, task_uid: object) -> bool:
        return task_uid in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def among(self, task_uids: Sequence[str]) -> list[str]:
        """The suspects among ``task_uids``, least recently asked first."""
        wanted = set(task_uids)
        return [task_uid for task_uid in self._ids if task_uid in wanted]

    def note(self, task_uid: str) -> None:
        """Still (or newly) unreadable: to the back of the line."""
        self._ids.pop(task_uid, None)
        self._ids[task_uid] = None
        while len(self._ids) > MAX_SUSPECTS:
            del self._ids[next(iter(self._ids))]  # the oldest: a job long failed or finished

    def clear(self, task_uid: str) -> None:
        """Readable again: back into the batches."""
        self._ids.pop(task_uid, None)


Answer = Details | DecodeError | Refused


class PollRound:
    """The calls of one round (use once): ``run`` answers every task with its details or an error.

    ``on_limit`` is told the limit a refusal named (``batch_limit.learn_limit``), before the batch is asked again in
    calls of that size."""

    def __init__(
        self,
        ask: AskDetails,
        suspects: Suspects,
        *,
        batch_size: int,
        on_limit: Callable[[int], None] | None = None,
    ) -> None:
        self._ask_details = ask
        self._suspects = suspects
        self._batch_size = batch_size
        self._on_limit = on_limit
        self._extra_left = EXTRA_CALLS_PER_ROUND

    async def run(self, task_uids: Sequence[str]) -> Details:
        suspects = self._suspects.among(task_uids)
        regular = [task_uid for task_uid in task_uids if task_uid not in self._suspects]
        details: Details = {}
        while regular:
            batch, regular = regular[: self._batch_size], regular[self._batch_size :]
            answer = await self._ask(batch)
            limit = limit_named(answer.error, len(batch)) if isinstance(answer, Refused) else None
            if limit is not None:
                # the batch was too large, not wrong: everything left is asked again in calls of the named size
                # (the size only ever shrinks, so this ends)
                self._batch_size = limit
                if self._on_limit is not None:
                    self._on_limit(limit)
                regular = batch + regular
                continue
            details.update(await self._resolved(batch, answer))
        # the suspects after the batches: narrowing a batch down protects many healthy tasks, a suspect only itself
        alone = suspects if len(suspects) <= self._extra_left else suspects[: max(self._extra_left - 1, 0)]
        for task_uid in alone:
            self._extra_left -= 1
            details.update(await self._resolved([task_uid], await self._ask([task_uid])))
        left_over = suspects[len(alone) :]
        if left_over:
            answer = await self._ask(left_over)
            details.update(self._each(left_over, answer) if isinstance(answer, DecodeError | Refused) else answer)
        return details

    async def _ask(self, task_uids: list[str]) -> Answer:
        """One call: the tasks' details, the ``DecodeError`` of a reply unreadable as a whole, or the ``Refused``
        refusal of the call as a whole. Any other error is every task's. A task asked alone becomes, or stops
        being, a suspect."""
        try:
            details: Details = dict(await self._ask_details(task_uids))
        except DecodeError as error:
            if len(task_uids) == 1:
                self._suspects.note(task_uids[0])
            return error
        except ProviderError as error:
            if not is_refusal_of_the_list(error):
                return dict.fromkeys(task_uids, error)
            if len(task_uids) == 1:
                self._suspects.note(task_uids[0])
            return Refused(error)
        if len(task_uids) == 1:
            self._suspects.clear(task_uids[0])
        elif len(task_uids) == len(self._suspects.among(task_uids)):
            for task_uid in task_uids:  # the left-over suspects, readable together: each is readable again
                self._suspects.clear(task_uid)
        return details

    async def _resolved(self, task_uids: list[str], answer: Answer) -> Details:
        return await self._narrowed(task_uids, answer) if isinstance(answer, DecodeError | Refused) else answer

    @staticmethod
    def _each(task_uids: list[str], problem: DecodeError | Refused) -> Details:
        """One unreadable poll for each task, or each kept open as refused."""
        if isinstance(problem, DecodeError):
            return dict.fromkeys(task_uids, problem)
        return {task_uid: TaskRefused(task_uid, problem.error) for task_uid in task_uids}

    async def _narrowed(self, task_uids: list[str], problem: DecodeError | Refused) -> Details:
        """The tasks of an unreadable or refused reply asked for again in halves, one half after the other."""
        if len(task_uids) == 1:
            if isinstance(problem, Refused):
                log.info("picpik: ListTasksDetails refused task %s alone: %s", task_uids[0], problem.error)
                # the value is the RetCode, never the id (a new value per task) nor the message (it may echo the id)
                report_unknown("picpik", REFUSED_ALONE_FIELD, f"RetCode {problem.error.code}")
            return self._each(task_uids, problem)
        if self._extra_left < 2:
            return self._each(task_uids, problem)  # no calls left this round: unreadable once, or kept open
        self._extra_left -= 2
        middle = len(task_uids) // 2
        halves = (task_uids[:middle], task_uids[middle:])
        answers = [await self._ask(half) for half in halves]
        if all(isinstance(answer, DecodeError) for answer in answers):
            log.warning("picpik: no reply about %d tasks could be read, in halves either (%s)", len(task_uids), problem)
            return self._each(task_uids, problem)
        what = "were refused" if isinstance(problem, Refused) else "could not be read"
        reason = problem.error if isinstance(problem, Refused) else problem
        log.info("picpik: the details of %d tasks %s (%s); asked in halves", len(task_uids), what, reason)
        details: Details = {}
        for half, answer in zip(halves, answers, strict=True):
            details.update(await self._resolved(half, answer))
        return details
