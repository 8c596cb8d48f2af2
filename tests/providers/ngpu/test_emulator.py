"""The emulator's own NGPU behaviour, checked with plain HTTP (what the client never sends on purpose), in its
default reading and in each variant: every reading refuses what it does not take, as NGPU answers errors."""

from __future__ import annotations

import json

import pytest

from tests.emulators.ngpu import (
    BRC20_BOT_PATH,
    BRC20_SEED_PATH,
    ODD_TOP_CODE,
    TEST_BTC_ADDRESS,
    TEST_WORKSPACE_ID,
    VARIANTS,
)
from tests.providers.ngpu.conftest import Env, MakeEnv

BARE = {"Authorization": TEST_WORKSPACE_ID}
BEARER = {"Authorization": f"Bearer {TEST_WORKSPACE_ID}"}
TXT2IMG = "/user/schedulingTask?paramUrl=sdapi/v1/txt2img&paramPort=7860&taskMode=Async"
PROMPT = {"prompt": "x"}


async def post(env: Env, path: str, body: object, headers: dict[str, str] | None = BARE) -> dict:
    async with env.session.post(f"{env.base_url}{path}", json=body, headers=headers) as response:
        assert response.status == 200
        return await response.json()


async def get(env: Env, path: str, params: dict[str, str], headers: dict[str, str] | None = None) -> tuple[int, dict]:
    async with env.session.get(f"{env.base_url}{path}", params=params, headers=headers) as response:
        return response.status, await response.json(content_type=None) if response.status == 200 else {}


def test_every_variant_is_described() -> None:
    assert set(VARIANTS) == {"data_string", "auth_bearer", "brc20_seed_path", "querytask_top_code"}
    assert all(len(reading) > 40 for reading in VARIANTS.values())


async def test_by_default_data_is_the_object_itself_and_its_text_is_refused(env: Env) -> None:
    refused = await post(env, TXT2IMG, {"data": json.dumps(PROMPT)})
    assert refused["result_code"] == 400 and "data" in refused["msg"] and "taskID" not in refused
    assert (await post(env, TXT2IMG, {"data": [1, 2]}))["result_code"] == 400
    assert (await post(env, "/user/sdapi/v1/txt2img", {"data": json.dumps(PROMPT)}))["result_code"] == 400
    taken = await post(env, TXT2IMG, {"data": PROMPT})
    assert taken["result_code"] == 100
    sync = await post(env, "/user/sdapi/v1/interrogate", {"data": {"image": "not an image"}})
    assert sync["result_code"] == 200 and isinstance(sync["data"], dict)  # answered as an object too


async def test_variant_data_string_takes_only_the_json_text(variant_env: MakeEnv) -> None:
    env = await variant_env("data_string")
    refused = await post(env, TXT2IMG, {"data": PROMPT})
    assert refused["result_code"] == 400 and "string" in refused["msg"]
    assert (await post(env, TXT2IMG, {"data": "{not json"}))["result_code"] == 400
    assert (await post(env, TXT2IMG, {"data": "[1, 2]"}))["result_code"] == 400
    task_id = (await post(env, TXT2IMG, {"data": json.dumps(PROMPT)}))["taskID"]
    _, queried = await get(env, "/user/queryTask", {"taskID": task_id})
    assert isinstance(queried["data"], str) and json.loads(queried["data"])["result_code"] in (101, 102)
    sync = await post(env, "/user/sdapi/v1/interrogate", {"data": json.dumps({"image": "x"})})
    assert isinstance(sync["data"], str)


async def test_by_default_only_the_bare_workspace_id_is_taken(env: Env) -> None:
    assert (await get(env, "/user/queryNodes", {}, BARE))[1]["result_code"] == 200
    for refused in (BEARER, {"Authorization": "nope"}, None):
        assert (await get(env, "/user/queryNodes", {}, refused))[1]["result_code"] == 401
    assert (await post(env, TXT2IMG, {"data": PROMPT}, headers=BEARER))["result_code"] == 401


