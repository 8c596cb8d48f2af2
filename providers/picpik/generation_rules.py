"""The ``GenerateImages`` parameter space from the Picpik documents, checked before anything is sent.

Each message names the parameter, its limit and what was given, so a member can fix the request.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from providers.core.errors import InvalidInputError
from providers.picpik.models import GenerateImagesRequest, InferenceParameters, PicpikModel

SEED_MIN, SEED_MAX = -1, 2_147_483_647
SIZE_MIN, SIZE_MAX = 64, 2560
BATCH_MIN, BATCH_MAX = 1, 16
MAX_CONTROLNETS = 3
LORA_WEIGHT = (-1.0, 2.0)
RESOLUTION = (64, 2048, 64)
CONTROL_WEIGHT = (0.0, 2.0)
STEP_RANGE = (0.0, 1.0)
REFER_STRENGTH = (0.0, 1.0)
#: the documented step of every float parameter
FLOAT_STEP = 0.01


def _fail(message: str, field: str, *, key: str, values: Mapping[str, object] | None = None) -> InvalidInputError:
    return InvalidInputError(message, field=field, provider="picpik", key=key, values=values)


def _check_int(value: int | None, low: int, high: int, name: str, *, step: int = 1) -> None:
    if value is None:
        return
    if not low <= value <= high:
        raise _fail(
            f"{name} must be from {low} to {high}; you gave {value}.",
            name,
            key="parameter_out_of_range",
            values={"name": name, "low": low, "high": high, "value": value},
        )
    if step > 1 and value % step:
        raise _fail(
            f"{name} must be a multiple of {step}; you gave {value}.",
            name,
            key="parameter_not_a_multiple",
            values={"name": name, "step": step, "value": value},
        )


def _check_float(value: float | None, bounds: tuple[float, float], name: str) -> None:
    if value is None:
        return
    low, high = bounds
    if not low <= value <= high:
        raise _fail(
            f"{name} must be from {low:g} to {high:g}; you gave {value:g}.",
            name,
            key="parameter_out_of_range",
            values={"name": name, "low": f"{low:g}", "high": f"{high:g}", "value": f"{value:g}"},
        )
    # Inference: the documents give a step of 0.01; finer values are refused rather than silently rounded
    if abs(round(value / FLOAT_STEP) * FLOAT_STEP - value) > 1e-9:
        raise _fail(
            f"{name} goes in steps of {FLOAT_STEP}; you gave {value}.",
            name,
            key="parameter_step",
            values={"name": name, "step": FLOAT_STEP, "value": value},
        )


def _check_model(model: PicpikModel, name: str) -> None:
    if not model.ModelCode.strip():
        raise _fail(f"{name} needs a ModelCode.", name, key="model_code_missing", values={"name": name})
    params = model.InferenceParams or InferenceParameters()
    _check_float(params.LoraWeight, LORA_WEIGHT, f"{name}.LoraWeight")


def _check_image_index(index: int | None, images: list[str], name: str) -> None:
    if index is None:
        return
    if not 0 <= index < len(images):
        count = len(images)
        raise _fail(
            f"{name} is {index}, but ImageAndMaskList has {count} image{'s' if count != 1 else ''} "
            f"(indexes start at 0).",
            name,
            key="image_index_out_of_range" if count != 1 else "image_index_beyond_one",
            values={"name": name, "index": index, "count": count},
        )
    if not images[index]:
        raise _fail(
            f"{name} points at entry {index} of ImageAndMaskList, which is empty.",
            name,
            key="image_index_empty",
            values={"name": name, "index": index},
        )


def _check_base64(images: list[str]) -> None:
    for position, text in enumerate(images):
        if not text:
            continue  # empty entries are allowed as long as nothing points at them
        payload = text.split(",", 1)[1] if text.startswith("data:") else text
        try:
            base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise _fail(
                f"ImageAndMaskList[{position}] is not base64-encoded image data.",
                "ImageAndMaskList",
                key="image_not_base64",
                values={"position": position},
            ) from None


def check_generate_request(request: GenerateImagesRequest) -> None:
    """Raise ``InvalidInputError`` for the first parameter outside the documented space."""
    _check_model(request.MainModel, "MainModel")
    prompts = [prompt for prompt in request.PositivePrompts if prompt.strip()]
    if not prompts:
        raise _fail(
            "PositivePrompts is empty; describe what the image should show.",
            "PositivePrompts",
            key="positive_prompts_empty",
        )
    _check_int(request.Seed, SEED_MIN, SEED_MAX, "Seed")
    _check_int(request.Width, SIZE_MIN, SIZE_MAX, "Width")
    _check_int(request.Height, SIZE_MIN, SIZE_MAX, "Height")
    _check_int(request.BatchSize, BATCH_MIN, BATCH_MAX, "BatchSize")
    for position, sub_model in enumerate(request.SubModelList or []):
        _check_model(sub_model, f"SubModelList[{position}]")

    images = request.ImageAndMaskList or []
    _check_base64(images)
    controlnets = request.ControlNetList or []
    if len(controlnets) > MAX_CONTROLNETS:
        raise _fail(
            f"ControlNetList takes at most {MAX_CONTROLNETS} ControlNets; you gave {len(controlnets)}.",
            "ControlNetList",
            key="too_many_controlnets",
            values={"limit": MAX_CONTROLNETS, "count": len(controlnets)},
        )
    for position, controlnet in enumerate(controlnets):
        name = f"ControlNetList[{position}]"
        _check_image_index(controlnet.ImageIndex, images, f"{name}.ImageIndex")
        _check_image_index(controlnet.MaskIndex, images, f"{name}.MaskIndex")
        if controlnet.PreProcessor is not None:
            if not controlnet.PreProcessor.ModelCode.strip():
                raise _fail(
                    f"{name}.PreProcessor needs a ModelCode.",
                    f"{name}.PreProcessor",
                    key="model_code_missing",
                    values={"name": f"{name}.PreProcessor"},
                )
            resolution = (controlnet.PreProcessor.InferenceParams or InferenceParameters()).Resolution
            low, high, step = RESOLUTION
            _check_int(resolution, low, high, f"{name}.PreProcessor.Resolution", step=step)
        if not controlnet.ControlModel.ModelCode.strip():
            raise _fail(
                f"{name}.ControlModel needs a ModelCode.",
                f"{name}.ControlModel",
                key="model_code_missing",
                values={"name": f"{name}.ControlModel"},
            )
        params = controlnet.ControlModel.InferenceParams or InferenceParameters()
        _check_float(params.ControlWeight, CONTROL_WEIGHT, f"{name}.ControlModel.ControlWeight")
        _check_float(params.StartingStep, STEP_RANGE, f"{name}.ControlModel.StartingStep")
        _check_float(params.EndingStep, STEP_RANGE, f"{name}.ControlModel.EndingStep")
        starting = 0.0 if params.StartingStep is None else params.StartingStep
        ending = 1.0 if params.EndingStep is None else params.EndingStep
        # Inference: a ControlNet that leaves before it joins cannot mean anything, so it is refused here
        if starting > ending:
            raise _fail(
                f"{name}: StartingStep ({starting:g}) must not be after EndingStep ({ending:g}).",
                f"{name}.ControlModel",
                key="steps_out_of_order",
                values={"name": name, "starting": f"{starting:g}", "ending": f"{ending:g}"},
            )
    if request.Image2Image is not None:
        _check_image_index(request.Image2Image.ImageIndex, images, "Image2Image.ImageIndex")
        _check_float(request.Image2Image.ReferStrength, REFER_STRENGTH, "Image2Image.ReferStrength")
