"""The A1111 profile: bodies and decoding, checked against the emulator's A1111 answers (pure)."""

from __future__ import annotations

import base64
import json

import pytest

from providers.core.errors import DecodeError
from providers.ngpu.a1111 import (
    Endpoint,
    ExtraSingleImageBody,
    Img2ImgBody,
    InterrogateBody,
    Txt2ImgBody,
    decode_caption,
    decode_generation,
    decode_image,
    decode_upscale,
    encode_image,
    png_size,
    sniff_image_type,
)
from tests.emulators.common import png_bytes
from tests.emulators.ngpu import run_a1111
from tests.providers.contract import decoded_size


def test_endpoint_paths() -> None:
    assert Endpoint.TXT2IMG.path() == "sdapi/v1/txt2img"
    assert Endpoint.EXTRA_SINGLE_IMAGE.path("/custom/api/") == "custom/api/extra-single-image"


def test_txt2img_body_leaves_out_unset_fields_and_asks_for_no_grid() -> None:
    data = Txt2ImgBody(prompt="a cat", batch_size=4).to_data()
    assert data["prompt"] == "a cat" and data["batch_size"] == 4 and data["seed"] == -1
    assert data["do_not_save_grid"] is True
    assert "sampler_name" not in data and "override_settings" not in data


def test_img2img_defaults_and_extras_pass_through() -> None:
    body = Img2ImgBody(prompt="x", init_images=["aGk="], restore_faces=True)
    data = body.to_data()
    assert data["denoising_strength"] == 0.75
    assert data["restore_faces"] is True
    assert "mask" not in data


def test_other_bodies() -> None:
    assert ExtraSingleImageBody(image="aGk=", upscaling_resize=2, upscaler_1="Lanczos").to_data() == {
        "image": "aGk=", "upscaling_resize": 2.0, "upscaler_1": "Lanczos"
    }
    assert InterrogateBody(image="aGk=").to_data() == {"image": "aGk=", "model": "clip"}


def test_generation_skips_the_leading_grid_and_reads_seeds() -> None:
    # the emulator's A1111 puts a grid first unless asked not to, as A1111 does
    payload = run_a1111("txt2img", {"prompt": "p", "batch_size": 4, "seed": 77, "width": 512, "height": 768})
    assert len(payload["images"]) == 5
    result = decode_generation(payload, provider="ngpu")
    assert len(result.images) == 4
    assert result.seed == 77 and result.all_seeds == [77, 78, 79, 80]
    first_listed = base64.b64decode(payload["images"][1])
    assert result.images[0].data == first_listed
    assert (result.images[0].width, result.images[0].height) == decoded_size(first_listed)


def test_generation_without_grid() -> None:
    payload = run_a1111("txt2img", {"prompt": "p", "batch_size": 2, "do_not_save_grid": True})
    result = decode_generation(payload, provider="ngpu")
    assert len(result.images) == 2 == len(payload["images"])
    assert all(image.content_type == "image/png" for image in result.images)


def test_generation_with_empty_info_has_no_seed() -> None:
    image = encode_image(png_bytes(64, 64))
    result = decode_generation({"images": [image], "info": ""}, provider="ngpu")
    assert result.seed is None and len(result.images) == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"images": []},
        {"images": "not a list"},
        {"info": "{}"},
        {"images": [encode_image(png_bytes(64, 64))], "info": "not json"},
        {"images": [encode_image(png_bytes(64, 64))], "info": "[1]"},
    ],
)
def test_bad_generation_answers_are_decode_errors(payload: dict) -> None:
    with pytest.raises(DecodeError):
        decode_generation(payload, provider="ngpu")


def test_decode_image_accepts_data_urls_and_checks_magic_bytes() -> None:
    png = png_bytes(80, 64)
    assert decode_image("data:image/png;base64," + encode_image(png), provider="ngpu").data == png
    assert (decode_image(encode_image(png), provider="ngpu").width, png_size(png)[1]) == (80, 64)
    with pytest.raises(DecodeError):
        decode_image("%%% not base64 %%%", provider="ngpu")
    with pytest.raises(DecodeError):
        decode_image(base64.b64encode(b"<html>oops</html>").decode(), provider="ngpu")
    with pytest.raises(DecodeError):
        decode_image("", provider="ngpu")


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"GIF89a...", "image/gif"),
        (b"%PDF-1.7", None),
    ],
)
def test_sniff(head: bytes, kind: str | None) -> None:
    assert sniff_image_type(head) == kind


def test_upscale_and_caption_answers() -> None:
    source = png_bytes(100, 60)
    upscaled = decode_upscale(
        run_a1111("extra-single-image", {"image": encode_image(source), "upscaling_resize": 2}), provider="ngpu"
    )
    assert decoded_size(upscaled.data) == (200, 120)
    caption = decode_caption(run_a1111("interrogate", {"image": encode_image(source)}), provider="ngpu")
    assert "100x60" in caption
    with pytest.raises(DecodeError):
        decode_caption({"caption": "  "}, provider="ngpu")
    with pytest.raises(DecodeError):
        decode_upscale({"html_info": ""}, provider="ngpu")


def test_emulated_a1111_rejects_like_fastapi() -> None:
    answer = run_a1111("txt2img", {"prompt": "p", "width": 100})
    assert answer["detail"][0]["loc"] == ["body", "width"]
    info = json.loads(run_a1111("txt2img", {"prompt": "p"})["info"])
    assert info["index_of_first_image"] == 0
