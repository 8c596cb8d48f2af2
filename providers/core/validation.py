"""Checks shared by all providers, with messages a Discord member can act on."""

from __future__ import annotations

import re

from providers.core.errors import InvalidInputError
from providers.core.models import ImagineRequest, ProviderLimits

_RATIO = re.compile(r"^\s*(\d{1,4})\s*[:xX×]\s*(\d{1,4})\s*$")


def parse_aspect_ratio(text: str) -> tuple[int, int]:
    """``"16:9"`` → ``(16, 9)``; refuses anything that is not two positive integers within 1:4 … 4:1."""
    match = _RATIO.match(text)
    if not match:
        raise InvalidInputError(
            f"“{text}” is not an aspect ratio; write it like 16:9 or 2:3.",
            field="aspect_ratio",
            key="not_an_aspect_ratio",
            values={"text": text},
        )
    width, height = int(match[1]), int(match[2])
    if width == 0 or height == 0:
        raise InvalidInputError("An aspect ratio cannot contain 0.", field="aspect_ratio", key="aspect_ratio_zero")
    if not 0.25 <= width / height <= 4:
        raise InvalidInputError(
            f"The aspect ratio {width}:{height} is too extreme; keep it between 1:4 and 4:1.",
            field="aspect_ratio",
            key="aspect_ratio_extreme",
            values={"width": width, "height": height},
        )
    return width, height


def nearest_size(ratio: tuple[int, int], sizes: tuple[tuple[int, int], ...]) -> tuple[int, int]:
    """The supported (W, H) whose shape is closest to ``ratio``."""
    target = ratio[0] / ratio[1]
    return min(sizes, key=lambda size: abs(size[0] / size[1] - target))


def size_for_ratio(ratio: tuple[int, int], *, long_side: int, step: int = 64, minimum: int = 64) -> tuple[int, int]:
    """A (W, H) of the given shape whose longer side is ``long_side``, both rounded to ``step``."""
    width, height = ratio
    if width >= height:
        w, h = long_side, long_side * height / width
    else:
        w, h = long_side * width / height, long_side
    return max(minimum, round(w / step) * step), max(minimum, round(h / step) * step)


def validate_imagine_request(request: ImagineRequest, limits: ProviderLimits, service: str) -> None:
    prompt = request.prompt.strip()
    if not prompt:
        raise InvalidInputError(
            "The prompt is empty; describe what you want to see.", field="prompt", key="prompt_empty"
        )
    if len(prompt) > limits.prompt_max_chars:
        raise InvalidInputError(
            f"{service} accepts prompts of at most {limits.prompt_max_chars} characters; "
            f"yours has {len(prompt)}.",
            field="prompt",
            key="prompt_too_long",
            values={"service": service, "limit": limits.prompt_max_chars, "length": len(prompt)},
        )
    if request.negative_prompt and not limits.supports_negative_prompt:
        raise InvalidInputError(
            f"{service} does not support a negative prompt.",
            field="negative_prompt",
            key="negative_prompt_unsupported",
            values={"service": service},
        )
    if request.aspect_ratio is not None:
        parse_aspect_ratio(request.aspect_ratio)
    if request.seed is not None and limits.seed_min is not None and limits.seed_max is not None:
        if not limits.seed_min <= request.seed <= limits.seed_max:
            raise InvalidInputError(
                f"{service} accepts seeds from {limits.seed_min} to {limits.seed_max}.",
                field="seed",
                key="seed_out_of_range",
                values={"service": service, "low": limits.seed_min, "high": limits.seed_max},
            )
    elif request.seed is not None and limits.seed_min is None:
        raise InvalidInputError(
            f"{service} does not let you choose a seed.",
            field="seed",
            key="seed_unsupported",
            values={"service": service},
        )
    for name, value in (("width", request.width), ("height", request.height)):
        if value is None:
            continue
        if limits.min_size is not None and limits.max_size is not None:
            if not limits.min_size <= value <= limits.max_size:
                raise InvalidInputError(
                    f"{service} accepts a {name} from {limits.min_size} to {limits.max_size} pixels.",
                    field=name,
                    key="width_out_of_range" if name == "width" else "height_out_of_range",
                    values={"service": service, "low": limits.min_size, "high": limits.max_size},
                )
        elif limits.sizes and not any(value in size for size in limits.sizes):
            allowed = ", ".join(f"{w}×{h}" for w, h in limits.sizes)
            raise InvalidInputError(
                f"{service} only makes these sizes: {allowed}.",
                field=name,
                key="size_not_offered",
                values={"service": service, "sizes": allowed},
            )
    if not 1 <= request.count <= limits.max_count:
        raise InvalidInputError(
            f"{service} makes between 1 and {limits.max_count} images at once.",
            field="count",
            key="count_out_of_range",
            values={"service": service, "high": limits.max_count},
        )
    if request.model is not None and limits.styles and request.model not in limits.styles:
        raise InvalidInputError(
            f"{service} has no style “{request.model}”. Choose one of: {', '.join(limits.styles)}.",
            field="model",
            key="style_unknown",
            values={"service": service, "style": request.model, "styles": ", ".join(limits.styles)},
        )
