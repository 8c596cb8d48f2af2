"""A copy of a finished picture by direct message, for members who asked for one (``/settings set results_by_dm``).

Best effort and at most once: the poller calls this after the job's message was delivered and its row closed,
so a member who closed their DMs, or a hiccup at Discord, costs only the copy — never the job, never a second
delivery. A job that was itself started in a DM gets no copy: the member already has it there.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Final

import discord

from bot import rendering
from bot.i18n import t
from bot.text_fit import CONTENT_CHARS, clipped
from providers.core.models import JobKind
from storage.lifecycle import LifecycleState

if TYPE_CHECKING:
    from bot.imaging import EncodedImage
    from storage.jobs import JobRecord
    from storage.settings import SettingsStore

log = logging.getLogger(__name__)

#: a DM has no server boost: Discord's default limit per file
DM_UPLOAD_LIMIT: Final = 10 * 1024 * 1024


def wants_copy(record: JobRecord, image: EncodedImage | None) -> bool:
    """Whether this just-delivered job is one a copy can be made of: a picture (not prompts, not a failure
    notice) that was shown in a server."""
    return (
        image is not None
        and record.state is LifecycleState.DELIVERING
        and record.kind is not JobKind.DESCRIBE
        and record.guild_id is not None
    )


def message_link(record: JobRecord, message_id: int) -> str:
    return f"https://discord.com/channels/{record.guild_id or '@me'}/{record.channel_id}/{message_id}"


def copy_text(record: JobRecord, message_id: int, *, with_file: bool) -> str:
    """The DM's words: the job's heading (prompt, service, number) and where its message is (a Discord link, never
    a service's), within a message's size: the heading's prompt gives way."""
    key = "settings.dm_copy" if with_file else "settings.dm_copy_link_only"
    link = message_link(record, message_id)
    around = len(t(key, record.locale, heading="", link=link))
    heading = rendering.job_heading(record, rendering.service_name(record.provider), budget=CONTENT_CHARS - around)
    return clipped(t(key, record.locale, heading=heading, link=link), CONTENT_CHARS)


async def send_result_copy(
    client: discord.Client, record: JobRecord, message_id: int, image: EncodedImage | None, filename: str | None
) -> bool:
    """DM the job's owner the picture just delivered in ``message_id``, when they asked for copies. Never raises;
    True when a copy was sent. ``record`` is the row as it was before it was marked delivered."""
    if not wants_copy(record, image) or image is None:
        return False
    # the bot's one SettingsStore; a bare client (the poller's unit tests) has none, and nobody asked for copies
    settings: SettingsStore | None = getattr(client, "settings_store", None)
    if settings is None:
        return False
    try:
        if not (await settings.member(record.owner_id)).results_by_dm:
            return False
        channel = await client.create_dm(discord.Object(id=record.owner_id))
        fits = image.size <= DM_UPLOAD_LIMIT
        files = [discord.File(io.BytesIO(image.data), filename=filename or image.filename("image"))] if fits else []
        await channel.send(
            copy_text(record, message_id, with_file=fits), files=files, allowed_mentions=discord.AllowedMentions.none()
        )
    except discord.Forbidden as error:  # DMs closed, or no server in common any more: the member's choice
        log.info("job %s: the member accepts no direct messages (%s); no copy sent", record.id, error.code)
        return False
    except discord.HTTPException as error:
        log.warning("job %s: the copy by direct message failed: %s", record.id, error)
        return False
    except Exception:
        log.exception("job %s: the copy by direct message failed", record.id)
        return False
    return True
