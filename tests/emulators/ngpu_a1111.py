"""The AUTOMATIC1111 API as it runs inside the NGPU emulator's workspace image: txt2img / img2img make small real
PNGs, extra-single-image resizes, interrogate captions; bad input gets A1111's FastAPI 422 shape."""

from __future__ import annotations

import base64
import binascii
import io
import json
import random
from typing import Any

from PIL import Image

from tests.emulators.common import grid_png, png_bytes

A1111_ENDPOINTS = ("txt2img", "img2img", "extra-single-image", "interrogate")
OUTPUT_LONG_SIDE = 128  # images are generated small (aspect kept, each side at least 64)


class _Invalid(Exception):
    def __init__(self, field_name: str, msg: str) -> None:
        super().__init__(msg)
        self.field_name, self.msg = field_name, msg


def _number(body: dict[str, Any], name: str, default: float, low: float, high: float, *, whole: bool) -> Any:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int if whole else int | float):
        raise _Invalid(name, "value is not a valid " + ("integer" if whole else "number"))
    if not low <= value <= high:
        raise _Invalid(name, f"ensure this value is between {low} and {high}")
    return value


def _image_from(text: Any, name: str) -> Image.Image:
    if not isinstance(text, str) or not text:
        raise _Invalid(name, "field required")
    try:
        data = base64.b64decode(text.partition(",")[2] if text.startswith("data:") else text, validate=True)
        image = Image.open(io.BytesIO(data))
        image.load()
    except (binascii.Error, ValueError, OSError):
        raise _Invalid(name, "not a base64 image") from None
    return image


def _small(width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, OUTPUT_LONG_SIDE / max(width, height))
    return max(64, round(width * scale)), max(64, round(height * scale))


def _b64png(image: Image.Image) -> str:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", compress_level=1)
    return base64.b64encode(out.getvalue()).decode()


def _generate(endpoint: str, body: dict[str, Any], number: int) -> dict[str, Any]:
    prompt = body.get("prompt", "")
    if not isinstance(prompt, str):
        raise _Invalid("prompt", "str type expected")
    width = _number(body, "width", 512, 64, 2048, whole=True)
    height = _number(body, "height", 512, 64, 2048, whole=True)
    for name, side in (("width", width), ("height", height)):
        if side % 8:
            raise _Invalid(name, "must be a multiple of 8")
    batch = _number(body, "batch_size", 1, 1, 8, whole=True)
    n_iter = _number(body, "n_iter", 1, 1, 4, whole=True)
    steps = _number(body, "steps", 20, 1, 150, whole=True)
    cfg = _number(body, "cfg_scale", 7.0, 1, 30, whole=False)
    seed = _number(body, "seed", -1, -1, 2**32 - 1, whole=True)
    if endpoint == "img2img":
        images = body.get("init_images")
        if not isinstance(images, list) or not images:
            raise _Invalid("init_images", "field required")
        for index, text in enumerate(images):
            _image_from(text, f"init_images.{index}")
        _number(body, "denoising_strength", 0.75, 0, 1, whole=False)
    if seed == -1:
        seed = random.Random(number).randrange(2**32 - 8)
    count = batch * n_iter
    all_seeds = [seed + i for i in range(count)]
    small = _small(width, height)
    pictures = [base64.b64encode(png_bytes(*small, seed=s, label=f"{endpoint} {i + 1}")).decode()
                for i, s in enumerate(all_seeds)]
    first = 0
    if count > 1 and not body.get("do_not_save_grid", False):  # A1111 returns its grid first by default
        pictures.insert(0, base64.b64encode(grid_png(small[0] // 2, small[1] // 2, seed=seed)).decode())
        first = 1
    info = {
        "prompt": prompt, "all_prompts": [prompt] * count, "negative_prompt": body.get("negative_prompt", ""),
        "seed": seed, "all_seeds": all_seeds, "subseed": seed + 1000, "width": width, "height": height,
        "sampler_name": body.get("sampler_name") or "Euler a", "cfg_scale": cfg, "steps": steps,
        "batch_size": batch, "index_of_first_image": first, "infotexts": [prompt] * len(pictures),
    }
    parameters = {**body, "init_images": None, "mask": None} if endpoint == "img2img" else dict(body)
    return {"images": pictures, "parameters": parameters, "info": json.dumps(info)}


def run_a1111(endpoint: str, body: dict[str, Any], number: int = 0) -> dict[str, Any]:
    """What the A1111 API answers for ``POST /sdapi/v1/<endpoint>`` (its FastAPI 422 shape on bad input)."""
    try:
        if endpoint in ("txt2img", "img2img"):
            return _generate(endpoint, body, number)
        image = _image_from(body.get("image"), "image")
        if endpoint == "extra-single-image":
            factor = _number(body, "upscaling_resize", 2, 1, 8, whole=False)
            size = (round(image.width * factor), round(image.height * factor))
            return {"html_info": f"<p>Upscaled ×{factor:g}</p>", "image": _b64png(image.resize(size))}
        model = body.get("model", "clip")
        if model not in ("clip", "deepdanbooru"):
            return {"detail": f"Model not found {model}"}
        if model == "deepdanbooru":
            return {"caption": "abstract, circle, colorful, lines"}
        return {"caption": f"a colorful abstract picture with a white ring, {image.width}x{image.height}"}
    except _Invalid as invalid:
        return {"detail": [{"loc": ["body", invalid.field_name], "msg": invalid.msg, "type": "value_error"}]}
