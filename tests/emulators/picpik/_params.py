"""Parameter checks from the documents; a refusal answers RetCode 230 (or 240) naming the parameter."""

from __future__ import annotations

import base64
import binascii
import io
from typing import Any

from PIL import Image

from tests.emulators.picpik._catalog import BAD_PARAMS, MAIN_MODELS, NOT_FOUND, SUB_MODEL_CODES, Refusal


def bad(name: str, why: str) -> Refusal:
    return Refusal(BAD_PARAMS, f"Params [{name}] not available: {why}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def int_in(container: dict[str, Any], key: str, low: int, high: int, name: str, *, step: int = 1) -> int | None:
    value = container.get(key)
    if value is None:
        return None
    if not _is_int(value) or not low <= value <= high or value % step:
        extra = f" in steps of {step}" if step > 1 else ""
        raise bad(name, f"must be an integer from {low} to {high}{extra}")
    return value


def number_in(container: dict[str, Any], key: str, low: float, high: float, name: str) -> float | None:
    value = container.get(key)
    if value is None:
        return None
    if not _is_number(value) or not low <= value <= high:
        raise bad(name, f"must be a number from {low} to {high}")
    return float(value)


def string_in(container: dict[str, Any], key: str, name: str, *, required: bool) -> str | None:
    value = container.get(key)
    if value is None or value == "":
        if required:
            raise Refusal(BAD_PARAMS, f"Missing params [{name}]")
        return None
    if not isinstance(value, str):
        raise bad(name, "must be a string")
    return value


def flag_in(container: dict[str, Any], key: str) -> None:
    if container.get(key) is not None and not isinstance(container[key], bool):
        raise bad(key, "must be true or false")


def object_in(container: dict[str, Any], key: str, name: str, *, required: bool = False) -> dict[str, Any] | None:
    value = container.get(key)
    if value is None:
        if required:
            raise Refusal(BAD_PARAMS, f"Missing params [{name}]")
        return None
    if not isinstance(value, dict):
        raise bad(name, "must be an object")
    return value


def array_in(container: dict[str, Any], key: str, name: str) -> list[Any]:
    value = container.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad(name, "must be an array")
    return value


def image_size(text: str, name: str, *, data_uri: bool) -> tuple[int, int]:
    """Decode a base64 image (or a data URI of one) and return its size; refuse anything else."""
    payload = text
    if data_uri:
        prefix, sep, payload = text.partition(";base64,")
        if not sep or not prefix.startswith("data:image/"):
            raise bad(name, "must be a data URI of an image (data:image/...;base64,...)")
    try:
        raw = base64.b64decode(payload, validate=True)
        with Image.open(io.BytesIO(raw)) as image:
            return image.size
    except (binascii.Error, ValueError, OSError):
        raise bad(name, "is not a base64-encoded image") from None


def _index(container: dict[str, Any], key: str, images: list[Any], name: str, *, required: bool) -> None:
    value = container.get(key)
    if value is None:
        if required:
            raise Refusal(BAD_PARAMS, f"Missing params [{name}]")
        return
    if not _is_int(value) or not 0 <= value < len(images) or not images[value]:
        raise bad(name, f"index {value!r} has no image in ImageAndMaskList")


def _model_params(model: dict[str, Any], name: str) -> dict[str, Any]:
    return object_in(model, "InferenceParams", f"{name}.InferenceParams") or {}


def check_generate(body: dict[str, Any]) -> None:
    main = object_in(body, "MainModel", "MainModel", required=True)
    assert main is not None
    code = string_in(main, "ModelCode", "MainModel.ModelCode", required=True)
    if code not in {model["ModelCode"] for model in MAIN_MODELS.values()}:
        raise Refusal(NOT_FOUND, f"MainModel [{code}] not found")
    prompts = array_in(body, "PositivePrompts", "PositivePrompts")
    if not all(isinstance(prompt, str) for prompt in prompts):
        raise bad("PositivePrompts", "must be strings")
    if not any(prompt.strip() for prompt in prompts):
        raise Refusal(BAD_PARAMS, "Missing params [PositivePrompts]")
    if not all(isinstance(prompt, str) for prompt in array_in(body, "NegativePrompts", "NegativePrompts")):
        raise bad("NegativePrompts", "must be strings")
    for key in ("TranslatePrompts", "UseMainModelVAE", "Tileable"):
        flag_in(body, key)
    int_in(body, "Seed", -1, 2147483647, "Seed")
    int_in(body, "Width", 64, 2560, "Width")
    int_in(body, "Height", 64, 2560, "Height")
    int_in(body, "BatchSize", 1, 16, "BatchSize")
    for position, sub in enumerate(array_in(body, "SubModelList", "SubModelList")):
        name = f"SubModelList[{position}]"
        if not isinstance(sub, dict):
            raise bad(name, "must be a Model")
        sub_code = string_in(sub, "ModelCode", f"{name}.ModelCode", required=True)
        if sub_code not in SUB_MODEL_CODES:
            raise Refusal(NOT_FOUND, f"SubModel [{sub_code}] not found")
        number_in(_model_params(sub, name), "LoraWeight", -1, 2, f"{name}.LoraWeight")

    images = array_in(body, "ImageAndMaskList", "ImageAndMaskList")
    for position, text in enumerate(images):
        if not isinstance(text, str):
            raise bad(f"ImageAndMaskList[{position}]", "must be a base64 string")
        if text:
            image_size(text, f"ImageAndMaskList[{position}]", data_uri=False)
    controlnets = array_in(body, "ControlNetList", "ControlNetList")
    if len(controlnets) > 3:
        raise bad("ControlNetList", "at most 3 ControlNets")
    for position, controlnet in enumerate(controlnets):
        name = f"ControlNetList[{position}]"
        if not isinstance(controlnet, dict):
            raise bad(name, "must be a ControlNet")
        _index(controlnet, "ImageIndex", images, f"{name}.ImageIndex", required=True)
        _index(controlnet, "MaskIndex", images, f"{name}.MaskIndex", required=False)
        flag_in(controlnet, "InvertMask")
        pre = object_in(controlnet, "PreProcessor", f"{name}.PreProcessor")
        if pre is not None:
            string_in(pre, "ModelCode", f"{name}.PreProcessor.ModelCode", required=True)
            int_in(_model_params(pre, name), "Resolution", 64, 2048, f"{name}.PreProcessor.Resolution", step=64)
        control = object_in(controlnet, "ControlModel", f"{name}.ControlModel", required=True)
        assert control is not None
        string_in(control, "ModelCode", f"{name}.ControlModel.ModelCode", required=True)
        params = _model_params(control, name)
        number_in(params, "ControlWeight", 0, 2, f"{name}.ControlWeight")
        number_in(params, "StartingStep", 0, 1, f"{name}.StartingStep")
        number_in(params, "EndingStep", 0, 1, f"{name}.EndingStep")
    image2image = object_in(body, "Image2Image", "Image2Image")
    if image2image is not None:
        _index(image2image, "ImageIndex", images, "Image2Image.ImageIndex", required=True)
        number_in(image2image, "ReferStrength", 0, 1, "Image2Image.ReferStrength")


#: the seed's default ``PageSize``
DEFAULT_PAGE_SIZE = 20


def paged(
    items: list[dict[str, Any]],
    body: dict[str, Any],
    *,
    pages_by_default: bool = False,
    page_ignored: bool = False,
) -> list[dict[str, Any]]:
    """``Page``/``PageSize`` as the seed has them: without ``Page`` the whole list (不传默认查询全部), with it pages
    of ``PageSize`` (default 20). Inference: a ``PageSize`` without ``Page`` changes nothing (the seed ties "whole"
    to ``Page`` alone). ``pages_by_default`` (the ``pages_by_default`` fault): a service that, against the seed,
    answers a list without ``Page`` with its first page only; ``page_ignored`` (the fault): one that answers every
    request with its first page, whatever ``Page`` says."""
    page = int_in(body, "Page", 1, 1_000_000, "Page")
    if page_ignored:
        return items[:DEFAULT_PAGE_SIZE]
    size = int_in(body, "PageSize", 1, 1000, "PageSize") or DEFAULT_PAGE_SIZE
    if page is None and not pages_by_default:
        return items
    page = page or 1
    return items[(page - 1) * size : page * size]
