"""The emulator itself: its independent signature check and its document-level refusals."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import aiohttp
import pytest

from providers.picpik.signing import platform_signature, service_signature
from tests.emulators.common import png_bytes
from tests.emulators.picpik import TEST_PRIVATE_KEY, TEST_PUBLIC_KEY, expected_service_signature, expected_signature
from tests.providers.picpik.conftest import Emulator

IMAGE = base64.b64encode(png_bytes(64, 64)).decode()


def test_emulator_signature_reproduces_the_published_vectors() -> None:
    assert expected_signature({"Action": "ListModels", "PublicKey": "abcdefg"}, "123456") == (
        "4a20bc1141494035f6aaaad13224c94c5a8bc3a5"
    )
    assert (
        expected_signature({"Action": "StartPicpikApp", "PublicKey": "abcdefg", "AppId": "your_app_id"}, "123456")
        == "c5e65ad1936ff695436917bf807d2281db33e7a3"
    )


def test_emulator_service_signature_reproduces_the_published_sha1_vector() -> None:
    body = {
        "prompt": "这是生成图片所需的提示词。",
        "width": 512,
        "height": 512,
        "refImage": "如果是图生图，此处填原图的base64字符串",
    }
    assert expected_service_signature(body, "ABCDEFG") == "bb4c607024f6eeb6198d070b658b2a9270fd468d"
    assert expected_service_signature({**body, "signature": "ignored"}, "ABCDEFG") == (
        "bb4c607024f6eeb6198d070b658b2a9270fd468d"
    )


@pytest.mark.parametrize(
    "body",
    [
        {"prompt": "猫" * 300, "list": ["a" * 200, {"deep": "b" * 129}], "n": 0.25, "flag": False},
        {"prompt": "short", "width": 512.0, "empty": "", "none": None},
    ],
)
def test_client_and_emulator_agree_on_service_signatures(body: dict[str, Any]) -> None:
    assert service_signature(body, "api-key") == expected_service_signature(body, "api-key")


@pytest.mark.parametrize(
    "body",
    [
        {"Seed": -1, "Tileable": True, "TranslatePrompts": False, "ReferStrength": 0.5, "Width": 512.0},
        {"TaskUIDList": ["a", "b", "c"], "Empty": "", "Null": None, "Tiny": 1e-9, "Big": 1e22},
        {"MainModel": {"ModelCode": "m", "InferenceParams": {"LoraWeight": 0.75}}, "List": [{"b": 1, "a": [True]}]},
    ],
)
def test_client_and_emulator_agree_on_signatures(body: dict[str, Any]) -> None:
    assert platform_signature(body, "k3y") == expected_signature(body, "k3y")


async def post(session: aiohttp.ClientSession, emulator: Emulator, body: dict[str, Any], *, sign: bool = True) -> Any:
    body = {"PublicKey": TEST_PUBLIC_KEY, "request_uuid": str(uuid.uuid4()), **body}
    if sign:
        body["Signature"] = platform_signature(body, TEST_PRIVATE_KEY)
    async with session.post(emulator.url + "/", json=body) as response:
        assert response.status == 200
        return await response.json()


async def test_envelope_echoes_action_and_request_uuid(session: aiohttp.ClientSession, emulator: Emulator) -> None:
    reply = await post(session, emulator, {"Action": "ListRunningTasks", "request_uuid": "my-uuid"})
    assert reply == {
        "Action": "ListRunningTasksResponse",
        "RetCode": 0,
        "Message": "",
        "request_uuid": "my-uuid",
        "TaskUIDList": [],
    }


@pytest.mark.parametrize(
    ("body", "sign", "code"),
    [
        ({"Action": "ListModels", "Signature": "0" * 40}, False, 171),
        ({"Action": "ListModels"}, False, 170),
        ({"Action": "ListModels", "PublicKey": "stranger"}, True, 172),
        ({"PublicKey": TEST_PUBLIC_KEY}, True, 161),
        ({"Action": "DoMagic"}, True, 160),
        ({"Action": "ListModels", "request_uuid": ""}, True, 230),
    ],
)
async def test_gateway_refusals(
    session: aiohttp.ClientSession, emulator: Emulator, body: dict[str, Any], sign: bool, code: int
) -> None:
    reply = await post(session, emulator, body, sign=sign)
    assert reply["RetCode"] == code and reply["Message"]


async def test_signature_covers_nested_values(session: aiohttp.ClientSession, emulator: Emulator) -> None:
    body = {"Action": "GenerateImages", "MainModel": {"ModelCode": "PICPIK General"}, "PositivePrompts": ["a"]}
    signed = {"PublicKey": TEST_PUBLIC_KEY, "request_uuid": "u", **body}
    signed["Signature"] = platform_signature(signed, TEST_PRIVATE_KEY)
    signed["PositivePrompts"] = ["b"]  # tampered after signing
    async with session.post(emulator.url + "/", json=signed) as response:
        assert (await response.json())["RetCode"] == 171


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"PositivePrompts": []}, "PositivePrompts"),
        ({"Width": 32}, "Width"),
        ({"BatchSize": 17}, "BatchSize"),
        ({"Seed": -5}, "Seed"),
        ({"Tileable": "yes"}, "Tileable"),
        ({"SubModelList": [{"ModelCode": "nope"}]}, "nope"),
        ({"Image2Image": {"ImageIndex": 0}}, "Image2Image.ImageIndex"),
        ({"Image2Image": {"ImageIndex": 0, "ReferStrength": 2}, "ImageAndMaskList": [IMAGE]}, "ReferStrength"),
        ({"ImageAndMaskList": ["bm90IGFuIGltYWdl"]}, "ImageAndMaskList[0]"),
        ({"ControlNetList": [{"ImageIndex": 0}], "ImageAndMaskList": [IMAGE]}, "ControlModel"),
        (
            {
                "ControlNetList": [
                    {
                        "ImageIndex": 0,
                        "ControlModel": {"ModelCode": "c"},
                        "PreProcessor": {"ModelCode": "p", "InferenceParams": {"Resolution": 100}},
                    }
                ],
                "ImageAndMaskList": [IMAGE],
            },
            "Resolution",
        ),
        (
            {
                "ControlNetList": [{"ImageIndex": 0, "ControlModel": {"ModelCode": "c"}}] * 4,
                "ImageAndMaskList": [IMAGE],
            },
            "ControlNetList",
        ),
    ],
)
async def test_generate_parameter_checks(
    session: aiohttp.ClientSession, emulator: Emulator, fields: dict[str, Any], words: str
) -> None:
    body = {"Action": "GenerateImages", "MainModel": {"ModelCode": "PICPIK General"}, "PositivePrompts": ["a"]}
    reply = await post(session, emulator, {**body, **fields})
    assert reply["RetCode"] in (230, 240)
    assert words in reply["Message"]


async def test_describe_needs_data_uris(session: aiohttp.ClientSession, emulator: Emulator) -> None:
    reply = await post(session, emulator, {"Action": "DescribeImages", "ImageList": [IMAGE]})
    assert reply["RetCode"] == 230
    reply = await post(session, emulator, {"Action": "DescribeImages", "ImageList": ["data:image/png;base64," + IMAGE]})
    assert reply["RetCode"] == 0 and reply["TaskUID"]


async def test_tasks_are_private_to_their_key(session: aiohttp.ClientSession, emulator: Emulator) -> None:
    task = await post(
        session,
        emulator,
        {"Action": "GenerateImages", "MainModel": {"ModelCode": "PICPIK General"}, "PositivePrompts": ["a"]},
    )
    other = {
        "Action": "ListTasksDetails",
        "TaskUIDList": [task["TaskUID"]],
        "PublicKey": "second-public-key",
        "request_uuid": "u",
    }
    other["Signature"] = platform_signature(other, "second-private-key")
    async with session.post(emulator.url + "/", json=other) as response:
        assert (await response.json())["TaskDetailList"] == []
