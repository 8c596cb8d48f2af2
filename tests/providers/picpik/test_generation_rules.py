"""The GenerateImages parameter space, checked before sending, with messages that name the limit."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from providers.core.errors import InvalidInputError
from providers.picpik.generation_rules import check_generate_request
from providers.picpik.models import GenerateImagesRequest
from tests.emulators.common import png_bytes

IMAGE = base64.b64encode(png_bytes(64, 64)).decode()


def request(**fields: Any) -> GenerateImagesRequest:
    body: dict[str, Any] = {"MainModel": {"ModelCode": "PICPIK General"}, "PositivePrompts": ["一只猫在沙发上"]}
    body.update(fields)
    return GenerateImagesRequest.model_validate(body)


def controlnet(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ImageIndex": 0,
        "PreProcessor": {"ModelCode": "mlsd", "InferenceParams": {"Resolution": 512}},
        "ControlModel": {
            "ModelCode": "control_v11p_sd15_mlsd",
            "InferenceParams": {"ControlWeight": 1, "StartingStep": 0, "EndingStep": 1},
        },
    }
    entry.update(overrides)
    return entry


def with_resolution(resolution: int) -> dict[str, Any]:
    return controlnet(PreProcessor={"ModelCode": "mlsd", "InferenceParams": {"Resolution": resolution}})


def with_control(**params: float) -> dict[str, Any]:
    return controlnet(ControlModel={"ModelCode": "c", "InferenceParams": params})


def test_the_documented_complex_example_passes() -> None:
    check_generate_request(
        request(
            SubModelList=[{"InferenceParams": {"LoraWeight": 1}, "ModelCode": "lora_model1_20230825_165436"}],
            NegativePrompts=[],
            TranslatePrompts=True,
            Width=512,
            Height=512,
            BatchSize=1,
            Seed=-1,
            Image2Image={"ImageIndex": 0, "ReferStrength": 0.5},
            ControlNetList=[controlnet(ImageIndex=1, MaskIndex=2, InvertMask=False)],
            Tileable=False,
            UseMainModelVAE=False,
            ImageAndMaskList=[IMAGE, IMAGE, IMAGE],
        )
    )


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"MainModel": {"ModelCode": " "}}, "MainModel", "ModelCode"),
        ({"PositivePrompts": []}, "PositivePrompts", "empty"),
        ({"PositivePrompts": ["  "]}, "PositivePrompts", "empty"),
        ({"Seed": -2}, "Seed", "-1 to 2147483647; you gave -2"),
        ({"Seed": 2147483648}, "Seed", "2147483647"),
        ({"Width": 63}, "Width", "64 to 2560; you gave 63"),
        ({"Height": 2561}, "Height", "64 to 2560; you gave 2561"),
        ({"BatchSize": 0}, "BatchSize", "1 to 16"),
        ({"BatchSize": 17}, "BatchSize", "you gave 17"),
        (
            {"SubModelList": [{"ModelCode": "lora", "InferenceParams": {"LoraWeight": 2.5}}]},
            "SubModelList[0].LoraWeight",
            "-1 to 2; you gave 2.5",
        ),
        (
            {"SubModelList": [{"ModelCode": "lora", "InferenceParams": {"LoraWeight": 0.333}}]},
            "SubModelList[0].LoraWeight",
            "steps of 0.01",
        ),
        ({"ControlNetList": [controlnet()] * 4, "ImageAndMaskList": [IMAGE]}, "ControlNetList", "at most 3"),
        ({"ControlNetList": [controlnet()], "ImageAndMaskList": []}, "ControlNetList[0].ImageIndex", "has 0 images"),
        (
            {"ControlNetList": [controlnet(MaskIndex=1)], "ImageAndMaskList": [IMAGE, ""]},
            "ControlNetList[0].MaskIndex",
            "empty",
        ),
        (
            {
                "ControlNetList": [with_resolution(500)],
                "ImageAndMaskList": [IMAGE],
            },
            "ControlNetList[0].PreProcessor.Resolution",
            "multiple of 64",
        ),
        (
            {
                "ControlNetList": [with_resolution(4096)],
                "ImageAndMaskList": [IMAGE],
            },
            "ControlNetList[0].PreProcessor.Resolution",
            "64 to 2048",
        ),
        (
            {
                "ControlNetList": [with_control(ControlWeight=3)],
                "ImageAndMaskList": [IMAGE],
            },
            "ControlNetList[0].ControlModel.ControlWeight",
            "0 to 2",
        ),
        (
            {
                "ControlNetList": [with_control(StartingStep=0.8, EndingStep=0.2)],
                "ImageAndMaskList": [IMAGE],
            },
            "ControlNetList[0].ControlModel",
            "StartingStep",
        ),
        (
            {"ControlNetList": [controlnet(ControlModel={"ModelCode": ""})], "ImageAndMaskList": [IMAGE]},
            "ControlNetList[0].ControlModel",
            "ModelCode",
        ),
        ({"Image2Image": {"ImageIndex": 1}, "ImageAndMaskList": [IMAGE]}, "Image2Image.ImageIndex", "has 1 image"),
        (
            {"Image2Image": {"ImageIndex": 0, "ReferStrength": 1.5}, "ImageAndMaskList": [IMAGE]},
            "Image2Image.ReferStrength",
            "0 to 1; you gave 1.5",
        ),
        ({"ImageAndMaskList": ["not base64!"]}, "ImageAndMaskList", "base64"),
    ],
)
def test_out_of_range_parameters_are_refused(fields: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_generate_request(request(**fields))
    assert caught.value.field == field
    assert words in caught.value.user_message


def test_boundaries_are_accepted() -> None:
    check_generate_request(request(Seed=2147483647, Width=64, Height=2560, BatchSize=16))
    check_generate_request(
        request(
            SubModelList=[{"ModelCode": "l", "InferenceParams": {"LoraWeight": -1}}],
            Image2Image={"ImageIndex": 0, "ReferStrength": 0},
            ImageAndMaskList=[IMAGE],
        )
    )


def test_unknown_top_level_fields_are_a_programming_error_not_sent() -> None:
    with pytest.raises(ValueError, match="Sead"):
        GenerateImagesRequest.model_validate({"MainModel": {"ModelCode": "m"}, "Sead": 1})


def test_params_leave_unset_fields_out_and_keep_model_extras() -> None:
    model_from_list_models = {"ModelCode": "PICPIK General", "Name": "PICPIK General", "Cover": "x.png"}
    params = GenerateImagesRequest.model_validate(
        {"MainModel": model_from_list_models, "PositivePrompts": ["cat"]}
    ).to_params()
    assert params == {"MainModel": model_from_list_models, "PositivePrompts": ["cat"]}


def test_repr_never_contains_image_data() -> None:
    text = repr(request(ImageAndMaskList=[IMAGE]))
    assert IMAGE[:20] not in text
    assert "images=1" in text
