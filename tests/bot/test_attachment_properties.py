"""Property-based tests over the checks of members' images: whatever Discord says about an attachment (content type,
name, size, dimensions) and whatever its bytes are (any bytes, real pictures of any size and format, cut anywhere,
headers that lie), the checks never crash: the answer is a checked image or an ``AttachmentRefused`` whose text
reads in English and in Simplified Chinese."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, TypeVar

import discord
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.attachments import IMAGE_CONTENT_TYPES, MAX_IMAGE_BYTES, AttachedImage, AttachmentRefused, checked_image
from bot.member_images import decoded, is_signed_link

T = TypeVar("T")
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}
PIXEL_KEYS = {"attachments.too_many_pixels", "attachments.too_many_pixels_unknown"}

content_types = st.one_of(
    st.none(),
    st.sampled_from(sorted(IMAGE_CONTENT_TYPES)),
    st.sampled_from(["IMAGE/PNG", "image/png; charset=binary", "text/plain", "application/pdf", "video/mp4", ""]),
    st.text(max_size=40),
)
filenames = st.one_of(
    st.from_regex(r"[\w\-. ]{1,20}\.(png|PNG|jpe?g|webp|gif|txt|mp3|exe)", fullmatch=True),
    st.text(min_size=1, max_size=60),
)
dimensions = st.one_of(st.none(), st.integers(min_value=0, max_value=100_000))


def outcome(call: Callable[[], T]) -> T | AttachmentRefused:
    try:
        return call()
    except AttachmentRefused as refused:
        return refused


def assert_reads_in_both_languages(refused: AttachmentRefused) -> None:
    # every placeholder of both texts is filled (a missing value would raise), and each is in its own language
    english, chinese = refused.text("en-US"), refused.text("zh-CN")
    assert english and chinese and english != chinese


def attachment(payload: dict[str, Any]) -> discord.Attachment:
    return discord.Attachment(data=payload, state=SimpleNamespace(http=None))  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(
    content_type=content_types,
    filename=filenames,
    size=st.integers(min_value=0, max_value=4 * MAX_IMAGE_BYTES),
    width=dimensions,
    height=dimensions,
)
def test_what_discord_says_about_an_attachment_never_crashes_the_first_look(
    content_type: str | None, filename: str, size: int, width: int | None, height: int | None
) -> None:
    payload = {
        "id": "1", "filename": filename, "size": size, "url": "https://cdn.discordapp.com/a.png",
        "proxy_url": "https://media.discordapp.net/a.png", "content_type": content_type, "width": width,
        "height": height,
    }
    image = outcome(lambda: checked_image(attachment(payload)))
    if isinstance(image, AttachmentRefused):
        assert image.key in {"attachments.not_an_image", "attachments.too_large"}
        assert_reads_in_both_languages(image)
        return
    assert isinstance(image, AttachedImage)
    assert size <= MAX_IMAGE_BYTES and image.filename == filename


def picture(format_name: str, mode: str, width: int, height: int) -> bytes:
    image = Image.new(mode, (width, height), 7 if mode in ("L", "P") else (10, 200, 30, 255)[: len(mode)])
    if format_name == "JPEG" and mode not in ("L", "RGB"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format=format_name)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` but whose pixel data is one short compressed row."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = chunk(b"IDAT", zlib.compress(b"\0" * 16))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + rows + chunk(b"IEND", b"")


images = st.one_of(
    st.binary(max_size=2048),
    st.builds(
        picture,
        format_name=st.sampled_from(sorted(FORMATS)),
        mode=st.sampled_from(["RGB", "RGBA", "L", "P"]),
        width=st.integers(min_value=1, max_value=160),
        height=st.integers(min_value=1, max_value=160),
    ),
    st.builds(png_declaring, st.integers(1, 2**31 - 1), st.integers(1, 2**31 - 1)),
)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Pillow's, before the bot's own limit
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=images, cut=st.one_of(st.none(), st.floats(min_value=0, max_value=1)), max_pixels=st.integers(1, 40_000))
def test_any_bytes_are_a_checked_picture_or_a_refusal_that_says_why(
    data: bytes, cut: float | None, max_pixels: int
) -> None:
    if cut is not None:
        data = data[: int(len(data) * cut)]
    result = outcome(lambda: decoded(data, "photo.png", max_pixels))
    if isinstance(result, AttachmentRefused):
        assert result.key in {"attachments.unreadable", *PIXEL_KEYS}
        assert "photo.png" in result.text("en-US")
        assert_reads_in_both_languages(result)
        return
    content_type, width, height = result
    # what passed was decoded to its last byte, within the pixel limit, as a type the services take
    assert content_type in FORMATS.values()
    assert 0 < width * height <= max_pixels
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (width, height) and FORMATS[image.format or ""] == content_type
        image.load()  # nothing that passed is cut short or damaged


@settings(max_examples=100, deadline=None)
@given(width=st.integers(1, 400), height=st.integers(1, 400), max_pixels=st.integers(1, 160_000))
def test_the_pixel_limit_is_exact(width: int, height: int, max_pixels: int) -> None:
    result = outcome(lambda: decoded(picture("PNG", "L", width, height), "p.png", max_pixels))
    if width * height <= max_pixels:
        assert result == ("image/png", width, height)
        return
    assert isinstance(result, AttachmentRefused) and result.key == "attachments.too_many_pixels"
    assert f"{width}×{height}" in result.text("en-US") and f"{width}×{height}" in result.text("zh-CN")


@given(st.text(max_size=200))
def test_any_link_is_judged_signed_or_not_without_crashing(link: str) -> None:
    assert is_signed_link(link) in (True, False)
    assert is_signed_link("https://cdn.discordapp.com/attachments/1/2/a.png?ex=6600&is=65ff&hm=ab")
    assert not is_signed_link("https://example.com/a.png")
