"""What a job's message says and which buttons it carries, for each state. Pure: no I/O, no clock.

The poller and the commands render every message through here, so a job looks the same whoever edits it.
Buttons are described as ``ButtonSpec`` rows whose ``custom_id`` carries the job id, the action and the grid
index; the ``DynamicItem`` classes of the imagine extension answer them by matching the same templates.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final

import discord

from providers.core.errors import ErrorKind
from providers.core.models import Capability, JobKind, JobStatus
from storage.jobs import JobRecord

#: ``custom_id`` templates (Discord allows 100 characters; a job id is at most 19 digits)
GRID_BUTTON_TEMPLATE: Final = r"job:(?P<job_id>\d+):(?P<action>[UV])(?P<index>[1-4])"
REROLL_BUTTON_TEMPLATE: Final = r"job:(?P<job_id>\d+):reroll"
REROLL_EMOJI: Final = "🔄"

#: kinds whose result is a grid of up to four images (the ones U/V/🔄 start from)
GRID_KINDS: Final = frozenset({JobKind.IMAGINE, JobKind.VARIATION, JobKind.REMIX, JobKind.REROLL, JobKind.BLEND})
#: a message holds 2,000 characters; the rest of the heading needs far less than the difference
PROMPT_DISPLAY_LIMIT: Final = 1_500
DETAILS_DISPLAY_LIMIT: Final = 300
GRID_SIZE: Final = 4

#: failure kinds the bot itself adds to the provider layer's ``ErrorKind``
NOT_CONFIGURED: Final = "not_configured"
UNDELIVERABLE: Final = "undeliverable"
IMAGE_UNUSABLE: Final = "image_unusable"

_REASONS: Final[dict[str, str]] = {
    ErrorKind.INVALID_INPUT: "{service} did not accept the request.",
    ErrorKind.UNSUPPORTED: "{service} cannot do this.",
    ErrorKind.AUTH: "{service} refused the bot's keys. A server admin needs to check them.",
    ErrorKind.NOT_FOUND: "{service} no longer knows this job.",
    ErrorKind.RATE_LIMITED: "{service} is getting too many requests right now. Try again in a minute.",
    ErrorKind.MODERATION: "{service} refused the prompt or image on content grounds. Rephrase it and try again.",
    ErrorKind.QUOTA: "The {service} account is out of credit or over its quota.",
    ErrorKind.ACCOUNT: "The {service} account cannot use the API (not enabled, disabled or not allowed from here).",
    ErrorKind.SERVER: "{service} had a problem on its side. Try again later.",
    ErrorKind.TIMEOUT: "{service} did not finish in time.",
    ErrorKind.CONNECTION: "{service} could not be reached. Try again later.",
    ErrorKind.DECODE: "{service} answered something the bot could not understand.",
    ErrorKind.SUBMIT_UNKNOWN: (
        "It is not known whether {service} received this job (the request timed out or the bot restarted). "
        "It was not sent again, so you are not charged twice."
    ),
    ErrorKind.JOB_FAILED: "{service} could not finish the images.",
    NOT_CONFIGURED: "{service} is not set up on this bot any more.",
    UNDELIVERABLE: "The result could not be shown.",
    IMAGE_UNUSABLE: "{service} finished, but its images could not be used.",
}
_UNKNOWN_REASON: Final = "{service} could not finish this job."


# --------------------------------------------------------------------------------------------------- buttons


@dataclass(frozen=True, slots=True)
class ButtonSpec:
    custom_id: str
    label: str | None = None
    emoji: str | None = None


def grid_custom_id(job_id: int, action: str, index: int) -> str:
    """``job:<id>:U2`` — matches ``GRID_BUTTON_TEMPLATE``."""
    if action not in ("U", "V") or not 1 <= index <= GRID_SIZE:
        raise ValueError(f"no grid button {action}{index}")
    return f"job:{job_id}:{action}{index}"


def reroll_custom_id(job_id: int) -> str:
    return f"job:{job_id}:reroll"


def button_rows(
    job_id: int, kind: JobKind, capabilities: Collection[Capability], image_count: int
) -> list[list[ButtonSpec]]:
    """The rows under a finished grid: U1–Un and 🔄 on the first, V1–Vn on the second; only what the service
    can do, and only for images that exist. Upscales and other single results get none (yet)."""
    if kind not in GRID_KINDS or image_count < 1:
        return []
    count = min(image_count, GRID_SIZE)
    first: list[ButtonSpec] = []
    if Capability.UPSCALE in capabilities:
        first += [ButtonSpec(grid_custom_id(job_id, "U", n), label=f"U{n}") for n in range(1, count + 1)]
    if Capability.REROLL in capabilities:
        first.append(ButtonSpec(reroll_custom_id(job_id), emoji=REROLL_EMOJI))
    second: list[ButtonSpec] = []
    if Capability.VARIATION in capabilities:
        second += [ButtonSpec(grid_custom_id(job_id, "V", n), label=f"V{n}") for n in range(1, count + 1)]
    return [row for row in (first, second) if row]


def build_view(rows: Sequence[Sequence[ButtonSpec]]) -> discord.ui.View | None:
    """A view holding the buttons (None when there are none). Needs a running event loop (discord.py's View).

    The view is stopped before it is sent: its buttons are answered by the ``DynamicItem``s registered at
    start-up, which match on ``custom_id``, and a stopped view is not kept in discord.py's view store (which
    would otherwise grow by one entry per finished job, forever).
    """
    if not any(rows):
        return None
    view = discord.ui.View(timeout=None)
    for number, row in enumerate(rows):
        for spec in row:
            view.add_item(
                discord.ui.Button(
                    style=discord.ButtonStyle.secondary,
                    label=spec.label,
                    emoji=spec.emoji,
                    custom_id=spec.custom_id,
                    row=number,
                )
            )
    view.stop()
    return view


# --------------------------------------------------------------------------------------------------- texts


def prompt_of(record: JobRecord) -> str | None:
    """The prompt the job was started with, when its stored request has one."""
    if record.request_json is None:
        return None
    try:
        request = json.loads(record.request_json)
    except ValueError:
        return None
    prompt = request.get("prompt") if isinstance(request, dict) else None
    return prompt if isinstance(prompt, str) and prompt.strip() else None


def _shown_prompt(prompt: str | None) -> str:
    if prompt is None:
        return "(no prompt)"
    text = " ".join(prompt.split())
    if len(text) > PROMPT_DISPLAY_LIMIT:
        text = text[: PROMPT_DISPLAY_LIMIT - 1] + "…"
    return f"**{discord.utils.escape_mentions(discord.utils.escape_markdown(text))}**"


def _what(record: JobRecord) -> str:
    index = record.grid_index
    if record.kind is JobKind.UPSCALE:
        return f"Image #{index}" if index else "Upscale"
    if record.kind is JobKind.VARIATION:
        return f"Variations of image #{index}" if index else "Variations"
    if record.kind is JobKind.REMIX:
        return f"Remix of image #{index}" if index else "Remix"
    if record.kind is JobKind.REROLL:
        return "Re-roll"
    return ""


def job_heading(record: JobRecord, service: str) -> str:
    """``**a red fox** — Image #2 · <@owner> · Picpik``"""
    parts = [part for part in (_what(record), f"<@{record.owner_id}>", service) if part]
    return f"{_shown_prompt(prompt_of(record))} — {' · '.join(parts)}"


