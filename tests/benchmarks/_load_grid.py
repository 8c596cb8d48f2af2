"""4 × 1024² PNG → the grid attachment, against the floor: decoding the four inputs and encoding the output with
the same library and the same encoder settings, timed in the same run.

The bot's side is ``bot.imaging.compose_grid`` (what the poller runs in a worker thread for every grid). The floor
cannot be beaten by any composition: it decodes exactly the four inputs and encodes one picture of the output's
size in the output's format — PNG with the bot's own options, or JPEG with the very quantisation tables and
subsampling the bot's file has. Laying out the canvas is left out of the floor (it is the bot's own work).
"""

from __future__ import annotations

import io
import statistics
import time
from typing import Any

from PIL import Image, JpegImagePlugin

from bot.config import DEFAULT_UPLOAD_LIMIT
from bot.imaging import EncodedImage, compose_grid
from bot.imaging.encode import _PNG_OPTIONS  # the bot's own PNG settings, so the floor encodes the same way
from tests.benchmarks.front_end import photo_like


def _decode(pictures: list[bytes]) -> list[Image.Image]:
    decoded = []
    for data in pictures:
        image = Image.open(io.BytesIO(data))
        image.load()
        decoded.append(image)
    return decoded


def _canvas(decoded: list[Image.Image], size: tuple[int, int]) -> Image.Image:
    side = decoded[0].width
    canvas = Image.new("RGB", (side * 2, side * 2))
    for index, image in enumerate(decoded):
        canvas.paste(image.convert("RGB"), ((index % 2) * side, (index // 2) * side))
    return canvas if canvas.size == size else canvas.resize(size)


def _encode_like(picture: Image.Image, result: EncodedImage) -> bytes:
    """``picture`` encoded as the bot encoded ``result``."""
    out = io.BytesIO()
    if result.format == "PNG":
        picture.save(out, "PNG", **_PNG_OPTIONS)
    else:
        with Image.open(io.BytesIO(result.data)) as sent:
            tables = sent.quantization  # type: ignore[attr-defined]
            sampling = JpegImagePlugin.get_sampling(sent)
        picture.save(out, "JPEG", qtables=tables, subsampling=sampling)
    return out.getvalue()


def floor_seconds(pictures: list[bytes], result: EncodedImage) -> float:
    """Seconds to decode the four inputs plus seconds to encode one output-sized picture like ``result``."""
    began = time.perf_counter()
    decoded = _decode(pictures)
    decoding = time.perf_counter() - began
    canvas = _canvas(decoded, (result.width, result.height))  # not timed: arranging is not part of the floor
    began = time.perf_counter()
    _encode_like(canvas, result)
    return decoding + time.perf_counter() - began


def grid_figures(runs: int, picture_sets: int = 3, limit: int = DEFAULT_UPLOAD_LIMIT) -> dict[str, Any]:
    """p50 of ``runs`` compositions (over ``picture_sets`` different sets of photo-like pictures) and of their
    floors, taken turn about so that both see the same machine."""
    sets = [[photo_like(seed) for seed in range(4 * number, 4 * number + 4)] for number in range(picture_sets)]
    bot_times, floor_times, sizes, formats = [], [], [], set()
    for run in range(runs):
        pictures = sets[run % picture_sets]
        began = time.perf_counter()
        result = compose_grid(pictures, max_bytes=limit)
        bot_times.append(time.perf_counter() - began)
        floor_times.append(floor_seconds(pictures, result))
        sizes.append(result.size)
        formats.add(f"{result.width}×{result.height} {result.format}")
    bot_p50, floor_p50 = statistics.median(bot_times), statistics.median(floor_times)
    return {
        "runs": runs,
        "inputs": f"4 photo-like PNG 1024×1024 ({picture_sets} different sets)",
        "outputs": sorted(formats),
        "bot p50 seconds": bot_p50,
        "floor p50 seconds": floor_p50,
        "ratio": bot_p50 / floor_p50,
        "largest bytes": max(sizes),
        "limit bytes": limit,
        "always within limit": max(sizes) <= limit,
    }
