"""Images as bytes: opening untrusted data safely, and encoding a picture so it fits an upload limit.

Everything here is synchronous and CPU-bound: call it through ``asyncio.to_thread`` (see the ``*_async``
wrappers), never on the event loop.

Encoding policy (what ``fit_to_limit`` returns):

* PNG (lossless) when it fits. PNGs are written with zlib level 1 and the RLE strategy: on generated,
  photo-like images that is ~6× faster than Pillow's default level 6 for ~10 % more bytes, and still
  tiny on flat areas.
* Otherwise JPEG, quality 90 down to 60 in steps of 5, then the picture is scaled down (aiming at
  quality 80) until it fits. JPEG rather than WebP because it encodes ~20× faster at the same size.
* Sizes are predicted from a few bands of rows (1/32 of the picture) before committing to a full encode,
  so a PNG that cannot fit is not written in vain and JPEG usually needs a single full encode.
* The result is never larger than ``max_bytes``; if even a tiny thumbnail would be, ``ImageDoesNotFit``.
"""

from __future__ import annotations

import asyncio
import io
import math
from dataclasses import dataclass
from typing import Final

from PIL import Image

__all__ = [
    "MAX_INPUT_PIXELS",
    "EncodedImage",
    "ImageDoesNotFit",
    "ImageError",
    "ImageTooLarge",
    "UnreadableImage",
    "encode_single",
    "encode_single_async",
    "fit_to_limit",
    "load_image",
    "open_image",
]

#: the largest picture we decode (e.g. 6300×6300): far above what any service returns, far below what
#: would exhaust memory when four are decoded at once. Pillow's own guard only starts at ~89 megapixels.
MAX_INPUT_PIXELS: Final = 40_000_000
#: the parsers that ever see untrusted bytes; Pillow's other plugins stay out of reach
INPUT_FORMATS: Final = ("PNG", "JPEG", "WEBP", "GIF")
#: formats Discord shows inline, which ``encode_single`` passes through untouched when they fit
_KEEPABLE: Final = {"PNG": "png", "JPEG": "jpg", "MPO": "jpg", "WEBP": "webp"}
BACKGROUND: Final = (0, 0, 0)

_PNG_OPTIONS: Final = {"compress_level": 1, "compress_type": 3}  # 3 = zlib's Z_RLE strategy
_JPEG_QUALITIES: Final = (90, 85, 80, 75, 70, 65, 60)
_SHRINK_QUALITY: Final = 80
#: a JPEG this far under the limit had a pessimistic prediction: worth one try at a higher quality
_UPGRADE_BELOW: Final = 0.75
#: aim a little under the limit so that an estimate's error rarely costs a second encode
_TARGET: Final = 0.95
#: try the PNG when its estimate is at most this much over the limit (the estimate is within a few %)
_PNG_TRY_MARGIN: Final = 1.05
#: a one-band estimate is rougher: only rule a PNG out on it when it is far over
_PNG_QUICK_MARGIN: Final = 2.0
_MIN_SIDE: Final = 16
_MAX_SHRINKS: Final = 8
_BAND_ROWS: Final = 16  # a JPEG MCU row, so a band encodes like the same rows inside the whole picture
_SAMPLE_SHARE: Final = 32


