"""What a finished ``/describe`` job's message shows: the image described, its prompts numbered 1…N, and one
button per prompt that ``/imagine``s it. Pure: no I/O.

The prompts go in an embed's description (4,096 characters) rather than the message (2,000): a
Midjourney-style answer is four prompts of about 200 characters, and a service may send longer ones.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final

import discord
from pydantic import ValidationError

from bot import rendering
from bot.attachments import DescribeRequest
from bot.i18n import t
from providers.core.models import Capability
from storage.jobs import JobRecord

BUTTONS_PER_ROW: Final = 5
#: Discord's limit for an embed description, less room for the numbers and blank lines between prompts
_DESCRIPTION_BUDGET: Final = 4_096 - 2 * rendering.MAX_PROMPT_BUTTONS * 8


@dataclass(frozen=True, slots=True)
class DescribeMessage:
    content: str
    embed: discord.Embed
    buttons: tuple[tuple[rendering.ButtonSpec, ...], ...]


def described_image_url(record: JobRecord) -> str | None:
    """The link of the image the job described (its Discord attachment), when the row still has it."""
    try:
        request = record.request_as(DescribeRequest)
    except ValidationError:
        return None
    url = request.image.url if request is not None else None
    return url if url is not None and url.startswith(("https://", "http://")) else None


def prompt_button_rows(
    job_id: int, capabilities: Collection[Capability], count: int
) -> tuple[tuple[rendering.ButtonSpec, ...], ...]:
    """Buttons 1…N, five to a row; none when the service cannot draw from a prompt."""
    if Capability.IMAGINE not in capabilities:
        return ()
    numbers = range(1, min(count, rendering.MAX_PROMPT_BUTTONS) + 1)
    specs = [rendering.ButtonSpec(rendering.prompt_custom_id(job_id, n), label=str(n)) for n in numbers]
    return tuple(tuple(specs[i : i + BUTTONS_PER_ROW]) for i in range(0, len(specs), BUTTONS_PER_ROW))


def numbered_prompts(prompts: Sequence[str]) -> str:
    """``**1.** a fox …`` paragraphs; each prompt shortened only as far as the embed needs."""
    shown = list(prompts[: rendering.MAX_PROMPT_BUTTONS])
    each = _DESCRIPTION_BUDGET // max(1, len(shown))
    lines = []
    for number, prompt in enumerate(shown, start=1):
        text = discord.utils.escape_markdown(" ".join(prompt.split()))
        if len(text) > each:
            text = text[: each - 1] + "…"
        lines.append(f"**{number}.** {text}")
    return "\n\n".join(lines)


def describe_message(
    record: JobRecord, service: str, prompts: Sequence[str], capabilities: Collection[Capability]
) -> DescribeMessage:
    locale = record.locale
    embed = discord.Embed(title=t("describe.result_title", locale), description=numbered_prompts(prompts))
    url = described_image_url(record)
    if url is not None:
        embed.set_thumbnail(url=url)
    buttons = prompt_button_rows(record.id, capabilities, len(prompts))
    if buttons:
        embed.set_footer(text=t("describe.result_hint", locale))
    return DescribeMessage(content=rendering.result_text(record, service), embed=embed, buttons=buttons)
