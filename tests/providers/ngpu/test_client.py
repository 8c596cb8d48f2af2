"""Every raw NGPU client method against the emulator, over real HTTP on loopback."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import date

import aiohttp
import pytest

from providers.core.errors import (
    AuthenticationError,
    DecodeError,
    InvalidInputError,
    NotFoundError,
    QuotaError,
    RateLimitedError,
    ServerError,
    SubmitOutcomeUnknownError,
)
from providers.ngpu.credentials import NgpuCredentials
from providers.ngpu.forms import DataForm
from providers.ngpu.models import SadTalkerResult, ScheduledTask, TaskQuery
from tests.emulators.ngpu import (
    FAKE_MP4,
    HISTORIC_TASK_IDS,
    NODES,
    TEST_BTC_ADDRESS,
    TEST_BTC_ADDRESS_WITHOUT_AINN,
    TEST_WORKSPACE_ID,
)
from tests.providers.ngpu.conftest import Env

TXT2IMG = {"prompt": "a red fox", "batch_size": 2, "width": 512, "height": 512, "do_not_save_grid": True}


async def wait_finished(env: Env, task_id: str) -> TaskQuery:
    async with asyncio.timeout(5):
        while True:
            query = await env.client.query_task(task_id)
            if query.result_size:
                return query
            await asyncio.sleep(0.05)


async def sad_talker_settled(env: Env, task_id: str) -> SadTalkerResult:
    """Read a sadTalker task until it has finished or failed."""
    async with asyncio.timeout(5):
        while True:
            result = await env.client.sad_talker_result(task_id)
            if result.finished or result.failed:
                return result
            await asyncio.sleep(0.05)


# --- sync pass-through ----------------------------------------------------------------------------
async def test_passthrough_sends_the_body_as_an_object_and_answers_the_image_body(env: Env) -> None:
    answer = await env.client.passthrough("sdapi/v1/txt2img", TXT2IMG)
    assert answer.result_code == 200 and answer.data_form is DataForm.OBJECT
    payload = answer.data_json()
    assert len(payload["images"]) == 2
    [sent] = env.taken("/user/sdapi/v1/txt2img")
    assert sent.authorization == TEST_WORKSPACE_ID
    assert sent.body == {"data": TXT2IMG}  # the object itself; no btc_address when none is given


async def test_passthrough_of_a_json_text_and_a_btc_address(env: Env) -> None:
    data = json.dumps({"image": (await env.client.passthrough("sdapi/v1/txt2img", TXT2IMG)).data_json()["images"][0]})
    answer = await env.client.passthrough("/sdapi/v1/interrogate/", data, btc_address=TEST_BTC_ADDRESS)
    assert "colorful" in answer.data_json()["caption"]
    assert env.sent("/user/sdapi/v1/interrogate")[0].body == {"btc_address": TEST_BTC_ADDRESS, "data": json.loads(data)}


async def test_passthrough_errors(env: Env) -> None:
    with pytest.raises(InvalidInputError):  # not JSON: refused before anything is sent
        await env.client.passthrough("sdapi/v1/txt2img", "not json at all")
    assert not env.sent("/user/sdapi/v1/txt2img")
    with pytest.raises(NotFoundError):
        await env.client.passthrough("sdapi/v1/nothing-here", TXT2IMG)
    with pytest.raises(InvalidInputError):
        await env.client.passthrough("../../etc/passwd", TXT2IMG)
    assert not env.sent("/user/../../etc/passwd") and not env.sent("/user/sdapi/v1/txt2img")


# --- async scheduling -----------------------------------------------------------------------------
async def test_schedule_then_query_until_finished(env: Env) -> None:
    task = await env.client.schedule_task("sdapi/v1/txt2img", 7860, TXT2IMG)
    assert re.fullmatch(r"\d{8}_\d{2}_\d{2}_\d{2}_\d{6}", task.task_id)
    [sent] = env.taken("/user/schedulingTask")
    assert sent.query == {"paramUrl": "sdapi/v1/txt2img", "paramPort": "7860", "taskMode": "Async"}
    assert sent.body["data"] == TXT2IMG

    early = await env.client.query_task(task.task_id)
    assert early.task_id == task.task_id and early.result_size == 0
    assert json.loads(early.data)["result_code"] in (101, 102) and early.data_form is DataForm.OBJECT
    assert all(r.authorization is None for r in env.sent("/user/queryTask"))  # as the seed and NGPU's bot ask it

    done = await wait_finished(env, task.task_id)
    assert len(done.data_json()["images"]) == 2


async def test_schedule_refusals(env: Env) -> None:
    with pytest.raises(InvalidInputError):  # the image listens on 7860, not 8080
        await env.client.schedule_task("sdapi/v1/txt2img", 8080, TXT2IMG)
    with pytest.raises(NotFoundError):
        await env.client.schedule_task("sdapi/v1/unknown", 7860, TXT2IMG)
    before = len(env.sent("/user/schedulingTask"))
    for port in (0, 70000):
        with pytest.raises(InvalidInputError):
            await env.client.schedule_task("sdapi/v1/txt2img", port, TXT2IMG)
    assert len(env.sent("/user/schedulingTask")) == before  # refused before sending


async def test_query_unknown_task(env: Env) -> None:
    with pytest.raises(NotFoundError):
        await env.client.query_task("20990101_00_00_00_000000")
    with pytest.raises(InvalidInputError):
        await env.client.query_task("  ")


def test_both_task_id_spellings_are_accepted() -> None:
    assert ScheduledTask.model_validate({"result_code": 100, "taskID": "a"}).task_id == "a"
    assert ScheduledTask.model_validate({"result_code": 200, "taskId": "b"}).task_id == "b"
    assert TaskQuery.model_validate({"result_code": 200, "taskId": "c", "data": {"x": 1}}).data == '{"x": 1}'


@pytest.mark.parametrize(
    ("data", "form", "text"),
    [
        ({"x": 1}, DataForm.OBJECT, '{"x": 1}'),
        ('{"x": 1}', DataForm.STRING, '{"x": 1}'),
        ("", None, ""),
        (None, None, ""),
    ],
)
def test_task_data_is_read_in_either_form(data: object, form: DataForm | None, text: str) -> None:
    query = TaskQuery.model_validate({"result_code": 200, "taskID": "t", "data": data})
    assert (query.data, query.data_form) == (text, form)


# --- workspace administration ---------------------------------------------------------------------
async def test_query_task_list_with_dates(env: Env) -> None:
    task = await env.client.schedule_task("sdapi/v1/txt2img", 7860, TXT2IMG)
    everything = await env.client.query_task_list()
    assert set(HISTORIC_TASK_IDS) | {task.task_id} == set(everything.task_ids)
    assert everything.result_size == len(everything.task_ids)
    april_11 = await env.client.query_task_list(date(2024, 4, 11), date(2024, 4, 11))
    assert april_11.task_ids == list(HISTORIC_TASK_IDS[:4])
    assert (await env.client.query_task_list(date(2024, 4, 12), date(2024, 4, 14))).result_size == 0
    assert (await env.client.query_task_list(start=date.today())).task_ids == [task.task_id]
    assert env.sent("/user/queryTaskList")[1].query == {"startTime": "2024-04-11", "endTime": "2024-04-11"}
    assert env.sent("/user/queryTaskList")[0].query == {}


async def test_dates_are_checked_before_sending(env: Env) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await env.client.query_task_list(date(2024, 4, 20), date(2024, 4, 11))
    assert "2024-04-20" in caught.value.user_message
    with pytest.raises(InvalidInputError):
        await env.client.get_tasks_from_node(NODES[0]["nodeAddr"], date(2024, 5, 1), date(2024, 4, 1))
    with pytest.raises(InvalidInputError):
        await env.client.query_task_list("2024-04-11")  # type: ignore[arg-type]
    assert not env.sent("/user/queryTaskList") and not env.sent("/user/getTasksFromNode")


async def test_query_nodes(env: Env) -> None:
    nodes = await env.client.query_nodes()
    assert nodes.result_size == 3
    assert [node.node_addr for node in nodes.nodes] == [node["nodeAddr"] for node in NODES]
    assert (nodes.nodes[2].progress, nodes.nodes[2].status) == (40, 0)


async def test_get_tasks_from_node(env: Env) -> None:
    per_node = {
        node["nodeAddr"]: (await env.client.get_tasks_from_node(node["nodeAddr"], date(2024, 4, 11), date(2024, 4, 20)))
        for node in NODES
    }
    assert sorted(t for tasks in per_node.values() for t in tasks.task_ids) == sorted(HISTORIC_TASK_IDS)
    assert per_node[NODES[2]["nodeAddr"]].result_size == 0  # not distributed (status 0)
    assert (await env.client.get_tasks_from_node("0xunknown")).task_ids == []
    assert env.sent("/user/getTasksFromNode")[0].query["nodeAddr"] == NODES[0]["nodeAddr"]
    with pytest.raises(InvalidInputError):
        await env.client.get_tasks_from_node(" ")


async def test_get_detailed(env: Env) -> None:
    historic = (await env.client.get_detailed(HISTORIC_TASK_IDS[-1])).task_info
    assert historic.finished and historic.state == 3
    assert historic.taskid == HISTORIC_TASK_IDS[-1] and historic.requesttime == "2024-04-15 14:30:09"
    assert historic.gpudursion is not None and historic.gpudursion >= 1

    task = await env.client.schedule_task("sdapi/v1/txt2img", 7860, TXT2IMG, btc_address=TEST_BTC_ADDRESS)
    running = (await env.client.get_detailed(task.task_id)).task_info
    assert not running.finished and running.response == ""
    assert json.loads(running.request or "") == TXT2IMG
    assert running.btcaddress == TEST_BTC_ADDRESS and running.workspaceid == TEST_WORKSPACE_ID
    await wait_finished(env, task.task_id)
    finished = (await env.client.get_detailed(task.task_id)).task_info
    assert finished.finished and len(json.loads(finished.response or "")["images"]) == 2
    assert finished.recordDursion == 1
    with pytest.raises(NotFoundError):
        await env.client.get_detailed("20990101_00_00_00_000000")


# --- BRC20 ----------------------------------------------------------------------------------------
async def test_check_address(env: Env) -> None:
    holder = await env.client.check_address(TEST_BTC_ADDRESS)
    assert holder.exists and holder.names == ["AINN"] and holder.balance_of("ainn") == 100
    assert await env.client.holds_ainn(TEST_BTC_ADDRESS)
    assert not await env.client.holds_ainn(TEST_BTC_ADDRESS, minimum=101)
    stranger = await env.client.check_address(TEST_BTC_ADDRESS_WITHOUT_AINN)
    assert not stranger.exists and stranger.balance_of("AINN") == 0
    assert not await env.client.holds_ainn(TEST_BTC_ADDRESS_WITHOUT_AINN)
    sent = env.sent("/user/brc20/checkAddress")
    assert sent[0].query == {"address": TEST_BTC_ADDRESS} and len(sent) == 5
    assert not env.sent("/brc20/checkAddress")  # the path NGPU's own bot uses exists: the seed's is never asked
    assert all(request.authorization is None for request in sent)  # a public call: no workspace id
    with pytest.raises(InvalidInputError):
        await env.client.check_address("")


# --- sadTalker ------------------------------------------------------------------------------------
async def test_sad_talker_scheduled_like_ngpus_bot(env: Env) -> None:
    photo = f"{env.image_url}/img/3.png"
    task = await env.client.sad_talker(photo, "Hello!", "fable", "laba", btc_address=TEST_BTC_ADDRESS)
    [sent] = env.taken("/user/schedulingTask")
    assert sent.query == {"paramUrl": "sadTalker", "paramPort": "8075", "taskMode": "Async"}
    assert sent.body["data"] == {
        "image_url": photo, "text": "Hello!", "pronouncer": "fable", "backGroundName": "laba",
        "btc_address": TEST_BTC_ADDRESS,
    }
    first = await env.client.sad_talker_result(task.task_id)
    assert not first.finished and not first.failed and first.result_code in (101, 102)
    result = await sad_talker_settled(env, task.task_id)
    assert result.finished and result.result_url and result.result_url.startswith(env.base_url)
    video, content_type = await env.provider.transport.fetch_bytes(result.result_url)
    assert video == FAKE_MP4 and content_type == "video/mp4"


async def test_sad_talker_direct_and_failure(env: Env) -> None:
    submitted = await env.client.sad_talker_direct(f"{env.image_url}/img/1.png", "Hi", "fable", "laba")
    assert submitted.task_id and "queue" in submitted.msg
    assert env.sent("/user/sadTalker")[0].body["backGroundName"] == "laba"
    env.arm("task_fails")
    failing = await env.client.sad_talker(f"{env.image_url}/img/1.png", "Hi", "fable", "laba")
    result = await sad_talker_settled(env, failing.task_id)
    assert result.failed and not result.finished and result.result_code == -1 and "CUDA" in result.message
    with pytest.raises(InvalidInputError):
        await env.client.sad_talker("file:///etc/passwd", "Hi", "fable", "laba")
    with pytest.raises(InvalidInputError):
        await env.client.sad_talker_direct(f"{env.image_url}/img/1.png", " ", "fable", "laba")


# --- errors ---------------------------------------------------------------------------------------
async def test_unknown_workspace_is_an_authentication_error(env: Env) -> None:
    stranger = env.with_credentials(NgpuCredentials(workspace_id="ws-unknown-777")).client
    with pytest.raises(AuthenticationError) as caught:
        await stranger.query_nodes()
    assert "ws-unknown-777" not in str(caught.value)
    env.arm("bad_workspace")
    with pytest.raises(AuthenticationError):
        await env.client.schedule_task("sdapi/v1/txt2img", 7860, TXT2IMG)


async def test_a_refused_workspace_is_tried_in_both_forms_and_stays_refused(env: Env) -> None:
    env.arm("bad_workspace", times=None)
    with pytest.raises(AuthenticationError):
        await env.client.query_nodes()
    assert [r.authorization for r in env.sent("/user/queryNodes")] == [f"Bearer {TEST_WORKSPACE_ID}", TEST_WORKSPACE_ID]
    assert env.client.accepted_forms().auth is None  # nothing was accepted, so nothing is kept


async def test_address_without_ainn_is_a_quota_error(env: Env) -> None:
    with pytest.raises(QuotaError) as caught:
        await env.client.schedule_task("sdapi/v1/txt2img", 7860, TXT2IMG, btc_address=TEST_BTC_ADDRESS_WITHOUT_AINN)
    assert "AINN" in caught.value.user_message
    env.arm("no_ainn")
    with pytest.raises(QuotaError):
        await env.client.passthrough("sdapi/v1/txt2img", TXT2IMG)
    task = await env.client.schedule_task("sdapi/v1/txt2img", 7860, TXT2IMG, btc_address=TEST_BTC_ADDRESS)
    assert task.task_id


@pytest.mark.parametrize(
    ("fault", "error"),
    [("hang", SubmitOutcomeUnknownError), ("server_error", ServerError), ("http_rate_limit", RateLimitedError),
     ("malformed_json", DecodeError), ("no_node", ServerError)],
)
async def test_a_billed_submit_is_sent_exactly_once(env: Env, fault: str, error: type[Exception]) -> None:
    await env.client.query_nodes()  # the auth form is settled first: only the submit's own fate is counted
    env.arm(fault, times=None)
    with pytest.raises(error):
        await env.client.schedule_task("sdapi/v1/txt2img", 7860, TXT2IMG)
    assert len(env.sent("/user/schedulingTask")) == 1


async def test_a_sync_passthrough_is_sent_exactly_once(env: Env) -> None:
    env.arm("hang", times=None)
    with pytest.raises(SubmitOutcomeUnknownError):
        await env.client.passthrough("sdapi/v1/txt2img", TXT2IMG)
    assert len(env.sent("/user/sdapi/v1/txt2img")) == 1


async def test_reads_are_retried(env: Env) -> None:
    await env.client.query_nodes()  # the auth form is settled first
    env.forget_requests()
    env.arm("server_error", times=1)
    assert (await env.client.query_nodes()).result_size == 3
    assert len(env.sent("/user/queryNodes")) == 2
    env.arm("server_error", times=None)
    with pytest.raises(ServerError):
        await env.client.query_task_list()
    assert len(env.sent("/user/queryTaskList")) == env.settings.retry_attempts


# --- replies the emulator never sends: a one-route stand-in -----------------------------------------
@pytest.mark.parametrize(
    ("status", "reply", "error"),
    [
        (200, {"result_code": 200, "msg": "success", "nodes": "oops"}, DecodeError),
        (200, ["not", "an", "object"], DecodeError),
        (200, {"msg": "no result_code"}, DecodeError),
        (401, {"result_code": 401, "msg": "no such workspace"}, AuthenticationError),
        (403, "forbidden", AuthenticationError),
        (404, "nothing here", NotFoundError),
    ],
)
async def test_odd_replies_map_to_errors(env: Env, status: int, reply: object, error: type[Exception]) -> None:
    from aiohttp import web

    from tests.emulators.common import serve

    async def nodes(_: web.Request) -> web.Response:
        if isinstance(reply, str):
            return web.Response(status=status, text=reply)
        return web.json_response(reply, status=status)

    app = web.Application()
    app.router.add_get("/user/queryNodes", nodes)
    async with serve(app) as url:
        settings = env.settings.model_copy(update={"base_url": url})
        provider = type(env.provider)(env.session, settings, env.provider.ngpu_credentials)
        with pytest.raises(error):
            await provider.client.query_nodes()


async def test_connection_refused_is_reported(env: Env) -> None:
    from providers.core.errors import ProviderConnectionError

    settings = env.settings.model_copy(update={"base_url": "http://127.0.0.1:9"})
    provider = type(env.provider)(env.session, settings, env.provider.ngpu_credentials)
    with pytest.raises(ProviderConnectionError):
        await provider.client.query_nodes()
    assert isinstance(env.session, aiohttp.ClientSession)
