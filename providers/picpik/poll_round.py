"""One poll round of Picpik tasks: ``ListTasksDetails`` for many TaskUIDs per call, and what to do when a reply
cannot be read as a whole (over the 32 MiB cap, not JSON, not the documented shape).

* A batch whose reply cannot be read is asked for again in halves, down to the one task whose own answer is
  unreadable: only that task fails, and later rounds ask it alone (a *suspect*) so that it does not spoil the batch
  of every healthy task polled with it.
* When both halves of a batch cannot be read as a whole, the service answers garbage, not one task: the batch is
  not split further and each of its tasks gets that one unreadable poll, as if the bot had never split (the poller
  fails a job after ``MAX_UNREADABLE_POLLS`` in a row). An outage costs three calls a batch, not two per task.
* The calls beyond one per batch (halves, suspects asked alone) are capped per round: a poll is a read, but the
  service's rate limit is shared with the submits. The suspects the cap leaves over are asked together, as one
  more batch that is not split.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from providers.core.errors import DecodeError, ProviderError
from providers.picpik.models import TaskDetail

log = logging.getLogger(__name__)

#: calls a round may make beyond one per batch: enough to narrow one unreadable task down among 50 (2·log2 50 ≈ 12)
EXTRA_CALLS_PER_ROUND = 16
#: suspects remembered: a few are failing at any time; the bound keeps memory flat
MAX_SUSPECTS = 256

Details = dict[str, TaskDetail | ProviderError]
#: one ``ListTasksDetails`` call: a malformed entry is that task's ``DecodeError``; an unreadable reply raises it
AskDetails = Callable[[list[str]], Awaitable[dict[str, TaskDetail | DecodeError]]]


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


class PollRound:
    """The calls of one round (use once): ``run`` answers every task with its details or an error."""

    def __init__(self, ask: AskDetails, suspects: Suspects, *, batch_size: int) -> None:
        self._ask_details = ask
        self._suspects = suspects
        self._batch_size = batch_size
        self._extra_left = EXTRA_CALLS_PER_ROUND

    async def run(self, task_uids: Sequence[str]) -> Details:
        suspects = self._suspects.among(task_uids)
        regular = [task_uid for task_uid in task_uids if task_uid not in self._suspects]
        details: Details = {}
        for start in range(0, len(regular), self._batch_size):
            batch = regular[start : start + self._batch_size]
            answer = await self._ask(batch)
            details.update(await self._narrowed(batch, answer) if isinstance(answer, DecodeError) else answer)
        # the suspects after the batches: narrowing a batch down protects many healthy tasks, a suspect only itself
        alone = suspects if len(suspects) <= self._extra_left else suspects[: max(self._extra_left - 1, 0)]
        for task_uid in alone:
            self._extra_left -= 1
            answer = await self._ask([task_uid])
            details.update({task_uid: answer} if isinstance(answer, DecodeError) else answer)
        left_over = suspects[len(alone) :]
        if left_over:
            answer = await self._ask(left_over)
            details.update(dict.fromkeys(left_over, answer) if isinstance(answer, DecodeError) else answer)
        return details

    async def _ask(self, task_uids: list[str]) -> Details | DecodeError:
        """One call: the tasks' details, or the ``DecodeError`` of a reply unreadable as a whole. Any other error is
        every task's. A task asked alone becomes, or stops being, a suspect."""
        try:
            details: Details = dict(await self._ask_details(task_uids))
        except DecodeError as error:
            if len(task_uids) == 1:
                self._suspects.note(task_uids[0])
            return error
        except ProviderError as error:
            return dict.fromkeys(task_uids, error)
        if len(task_uids) == 1:
            self._suspects.clear(task_uids[0])
        elif len(task_uids) == len(self._suspects.among(task_uids)):
            for task_uid in task_uids:  # the left-over suspects, readable together: each is readable again
                self._suspects.clear(task_uid)
        return details

    async def _narrowed(self, task_uids: list[str], error: DecodeError) -> Details:
        """The tasks of an unreadable reply asked for again in halves, one half after the other."""
        if len(task_uids) == 1:
            return {task_uids[0]: error}
        if self._extra_left < 2:
            return dict.fromkeys(task_uids, error)  # no calls left this round: one unreadable poll for each
        self._extra_left -= 2
        middle = len(task_uids) // 2
        halves = (task_uids[:middle], task_uids[middle:])
        answers = [await self._ask(half) for half in halves]
        if all(isinstance(answer, DecodeError) for answer in answers):
            log.warning("picpik: no reply about %d tasks could be read, in halves either (%s)", len(task_uids), error)
            return dict.fromkeys(task_uids, error)
        log.info("picpik: the details of %d tasks could not be read (%s); asked in halves", len(task_uids), error)
        details: Details = {}
        for half, answer in zip(halves, answers, strict=True):
            details.update(await self._narrowed(half, answer) if isinstance(answer, DecodeError) else answer)
        return details