class ImageError(Exception):
    """An image we cannot use; ``user_message`` is safe to show a member."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class UnreadableImage(ImageError):
    """Not an image, a format we do not open, or a damaged/truncated file."""


class ImageTooLarge(ImageError):
    """More pixels than we agree to decode (a decompression bomb, or simply absurdly large)."""

    def __init__(self, user_message: str, size: tuple[int, int] | None = None) -> None:
        super().__init__(user_message)
        #: width and height as the header declares them, when it could be read
        self.size = size


class ImageDoesNotFit(ImageError):
    """Even a small thumbnail would exceed the byte limit."""


@dataclass(frozen=True, slots=True)
class EncodedImage:
    data: bytes
    #: Pillow's name: "PNG", "JPEG" or "WEBP"
    format: str
    #: the file name extension without the dot: "png", "jpg" or "webp"
    extension: str
    width: int
    height: int

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def content_type(self) -> str:
        return {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}[self.extension]

    def filename(self, stem: str) -> str:
        return f"{stem}.{self.extension}"

    def __repr__(self) -> str:  # never dump megabytes into a log line
        return f"EncodedImage({self.format}, {self.width}x{self.height}, {self.size} bytes)"


# --------------------------------------------------------------------------------------------------- decoding


def open_image(data: bytes, *, max_pixels: int = MAX_INPUT_PIXELS) -> Image.Image:
    """Read only the header of ``data`` and refuse what we will not decode. Pixels are not loaded yet."""
    try:
        image = Image.open(io.BytesIO(data), formats=INPUT_FORMATS)
    except Image.DecompressionBombError:
        raise ImageTooLarge("That image has far too many pixels to open.") from None
    except Exception:  # Pillow's parsers raise many types on hostile input; all mean the same to us
        raise UnreadableImage("That file is not an image I can read (PNG, JPEG, WebP or GIF).") from None
    width, height = image.size
    if width <= 0 or height <= 0:
        image.close()
        raise UnreadableImage("That image has no pixels.")
    if width * height > max_pixels:
        image.close()
        raise ImageTooLarge(
            f"That image is {width}×{height} pixels; I open images of at most {max_pixels / 1e6:g} megapixels.",
            (width, height),
        )
    return image


def load_image(image: Image.Image, *, draft_size: tuple[int, int] | None = None) -> Image.Image:
    """Decode the pixels of an opened image (the first frame of an animation).

    ``draft_size`` lets a JPEG be decoded directly at a reduced scale (1/2, 1/4, 1/8) no smaller than
    that size: much faster than decoding in full and resizing afterwards.
    """
    try:
        if draft_size is not None and image.format in ("JPEG", "MPO"):
            image.draft("RGB", draft_size)
        image.load()
    except Exception:  # truncated data, bad CRCs, decoder errors …
        raise UnreadableImage("That image is damaged or incomplete.") from None
    return image


def flatten(image: Image.Image) -> Image.Image:
    """An RGB picture: transparency is laid over the background, other modes converted. No copy if RGB."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or image.has_transparency_data:
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", image.size, BACKGROUND)
        canvas.paste(rgba, mask=rgba)
        return canvas
    return image.convert("RGB")


# --------------------------------------------------------------------------------------------------- encoding


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **_PNG_OPTIONS)
    return buffer.getvalue()


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


class _SizePredictor:
    """Predicts encoded sizes from evenly spread bands of rows; exact (and cached) for small pictures."""

    def __init__(self, image: Image.Image) -> None:
        self.image = image
        self._encoded: dict[tuple[str, int], bytes] = {}
        self._bands = image.height // (_BAND_ROWS * _SAMPLE_SHARE)
        self._sample: Image.Image | None = None
        # a file's fixed part (headers, tables) is in a sample once but must not be multiplied
        self._fixed = image.crop((0, 0, min(8, image.width), min(8, image.height)))

    def _band(self, top: int) -> Image.Image:
        top = top // _BAND_ROWS * _BAND_ROWS
        return self.image.crop((0, top, self.image.width, top + _BAND_ROWS))

    def _sampled(self) -> Image.Image:
        if self._sample is None:
            sample = Image.new(self.image.mode, (self.image.width, self._bands * _BAND_ROWS))
            for band in range(self._bands):
                top = self.image.height * (2 * band + 1) // (2 * self._bands)
                sample.paste(self._band(top), (0, band * _BAND_ROWS))
            self._sample = sample
        return self._sample

    def _exact(self, kind: str, quality: int = 0) -> bytes:
        key = (kind, quality)
        if key not in self._encoded:
            self._encoded[key] = _png(self.image) if kind == "png" else _jpeg(self.image, quality)
        return self._encoded[key]

    def _predict(self, sample: Image.Image, sample_size: int, fixed_size: int) -> float:
        return (sample_size - fixed_size) * self.image.height / sample.height + fixed_size

    def png_size(self, *, quick: bool = False) -> float:
        """The PNG's size; ``quick`` reads one band only (4× cheaper, good enough to rule a PNG out)."""
        if self._bands == 0:
            return len(self._exact("png"))
        sample = self._band(self.image.height // 2) if quick else self._sampled()
        return self._predict(sample, len(_png(sample)), len(_png(self._fixed)))

    def jpeg_size(self, quality: int) -> float:
        if self._bands == 0:
            return len(self._exact("jpeg", quality))
        sample = self._sampled()
        return self._predict(sample, len(_jpeg(sample, quality)), len(_jpeg(self._fixed, quality)))

    def png(self) -> bytes:
        return self._exact("png")

    def jpeg(self, quality: int) -> bytes:
        return self._exact("jpeg", quality)


def _png_worth_trying(image: Image.Image, predictor: _SizePredictor, max_bytes: int) -> bool:
    # deflate never grows data by more than a few bytes per 64 KiB block; add the filter bytes and chunks
    raw = image.width * image.height * len(image.getbands()) + image.height
    if raw * 1.01 + 4096 <= max_bytes:
        return True
    if predictor.png_size(quick=True) > max_bytes * _PNG_QUICK_MARGIN:
        return False
    return predictor.png_size() <= max_bytes * _PNG_TRY_MARGIN


def _encoded(data: bytes, format_name: str, image: Image.Image) -> EncodedImage:
    return EncodedImage(data, format_name, _KEEPABLE[format_name], image.width, image.height)


def fit_to_limit(image: Image.Image, max_bytes: int) -> EncodedImage:
    """``image`` (loaded) encoded within ``max_bytes``: PNG when it fits, else JPEG, shrinking if need be."""
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive")
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if image.has_transparency_data or "A" in image.getbands() else "RGB")
    predictor = _SizePredictor(image)
    if _png_worth_trying(image, predictor, max_bytes):
        data = predictor.png()
        if len(data) <= max_bytes:
            return _encoded(data, "PNG", image)
    opaque = image if image.mode == "L" else flatten(image)  # JPEG has no alpha
    return _jpeg_within(opaque, max_bytes, predictor if opaque is image else _SizePredictor(opaque))


