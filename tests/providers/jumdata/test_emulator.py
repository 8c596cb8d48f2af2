"""The emulator itself, spoken to directly: multipart bodies, signatures, documented messages."""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.emulators import jumdata as emulator
from tests.emulators.common import serve


def _common(secret: str = emulator.TEST_APP_SECRET, *, offset_ms: int = 0) -> dict[str, str]:
    timestamp = str(int(time.time() * 1000) + offset_ms)
    sign = hashlib.sha256((emulator.TEST_APP_ID + secret + timestamp).encode()).hexdigest()
    return {"appId": emulator.TEST_APP_ID, "timestamp": timestamp, "sign": sign}


@pytest.fixture
async def base() -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    async with serve(emulator.make_app(0.2)) as base_url, aiohttp.ClientSession() as session:
        yield base_url, session


async def _post(session: aiohttp.ClientSession, url: str, fields: dict[str, str], *, multipart: bool = False) -> dict:
    if multipart:
        form = aiohttp.FormData()
        for key, value in fields.items():
            form.add_field(key, value)
        form.add_field("unused", b"\x00", filename="x.bin")  # forces multipart/form-data
        data: object = form
    else:
        data = fields
    async with session.post(url, data=data) as response:
        assert response.status == 200
        return await response.json()


async def test_multipart_submit_and_query_are_accepted(base: tuple[str, aiohttp.ClientSession]) -> None:
    base_url, session = base
    fields = {"text": "cat", "resolution": "1024*1024", "style": "low poly", "num": "2", **_common()}
    reply = await _post(session, f"{base_url}/ai/draw/submit", fields, multipart=True)
    assert (reply["code"], reply["charge"]) == (200, True)
    fields = {"taskId": reply["data"]["taskId"], **_common()}
    query = await _post(session, f"{base_url}/ai/draw/query", fields, multipart=True)
    assert query["code"] == 200 and query["charge"] is False and query["data"]["status"] in (0, 1)


@pytest.mark.parametrize(
    ("change", "msg"),
    [
        ({"style": "风景"}, "风格值不正确"),
        ({"resolution": "512*512"}, "分辨率值不正确"),
        ({"num": "7"}, "图片生成数量不正确，支持1-6张"),
        ({"text": "x" * 101}, "输入内容长度不能超过100个字"),
        ({"text": ""}, "text不能为空"),
    ],
)
async def test_parameter_errors_are_400_with_chinese_messages(
    base: tuple[str, aiohttp.ClientSession], change: dict[str, str], msg: str
) -> None:
    base_url, session = base
    fields = {"text": "cat", "resolution": "1024*1024", "style": "古风", **_common(), **change}
    reply = await _post(session, f"{base_url}/ai/draw/submit", fields)
    assert (reply["code"], reply["msg"], reply["charge"]) == (400, msg, False)
    assert len(reply["taskNo"]) == 24


async def test_num_is_optional_and_defaults_to_one(base: tuple[str, aiohttp.ClientSession]) -> None:
    base_url, session = base
    fields = {"text": "猫" * 100, "resolution": "1536*1024", "style": "古风", **_common()}
    reply = await _post(session, f"{base_url}/ai/draw/submit", fields)
    assert reply["code"] == 200
    await asyncio.sleep(0.25)
    query = await _post(session, f"{base_url}/ai/draw/query", {"taskId": reply["data"]["taskId"], **_common()})
    assert query["data"]["status"] == 1 and len(query["data"]["imgUrls"]) == 1
    assert query["data"]["img"] == query["data"]["imgUrls"][0]["image"]


@pytest.mark.parametrize(
    ("common", "msg"),
    [
        (lambda: _common("wrong"), "sign签名错误"),
        (lambda: {**_common(), "appId": "other"}, "appId不存在"),
        (lambda: _common(offset_ms=-11 * 60 * 1000), "timestamp已过期"),
        (lambda: {k: v for k, v in _common().items() if k != "sign"}, "sign不能为空"),
    ],
)
async def test_common_fields_are_checked(base: tuple[str, aiohttp.ClientSession], common, msg: str) -> None:
    base_url, session = base
    reply = await _post(session, f"{base_url}/ai/draw/query", {"taskId": "x", **common()})
    assert (reply["code"], reply["msg"]) == (400, msg)


