"""Pictures for Discord: composing a job's images into the 2×2 grid and fitting files to the upload limit.

Pure, synchronous Pillow code meant for a worker thread; the ``*_async`` wrappers do the ``to_thread``.
"""

from bot.imaging.encode import (
    MAX_INPUT_PIXELS,
    EncodedImage,
    ImageDoesNotFit,
    ImageError,
    ImageTooLarge,
    UnreadableImage,
    encode_single,
    encode_single_async,
    fit_to_limit,
)
from bot.imaging.grid import GridLayout, build_grid, compose_grid, compose_grid_async, grid_layout

__all__ = [
    "MAX_INPUT_PIXELS",
    "EncodedImage",
    "GridLayout",
    "ImageDoesNotFit",
    "ImageError",
    "ImageTooLarge",
    "UnreadableImage",
    "build_grid",
    "compose_grid",
    "compose_grid_async",
    "encode_single",
    "encode_single_async",
    "fit_to_limit",
    "grid_layout",
]
