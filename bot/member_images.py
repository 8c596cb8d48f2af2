"""Members' images (``/blend``, ``/describe``, ``/talk``): fetched and decoded before any service sees them, and
kept deliverable while their job waits in its server's queue.

What Discord says about an attachment (``bot.attachments.checked_image``) is a first look only. Every image is then
fetched once from its link through a ``LinkFetcher`` (the address policy of ``FETCH_ALLOWED_NETWORKS``, a size cap
and a time cap) and decoded in a worker thread with a pixel limit (``bot.imaging.open_image``), so a text file
named ``cat.png``, a truncated PNG or a decompression bomb is refused in the member's language and nothing is sent.
Services that take bytes (Picpik, NGPU's interrogate) get exactly the checked bytes, never a second download;
services that take links (the Midjourney-style API, NGPU's sadTalker) get the link whose content was checked.

The check races Discord's 3-second deadline for the first answer: a command waits ``answer_budget`` seconds for
it, and a refusal within that time is private. A check that takes longer lets the command go on, the job's send
waits for it, and a refusal then fails the job with the same words; nothing is sent either way.

A job that waits in its server's queue keeps its checked bytes in the database (``storage.held_images``) until it
is sent, and its links are refreshed through Discord (``POST /attachments/refresh-urls``) when it goes: Discord
signs attachment links for about a day only, and the queue may hold a job past the day's end.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import aiohttp
import discord
from pydantic import BaseModel, ConfigDict, ValidationError
from yarl import URL

from bot import rendering
from bot.attachments import MAX_IMAGE_BYTES, AttachedImage, AttachmentRefused
from bot.imaging import MAX_INPUT_PIXELS, ImageTooLarge, UnreadableImage
from bot.imaging.encode import load_image, open_image
from bot.job_start import NotSent, start_job
from bot.replies import refuse
from providers.core.errors import ProviderError, ProviderTimeoutError
from providers.core.models import ImageData, JobHandle, JobKind
from providers.core.retry import RetryPolicy
from providers.core.transport import LinkFetcher
from providers.core.url_policy import AddressNotAllowedError, UrlPolicy
from storage.held_images import HeldImage, HeldImageStore

if TYPE_CHECKING:
    import aiosqlite

    from bot.app import GridBot
    from bot.credentials import Resolved
    from storage.jobs import JobRecord

log = logging.getLogger(__name__)

#: how long a command waits for its images to be checked before it answers anyway. Discord allows 3 s for the
#: first answer, and the server's rules come after, the access check among them (``server_rules``, at most
#: 1.5 s): 1 s + 1.5 s leaves room for the answer's own trip
ANSWER_BUDGET_SECONDS: Final = 1.0
#: one image's download, redirects included; a second attempt only after a broken connection
FETCH_TIMEOUT_SECONDS: Final = 20.0
FETCH_RETRIES: Final = RetryPolicy(max_attempts=2, base_delay=0.2)
#: decodes at once: a 40-megapixel picture takes 160 MB while it is decoded, so they take turns
DECODES_AT_ONCE: Final = 1
#: a JPEG is decoded at 1/8 scale: every byte of it is still read and checked, at a fraction of the memory
_JPEG_DRAFT: Final = (1, 1)
_CONTENT_TYPES: Final = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
#: Discord's route that signs attachment links anew (discord.py 2.7 has no wrapper for it)
REFRESH_ROUTE: Final = "/attachments/refresh-urls"


@dataclass(frozen=True, slots=True)
class CheckedImage:
    """An attached image fetched and decoded: its bytes, their real type and size."""

    attached: AttachedImage
    data: bytes
    content_type: str
    width: int
    height: int

    def image_data(self) -> ImageData:
        return ImageData(
            url=self.attached.url,
            data=self.data,
            content_type=self.content_type,
            filename=self.attached.filename,
            width=self.width,
            height=self.height,
        )

    def __repr__(self) -> str:  # never dump megabytes into a log line
        return f"CheckedImage({self.attached.filename!r}, {self.content_type}, {self.width}x{self.height})"


def decoded(data: bytes, filename: str, max_pixels: int = MAX_INPUT_PIXELS) -> tuple[str, int, int]:
    """The content type, width and height of ``data``, decoded to the last byte; ``AttachmentRefused`` when it is
    not a PNG, JPEG, WebP or GIF picture, is damaged or cut short, or has more than ``max_pixels`` pixels.
    Synchronous and CPU-bound: run it in a worker thread."""
    name = discord.utils.escape_markdown(filename)
    limit = f"{max_pixels / 1e6:g}"
    try:
        image = open_image(data, max_pixels=max_pixels)
    except ImageTooLarge as error:
        if error.size is None:
            raise AttachmentRefused("attachments.too_many_pixels_unknown", filename=name, limit=limit) from None
        width, height = error.size
        raise AttachmentRefused(
            "attachments.too_many_pixels", filename=name, width=width, height=height, limit=limit
        ) from None
    except UnreadableImage:
        raise AttachmentRefused("attachments.unreadable", filename=name) from None
    with image:
        width, height = image.size  # before a draft changes it
        content_type = _CONTENT_TYPES.get(image.format or "")
        try:
            load_image(image, draft_size=_JPEG_DRAFT)
        except UnreadableImage:
            raise AttachmentRefused("attachments.unreadable", filename=name) from None
    if content_type is None:  # a format opened but not one the services take
        raise AttachmentRefused("attachments.unreadable", filename=name)
    return content_type, width, height


def not_sent(refused: AttachmentRefused, locale: object) -> NotSent:
    """A refusal found after the command was answered, as what fails its job (in the member's language)."""
    return NotSent(rendering.IMAGE_REFUSED, refused.text(locale))


class _Refreshed(BaseModel):
    model_config = ConfigDict(extra="ignore")

    original: str
    refreshed: str


class _RefreshAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    refreshed_urls: list[_Refreshed] = []


def is_signed_link(url: str) -> bool:
    """Whether ``url`` is a Discord CDN link with an expiry (``ex``): one that refreshing can bring back."""
    try:
        return "ex" in URL(url).query
    except ValueError:
        return False


class ImageCheck:
    """One command's images being checked (a task), shared by its first answer, its row and its send."""

    def __init__(self, task: asyncio.Future[list[CheckedImage]]) -> None:
        self._task = task

    async def settle(self, seconds: float) -> None:
        """Wait up to ``seconds`` for the check; ``AttachmentRefused`` when it refused an image by then."""
        await asyncio.wait({self._task}, timeout=seconds)
        if self._task.done():
            self._task.result()

    async def images(self, locale: object) -> list[ImageData]:
        """The checked images as the service gets them (waiting for the check when it is still running);
        a refusal raises ``NotSent`` in ``locale``, so the job fails with the reason."""
        try:
            checked = await self._task
        except AttachmentRefused as refused:
            raise not_sent(refused, locale) from None
        return [image.image_data() for image in checked]

    def checked(self) -> list[CheckedImage] | None:
        """The checked images once the check has passed; None while it runs, or when it refused."""
        if not self._task.done() or self._task.cancelled() or self._task.exception() is not None:
            return None
        return self._task.result()

    def close(self) -> None:
        """The command is done with the check: stop it if nobody waits for it any more."""
        if not self._task.done():
            self._task.cancel()
        elif not self._task.cancelled():
            self._task.exception()  # seen: a refusal nobody awaited is not an "exception never retrieved"


class MemberImages:
    """Checks members' images and keeps them for jobs that wait; one per bot (``GridBot.member_images``)."""

    def __init__(
        self,
        client: discord.Client,
        fetcher: LinkFetcher,
        held: HeldImageStore,
        *,
        max_pixels: int = MAX_INPUT_PIXELS,
        answer_budget: float = ANSWER_BUDGET_SECONDS,
    ) -> None:
        self._client = client
        self._fetcher = fetcher
        self.held = held
        self.max_pixels = max_pixels
        self.answer_budget = answer_budget
        self._decoding = asyncio.Semaphore(DECODES_AT_ONCE)

    @classmethod
    def build(
        cls, client: discord.Client, session: aiohttp.ClientSession, policy: UrlPolicy, db: aiosqlite.Connection
    ) -> MemberImages:
        fetcher = LinkFetcher(session, url_policy=policy, timeout=FETCH_TIMEOUT_SECONDS, retry_policy=FETCH_RETRIES)
        return cls(client, fetcher, HeldImageStore(db))

    # --- checking ---------------------------------------------------------------------------------------

    def begin(self, images: Sequence[AttachedImage]) -> ImageCheck:
        return ImageCheck(asyncio.ensure_future(self.check(images)))

    async def check(self, images: Sequence[AttachedImage]) -> list[CheckedImage]:
        """Fetch all of ``images`` at once and decode them in turn; ``AttachmentRefused`` for the first (in the
        member's order) that cannot be sent, the others' work stopped."""
        tasks = [asyncio.ensure_future(self._checked(image)) for image in images]
        try:
            return [await task for task in tasks]
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _checked(self, image: AttachedImage) -> CheckedImage:
        data = await self._fetched(image)
        async with self._decoding:
            content_type, width, height = await asyncio.to_thread(decoded, data, image.filename, self.max_pixels)
        return CheckedImage(image, data, content_type, width, height)

    async def _fetched(self, image: AttachedImage) -> bytes:
        name = discord.utils.escape_markdown(image.filename)
        try:
            data, _ = await self._fetcher.fetch_bytes(image.url, max_bytes=MAX_IMAGE_BYTES)
        except AddressNotAllowedError:
            raise AttachmentRefused("attachments.address_not_allowed", filename=name) from None
        except ProviderTimeoutError:
            raise AttachmentRefused("attachments.fetch_timeout", filename=name) from None
        except ProviderError as error:
            # the link is not logged: Discord's signature is in it
            log.info("a member's image could not be fetched: %s", error.kind.value)
            raise AttachmentRefused("attachments.fetch_failed", filename=name) from None
        return data

    # --- waiting in the queue ---------------------------------------------------------------------------

    async def hold(self, job_id: int, check: ImageCheck) -> None:
        """Keep the checked bytes of a job that waits. A check still running (or refused) keeps nothing: the job's
        images are then fetched and checked again when it goes."""
        checked = check.checked()
        if checked is None:
            return
        if not await self.held.hold(job_id, [HeldImage(image.content_type, image.data) for image in checked]):
            log.info("job %s: its images are not held (the hold is full); they are fetched again when it goes", job_id)

    async def for_release(self, job_id: int, images: Sequence[AttachedImage], locale: object) -> list[ImageData]:
        """The images of a job released from the queue: links refreshed, bytes from the hold, or else fetched and
        checked again from the refreshed links. A refusal raises ``NotSent`` in ``locale``."""
        links = await self.refreshed_links([image.url for image in images])
        fresh = [image.model_copy(update={"url": links.get(image.url, image.url)}) for image in images]
        held = await self.held.held(job_id)
        if len(held) == len(fresh):
            return [
                image.image_data().model_copy(update={"data": kept.data, "content_type": kept.content_type})
                for image, kept in zip(fresh, held, strict=True)
            ]
        try:
            checked = await self.check(fresh)
        except AttachmentRefused as refused:
            raise not_sent(refused, locale) from None
        return [image.image_data() for image in checked]

    async def sent(self, job_id: int) -> None:
        """The job has gone to its service (or failed on the way): its held images are no longer needed, nor those
        of jobs that left the line without being sent (their keys removed, say)."""
        await self.held.forget(job_id)
        await self.held.forget_unneeded()

    async def refreshed_links(self, urls: Sequence[str]) -> dict[str, str]:
        """Fresh links for those of ``urls`` Discord signed (original → refreshed). A failure is logged and leaves
        the links as they are: held bytes still serve, and a link still in its day still works."""
        signed = [url for url in dict.fromkeys(urls) if is_signed_link(url)]
        if not signed:
            return {}
        route = discord.http.Route("POST", REFRESH_ROUTE)
        try:
            answer = _RefreshAnswer.model_validate(
                await self._client.http.request(route, json={"attachment_urls": signed})
            )
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError, ValidationError) as error:
            log.warning("Discord did not refresh %d attachment links: %s", len(signed), type(error).__name__)
            return {}
        return {entry.original: entry.refreshed for entry in answer.refreshed_urls if entry.original in signed}


async def start_image_job(
    interaction: discord.Interaction[GridBot],
    resolved: Resolved,
    kind: JobKind,
    request: BaseModel,
    images: Sequence[AttachedImage],
    send: Callable[[list[ImageData]], Awaitable[JobHandle]],
) -> None:
    """``start_job`` for a command with members' images: they are checked first (a refusal in time is private),
    ``send`` gets the checked images, and a job that waits in line keeps them."""
    member_images = interaction.client.member_images
    check = member_images.begin(images)
    locale = interaction.locale
    try:
        try:
            await check.settle(member_images.answer_budget)
        except AttachmentRefused as refused:
            await refuse(interaction, refused.text(locale))
            return

        async def submit() -> JobHandle:
            return await send(await check.images(locale))

        async def keep(record: JobRecord) -> None:
            await member_images.hold(record.id, check)

        await start_job(interaction, resolved, kind, request, submit, on_waiting=keep)
    finally:
        check.close()
