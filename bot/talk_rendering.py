"""The final message of a talking-video job (``/talk``): the video attached, or its link and why.

The poller calls ``talk_message`` instead of composing a grid. The video is downloaded like a result image (size
cap, retries, the address policy) and attached when it fits the upload limit of the member's interaction;
otherwise the message says why it is not attached and gives the service's link, so a finished video is never lost
to a size limit or a failed download — when that link may be shown at all: a plain-http link, or one to an address
or a name of the service's own network, is never sent to members (``rendering.shareable_link``); the message then
says the link is withheld.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Final

from bot import rendering
from bot.i18n import t
from bot.text_fit import CONTENT_CHARS, clipped, unmentioned
from providers.core.base import Provider
from providers.core.errors import DecodeError, ProviderError
from storage.jobs import JobRecord

log = logging.getLogger(__name__)

_MIB: Final = 1024 * 1024
#: downloaded even when over the upload limit (so the message can say how large it is), up to this or the limit
MIN_DOWNLOAD_CAP: Final = 25 * _MIB
#: Discord plays these inline; anything else is given as the service's link
_MP4_BRAND_OFFSET: Final = 4
_WEBM_MAGIC: Final = b"\x1a\x45\xdf\xa3"


@dataclass(frozen=True, slots=True)
class TalkMessage:
    content: str
    #: (file name, bytes) of the video when it is attached
    file: tuple[str, bytes] | None = None
    #: the message to send instead should Discord refuse the file as too large after all (the link)
    without_file: str | None = None


def video_extension(data: bytes) -> str | None:
    """``mp4`` or ``webm`` from the file's first bytes; None for anything else (the service's word is not
    trusted: a page or an error body must not be attached as a video)."""
    if data[_MP4_BRAND_OFFSET : _MP4_BRAND_OFFSET + 4] == b"ftyp":
        return "mp4"
    if data.startswith(_WEBM_MAGIC):
        return "webm"
    return None


def size_text(size: int, *, round_up: bool) -> str:
    """``12.3 MiB``, ``950 KiB`` or ``60 B``. A file's size is rounded up and a limit down, so a file just over
    a limit never reads as the limit itself."""
    rounding = math.ceil if round_up else math.floor
    for unit, factor in (("MiB", _MIB), ("KiB", 1024)):
        if size >= factor:
            return f"{rounding(size * 10 / factor) / 10:g} {unit}"
    return f"{size} B"


async def talk_message(provider: Provider, record: JobRecord, upload_limit: int, *, may_retry: bool) -> TalkMessage:
    """The message of a finished talking-video job. Raises ``ProviderError`` when the download should be tried
    again (a retryable error while ``may_retry``), or when the service sent no usable link at all."""
    service = provider.display_name
    heading = rendering.result_text(record, service)
    url = record.result.video_url if record.result is not None else None
    if not url or not url.startswith(("https://", "http://")):
        raise DecodeError(f"{service} finished the video but sent no link to it.", provider=provider.name)
    link = rendering.shareable_link(url)
    try:
        data = await provider.download_file(url, max_bytes=max(upload_limit, MIN_DOWNLOAD_CAP))
    except ProviderError as error:
        if error.retryable and may_retry:
            raise
        log.info("job %s: the video could not be downloaded (%s); giving its link", record.id, error)
        return TalkMessage(_with_reason(record, service, "not_downloaded", link))
    extension = video_extension(data)
    if extension is None:
        log.info("job %s: the service's file is no video the bot knows; giving its link", record.id)
        return TalkMessage(_with_reason(record, service, "not_a_video", link))
    if len(data) > upload_limit:
        size, limit = size_text(len(data), round_up=True), size_text(upload_limit, round_up=False)
        return TalkMessage(_with_reason(record, service, "too_large", link, size=size, limit=limit))
    refused = _with_reason(record, service, "refused", link, size=size_text(len(data), round_up=True))
    return TalkMessage(heading, (f"talk_{record.id}.{extension}", data), refused)


def _with_reason(record: JobRecord, service: str, why: str, link: str | None, **values: object) -> str:
    """The heading, then why the video is not attached: with the service's link (``talk.link_<why>``), or saying
    that the link is withheld (``talk.<why>`` and ``talk.link_withheld``). The heading gives way to the line."""
    locale = record.locale
    if link is None:
        line = t("talk.link_withheld", locale, reason=t(f"talk.{why}", locale, **values))
    else:
        line = t(f"talk.link_{why}", locale, url=unmentioned(link), **values)
    heading = rendering.job_heading(record, service, budget=CONTENT_CHARS - len(line) - 1)
    return clipped(f"{heading}\n{line}", CONTENT_CHARS)
