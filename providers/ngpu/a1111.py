"""The AUTOMATIC1111 API as NGPU passes it through: typed bodies and decoding of what the image answers.

Only the fields the bot uses are typed; the models allow extras so any other A1111 parameter can be sent.
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from providers.core.errors import DecodeError
from providers.core.unknown_values import report_unknown_shape

PROFILE = "a1111"


class Endpoint(StrEnum):
    TXT2IMG = "txt2img"
    IMG2IMG = "img2img"
    EXTRA_SINGLE_IMAGE = "extra-single-image"
    INTERROGATE = "interrogate"

    def path(self, prefix: str = "sdapi/v1") -> str:
        """``paramUrl`` for this endpoint."""
        return f"{prefix.strip('/')}/{self.value}"


class _Body(BaseModel):
    model_config = ConfigDict(extra="allow")

    def to_data(self) -> dict[str, Any]:
        """The JSON the image receives (``None`` fields left out so A1111 applies its defaults)."""
        return self.model_dump(exclude_none=True)


class Txt2ImgBody(_Body):
    prompt: str
    negative_prompt: str = ""
    #: -1 = A1111 picks a random seed
    seed: int = -1
    width: int = 512
    height: int = 512
    batch_size: int = 1
    n_iter: int = 1
    steps: int = 20
    cfg_scale: float = 7.0
    sampler_name: str | None = None
    #: e.g. {"sd_model_checkpoint": "<model>"}
    override_settings: dict[str, Any] | None = None
    # A1111 puts a grid in front of the images when it may; the bot composes its own grid
    do_not_save_grid: bool = True
    send_images: bool = True
    save_images: bool = False


class Img2ImgBody(Txt2ImgBody):
    #: base64 images
    init_images: list[str]
    denoising_strength: float = 0.75
    #: base64 mask (inpainting)
    mask: str | None = None


class ExtraSingleImageBody(_Body):
    image: str
    upscaling_resize: float = 2.0
    upscaler_1: str = "None"


class InterrogateBody(_Body):
    image: str
    model: str = "clip"


class _Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


class GenerationAnswer(_Answer):
    images: list[str]
    parameters: dict[str, Any] = Field(default_factory=dict)
    #: a JSON string (seed, all_seeds, index_of_first_image, …)
    info: str = ""


class ExtraSingleImageAnswer(_Answer):
    image: str
    html_info: str = ""


class InterrogateAnswer(_Answer):
    caption: str


@dataclass(frozen=True, slots=True)
class DecodedImage:
    data: bytes
    content_type: str
    width: int | None = None
    height: int | None = None

    @property
    def extension(self) -> str:
        return self.content_type.split("/")[-1].replace("jpeg", "jpg")


@dataclass(frozen=True, slots=True)
class GenerationResult:
    images: list[DecodedImage]
    seed: int | None = None
    all_seeds: list[int] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)


def encode_image(data: bytes) -> str:
    """Image bytes as the plain base64 A1111 accepts in ``init_images`` / ``image``."""
    return base64.b64encode(data).decode("ascii")


def decode_image(text: Any, *, provider: str) -> DecodedImage:
    """A base64 image from A1111 (plain or a data: URL) → bytes, checked by magic bytes to be an image."""
    if not isinstance(text, str) or not text:
        raise DecodeError("The image answered an empty picture.", provider=provider)
    if text.startswith("data:"):
        text = text.partition(",")[2]
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise DecodeError("The image answered a picture that is not base64.", provider=provider) from None
    content_type = sniff_image_type(data)
    if content_type is None:
        raise DecodeError("The image answered data that is not a PNG, JPEG, WebP or GIF picture.", provider=provider)
    width, height = png_size(data) if content_type == "image/png" else (None, None)
    return DecodedImage(data, content_type, width, height)


def sniff_image_type(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    return None


def png_size(data: bytes) -> tuple[int | None, int | None]:
    # the IHDR chunk always comes first: 8-byte signature, 4-byte length, b"IHDR", then width and height
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None, None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def decode_generation(payload: dict[str, Any], *, provider: str) -> GenerationResult:
    """txt2img / img2img answer → the separate images (a leading grid skipped) and the seeds."""
    answer = _validate(GenerationAnswer, payload, provider)
    info = _parse_info(answer.info, provider)
    first = info.get("index_of_first_image", 0)
    if not isinstance(first, int) or not 0 <= first < len(answer.images):
        first = 0
    images = [decode_image(text, provider=provider) for text in answer.images[first:]]
    if not images:
        raise DecodeError("The image answered no pictures.", provider=provider)
    seed = info.get("seed")
    all_seeds = info.get("all_seeds")
    return GenerationResult(
        images=images,
        seed=seed if isinstance(seed, int) else None,
        all_seeds=[s for s in all_seeds if isinstance(s, int)] if isinstance(all_seeds, list) else [],
        info=info,
    )


def decode_upscale(payload: dict[str, Any], *, provider: str) -> DecodedImage:
    return decode_image(_validate(ExtraSingleImageAnswer, payload, provider).image, provider=provider)


def decode_caption(payload: dict[str, Any], *, provider: str) -> str:
    caption = _validate(InterrogateAnswer, payload, provider).caption.strip()
    if not caption:
        raise DecodeError("The image answered an empty description.", provider=provider)
    return caption


def _validate(model: type[_Answer], payload: dict[str, Any], provider: str) -> Any:
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        report_unknown_shape(provider, f"image answer shape ({model.__name__})", exc)
        raise DecodeError(f"The image's answer is not a {model.__name__}.", provider=provider) from None


def _parse_info(text: str, provider: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        info = json.loads(text)
    except json.JSONDecodeError:
        raise DecodeError("The image's generation info is not JSON.", provider=provider) from None
    if not isinstance(info, dict):
        raise DecodeError("The image's generation info is not a JSON object.", provider=provider)
    return info