def status_line(status: JobStatus, progress: float | None) -> str:
    if status is JobStatus.QUEUED:
        return "⏳ Waiting to start…"
    if progress is not None:
        return f"🎨 Drawing… {progress:.0f} %"
    return "🎨 Drawing…"


def progress_text(record: JobRecord, service: str, status: JobStatus, progress: float | None) -> str:
    return f"{job_heading(record, service)}\n{status_line(status, progress)}"


def result_text(record: JobRecord, service: str) -> str:
    return job_heading(record, service)


def failure_reason(kind: str | None, service: str) -> str:
    """One plain-English sentence for a failure kind (an ``ErrorKind`` value or one of the bot's own)."""
    return _REASONS.get(kind or "", _UNKNOWN_REASON).format(service=service)


def failure_text(record: JobRecord, service: str) -> str:
    """The final message of a failed job: the heading, why, and the service's own words when they add some."""
    lines = [job_heading(record, service), f"❌ {failure_reason(record.failure_kind, service)}"]
    details = " ".join((record.failure_message or "").split())
    if details and details not in lines[1]:
        if len(details) > DETAILS_DISPLAY_LIMIT:
            details = details[: DETAILS_DISPLAY_LIMIT - 1] + "…"
        lines.append(f"> {discord.utils.escape_mentions(details)}")
    return "\n".join(lines)


def input_error_text(message: str) -> str:
    """The ephemeral answer to a request that was refused before anything was sent."""
    return f"⚠️ {message}"


def preview_embed(url: str | None) -> discord.Embed | None:
    """A service's in-progress preview, when it gives one as a web link."""
    if not url or not url.startswith(("https://", "http://")):
        return None
    return discord.Embed().set_image(url=url)


def result_filename(record: JobRecord, extension: str) -> str:
    stem = "grid" if record.kind in GRID_KINDS else record.kind.value
    return f"{stem}_{record.id}.{extension}"
