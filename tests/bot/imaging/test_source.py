"""``ResultPictures``: which file a result becomes, and a clearly smaller one when Discord refuses it."""

import itertools

import pytest

from bot.imaging import ImageDoesNotFit
from bot.imaging.source import SHRINK_FACTOR, ResultPictures
from tests.emulators.common import png_bytes

PICTURES = tuple(png_bytes(256, 256, seed=seed, label=str(seed)) for seed in range(4))


def test_separate_images_make_a_grid_one_image_or_the_services_grid_goes_alone() -> None:
    assert ResultPictures.of(PICTURES, service_made_grid=False).as_grid
    assert not ResultPictures.of(PICTURES[:1], service_made_grid=False).as_grid
    assert not ResultPictures.of(PICTURES, service_made_grid=True).as_grid
    with pytest.raises(ValueError, match="at least one picture"):
        ResultPictures.of((), service_made_grid=False)
    assert "bytes=[" in repr(ResultPictures.of(PICTURES, service_made_grid=False))  # sizes, never the bytes


async def test_a_refused_file_is_made_again_within_its_share_of_the_size() -> None:
    source = ResultPictures.of(PICTURES, service_made_grid=False)
    first = await source.encode(10 * 1024 * 1024)
    assert (first.format, first.width, first.height) == ("PNG", 512, 512)
    smaller = await source.smaller_than(first)
    assert smaller.format == "JPEG" and smaller.size <= first.size * SHRINK_FACTOR
    alone = await ResultPictures.of(PICTURES[:1], service_made_grid=False).encode(10 * 1024 * 1024)
    assert alone.data == PICTURES[0]  # a lone picture that fits is sent as it came


async def test_shrinking_ends_with_image_does_not_fit_instead_of_looping() -> None:
    source = ResultPictures.of(PICTURES, service_made_grid=False)
    files = [await source.encode(3_000)]
    refusal: ImageDoesNotFit | None = None
    while refusal is None and len(files) < 20:  # a thumbnail cannot shrink forever
        try:
            files.append(await source.smaller_than(files[-1]))
        except ImageDoesNotFit as error:
            refusal = error
    assert refusal is not None and len(files) > 1, files
    assert all(b.size <= a.size * SHRINK_FACTOR for a, b in itertools.pairwise(files)), files
