"""Fitting a picture to a byte limit, and passing an upscale through untouched when it already fits."""

import asyncio
import io
import threading

import pytest
from PIL import Image, ImageChops, ImageStat

import bot.imaging.encode as encode_module
from bot.imaging import (
    EncodedImage,
    ImageDoesNotFit,
    ImageTooLarge,
    UnreadableImage,
    encode_single,
    encode_single_async,
    fit_to_limit,
)
from tests.bot.imaging import BLUE, RED, encoded, noise, photo_like, png_claiming_size, solid


def _decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_picture_that_fits_is_a_lossless_png() -> None:
    picture = photo_like(1, 256)
    result = fit_to_limit(picture, 1_000_000)
    assert (result.format, result.extension, result.content_type) == ("PNG", "png", "image/png")
    decoded = _decode(result.data)
    assert ImageChops.difference(decoded.convert("RGB"), picture).getbbox() is None  # identical pixels
    assert (result.width, result.height) == picture.size


@pytest.mark.parametrize("limit", [3_000, 20_000, 100_000, 400_000, 1_200_000])
def test_the_result_never_exceeds_the_limit(limit: int) -> None:
    picture = noise((640, 640))  # PNG ~1.2 MB: nothing compresses it
    result = fit_to_limit(picture, limit)
    assert result.size <= limit
    decoded = _decode(result.data)
    assert decoded.size == (result.width, result.height)
    assert decoded.format == result.format
    if limit < 1_000_000:
        assert result.format == "JPEG"


def test_a_large_picture_over_a_small_limit_is_scaled_down_as_a_jpeg() -> None:
    result = fit_to_limit(noise((1024, 1024)), 30_000)
    assert result.format == "JPEG" and result.size <= 30_000
    assert result.width < 1024 and result.width == result.height  # shape kept


def test_a_jpeg_keeps_high_quality_when_the_limit_allows() -> None:
    picture = photo_like(2, 1024)
    result = fit_to_limit(picture, 600_000)
    assert result.format == "JPEG" and result.size <= 600_000
    assert (result.width, result.height) == (1024, 1024)  # no shrinking needed
    error = ImageChops.difference(_decode(result.data).convert("RGB"), picture)
    assert max(ImageStat.Stat(error).mean) < 6


def test_transparency_is_kept_in_a_png_and_flattened_onto_black_in_a_jpeg() -> None:
    picture = noise((300, 300)).convert("RGBA")
    picture.paste((0, 0, 0, 0), (0, 0, 300, 100))
    as_png = fit_to_limit(picture, 2_000_000)
    assert as_png.format == "PNG" and _decode(as_png.data).getpixel((5, 5)) == (0, 0, 0, 0)
    as_jpeg = fit_to_limit(picture, 60_000)
    decoded = _decode(as_jpeg.data)
    assert as_jpeg.format == "JPEG" and decoded.mode == "RGB"
    assert max(decoded.getpixel((5, 5))) < 10


def test_an_impossible_limit_is_refused() -> None:
    with pytest.raises(ImageDoesNotFit, match="200 bytes"):
        fit_to_limit(noise((256, 256)), 200)
    with pytest.raises(ValueError, match="positive"):
        fit_to_limit(noise((8, 8)), 0)


def test_an_upscale_that_fits_is_passed_through_unchanged() -> None:
    for fmt, extension in (("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")):
        data = encoded(photo_like(3, 200), fmt)
        result = encode_single(data, len(data))
        assert result.data is data
        assert (result.format, result.extension, result.width, result.height) == (fmt, extension, 200, 200)


def test_an_upscale_in_another_format_is_re_encoded() -> None:
    data = solid(BLUE, (120, 80), "GIF")
    result = encode_single(data, 1_000_000)
    assert result.format == "PNG"
    decoded = _decode(result.data)
    assert decoded.size == (120, 80) and decoded.convert("RGB").getpixel((60, 40)) == BLUE


def test_an_upscale_over_the_limit_is_re_encoded_within_it() -> None:
    data = encoded(noise((800, 800)))
    result = encode_single(data, 150_000)
    assert len(data) > 150_000
    assert result.format == "JPEG" and result.size <= 150_000
    assert _decode(result.data).size == (result.width, result.height)


def test_an_unreadable_or_huge_upscale_is_refused() -> None:
    with pytest.raises(UnreadableImage):
        encode_single(b"<html>502 Bad Gateway</html>", 1_000_000)
    with pytest.raises(ImageTooLarge):
        encode_single(png_claiming_size(9000, 9000), 10**9)


def test_an_encoded_image_describes_itself_without_its_bytes() -> None:
    result = encode_single(solid(RED, (10, 20)), 10_000)
    assert result.filename("grid") == "grid.png"
    assert result.size == len(result.data)
    assert repr(result) == f"EncodedImage(PNG, 10x20, {result.size} bytes)"
    assert isinstance(result, EncodedImage)


async def test_the_async_wrapper_works_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []
    real_encode_single = encode_module.encode_single

    def recording_encode_single(data: bytes, max_bytes: int, **options: int) -> EncodedImage:
        threads.append(threading.get_ident())
        return real_encode_single(data, max_bytes, **options)

    monkeypatch.setattr(encode_module, "encode_single", recording_encode_single)
    data = encoded(noise((512, 512)))
    result = await asyncio.wait_for(encode_single_async(data, 100_000), timeout=10)
    assert threads == [threads[0]] and threads[0] != threading.get_ident()
    assert result.format == "JPEG" and result.size <= 100_000