async def test_unknown_paths_answer_code_404(base: tuple[str, aiohttp.ClientSession]) -> None:
    base_url, session = base
    reply = await _post(session, f"{base_url}/ai/draw/nothing", _common())
    assert (reply["code"], reply["msg"]) == (404, "接口地址不正确")


# --- taskId forms and the strict variants ---------------------------------------------------------------------

_SUBMIT = {"text": "cat", "resolution": "1024*1024", "style": "古风"}


async def _task_id(session: aiohttp.ClientSession, base_url: str) -> str:
    reply = await _post(session, f"{base_url}/ai/draw/submit", {**_SUBMIT, **_common()})
    assert reply["code"] == 200
    return reply["data"]["taskId"]


async def _query(session: aiohttp.ClientSession, base_url: str, task_id: str, secret: str | None = None) -> dict:
    common = _common() if secret is None else _common(secret)
    return await _post(session, f"{base_url}/ai/draw/query", {"taskId": task_id, **common})


def test_the_variants_are_named_with_the_reading_they_play() -> None:
    assert set(emulator.VARIANTS) == {"strict_task_id", "strict_hex_task_id"}
    assert all("400" in reading and "taskId" in reading for reading in emulator.VARIANTS.values())
    with pytest.raises(ValueError, match="unknown emulator variant"):
        emulator.make_app(0.2, variants={"lenient"})


async def test_by_default_task_ids_have_the_task_no_form_and_any_unknown_id_is_201(
    base: tuple[str, aiohttp.ClientSession],
) -> None:
    base_url, session = base
    assert emulator.DIGITS_TASK_ID.fullmatch(await _task_id(session, base_url))
    for made_up in ("not-a-task-id", "0" * 24, "0" * 32):
        reply = await _query(session, base_url, made_up)
        assert (reply["code"], reply["msg"]) == (201, "taskId不存在")


@pytest.mark.parametrize(
    ("variant", "form", "refused"),
    [
        ("strict_task_id", emulator.DIGITS_TASK_ID, ("not-a-task-id", "0" * 32, "1" * 23)),
        ("strict_hex_task_id", emulator.HEX_TASK_ID, ("not-a-task-id", "0" * 24, "A" * 32)),
    ],
)
async def test_a_strict_service_refuses_ids_not_of_its_form_after_checking_the_keys(
    variant: str, form: re.Pattern[str], refused: tuple[str, ...]
) -> None:
    async with serve(emulator.make_app(0.2, variants={variant})) as base_url, aiohttp.ClientSession() as session:
        issued = await _task_id(session, base_url)
        assert form.fullmatch(issued)
        assert (await _query(session, base_url, issued))["code"] == 200
        assert (await _query(session, base_url, "0" * len(issued)))["code"] == 201  # its form, but unknown
        for task_id in refused:
            reply = await _query(session, base_url, task_id)
            assert (reply["code"], reply["msg"], reply["charge"]) == (400, emulator.TASK_ID_FORM_REFUSED, False)
        # the keys are checked first: bad keys are named whatever the id
        bad = await _query(session, base_url, refused[0], secret="wrong")
        assert (bad["code"], bad["msg"]) == (400, "sign签名错误")


async def test_unknown_status_and_code_faults(base: tuple[str, aiohttp.ClientSession]) -> None:
    base_url, session = base
    app_faults = {"name": "unknown_status", "times": 1}
    async with session.post(f"{base_url}/_emulator/faults", json=app_faults) as response:
        assert response.status == 200
    task_id = await _task_id(session, base_url)
    assert (await _query(session, base_url, task_id))["data"]["status"] == emulator.UNKNOWN_STATUS
    await asyncio.sleep(0.25)
    assert (await _query(session, base_url, task_id))["data"]["status"] == 1  # done as usual
    async with session.post(f"{base_url}/_emulator/faults", json={"name": "unknown_code", "times": 1}) as response:
        assert response.status == 200
    assert (await _query(session, base_url, task_id))["code"] == 777
