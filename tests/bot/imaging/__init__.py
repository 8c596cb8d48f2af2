"""Tests of grid composition and encoding. Shared picture makers live here (real Pillow images, no fakes)."""

import io
import struct
import zlib

from PIL import Image, ImageDraw

RED, GREEN, BLUE, YELLOW = (220, 20, 20), (20, 200, 20), (20, 20, 220), (230, 220, 10)
COLOURS = (RED, GREEN, BLUE, YELLOW)


def encoded(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def solid(colour: tuple[int, ...], size: tuple[int, int] = (64, 64), fmt: str = "PNG", mode: str = "RGB") -> bytes:
    return encoded(Image.new(mode, size, colour), fmt)


def photo_like(seed: int, size: int = 1024) -> Image.Image:
    """Gradients, shapes and grain: compresses about like a generated picture (PNG ~1–1.5 MB at 1024²)."""
    red = Image.linear_gradient("L").resize((size, size)).rotate(seed * 37)
    green = Image.radial_gradient("L").resize((size, size))
    blue = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize((size, size))
    picture = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(picture)
    step = size // 8
    for index in range(12):
        left, top = (index * 5 + seed * 3) % 8 * step, (index * 3 + seed) % 8 * step
        draw.ellipse((left, top, left + step * 2, top + step), fill=COLOURS[(index + seed) % 4])
    grain = Image.effect_noise((size, size), 30).convert("RGB")
    return Image.blend(picture, grain, 0.12)


def noise(size: tuple[int, int], seed: int = 0) -> Image.Image:
    """Incompressible pixels: the worst case for every encoder."""
    import random

    return Image.frombytes("RGB", size, random.Random(seed).randbytes(size[0] * size[1] * 3))


def png_claiming_size(width: int, height: int) -> bytes:
    """A real, tiny PNG whose header claims another size (what a decompression bomb looks like up front)."""
    data = bytearray(solid(RED, (4, 4)))
    # signature (8) | IHDR length (4) | b"IHDR" (4) | width (4) | height (4) | rest (5) | CRC (4)
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def close_to(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual[:3], expected[:3], strict=True))
