"""Every service's own texts reach an error or a failed job without the keys (``providers.core.scrub``): each
client's reply decoding and each status table, fed a reply that echoes the secret as it is, URL-encoded and in
base64."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from pydantic import SecretStr

from providers.core.errors import ProviderError
from providers.core.models import JobHandle, JobKind, JobStatus
from providers.core.transport import HttpResponse
from providers.jumdata.client import JumdataClient
from providers.jumdata.credentials import JumdataCredentials
from providers.jumdata.models import QueryData
from providers.midjourney.client import MidjourneyClient
from providers.midjourney.find_walk import Found
from providers.midjourney.models import CreateRequest, Job, LoginRequest, MidjourneyCredentials
from providers.midjourney.provider import MidjourneyProvider
from providers.midjourney.settings import MidjourneySettings
from providers.midjourney.status import job_state
from providers.ngpu.client import NgpuClient
from providers.ngpu.credentials import NgpuCredentials
from providers.ngpu.models import NodeList, TaskQuery
from providers.ngpu.provider import NgpuProvider
from providers.ngpu.settings import NgpuSettings
from providers.ngpu.status import observe_task_data
from providers.picpik.client import PicpikClient
from providers.picpik.credentials import PicpikCredentials
from providers.picpik.models import ListTasksDetailsResponse, TaskDetail, TaskResponse
from providers.picpik.provider import PicpikProvider
from providers.picpik.settings import PicpikSettings
from providers.picpik.status import task_state

SECRET = "s3cr3t/Key+With=Symbols"
TOKEN = "eyJhbGciOi.login.token"
BASE_URL = "http://service.test"


def echoes(secret: str = SECRET) -> str:
    """A careless service's message: the secret as it is, URL-encoded and in base64."""
    return f"bad request key={secret} q={quote(secret, safe='')} auth={base64.b64encode(secret.encode()).decode()}"


def assert_clean(text: str, *secrets: str) -> None:
    for secret in secrets or (SECRET,):
        assert secret not in text
        assert quote(secret, safe="") not in text
        assert base64.b64encode(secret.encode()).decode() not in text
    assert "bad request" in text  # the service's own words still come through


