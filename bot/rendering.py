"""What a job's message says and which buttons it carries, for each state. Pure: no I/O, no clock.

The poller and the commands render every message through here, so a job looks the same whoever edits it.
Buttons are described as ``ButtonSpec`` rows whose ``custom_id`` carries the job id, the action and the grid
index; the ``DynamicItem`` classes of the imagine extension answer them by matching the same templates.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final

import discord
from yarl import URL

from bot.i18n import DEFAULT_LOCALE, resolve_locale, t
from bot.imaging import EncodedImage, fit_to_limit
from bot.imaging.encode import load_image, open_image
from bot.text_fit import CONTENT_CHARS, ELLIPSIS, clipped, neutral_within, one_line
from providers.core.errors import ErrorKind
from providers.core.models import Capability, JobKind, JobStatus
from providers.registry import PROVIDERS
from storage.jobs import JobRecord

#: ``custom_id`` templates (Discord allows 100 characters; a job id is at most 19 digits)
GRID_BUTTON_TEMPLATE: Final = r"job:(?P<job_id>\d+):(?P<action>[UV])(?P<index>[1-4])"
REROLL_BUTTON_TEMPLATE: Final = r"job:(?P<job_id>\d+):reroll"
REROLL_EMOJI: Final = "🔄"
#: under an upscaled image: variations / remix of the grid cell it came from
VARY_BUTTON_TEMPLATE: Final = r"job:(?P<job_id>\d+):vary"
REMIX_BUTTON_TEMPLATE: Final = r"job:(?P<job_id>\d+):remix"
#: the remix form (a modal) answered by a listener, so a form opened before a restart still works
REMIX_FORM_TEMPLATE: Final = r"job:(?P<job_id>\d+):remix-form(?::(?P<index>[1-4]))?"
VARY_EMOJI: Final = "🪄"
REMIX_EMOJI: Final = "🖌️"
#: under a /describe result: /imagine prompt n (Discord shows at most 5 rows of 5 buttons)
PROMPT_BUTTON_TEMPLATE: Final = r"job:(?P<job_id>\d+):prompt(?P<index>1\d|2[0-5]|[1-9])"
MAX_PROMPT_BUTTONS: Final = 25

#: kinds whose result is a grid of up to four images (the ones U/V/🔄 start from)
GRID_KINDS: Final = frozenset({JobKind.IMAGINE, JobKind.VARIATION, JobKind.REMIX, JobKind.REROLL, JobKind.BLEND})
#: the prompt in a job's heading, counted as sent (escapes included)
PROMPT_DISPLAY_LIMIT: Final = 1_500
#: a job's heading, prompt and all: the rest of its message (a progress line, a place in line, a reason and the
#: service's words) has the difference
HEADING_CHARS: Final = 1_650
#: the service's own words under a failure, as sent
DETAILS_DISPLAY_LIMIT: Final = 300
#: the longest service link put in a message (a signed storage link can be long; one longer would crowd out the
#: words around it)
LINK_CHARS: Final = 1_000
GRID_SIZE: Final = 4

#: failure kinds the bot itself adds to the provider layer's ``ErrorKind``
NOT_CONFIGURED: Final = "not_configured"
UNDELIVERABLE: Final = "undeliverable"
IMAGE_UNUSABLE: Final = "image_unusable"
#: the member's or server's keys a job was started with were removed before it finished
KEYS_REMOVED: Final = "keys_removed"
#: the bot did not send the job: a member's image turned out unusable (the detail is already in their language)
IMAGE_REFUSED: Final = "image_refused"

#: failure kinds whose stored detail the bot wrote itself (in English), rather than the service
_BOT_WRITTEN: Final = frozenset(
    {
        ErrorKind.TIMEOUT, ErrorKind.SUBMIT_UNKNOWN, NOT_CONFIGURED, UNDELIVERABLE, IMAGE_UNUSABLE, KEYS_REMOVED
    }
)
#: failure kinds with a sentence of their own in the ``jobs.reason.*`` texts; others get the general one
_REASON_KINDS: Final = frozenset({*(kind.value for kind in ErrorKind), *_BOT_WRITTEN, IMAGE_REFUSED})


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


def vary_custom_id(job_id: int) -> str:
    return f"job:{job_id}:vary"


def remix_custom_id(job_id: int) -> str:
    return f"job:{job_id}:remix"


def remix_form_custom_id(job_id: int, index: int | None = None) -> str:
    """The remix form of grid ``job_id``; with ``index`` when the image is already chosen (under an upscale)."""
    return f"job:{job_id}:remix-form" if index is None else f"job:{job_id}:remix-form:{index}"


def prompt_custom_id(job_id: int, index: int) -> str:
    """``job:<id>:prompt2`` — matches ``PROMPT_BUTTON_TEMPLATE``."""
    if not 1 <= index <= MAX_PROMPT_BUTTONS:
        raise ValueError(f"no prompt button {index}")
    return f"job:{job_id}:prompt{index}"


def button_rows(
    job_id: int, kind: JobKind, capabilities: Collection[Capability], image_count: int, locale: object = None
) -> list[list[ButtonSpec]]:
    """The buttons under a finished job, only for what the service can do.

    Under a grid: U1–Un and 🔄 on the first row, V1–Vn and 🖌️ (remix) on the second, for images that exist.
    Under an upscaled image: 🪄 Vary, 🖌️ Remix and 🔄, which start from the grid it came from.
    """
    if kind is JobKind.UPSCALE:
        return [row for row in (_upscale_row(job_id, capabilities, locale),) if row]
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
    if Capability.REMIX in capabilities:
        second.append(ButtonSpec(remix_custom_id(job_id), emoji=REMIX_EMOJI))
    return [row for row in (first, second) if row]


def _upscale_row(job_id: int, capabilities: Collection[Capability], locale: object) -> list[ButtonSpec]:
    row: list[ButtonSpec] = []
    if Capability.VARIATION in capabilities:
        row.append(ButtonSpec(vary_custom_id(job_id), label=t("follow_up.vary", locale), emoji=VARY_EMOJI))
    if Capability.REMIX in capabilities:
        row.append(ButtonSpec(remix_custom_id(job_id), label=t("follow_up.remix", locale), emoji=REMIX_EMOJI))
    if Capability.REROLL in capabilities:
        row.append(ButtonSpec(reroll_custom_id(job_id), emoji=REROLL_EMOJI))
    return row


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


def shortened(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis when longer (never inside a grapheme)."""
    return clipped(one_line(text), limit)


