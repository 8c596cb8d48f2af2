"""Midjourney's prompt language: building ``content`` from the bot's request, and reading /describe.

The job API takes one ``content`` string, exactly what a member would type after ``/imagine``, so
the bot's neutral options become Midjourney parameters (``--ar``, ``--seed``, ``--no``, ``--niji`` …).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from providers.core.errors import InvalidInputError
from providers.core.models import BlendDimensions, ImagineRequest
from providers.core.validation import parse_aspect_ratio

SEED_MAX = 4_294_967_295
#: the ``service`` values of ``/jobs/find``: "main" (Midjourney) and "niji" (the anime model)
MODELS = ("main", "niji")

# The blend endpoint's ``content`` is documented as the links alone, so by default nothing follows them and the
# service picks the shape. Midjourney's own /blend has a dimensions option that it turns into an aspect ratio: for a
# service known to read ``--ar`` there (``MidjourneySettings.blend_reads_ar``) the same parameter follows the links;
# a square blend sends none (Midjourney's default is 1:1).
BLEND_ASPECT: dict[BlendDimensions, str | None] = {
    BlendDimensions.SQUARE: None,
    BlendDimensions.PORTRAIT: "2:3",
    BlendDimensions.LANDSCAPE: "3:2",
}


@dataclass(frozen=True)
class _Option:
    flag: str
    check: Callable[[Any], bool]
    hint: str
    #: the message key of a wrong value, and the fields its text needs besides the option's name and value
    key: str
    hint_values: Mapping[str, object] = field(default_factory=dict)


def _number_between(low: float, high: float) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high


def _number_option(flag: str, low: int, high: int) -> _Option:
    return _Option(
        flag, _number_between(low, high), f"a number from {low} to {high}", "option_between", {"low": low, "high": high}
    )


#: ``ImagineRequest.options`` the service understands, as Midjourney documents its parameters
OPTIONS: dict[str, _Option] = {
    "chaos": _number_option("--chaos", 0, 100),
    "stylize": _number_option("--stylize", 0, 1000),
    "weird": _number_option("--weird", 0, 3000),
    "quality": _Option("--quality", lambda v: v in (0.25, 0.5, 1, 2), "0.25, 0.5, 1 or 2", "option_quality"),
    "version": _Option(
        "--v", lambda v: isinstance(v, str | int | float) and re.fullmatch(r"\d+(\.\d+)?", str(v)) is not None,
        "a version number such as 6 or 5.2", "option_version",
    ),
    "tile": _Option("--tile", lambda v: isinstance(v, bool), "true or false", "option_true_or_false"),
    "raw": _Option("--style raw", lambda v: isinstance(v, bool), "true or false", "option_true_or_false"),
}


def _one_line(text: str) -> str:
    # Midjourney reads one line; a newline inside a prompt would cut it
    return " ".join(text.split())


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def aspect_ratio(request: ImagineRequest) -> str | None:
    """``W:H`` for ``--ar``, from ``aspect_ratio`` or from ``width``/``height`` (reduced)."""
    if request.aspect_ratio is not None:
        width, height = parse_aspect_ratio(request.aspect_ratio)
    elif request.width is not None or request.height is not None:
        if request.width is None or request.height is None or request.width <= 0 or request.height <= 0:
            raise InvalidInputError(
                "This service works with aspect ratios: give both width and height, or an aspect ratio like 16:9.",
                field="aspect_ratio",
                key="needs_both_sides_or_ratio",
            )
        width, height = parse_aspect_ratio(f"{request.width}:{request.height}")
    else:
        return None
    divisor = math.gcd(width, height)
    return f"{width // divisor}:{height // divisor}"


def option_flags(options: dict[str, Any]) -> list[str]:
    """The Midjourney parameters for ``options``, refusing unknown names and out-of-range values."""
    flags: list[str] = []
    for name, value in options.items():
        option = OPTIONS.get(name)
        if option is None:
            known = ", ".join(sorted(OPTIONS))
            raise InvalidInputError(
                f"Unknown option “{name}”. This service knows: {known}.",
                field="options",
                key="option_unknown",
                values={"name": name, "known": known},
            )
        if not option.check(value):
            raise InvalidInputError(
                f"The option {name} must be {option.hint}; you gave {value!r}.",
                field="options",
                key=option.key,
                values={"name": name, "value": repr(value), **option.hint_values},
            )
        if isinstance(value, bool):
            if value:
                flags.append(option.flag)
        else:
            flags.append(f"{option.flag} {_format_number(value) if not isinstance(value, str) else value}")
    return flags


def build_content(request: ImagineRequest) -> str:
    """The ``content`` of ``/jobs/create`` for a request (validated by the provider first)."""
    parts = [_one_line(request.prompt)]
    ratio = aspect_ratio(request)
    if ratio is not None and ratio != "1:1":
        parts.append(f"--ar {ratio}")
    if request.seed is not None:
        parts.append(f"--seed {request.seed}")
    if request.negative_prompt and request.negative_prompt.strip():
        parts.append(f"--no {_one_line(request.negative_prompt)}")
    if request.model == "niji":
        parts.append("--niji")
    parts.extend(option_flags(request.options))
    return " ".join(parts)


def blend_parameters(dimensions: BlendDimensions) -> str | None:
    """What follows the links in ``/jobs/blend``'s ``content`` for the chosen shape."""
    ratio = BLEND_ASPECT[dimensions]
    return f"--ar {ratio}" if ratio else None


#: Midjourney numbers its four /describe prompts with keycap emoji 1️⃣ 2️⃣ 3️⃣ 4️⃣
_KEYCAP = re.compile(r"[1-9]\ufe0f?\u20e3")


def numbered(text: str) -> bool:
    """Whether ``text`` numbers its parts with keycaps, as Midjourney's /describe answer does."""
    return _KEYCAP.search(text) is not None


def describe_prompts(description: str) -> list[str]:
    """The separate prompts of a /describe result; the whole text when it is not numbered."""
    text = description.strip()
    if not text:
        return []
    if not _KEYCAP.search(text):
        return [text]
    pieces = _KEYCAP.split(text)[1:]  # anything before the first number is a heading, not a prompt
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]
