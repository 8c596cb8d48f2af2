"""The bot's ``ImagineRequest`` → an A1111 txt2img body, with the NGPU/A1111-specific checks.

The ranges are A1111's own UI limits (sizes 64–2048 in steps of 8, steps 1–150, CFG 1–30, seeds up to
2³²−1 with −1 meaning random); the workspace image may accept more, but these always work.
"""

from __future__ import annotations

from typing import Any

from providers.core.errors import InvalidInputError
from providers.core.models import ImagineRequest, ProviderLimits
from providers.core.validation import parse_aspect_ratio, size_for_ratio
from providers.ngpu.a1111 import Txt2ImgBody

SERVICE = "NGPU"
SIZE_STEP = 8
MAX_MODEL_NAME = 200
MAX_SAMPLER_NAME = 64

#: option name → (type, minimum, maximum); types are checked before ranges
NUMERIC_OPTIONS: dict[str, tuple[type, float, float]] = {
    "steps": (int, 1, 150),
    "cfg_scale": (float, 1.0, 30.0),
}
TEXT_OPTIONS = frozenset({"sampler_name"})
KNOWN_OPTIONS = frozenset(NUMERIC_OPTIONS) | TEXT_OPTIONS


def validate_extras(request: ImagineRequest, limits: ProviderLimits, *, default_size: int) -> None:
    """Checks beyond the shared ones: sizes in steps of 8, the options, the model name."""
    for name, value in (("width", request.width), ("height", request.height)):
        if value is not None and value % SIZE_STEP:
            raise InvalidInputError(
                f"{SERVICE} needs the {name} in steps of {SIZE_STEP} pixels; you gave {value}.",
                field=name,
                key="width_step" if name == "width" else "height_step",
                values={"service": SERVICE, "step": SIZE_STEP, "value": value},
            )
    validate_options(request.options)
    if request.model is not None and not 0 < len(request.model.strip()) <= MAX_MODEL_NAME:
        raise InvalidInputError(
            f"A model name has 1 to {MAX_MODEL_NAME} characters; yours has {len(request.model.strip())}.",
            field="model",
            key="model_name_length",
            values={"limit": MAX_MODEL_NAME, "length": len(request.model.strip())},
        )
    width, height = image_size(request, default=default_size)
    low, high = limits.min_size or 0, limits.max_size or 1 << 16
    for name, value in (("width", width), ("height", height)):
        if not low <= value <= high:
            raise InvalidInputError(
                f"{SERVICE} makes images from {low} to {high} pixels; "
                f"this request would be {width}×{height}.",
                field=name,
                key="image_size_out_of_range",
                values={"service": SERVICE, "low": low, "high": high, "width": width, "height": height},
            )


def validate_options(options: dict[str, Any]) -> None:
    unknown = sorted(set(options) - KNOWN_OPTIONS)
    if unknown:
        raise InvalidInputError(
            f"{SERVICE} does not know the option(s) {', '.join(unknown)}; "
            f"it accepts {', '.join(sorted(KNOWN_OPTIONS))}.",
            field=unknown[0],
            key="options_unknown",
            values={"service": SERVICE, "unknown": ", ".join(unknown), "known": ", ".join(sorted(KNOWN_OPTIONS))},
        )
    for name, (kind, low, high) in NUMERIC_OPTIONS.items():
        if name not in options:
            continue
        value = options[name]
        ok_type = isinstance(value, int) if kind is int else isinstance(value, int | float)
        if isinstance(value, bool) or not ok_type:
            article = "a whole number" if kind is int else "a number"
            raise InvalidInputError(
                f"{name} must be {article}; you gave {value!r}.",
                field=name,
                key="option_needs_whole_number" if kind is int else "option_needs_number",
                values={"name": name, "value": repr(value)},
            )
        if not low <= value <= high:
            raise InvalidInputError(
                f"{name} goes from {low:g} to {high:g}; you gave {value}.",
                field=name,
                key="option_out_of_range",
                values={"name": name, "low": f"{low:g}", "high": f"{high:g}", "value": value},
            )
    sampler = options.get("sampler_name")
    if sampler is not None and (not isinstance(sampler, str) or not 0 < len(sampler.strip()) <= MAX_SAMPLER_NAME):
        raise InvalidInputError(
            f"sampler_name is a sampler's name such as “Euler a” (1 to {MAX_SAMPLER_NAME} characters).",
            field="sampler_name",
            key="sampler_name",
            values={"limit": MAX_SAMPLER_NAME},
        )


def image_size(request: ImagineRequest, *, default: int) -> tuple[int, int]:
    """(W, H): both given → as given; an aspect ratio → that shape with the longer side ``default`` (or
    the given side); one side → the other is ``default``; nothing → a ``default`` square."""
    if request.width is not None and request.height is not None:
        return request.width, request.height
    if request.aspect_ratio is not None:
        long_side = request.width or request.height or default
        return size_for_ratio(parse_aspect_ratio(request.aspect_ratio), long_side=long_side, step=64, minimum=64)
    return request.width or default, request.height or default


def txt2img_body(request: ImagineRequest, *, default_size: int) -> Txt2ImgBody:
    width, height = image_size(request, default=default_size)
    options = request.options
    return Txt2ImgBody(
        prompt=request.prompt.strip(),
        negative_prompt=(request.negative_prompt or "").strip(),
        seed=-1 if request.seed is None else request.seed,
        width=width,
        height=height,
        batch_size=request.count,
        n_iter=1,
        steps=options.get("steps", 20),
        cfg_scale=float(options.get("cfg_scale", 7.0)),
        sampler_name=options.get("sampler_name"),
        override_settings={"sd_model_checkpoint": request.model.strip()} if request.model else None,
    )