def service_name(provider: str) -> str:
    """The display name of a service known by its registry name (the name itself for one the bot lost)."""
    known = PROVIDERS.get(provider)
    return known.display_name if known is not None else provider


def _shown_prompt(prompt: str | None, locale: object, limit: int = PROMPT_DISPLAY_LIMIT) -> str:
    """The prompt in bold, its markdown and mentions inert, within ``limit`` characters as sent."""
    if prompt is None:
        return t("jobs.no_prompt", locale)
    return f"**{neutral_within(prompt, max(len(ELLIPSIS), limit - 4))}**"


_WHAT: Final[dict[JobKind, tuple[str, str | None]]] = {
    # kind → (text without a grid position, text with one)
    JobKind.UPSCALE: ("jobs.upscale", "jobs.upscale_of"),
    JobKind.VARIATION: ("jobs.variation", "jobs.variation_of"),
    JobKind.REMIX: ("jobs.remix", "jobs.remix_of"),
    JobKind.REROLL: ("jobs.reroll", None),
    JobKind.BLEND: ("jobs.blend", None),
    JobKind.DESCRIBE: ("jobs.describe", None),
    JobKind.TALK: ("talk.what", None),
}


def _what(record: JobRecord) -> str:
    plain, positioned = _WHAT.get(record.kind, (None, None))
    if positioned is not None and record.grid_index:
        return t(positioned, record.locale, index=record.grid_index)
    return t(plain, record.locale) if plain is not None else ""


def _heading_parts(record: JobRecord, service: str) -> list[str]:
    return [part for part in (_what(record), f"<@{record.owner_id}>", service, f"#{record.id}") if part]


def job_heading(record: JobRecord, service: str, *, budget: int = HEADING_CHARS) -> str:
    """``**a red fox** — Image #2 · <@owner> · Picpik · #17`` in the job's language (the last part is the
    job's number, which ``/upscale`` and ``/variation`` take), within ``budget`` characters as sent: the prompt
    gives way, never the job's number."""
    parts = _heading_parts(record, service)
    prompt = prompt_of(record)
    if prompt is None and record.kind in (JobKind.BLEND, JobKind.DESCRIBE):  # they start from images, not words
        return clipped(f"**{parts[0]}** · {' · '.join(parts[1:])}", budget)
    tail = f" — {' · '.join(parts)}"
    room = min(PROMPT_DISPLAY_LIMIT, budget - len(tail))
    return clipped(f"{_shown_prompt(prompt, record.locale, room)}{tail}", budget)


def short_heading(record: JobRecord, service: str) -> str:
    """The heading without the prompt (``Image #2 · <@owner> · Picpik · #17``): the text of a message Discord
    refused in full, which must still say whose job it is and its number."""
    return " · ".join(_heading_parts(record, service))


def status_line(status: JobStatus, progress: float | None, locale: object = None, kind: JobKind | None = None) -> str:
    if status is JobStatus.QUEUED:
        return t("jobs.waiting", locale)
    if kind is JobKind.DESCRIBE:
        return t("jobs.reading", locale)
    if kind is JobKind.TALK:  # a video is filmed, not drawn
        if progress is None:
            return t("talk.filming", locale)
        return t("talk.filming_percent", locale, percent=f"{progress:.0f}")
    if progress is not None:
        return t("jobs.drawing_percent", locale, percent=f"{progress:.0f}")
    return t("jobs.drawing", locale)


def progress_text(record: JobRecord, service: str, status: JobStatus, progress: float | None) -> str:
    line = status_line(status, progress, record.locale, record.kind)
    return f"{job_heading(record, service, budget=CONTENT_CHARS - len(line) - 1)}\n{line}"


