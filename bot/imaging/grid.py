"""The 2×2 grid the bot shows for services that return separate images.

Layout:

* Two columns. Image *n* goes to cell *n* in reading order — 1 top-left, 2 top-right, 3 bottom-left,
  4 bottom-right — the order of the U1–U4 / V1–V4 buttons. Fewer images give a smaller grid rather
  than empty cells a member could think failed: 1 → 1×1, 2 → 2×1 side by side, 3 → 2×2 with the
  bottom-right cell left as background.
* All cells have one size: the bounding box of the images once each is capped at ``cell_max_side`` (keeping
  its shape). Four images of one size — the usual case — fill their cells exactly with no resampling.
* An image of another size or shape is scaled to fit its cell, keeping its aspect ratio, and centred on the
  background (letterbox). Nothing is cropped: a member chooses U/V from what they see, so they see it all.

``compose_grid`` is synchronous and CPU-bound; the event loop calls ``compose_grid_async`` (a worker thread).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass

from PIL import Image

from bot.imaging.encode import (
    BACKGROUND,
    MAX_INPUT_PIXELS,
    EncodedImage,
    fit_to_limit,
    flatten,
    load_image,
    open_image,
)

__all__ = ["MAX_GRID_IMAGES", "GridLayout", "build_grid", "compose_grid", "compose_grid_async", "grid_layout"]

MAX_GRID_IMAGES = 4
_COLUMNS = 2

Size = tuple[int, int]
Box = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class GridLayout:
    columns: int
    rows: int
    cell_width: int
    cell_height: int
    gap: int

    @property
    def size(self) -> Size:
        return (
            self.columns * self.cell_width + (self.columns - 1) * self.gap,
            self.rows * self.cell_height + (self.rows - 1) * self.gap,
        )

    def cell_box(self, index: int) -> Box:
        """(left, top, right, bottom) of cell ``index`` (0-based, reading order)."""
        column, row = index % self.columns, index // self.columns
        left = column * (self.cell_width + self.gap)
        top = row * (self.cell_height + self.gap)
        return left, top, left + self.cell_width, top + self.cell_height


def _fit(size: Size, box: Size) -> Size:
    """The largest size of ``size``'s shape inside ``box`` (at least 1×1)."""
    scale = min(box[0] / size[0], box[1] / size[1])
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def grid_layout(sizes: Sequence[Size], *, cell_max_side: int = 1024, gap: int = 0) -> GridLayout:
    """The layout for images of these sizes, in the order given."""
    if not 1 <= len(sizes) <= MAX_GRID_IMAGES:
        raise ValueError(f"a grid holds 1 to {MAX_GRID_IMAGES} images, not {len(sizes)}")
    if cell_max_side < 1 or gap < 0:
        raise ValueError("cell_max_side must be positive and gap not negative")
    capped = [size if max(size) <= cell_max_side else _fit(size, (cell_max_side, cell_max_side)) for size in sizes]
    columns = min(_COLUMNS, len(sizes))
    rows = -(-len(sizes) // columns)
    return GridLayout(columns, rows, max(w for w, _ in capped), max(h for _, h in capped), gap)


def build_grid(
    images: Sequence[bytes], *, cell_max_side: int = 1024, gap: int = 0, max_pixels: int = MAX_INPUT_PIXELS
) -> Image.Image:
    """Decode 1–4 images and lay them out (see the module docstring); raises ``ImageError`` subclasses."""
    with ExitStack() as stack:
        # headers first: every image is vetted, and the cell size known, before any pixel is decoded
        opened = [stack.enter_context(open_image(data, max_pixels=max_pixels)) for data in images]
        layout = grid_layout([image.size for image in opened], cell_max_side=cell_max_side, gap=gap)
        canvas = Image.new("RGB", layout.size, BACKGROUND)
        cell = (layout.cell_width, layout.cell_height)
        for index, image in enumerate(opened):
            fitted = _fit(image.size, cell)
            shrinking = fitted[0] < image.width
            picture = flatten(load_image(image, draft_size=fitted if shrinking else None))
            if picture.size != fitted:
                picture = picture.resize(fitted, Image.Resampling.LANCZOS, reducing_gap=2.0)
            left, top, _, _ = layout.cell_box(index)
            canvas.paste(picture, (left + (cell[0] - fitted[0]) // 2, top + (cell[1] - fitted[1]) // 2))
            image.close()  # free the decoded pixels now rather than after the last image
        return canvas


def compose_grid(
    images: Sequence[bytes],
    *,
    max_bytes: int,
    cell_max_side: int = 1024,
    gap: int = 0,
    max_pixels: int = MAX_INPUT_PIXELS,
) -> EncodedImage:
    """The grid of ``images``, encoded within ``max_bytes`` (PNG when it fits, else JPEG)."""
    grid = build_grid(images, cell_max_side=cell_max_side, gap=gap, max_pixels=max_pixels)
    return fit_to_limit(grid, max_bytes)


async def compose_grid_async(
    images: Sequence[bytes],
    *,
    max_bytes: int,
    cell_max_side: int = 1024,
    gap: int = 0,
    max_pixels: int = MAX_INPUT_PIXELS,
) -> EncodedImage:
    """:func:`compose_grid` in a worker thread, so the event loop keeps serving while Pillow works."""
    return await asyncio.to_thread(
        compose_grid, tuple(images), max_bytes=max_bytes, cell_max_side=cell_max_side, gap=gap, max_pixels=max_pixels
    )
