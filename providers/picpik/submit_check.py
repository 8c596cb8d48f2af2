"""Finding the task that a timed-out billed submit created, before calling its outcome unknown.

A ``GenerateImages`` or ``DescribeImages`` call that times out may or may not have created a task, and it is
never sent again (it could be billed twice). Picpik lists the account's unfinished tasks (``ListRunningTasks``),
so the provider asks it just before each billed submit and again after a timeout. One new task, of the same
action, that no other submit of this provider can have made, is the one whose answer was lost: the job follows
it. Anything else (no new task, several, another submit still unanswered or already lost in the meantime, a
list that cannot be had) stays "outcome unknown", as before. Nothing is ever sent twice.

Inference (the documents only say ``ListRunningTasks → TaskUIDList[]``): it lists every unfinished task of the
key pair, queued ones included. What this cannot see: a task that finished before the check (reported as
unknown), and a task started with the same keys outside this bot in the same seconds, which could be taken for
the lost one when it is the only new task of that action.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from providers.core.errors import ProviderError, SubmitOutcomeUnknownError
from providers.picpik.client import PicpikClient
from providers.picpik.models import TaskResponse

log = logging.getLogger(__name__)

#: task ids of our own answered submits kept to tell them from the lost one (more than any check window holds)
_REMEMBERED_TASKS = 512


class SubmitCheck:
    """Billed submits of one provider (one key pair), each with the check above."""

    def __init__(self, client: PicpikClient) -> None:
        self._client = client
        #: task ids our submits got back, newest last (a dict as an ordered set)
        self._ours: dict[str, None] = {}
        #: submits sent whose answer has not come yet
        self._unanswered = 0
        #: submits that ended with no task found: each may have made a task no one can claim
        self._lost = 0

    async def submit(self, action: str, send: Callable[[], Awaitable[TaskResponse]]) -> str:
        """``send`` once; the TaskUID from its answer, or from the check when the answer timed out."""
        before = await self._running_or_none(retry=False)
        lost_before = self._lost
        self._unanswered += 1
        try:
            task = await send()
            self._remember(task.TaskUID)
            return task.TaskUID
        except SubmitOutcomeUnknownError as error:
            unknown = error
        finally:
            self._unanswered -= 1
        found = await self._lost_task(action, before, lost_before)
        if found is None:
            self._lost += 1
            raise unknown
        log.info("%s: the %s that timed out created task %s; following it", self._client.provider, action, found)
        self._remember(found)
        return found

    async def _lost_task(self, action: str, before: frozenset[str] | None, lost_before: int) -> str | None:
        # another submit still unanswered, or lost since ours started, could own any new task: no guessing
        if before is None or self._unanswered or self._lost != lost_before:
            return None
        after = await self._running_or_none(retry=True)
        if after is None:
            return None
        new = [uid for uid in after if uid not in before and uid not in self._ours]
        if len(new) != 1:
            return None
        try:
            details = (await self._client.list_tasks_details(new)).details
        except ProviderError as error:
            log.info("%s: the lost %s cannot be confirmed: %s", self._client.provider, action, error)
            return None
        if not details or details[0].TaskUID != new[0] or details[0].Action not in (None, action):
            return None
        return new[0]

    async def _running_or_none(self, *, retry: bool) -> frozenset[str] | None:
        try:
            return frozenset((await self._client.list_running_tasks(retry=retry)).TaskUIDList)
        except ProviderError as error:  # the submit goes ahead: without the list, a timeout stays unknown
            log.info("%s: ListRunningTasks failed: %s", self._client.provider, error)
            return None

    def recent(self) -> list[str]:
        """The task ids our submits got back, newest first."""
        return list(reversed(self._ours))

    def _remember(self, uid: str) -> None:
        self._ours[uid] = None
        while len(self._ours) > _REMEMBERED_TASKS:
            del self._ours[next(iter(self._ours))]
