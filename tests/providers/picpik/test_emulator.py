"""The emulator itself: its independent signature checks, its document-level refusals and its variants."""

from __future__ import annotations

import asyncio
import base64
import uuid
from typing import Any

import aiohttp
import pytest

from providers.picpik.signing import platform_signature, service_signature
from tests.emulators.common import png_bytes, serve
from tests.emulators.picpik import (
    APP_ACTIONS_PATH,
    STATE_KEY,
    STRICT_MAX_TASKS,
    TEST_PRIVATE_KEY,
    TEST_PUBLIC_KEY,
    VARIANTS,
    expected_service_signature,
    expected_signature,
    make_app,
)
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


# --- the variants: each refuses what that reading of Picpik would refuse, answering as Picpik answers errors -------


def test_every_variant_says_what_it_plays() -> None:
    assert set(VARIANTS) == {"status_legacy", "status_other", "strict_batches", "app_host"}
    assert all(reading.strip() for reading in VARIANTS.values())
    with pytest.raises(ValueError, match="unknown emulator variant"):
        make_app(0.1, variants=["no_such_reading"])


async def _post_at(session: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> Any:
    body = {"PublicKey": TEST_PUBLIC_KEY, "request_uuid": str(uuid.uuid4()), **body}
    body["Signature"] = platform_signature(body, TEST_PRIVATE_KEY)
    async with session.post(url, json=body) as response:
        assert response.status == 200
        return await response.json()


async def _new_task(session: aiohttp.ClientSession, emulator: Emulator) -> str:
    body = {"Action": "GenerateImages", "MainModel": {"ModelCode": "PICPIK General"}, "PositivePrompts": ["a"]}
    return str((await post(session, emulator, body))["TaskUID"])


@pytest.mark.variants("strict_batches")
async def test_strict_batches_refuses_too_many_ids_naming_the_limit(
    session: aiohttp.ClientSession, emulator: Emulator
) -> None:
    uid = await _new_task(session, emulator)
    reply = await post(session, emulator, {"Action": "ListTasksDetails", "TaskUIDList": [uid] * (STRICT_MAX_TASKS + 1)})
    assert reply["RetCode"] == 230 and f"at most {STRICT_MAX_TASKS}" in reply["Message"]
    assert "TaskDetailList" not in reply
    reply = await post(session, emulator, {"Action": "ListTasksDetails", "TaskUIDList": [uid] * STRICT_MAX_TASKS})
    assert reply["RetCode"] == 0 and len(reply["TaskDetailList"]) == STRICT_MAX_TASKS


@pytest.mark.variants("strict_batches")
async def test_strict_batches_refuses_an_unknown_or_expired_id_naming_it(
    session: aiohttp.ClientSession, emulator: Emulator
) -> None:
    uid, expired = await _new_task(session, emulator), await _new_task(session, emulator)
    emulator.app[STATE_KEY].tasks[expired].expired = True
    for bad_uid in ("never-made", expired):
        reply = await post(session, emulator, {"Action": "ListTasksDetails", "TaskUIDList": [uid, bad_uid]})
        assert reply["RetCode"] == 230 and f"[{bad_uid}]" in reply["Message"]
    running = (await post(session, emulator, {"Action": "ListRunningTasks"}))["TaskUIDList"]
    assert uid in running and expired not in running


async def test_the_default_leaves_unknown_ids_out_and_takes_any_number(
    session: aiohttp.ClientSession, emulator: Emulator
) -> None:
    uid = await _new_task(session, emulator)
    reply = await post(session, emulator, {"Action": "ListTasksDetails", "TaskUIDList": [uid] * 300 + ["never-made"]})
    assert reply["RetCode"] == 0 and {d["TaskUID"] for d in reply["TaskDetailList"]} == {uid}


@pytest.mark.parametrize(
    ("variants", "words"),
    [
        ((), ("Pending", "Processing", "Success")),
        (("status_legacy",), ("Queuing", "Running", "Finished")),
        (("status_other",), ("0", "1", "2")),
    ],
)
async def test_the_status_words_of_each_reading(
    session: aiohttp.ClientSession, variants: tuple[str, ...], words: tuple[str, ...]
) -> None:
    app = make_app(0.2, variants=variants)
    async with serve(app) as url:
        emulator = Emulator(app, url)
        uid = await _new_task(session, emulator)
        seen: list[str] = []
        async with asyncio.timeout(5):
            while True:  # queued, then running, until it has ended with its images
                reply = await post(session, emulator, {"Action": "ListTasksDetails", "TaskUIDList": [uid]})
                detail = reply["TaskDetailList"][0]
                seen.append(detail["Status"])
                if detail["ImgList"]:
                    break
                await asyncio.sleep(0.02)
    assert seen[0] in words[:2] and seen[-1] == words[2] and set(seen) <= set(words)


@pytest.mark.variants("app_host")
async def test_app_host_serves_app_actions_only_under_their_path(
    session: aiohttp.ClientSession, emulator: Emulator
) -> None:
    at_root = await _post_at(session, emulator.url + "/", {"Action": "ListPicpikBundles"})
    assert at_root["RetCode"] == 160 and "ListPicpikBundles" in at_root["Message"]
    apps_url = emulator.url + APP_ACTIONS_PATH
    assert (await _post_at(session, apps_url, {"Action": "ListPicpikBundles"}))["RetCode"] == 0
    assert (await _post_at(session, apps_url, {"Action": "ListRunningTasks"}))["RetCode"] == 160
    assert (await _post_at(session, emulator.url + "/", {"Action": "ListRunningTasks"}))["RetCode"] == 0
    assert [entry["path"] for entry in emulator.all_requests()] == ["/", APP_ACTIONS_PATH, APP_ACTIONS_PATH, "/"]


async def test_the_default_has_no_app_path(session: aiohttp.ClientSession, emulator: Emulator) -> None:
    async with session.post(emulator.url + APP_ACTIONS_PATH, json={"Action": "ListPicpikBundles"}) as response:
        assert response.status == 404
