"""The service call of a job rebuilt from its row, for a job that waited in its server's queue.

A command builds its call while it has the interaction (``start_job``'s ``send``); a waiting job is sent later,
maybe after a restart, so everything its call needs must be in the row: the stored request (the prompt, the
attached images as links), the parent job and the grid position for U/V/🔄/remix. Members' images come back
through ``ReleasedImages`` (``bot.member_images``): their bytes held while the job waited, their links signed
anew. Kinds listed in ``RESENDABLE`` can wait; any other kind is refused instead of queued (``bot.queueing``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Final, Protocol, TypeVar

from pydantic import ValidationError

from bot import rendering
from bot.attachments import AttachedImage, BlendRequest, DescribeRequest, TalkJobRequest
from providers.core.base import Provider
from providers.core.models import ImageData, ImagineRequest, JobHandle, JobKind, ParentJob
from storage.jobs import JobNotFound, JobRecord, JobStore
from storage.lifecycle import LifecycleState

Send = Callable[[], Awaitable[JobHandle]]
RequestT = TypeVar("RequestT")

#: the kinds whose call can be rebuilt from the row alone
RESENDABLE: Final = frozenset(
    {
        JobKind.IMAGINE,
        JobKind.UPSCALE,
        JobKind.VARIATION,
        JobKind.REMIX,
        JobKind.REROLL,
        JobKind.BLEND,
        JobKind.DESCRIBE,
        JobKind.TALK,
    }
)
_FOLLOW_UPS: Final = frozenset({JobKind.UPSCALE, JobKind.VARIATION, JobKind.REMIX, JobKind.REROLL})
#: the failure kind of a waiting job that cannot be sent after all (shown with the general reason)
CANNOT_RESEND: Final = "cannot_resend"


class ReleasedImages(Protocol):
    """Members' images of a job that waited (``bot.member_images.MemberImages``)."""

    async def for_release(self, job_id: int, images: Sequence[AttachedImage], locale: object) -> list[ImageData]:
        """The images as the service gets them; ``bot.job_start.NotSent`` when they can no longer be sent."""
        ...

    async def sent(self, job_id: int) -> None:
        """The job is on its way: what was kept for it may go."""
        ...


class CannotResend(Exception):
    """The row no longer holds what its call needs (a bug, or a parent job that is gone); says why in English."""


def can_resend(kind: JobKind) -> bool:
    return kind in RESENDABLE


async def rebuild_send(store: JobStore, record: JobRecord, provider: Provider, images: ReleasedImages) -> Send:
    """The call that sends ``record`` to ``provider``, made as the command that wrote the row would have made it.
    Raises ``CannotResend``."""
    kind = record.kind
    try:
        if kind is JobKind.IMAGINE:
            request = _required(record.request_as(ImagineRequest))
            return lambda: provider.imagine(request)
        if kind is JobKind.BLEND:
            blend = _required(record.request_as(BlendRequest))
            return _with_images(images, record, blend.images, lambda sent: provider.blend(sent, blend.dimensions))
        if kind is JobKind.DESCRIBE:
            image = _required(record.request_as(DescribeRequest)).image
            return _with_images(images, record, [image], lambda sent: provider.describe(sent[0]))
        if kind is JobKind.TALK:
            talk = _required(record.request_as(TalkJobRequest))
            return _with_images(images, record, [talk.image], lambda sent: provider.talk(talk.for_service(sent[0])))
    except ValidationError as error:
        raise CannotResend(f"the stored {kind.value} request no longer reads: {error.error_count()} errors") from None
    if kind in _FOLLOW_UPS:
        return _follow_up_send(record, provider, await _parent_of(store, record))
    raise CannotResend(f"a {kind.value} job cannot wait in the queue")


def _with_images(
    images: ReleasedImages,
    record: JobRecord,
    attached: Sequence[AttachedImage],
    call: Callable[[list[ImageData]], Awaitable[JobHandle]],
) -> Send:
    """A send that first gets the job's images back; what was held for them goes once the call has been made,
    whatever its outcome (a job is never sent twice)."""

    async def send() -> JobHandle:
        try:
            return await call(await images.for_release(record.id, attached, record.locale))
        finally:
            await images.sent(record.id)

    return send


def follow_up_send(provider: Provider, parent: ParentJob, kind: JobKind, index: int | None, prompt: str | None) -> Send:
    """The call of a follow-up of ``parent``: U/V count from 1 (🔄 has no index), a variation with a prompt is a
    remix. Used by the buttons and commands (``bot.exts.imagine._follow_up``) and for a job that waited."""
    position = index or 1
    if kind is JobKind.UPSCALE:
        return lambda: provider.upscale(parent, position)
    if kind in (JobKind.VARIATION, JobKind.REMIX):
        return lambda: provider.variation(parent, position, prompt)
    return lambda: provider.reroll(parent)


def parent_job(grid: JobRecord) -> ParentJob | None:
    """What a follow-up of ``grid`` starts from; None while it has no finished result."""
    handle, result = grid.handle, grid.result
    if grid.state is not LifecycleState.DELIVERED or handle is None or result is None:
        return None
    try:
        request = grid.request_as(ImagineRequest)
    except ValidationError:  # a grid from something other than a prompt (blend)
        request = None
    return ParentJob(handle=handle, result=result, request=request)


def _follow_up_send(record: JobRecord, provider: Provider, parent: ParentJob) -> Send:
    prompt = None
    if record.kind is JobKind.REMIX:  # a remix carries its own prompt in the row
        prompt = rendering.prompt_of(record)
        if prompt is None:
            raise CannotResend("the remix has no prompt stored")
    return follow_up_send(provider, parent, record.kind, record.grid_index, prompt)


async def _parent_of(store: JobStore, record: JobRecord) -> ParentJob:
    if record.parent_job_id is None:
        raise CannotResend("the job it starts from was not recorded")
    try:
        grid = await store.get(record.parent_job_id)
    except JobNotFound:
        raise CannotResend(f"job {record.parent_job_id}, which it starts from, is gone") from None
    parent = parent_job(grid)
    if parent is None:
        raise CannotResend(f"job {grid.id}, which it starts from, has no finished result")
    return parent


def _required(value: RequestT | None) -> RequestT:
    if value is None:
        raise CannotResend("no request was stored")
    return value
