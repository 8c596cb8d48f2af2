"""The benchmark's own parts: its photo-like pictures really are hard to compress, and its grid figure
reports a file within the upload limit (the timing figures themselves are printed, never asserted)."""

from __future__ import annotations

from bot.config import DEFAULT_UPLOAD_LIMIT
from bot.imaging import compose_grid
from tests.benchmarks.front_end import photo_like


def test_photo_like_pictures_compress_like_photographs() -> None:
    picture = photo_like(seed=1)
    assert len(picture) > 600 * 1024  # a flat test colour of this size is a few kB


def test_four_photo_like_1024_pictures_make_a_grid_within_discords_default_limit() -> None:
    grid = compose_grid([photo_like(seed) for seed in range(4)], max_bytes=DEFAULT_UPLOAD_LIMIT)
    assert (grid.width, grid.height) == (2048, 2048)
    assert grid.size <= DEFAULT_UPLOAD_LIMIT