def reply(payload: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(status, CIMultiDictProxy(CIMultiDict()), json.dumps(payload).encode(), "test")


def transport(name: str) -> Any:
    return SimpleNamespace(provider=name, base_url=BASE_URL)


def raised(call: Any) -> ProviderError:
    with pytest.raises(ProviderError) as info:
        call()
    return info.value


# --- Picpik ---------------------------------------------------------------------------------------------------


def picpik() -> PicpikClient:
    return PicpikClient(transport("picpik"), PicpikCredentials(public_key="pub", private_key=SecretStr(SECRET)))


@pytest.mark.parametrize("ret_code", [230, 171, 9999])  # mapped, auth, unmapped
def test_picpik_retcode_messages_lose_the_private_key(ret_code: int) -> None:
    client = picpik()
    error = raised(
        lambda: client._decode("GenerateImages", reply({"RetCode": ret_code, "Message": echoes()}), TaskResponse)
    )
    assert_clean(error.user_message)
    assert_clean(str(error))


def test_a_picpik_task_error_loses_the_private_key() -> None:
    detail = TaskDetail.model_validate({"TaskUID": "t", "Status": "Error", "ErrorCode": 5, "ErrorMassage": echoes()})
    state = task_state(detail, JobKind.IMAGINE, scrub=picpik().scrub)
    assert state.status is JobStatus.FAILED and state.failure is not None
    assert_clean(state.failure.message)


# --- Jumdata --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [400, 999, 12345])
def test_jumdata_messages_lose_the_app_secret(code: int) -> None:
    client = JumdataClient(transport("jumdata"), JumdataCredentials(app_id="app", app_secret=SecretStr(SECRET)))
    error = raised(lambda: client._decode(reply({"code": code, "msg": echoes()}), QueryData))
    assert_clean(error.user_message)


# --- the Midjourney-style API ---------------------------------------------------------------------------------


def midjourney() -> MidjourneyClient:
    credentials = MidjourneyCredentials(username="user", password=SecretStr(SECRET))
    return MidjourneyClient(transport("midjourney"), credentials, SimpleNamespace())


@pytest.mark.parametrize("errno", [301, 501, 777])
def test_midjourney_messages_lose_the_password_and_the_login_token(errno: int) -> None:
    client = midjourney()
    message = f"{echoes()} {echoes(TOKEN)}"
    failed = reply({"errno": errno, "errmsg": message})
    error = raised(lambda: client._decode(failed, CreateRequest(content="x"), TOKEN))
    assert_clean(error.user_message, SECRET, TOKEN)


def test_a_refused_midjourney_login_loses_the_password() -> None:
    client = midjourney()
    request = LoginRequest(username="user", password=SecretStr(SECRET))
    error = raised(lambda: client._decode(reply({"errno": 501, "errmsg": echoes()}), request))
    assert_clean(error.user_message)


def test_a_failed_midjourney_job_loses_the_password() -> None:
    state = job_state(Job(status=4001, error=echoes()), JobKind.IMAGINE, scrub=midjourney().scrub)
    assert state.failure is not None
    assert_clean(state.failure.message)


# --- NGPU -----------------------------------------------------------------------------------------------------


def ngpu() -> NgpuClient:
    return NgpuClient(transport("ngpu"), NgpuCredentials(workspace_id=SecretStr(SECRET)))


@pytest.mark.parametrize("status", [200, 500])
def test_ngpu_messages_lose_the_workspace_id(status: int) -> None:
    client = ngpu()
    failed = reply({"result_code": 500, "msg": echoes()}, status)
    error = raised(lambda: client._decode(failed, NodeList, envelope=True))
    assert_clean(error.user_message)


@pytest.mark.parametrize(
    "data",
    [
        {"result_code": -1, "msg": echoes()},  # NGPU's own failure
        {"error": "RuntimeError", "detail": echoes()},  # the A1111 image's error body
        {"detail": [{"loc": ["body", "prompt"], "msg": echoes()}]},  # a validation error
    ],
)
def test_a_failed_ngpu_task_loses_the_workspace_id(data: dict[str, Any]) -> None:
    seen = observe_task_data(json.dumps(data), provider="ngpu", scrub=ngpu().scrub)
    assert seen.status is JobStatus.FAILED and seen.message
    assert_clean(seen.message)


# --- the providers' poll paths hand their client's scrubber on ------------------------------------------------


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:  # never used: the clients' calls are replaced
        yield client_session


def handle(service: str, **meta: Any) -> JobHandle:
    return JobHandle(provider=service, kind=JobKind.IMAGINE, job_id="job-1", meta=meta)


async def answer(value: object) -> object:
    return value


async def test_picpik_poll_fails_a_task_without_the_private_key(
    session: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = PicpikCredentials(public_key="pub", private_key=SecretStr(SECRET))
    provider = PicpikProvider(session, PicpikSettings(_env_file=None, base_url=BASE_URL), credentials)
    entry = {"TaskUID": "job-1", "Status": "Error", "ErrorCode": 7, "ErrorMassage": echoes()}
    details = ListTasksDetailsResponse.model_validate({"RetCode": 0, "TaskDetailList": [entry]})
    monkeypatch.setattr(provider.client, "list_tasks_details", lambda _: answer(details))

    state = await provider.poll(handle("picpik"))

    assert state.failure is not None
    assert_clean(state.failure.message)


async def test_midjourney_poll_fails_a_job_without_the_password(
    session: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = MidjourneyCredentials(username="user", password=SecretStr(SECRET))
    provider = MidjourneyProvider(session, MidjourneySettings(_env_file=None, base_url=BASE_URL), credentials)
    found = Found(jobs={"job-1": Job(status=4001, error=echoes())})
    monkeypatch.setattr(provider.client, "find_jobs", lambda *_, **__: answer(found))

    state = await provider.poll(handle("midjourney"))

    assert state.failure is not None
    assert_clean(state.failure.message)


async def test_ngpu_poll_fails_a_task_without_the_workspace_id(
    session: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = NgpuCredentials(workspace_id=SecretStr(SECRET))
    provider = NgpuProvider(session, NgpuSettings(_env_file=None, base_url=BASE_URL), credentials)
    query = TaskQuery.model_validate({"result_code": 100, "data": json.dumps({"result_code": -1, "msg": echoes()})})
    monkeypatch.setattr(provider.client, "query_task", lambda _: answer(query))

    state = await provider.poll(handle("ngpu", profile="a1111", endpoint="txt2img"))

    assert state.failure is not None
    assert_clean(state.failure.message)