def _best_jpeg(predictor: _SizePredictor, max_bytes: int) -> bytes | None:
    """The highest listed quality that fits, or None; usually one full encode, at most a few."""
    correction = 1.0  # actual / predicted, learnt from each full encode
    for index, quality in enumerate(_JPEG_QUALITIES):
        predicted = predictor.jpeg_size(quality)
        if predicted * correction > max_bytes * _TARGET:
            continue
        data = predictor.jpeg(quality)
        correction = len(data) / predicted
        if len(data) > max_bytes:
            continue
        if len(data) < max_bytes * _UPGRADE_BELOW and index > 0:
            # the prediction was pessimistic: one try at the best higher quality the corrected guess allows
            for better in _JPEG_QUALITIES[:index]:
                if predictor.jpeg_size(better) * correction <= max_bytes * _TARGET:
                    upgraded = predictor.jpeg(better)
                    return upgraded if len(upgraded) <= max_bytes else data
        return data
    return None


def _jpeg_within(image: Image.Image, max_bytes: int, predictor: _SizePredictor) -> EncodedImage:
    for _ in range(_MAX_SHRINKS + 1):
        data = _best_jpeg(predictor, max_bytes)
        if data is not None:
            return _encoded(data, "JPEG", image)
        # even the lowest quality is too large: shrink so that a good quality would fit
        ratio = max_bytes * _TARGET / predictor.jpeg_size(_SHRINK_QUALITY)
        scale = min(0.9, math.sqrt(ratio))
        size = (round(image.width * scale), round(image.height * scale))
        if min(size) < _MIN_SIDE:
            break
        # a last resort under a tight limit, where JPEG artefacts dominate: the fast antialiased filter will do
        image = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
        predictor = _SizePredictor(image)
    raise ImageDoesNotFit(f"This image cannot be made to fit in {max_bytes:,} bytes.")


def encode_single(data: bytes, max_bytes: int, *, max_pixels: int = MAX_INPUT_PIXELS) -> EncodedImage:
    """One image (an upscale) ready to upload: its own bytes when they fit and Discord shows the format,
    otherwise decoded and re-encoded by :func:`fit_to_limit`.

    Only the header is checked before passing bytes through: decoding a large upscale just to prove it
    is intact would cost more than the whole upload.
    """
    with open_image(data, max_pixels=max_pixels) as image:
        extension = _KEEPABLE.get(image.format or "")
        if extension is not None and len(data) <= max_bytes:
            format_name = "JPEG" if extension == "jpg" else image.format or ""
            return EncodedImage(data, format_name, extension, image.width, image.height)
        return fit_to_limit(load_image(image), max_bytes)


async def encode_single_async(data: bytes, max_bytes: int, *, max_pixels: int = MAX_INPUT_PIXELS) -> EncodedImage:
    """:func:`encode_single` in a worker thread, so the event loop keeps serving while Pillow works."""
    return await asyncio.to_thread(encode_single, data, max_bytes, max_pixels=max_pixels)
