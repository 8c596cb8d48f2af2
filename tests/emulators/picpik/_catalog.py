"""What the emulated account can see and the reply codes: models, bundles, test keys, RetCodes.

Inference: the documents give no RetCode values beyond 0; the gateway codes follow UCloud's (160/161
Action, 170 missing signature, 171 bad signature, 172 unknown PublicKey, 230 bad parameter); 180, 240,
250, 290 and 360 are this emulator's own choices.
"""

from __future__ import annotations

from typing import Any

TEST_PUBLIC_KEY = "test-public-key"
TEST_PRIVATE_KEY = "test-private-key"
KEY_PAIRS: dict[str, str] = {TEST_PUBLIC_KEY: TEST_PRIVATE_KEY, "second-public-key": "second-private-key"}

#: the emulator draws images with this longer side at most (same shape), to keep tests fast
MAX_IMAGE_SIDE = 256
#: Inference: no documented cap on CreatePicpikApp Count
MAX_CREATE_COUNT = 10

OK = 0
ACTION_NOT_EXIST, MISSING_ACTION = 160, 161
MISSING_SIGNATURE, BAD_SIGNATURE, USER_NOT_EXISTS = 170, 171, 172
RATE_LIMITED = 180
BAD_PARAMS = 230
NOT_FOUND = 240
WRONG_STATE = 250
NO_POINTS = 290
REFUSED_CONTENT = 360
TASK_ERROR_CODE = 5001
CREATE_ERROR_CODE = 8004

#: the app states each action is accepted in. The seed: delete only once shut down (6). Inference for the rest, and
#: for delete, apps that never came up (-2, -3, -4, -8) or whose delete failed (-6) may be deleted as they are; apps
#: that may still be up (1, -5, -7, -9) are stopped or restarted, and apps on their way up (2, 3, 4, 9, 10) can be
#: stopped too; a shut-down app or a failed start is started
STARTABLE = frozenset({6, -4})
STOPPABLE = frozenset({1, -5, -7, -9, 2, 3, 4, 9, 10})
RESTARTABLE = frozenset({1, -7, -9})
DELETABLE = frozenset({6, -2, -3, -4, -6, -8})

MAIN_MODELS: dict[str, dict[str, Any]] = {
    "PICPIK General": {"Name": "PICPIK General", "ModelCode": "PICPIK General", "IsOfficial": True},
    "PICPIK Anime": {"Name": "PICPIK Anime", "ModelCode": "PICPIK Anime", "IsOfficial": True},
    "PICPIK Realistic": {"Name": "PICPIK Realistic", "ModelCode": "PICPIK Realistic", "IsOfficial": True},
}
LORA_MODELS: dict[str, dict[str, Any]] = {
    "Watercolor": {
        "Name": "Watercolor",
        "ModelCode": "lora_watercolor_20230825_165436",
        "IsOfficial": True,
        "TriggerWordList": ["watercolor", "wet paper"],
        "InferenceParams": {"LoraWeight": 1},
    },
    "Pixel art": {
        "Name": "Pixel art",
        "ModelCode": "lora_pixel_20231002_101010",
        "IsOfficial": False,
        "TriggerWordList": ["pixel art"],
        "InferenceParams": {"LoraWeight": 0.8},
    },
}
EMBEDDING_MODELS: dict[str, dict[str, Any]] = {
    "EasyNegative": {"Name": "EasyNegative", "ModelCode": "embedding_easynegative", "IsOfficial": True},
}
HYPERNETWORK_MODELS: dict[str, dict[str, Any]] = {
    "Ink": {"Name": "Ink", "ModelCode": "hypernetwork_ink", "IsOfficial": False},
}
SUB_MODEL_CODES = {
    model["ModelCode"] for group in (LORA_MODELS, EMBEDDING_MODELS, HYPERNETWORK_MODELS) for model in group.values()
}

BUNDLES: list[dict[str, Any]] = [
    {
        "Name": "ComfyUI SDXL",
        "BundleId": "bundle-comfyui-sdxl",
        "Description": "ComfyUI with SDXL checkpoints",
        "MDText": "# ComfyUI SDXL\nA ready ComfyUI node.",
        "ActualHourPrice": "199",
        "OriginalHourPrice": "299",
        "LogoUrl": "https://picpik.example/logo/comfy.png",
        "Region": "cn-wlcb",
        "Version": "1.2.0",
        "CreateTime": 1735285262,
    },
    {
        "Name": "SD WebUI",
        "BundleId": "bundle-sd-webui",
        "Description": "Stable Diffusion WebUI",
        "MDText": "# SD WebUI",
        "ActualHourPrice": "9.99",
        "OriginalHourPrice": "11.99",
        "LogoUrl": "https://picpik.example/logo/webui.png",
        "Region": "cn-wlcb",
        "Version": "0.9.1",
        "CreateTime": 1735285999,
    },
    {
        "Name": "Flux Studio",
        "BundleId": "bundle-flux-studio",
        "Description": "Flux dev with LoRA support",
        "MDText": "# Flux Studio",
        "ActualHourPrice": "450",
        "OriginalHourPrice": "450",
        "LogoUrl": "https://picpik.example/logo/flux.png",
        "Region": "hk",
        "Version": "2.0.0",
        "CreateTime": 1736000000,
    },
]


class Refusal(Exception):
    """Answer the call with a non-zero RetCode."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