async def test_variant_auth_bearer_takes_only_the_bearer_form(variant_env: MakeEnv) -> None:
    env = await variant_env("auth_bearer")
    assert (await get(env, "/user/queryNodes", {}, BEARER))[1]["result_code"] == 200
    assert (await get(env, "/user/queryNodes", {}, BARE))[1]["result_code"] == 401
    assert (await post(env, TXT2IMG, {"data": PROMPT}, headers=BEARER))["result_code"] == 100


async def test_bad_workspace_refuses_only_a_request_in_the_right_form(env: Env) -> None:
    env.arm("bad_workspace", times=1)
    assert (await get(env, "/user/queryNodes", {}, BEARER))[1]["result_code"] == 401  # its form: the fault waits
    assert (await get(env, "/user/queryNodes", {}, BARE))[1]["result_code"] == 401  # the fault
    assert (await get(env, "/user/queryNodes", {}, BARE))[1]["result_code"] == 200


async def test_scheduling_parameters_are_checked(env: Env) -> None:
    body = {"data": PROMPT}
    assert (await post(env, TXT2IMG.replace("Async", "Sync"), body))["result_code"] == 400
    assert (await post(env, TXT2IMG.replace("7860", "abc"), body))["result_code"] == 400
    assert (await post(env, TXT2IMG.replace("sdapi/v1/txt2img", "txt2img"), body))["result_code"] == 404
    assert (await post(env, TXT2IMG, body, headers=None))["result_code"] == 401
    sad = "/user/schedulingTask?paramUrl=sadTalker&paramPort=8075&taskMode=Async"
    assert (await post(env, sad, {"data": {"text": "hi"}}))["result_code"] == 400


async def test_query_task_needs_no_workspace_but_refuses_a_wrong_one(env: Env) -> None:
    task_id = (await post(env, TXT2IMG, {"data": PROMPT}))["taskID"]
    _, answer = await get(env, "/user/queryTask", {"taskID": task_id})
    assert answer["result_code"] == 200 and isinstance(answer["data"], dict)
    assert (await get(env, "/user/queryTask", {"taskID": task_id}, {"Authorization": "someone-else"}))[1][
        "result_code"] == 401


async def test_variant_querytask_top_code_keeps_the_state_in_data(variant_env: MakeEnv) -> None:
    env = await variant_env("querytask_top_code")
    task_id = (await post(env, TXT2IMG, {"data": PROMPT}))["taskID"]
    _, answer = await get(env, "/user/queryTask", {"taskID": task_id})
    assert answer["result_code"] == ODD_TOP_CODE and answer["data"]["result_code"] in (101, 102)
    assert (await get(env, "/user/queryTask", {"taskID": "20990101_00_00_00_000000"}))[1]["result_code"] == 404


@pytest.mark.parametrize(("variants", "present", "absent"), [
    ((), BRC20_BOT_PATH, BRC20_SEED_PATH),
    (("brc20_seed_path",), BRC20_SEED_PATH, BRC20_BOT_PATH),
])
async def test_only_one_brc20_path_exists(variant_env: MakeEnv, variants: tuple[str, ...], present: str,
                                          absent: str) -> None:
    env = await variant_env(*variants)
    status, answer = await get(env, present, {"address": TEST_BTC_ADDRESS})
    assert status == 200 and answer["exists"] is True
    assert (await get(env, absent, {"address": TEST_BTC_ADDRESS}))[0] == 404
    async with env.session.get(f"{env.base_url}{present}") as response:
        assert response.status == 400  # the address is required


async def test_bad_dates(env: Env) -> None:
    async with env.session.get(f"{env.base_url}/user/queryTaskList", params={"startTime": "11/04/2024"},
                               headers=BARE) as response:
        assert (await response.json())["result_code"] == 400


async def test_sync_passthrough_of_an_unknown_path(env: Env) -> None:
    assert (await post(env, "/user/img2img", {"data": {}}))["result_code"] == 404


async def test_the_request_log_says_what_was_taken(env: Env) -> None:
    await post(env, TXT2IMG, {"data": json.dumps(PROMPT)})
    await post(env, TXT2IMG, {"data": PROMPT})
    refused, taken = env.sent("/user/schedulingTask")
    assert (refused.result_code, refused.taken, refused.inner_data()) == (400, False, PROMPT)
    assert (taken.result_code, taken.taken, taken.inner_data()) == (100, True, PROMPT)
