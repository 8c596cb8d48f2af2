"""What a finished ``/describe`` job's message shows: the image described, its prompts numbered 1…N, and one
button per prompt that ``/imagine``s it.

The prompts go in an embed's description (4,096 characters) rather than the message (2,000): a
Midjourney-style answer is four prompts of about 200 characters, and a service may send longer ones. Each prompt
is escaped before it is cut, so the escapes count.

The image is shown as a small copy attached to the message (``attachment://``), not as the member's own
attachment link: Discord signs those links for about a day, after which a thumbnail pointing at one shows nothing.
The copy is made at delivery from the member's attachment (its link signed anew when it has expired), checked like
any member's image (``bot.member_images``); when that fails the message goes without a thumbnail.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import discord
from pydantic import ValidationError
from yarl import URL

from bot import rendering
from bot.attachments import AttachedImage, AttachmentRefused, DescribeRequest
from bot.i18n import t
from bot.imaging import EncodedImage, ImageError
from bot.text_fit import CONTENT_CHARS, DESCRIPTION_CHARS, clipped, fit_embed, neutral_within
from providers.core.errors import ProviderError
from providers.core.models import Capability
from storage.jobs import JobRecord

if TYPE_CHECKING:
    from bot.member_images import MemberImages

log = logging.getLogger(__name__)

BUTTONS_PER_ROW: Final = 5
#: the room each numbered prompt's ``**12.** `` and the blank line after it take
_NUMBER_CHARS: Final = 10
#: the thumbnail attached: its longest side, its largest size, and how long making it may hold up the delivery
THUMBNAIL_SIDE: Final = 320
THUMBNAIL_BYTES: Final = 256 * 1024
THUMBNAIL_SECONDS: Final = 10.0
#: a signed link that ends within this many seconds is signed anew before it is fetched
_LINK_MARGIN_SECONDS: Final = 60.0


@dataclass(frozen=True, slots=True)
class DescribeMessage:
    content: str
    embed: discord.Embed
    buttons: tuple[tuple[rendering.ButtonSpec, ...], ...]


def described_image(record: JobRecord) -> AttachedImage | None:
    """The member's image the job described, when the row still has it."""
    try:
        request = record.request_as(DescribeRequest)
    except ValidationError:
        return None
    return request.image if request is not None else None


def thumbnail_filename(record: JobRecord, extension: str) -> str:
    return f"described_{record.id}.{extension}"


def prompt_button_rows(
    job_id: int, capabilities: Collection[Capability], count: int
) -> tuple[tuple[rendering.ButtonSpec, ...], ...]:
    """Buttons 1…N, five to a row; none when the service cannot draw from a prompt."""
    if Capability.IMAGINE not in capabilities:
        return ()
    numbers = range(1, min(count, rendering.MAX_PROMPT_BUTTONS) + 1)
    specs = [rendering.ButtonSpec(rendering.prompt_custom_id(job_id, n), label=str(n)) for n in numbers]
    return tuple(tuple(specs[i : i + BUTTONS_PER_ROW]) for i in range(0, len(specs), BUTTONS_PER_ROW))


def numbered_prompts(prompts: Sequence[str], budget: int = DESCRIPTION_CHARS) -> str:
    """``**1.** a fox …`` paragraphs within ``budget`` characters as sent; each prompt escaped, then shortened
    only as far as its share needs (the share of a short prompt goes to the long ones)."""
    shown = [" ".join(prompt.split()) for prompt in prompts[: rendering.MAX_PROMPT_BUTTONS]]
    room = budget - _NUMBER_CHARS * len(shown)
    escaped = [neutral_within(prompt, room) for prompt in shown]
    shares = _shares([len(text) for text in escaped], room)
    lines = [f"**{number}.** {clipped(text, share)}" for number, (text, share) in enumerate(zip(escaped, shares,
                                                                                                strict=True), 1)]
    return clipped("\n\n".join(lines), budget)


def _shares(lengths: Sequence[int], room: int) -> list[int]:
    """How many characters each text gets of ``room``: all it needs when it fits an equal share, the rest split
    among the longer ones."""
    shares = [0] * len(lengths)
    left, pending = room, sorted(range(len(lengths)), key=lambda i: lengths[i])
    while pending:
        equal = left // len(pending)
        index = pending.pop(0)
        shares[index] = min(lengths[index], max(equal, 1))
        left -= shares[index]
    return shares


def describe_message(
    record: JobRecord,
    service: str,
    prompts: Sequence[str],
    capabilities: Collection[Capability],
    thumbnail: str | None = None,
) -> DescribeMessage:
    """The message; ``thumbnail`` names the attached copy of the image described (None: none attached)."""
    locale = record.locale
    embed = discord.Embed(title=t("describe.result_title", locale), description=numbered_prompts(prompts))
    if thumbnail is not None:
        embed.set_thumbnail(url=f"attachment://{thumbnail}")
    buttons = prompt_button_rows(record.id, capabilities, len(prompts))
    if buttons:
        embed.set_footer(text=t("describe.result_hint", locale))
    return DescribeMessage(content=rendering.result_text(record, service), embed=fit_embed(embed), buttons=buttons)


def refused_describe_text(record: JobRecord, service: str, prompts: Sequence[str]) -> str:
    """The words of a describe message Discord refused in full: the short heading and the prompts as plain
    content, without the embed."""
    heading = rendering.short_heading(record, service)
    return clipped(f"{heading}\n{numbered_prompts(prompts, CONTENT_CHARS - len(heading) - 1)}", CONTENT_CHARS)


async def described_thumbnail(images: MemberImages | None, record: JobRecord) -> EncodedImage | None:
    """A small copy of the image the job described, fetched again from the member's attachment and checked like any
    member's image; None when that cannot be done in time. A link that has expired (by its ``ex``, or because the
    fetch failed: Discord's clock is the one that counts) is signed anew through Discord first."""
    image = described_image(record)
    if images is None or image is None:
        return None
    try:
        async with asyncio.timeout(THUMBNAIL_SECONDS):
            if _expired(image.url):
                image = await _signed_anew(images, image)
            try:
                [checked] = await images.check([image])
            except AttachmentRefused:
                fresh = await _signed_anew(images, image)
                if fresh.url == image.url:
                    raise
                [checked] = await images.check([fresh])
            return await asyncio.to_thread(rendering.small_picture, checked.data, THUMBNAIL_SIDE, THUMBNAIL_BYTES)
    except (AttachmentRefused, ProviderError, ImageError, TimeoutError) as error:
        log.info("job %s: no thumbnail of the image described (%s)", record.id, type(error).__name__)
        return None


async def _signed_anew(images: MemberImages, image: AttachedImage) -> AttachedImage:
    fresh = await images.refreshed_links([image.url])
    return image.model_copy(update={"url": fresh.get(image.url, image.url)})


def _expired(url: str) -> bool:
    """Whether a Discord-signed link (``ex``: its end, Unix seconds in hex) has ended or is about to."""
    try:
        ends = int(URL(url).query.get("ex", ""), 16)
    except ValueError:
        return False
    return ends < time.time() + _LINK_MARGIN_SECONDS
