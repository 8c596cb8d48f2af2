"""The emulator's own NGPU behaviour, checked with plain HTTP (what the client never sends on purpose)."""

from __future__ import annotations

import json

from tests.emulators.ngpu import TEST_WORKSPACE_ID
from tests.providers.ngpu.conftest import Env

AUTH = {"Authorization": f"Bearer {TEST_WORKSPACE_ID}"}
TXT2IMG = "/user/schedulingTask?paramUrl=sdapi/v1/txt2img&paramPort=7860&taskMode=Async"


async def post(env: Env, path: str, body: object, headers: dict[str, str] | None = AUTH) -> dict:
    async with env.session.post(f"{env.base_url}{path}", json=body, headers=headers) as response:
        assert response.status == 200
        return await response.json()


async def test_data_must_be_a_json_string_for_sdapi(env: Env) -> None:
    assert (await post(env, TXT2IMG, {"data": {"prompt": "x"}}))["result_code"] == 400
    assert (await post(env, TXT2IMG, {"data": "{not json"}))["result_code"] == 400
    assert (await post(env, TXT2IMG, {"data": "[1, 2]"}))["result_code"] == 400
    assert (await post(env, TXT2IMG, {"data": json.dumps({"prompt": "x"})}))["result_code"] == 100


async def test_scheduling_parameters_are_checked(env: Env) -> None:
    body = {"data": json.dumps({"prompt": "x"})}
    assert (await post(env, TXT2IMG.replace("Async", "Sync"), body))["result_code"] == 400
    assert (await post(env, TXT2IMG.replace("7860", "abc"), body))["result_code"] == 400
    assert (await post(env, TXT2IMG.replace("sdapi/v1/txt2img", "txt2img"), body))["result_code"] == 404
    assert (await post(env, TXT2IMG, body, headers=None))["result_code"] == 401
    sad = "/user/schedulingTask?paramUrl=sadTalker&paramPort=8075&taskMode=Async"
    assert (await post(env, sad, {"data": json.dumps({"text": "hi"})}))["result_code"] == 400


async def test_query_task_needs_no_workspace_but_refuses_a_wrong_one(env: Env) -> None:
    task_id = (await post(env, TXT2IMG, {"data": json.dumps({"prompt": "x"})}))["taskID"]
    async with env.session.get(f"{env.base_url}/user/queryTask", params={"taskID": task_id}) as response:
        assert (await response.json())["result_code"] == 200
    headers = {"Authorization": "Bearer someone-else"}
    async with env.session.get(f"{env.base_url}/user/queryTask", params={"taskID": task_id}, headers=headers) as r:
        assert (await r.json())["result_code"] == 401


async def test_bad_dates_and_missing_address(env: Env) -> None:
    url = f"{env.base_url}/user/queryTaskList"
    async with env.session.get(url, params={"startTime": "11/04/2024"}, headers=AUTH) as response:
        assert (await response.json())["result_code"] == 400
    async with env.session.get(f"{env.base_url}/brc20/checkAddress") as response:
        assert response.status == 400


async def test_sync_passthrough_of_an_unknown_path(env: Env) -> None:
    assert (await post(env, "/user/img2img", {"data": "{}"}))["result_code"] == 404