def result_text(record: JobRecord, service: str) -> str:
    return job_heading(record, service)


def failure_reason(kind: str | None, service: str, locale: object = None) -> str:
    """One plain sentence for a failure kind (an ``ErrorKind`` value or one of the bot's own)."""
    key = f"jobs.reason.{kind}" if kind in _REASON_KINDS else "jobs.reason.unknown"
    return t(key, locale, service=service)


def _failure_lines(record: JobRecord, service: str) -> list[str]:
    """Why the job failed, and the service's own words when they add some (shown as they came, inert: they are
    the service's, or the bot's log-level detail, and stay untranslated)."""
    reason = failure_reason(record.failure_kind, service, record.locale)
    if record.kind is JobKind.TALK and record.failure_kind == ErrorKind.JOB_FAILED:  # a video, not images
        reason = t("talk.job_failed", record.locale, service=service)
    lines = [f"❌ {reason}"]
    details = one_line(record.failure_message or "")
    if record.failure_kind in _BOT_WRITTEN and resolve_locale(record.locale) != DEFAULT_LOCALE:
        details = ""  # the bot's own English detail adds nothing the translated reason does not say
    if details and details not in reason and details not in failure_reason(record.failure_kind, service):
        lines.append(f"> {neutral_within(without_addresses(details), DETAILS_DISPLAY_LIMIT - 2)}")
    return lines


def failure_text(record: JobRecord, service: str) -> str:
    """The final message of a failed job: the heading, why, and the service's own words when they add some."""
    rest = "\n".join(_failure_lines(record, service))
    return f"{job_heading(record, service, budget=CONTENT_CHARS - len(rest) - 1)}\n{rest}"


def refused_result_text(record: JobRecord, service: str) -> str:
    """What a final message says when Discord refused it in full: the short heading and, for a failure, why.
    The picture (or the file) stays attached; only the words give way."""
    heading = short_heading(record, service)
    if record.failure_kind is None:
        return clipped(heading, CONTENT_CHARS)
    return clipped(f"{heading}\n{_failure_lines(record, service)[0]}", CONTENT_CHARS)


def input_error_text(message: str) -> str:
    """The ephemeral answer to a request that was refused before anything was sent (within a message's size)."""
    return clipped(f"⚠️ {message}", CONTENT_CHARS)


def preview_filename(record: JobRecord, extension: str) -> str:
    return f"preview_{record.id}.{extension}"


def preview_embed(filename: str | None) -> discord.Embed | None:
    """A service's in-progress preview, attached to the message as ``filename``: the embed shows the attachment,
    never a link to the service (which may be a plain-http address of its own network)."""
    if not filename:
        return None
    return discord.Embed().set_image(url=f"attachment://{filename}")


#: host names that only mean something inside a network
_LOCAL_SUFFIXES: Final = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet")


def shareable_link(url: str | None, limit: int = LINK_CHARS) -> str | None:
    """A link to a service's file that may be shown to members: https, to a named public host. None for plain
    http, an IP address, a local name or anything unreadable: a member must never be sent to (or learn) a
    service's internal address."""
    if not url:
        return None
    try:
        parsed = URL(url)
        host = (parsed.host or "").rstrip(".").lower()
    except (ValueError, UnicodeError):
        return None
    if parsed.scheme != "https" or not host or "." not in host or host.endswith(_LOCAL_SUFFIXES):
        return None
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return url if len(url) <= limit else None
    return None


def small_picture(data: bytes, side: int, max_bytes: int) -> EncodedImage:
    """A copy of the picture ``data`` at most ``side`` pixels on its longest side and ``max_bytes`` large (a
    preview, a thumbnail). Synchronous and CPU-bound: run it in a worker thread. Raises ``ImageError``."""
    with open_image(data) as opened:
        picture = load_image(opened, draft_size=(side, side))
        picture.thumbnail((side, side))
        return fit_to_limit(picture, max_bytes)


#: a web link, and an IPv4 address (with its port) written out in a service's words
_SCHEME: Final = r"[A-Za-z][\w+.-]*://"
#: (a link ends where another one starts, even glued to it: the second is judged on its own)
_LINK_IN_TEXT: Final = re.compile(rf"{_SCHEME}(?:(?!{_SCHEME})[^\s<>\"'])+")
_ADDRESS_IN_TEXT: Final = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\w.])")
#: what stands where a link or an address was taken out
WITHHELD: Final = "[…]"


def without_addresses(text: str) -> str:
    """A service's words without the links members may not be given (``shareable_link``) and without IP
    addresses: an error can quote where the service runs."""
    kept = _LINK_IN_TEXT.sub(lambda found: found[0] if shareable_link(found[0]) else WITHHELD, text)
    return _ADDRESS_IN_TEXT.sub(WITHHELD, kept)


def result_filename(record: JobRecord, extension: str) -> str:
    stem = "grid" if record.kind in GRID_KINDS else record.kind.value
    return f"{stem}_{record.id}.{extension}"
