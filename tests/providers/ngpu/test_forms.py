"""The contested forms (``providers/ngpu/forms.py``) against the emulator in each reading: the configured form first,
the other once after a refusal that took nothing, and the form that worked kept for the workspace, so later calls
(and other providers on the same workspace) never pay the refusal again. Only NGPU's own refusal envelope switches
the data form (never a bare HTTP status), a billed call is never resent once its data form was learned, and a submit
whose outcome is unknown (a hang, a 408) is never sent again."""

from __future__ import annotations

import asyncio
import hashlib
import logging

import pytest

from providers.core.errors import InvalidInputError, ServerError, SubmitOutcomeUnknownError
from providers.core.models import ImagineRequest, JobStatus
from providers.core.unknown_values import UnknownValue, unknown_value_counts
from providers.ngpu.credentials import NgpuCredentials
from providers.ngpu.forms import LEARNED, AuthForm, DataForm, WorkspaceForms, workspace_key
from providers.ngpu.provider import NgpuProvider
from tests.emulators.ngpu import (
    BRC20_BOT_PATH,
    BRC20_SEED_PATH,
    ODD_TOP_CODE,
    REQUESTS_KEY,
    TEST_BTC_ADDRESS,
    TEST_WORKSPACE_ID,
)
from tests.providers.contract import run_to_end
from tests.providers.ngpu.conftest import Env, MakeEnv

SUBMIT = "/user/schedulingTask"
BARE, BEARER = TEST_WORKSPACE_ID, f"Bearer {TEST_WORKSPACE_ID}"
REQUEST = ImagineRequest(prompt="a lighthouse at dusk")


def auth_sent(env: Env, path: str) -> list[str | None]:
    return [request.authorization for request in env.sent(path)]


def data_sent(env: Env) -> list[type]:
    return [type(request.body["data"]) for request in env.sent(SUBMIT)]


async def imagine_to_the_end(provider: NgpuProvider) -> None:
    state, _ = await run_to_end(provider, await provider.imagine(REQUEST))
    assert state.status is JobStatus.SUCCEEDED, state.failure
    assert len(state.images) == 4


# --- Authorization ------------------------------------------------------------------------------------------------
async def test_the_seeds_bearer_form_is_refused_once_then_the_bare_id_is_kept_for_the_workspace(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await env.client.query_nodes()
    await env.client.query_task_list()
    assert auth_sent(env, "/user/queryNodes") == [BEARER, BARE]
    assert auth_sent(env, "/user/queryTaskList") == [BARE]
    # another provider on the same workspace (a new instance, as the bot's pool makes) starts from what was learned
    await imagine_to_the_end(env.with_credentials(NgpuCredentials(workspace_id=TEST_WORKSPACE_ID)))
    assert auth_sent(env, SUBMIT) == [BARE]
    [warning] = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert "NGPU_AUTH_FORM=bare" in warning and TEST_WORKSPACE_ID not in caplog.text


async def test_what_one_workspace_learned_is_not_used_for_another(env: Env) -> None:
    await env.client.query_nodes()
    stranger = env.with_credentials(NgpuCredentials(workspace_id="ws-someone-else"))
    assert stranger.client.accepted_forms().auth is None
    assert env.client.accepted_forms().auth is AuthForm.BARE
    assert all(TEST_WORKSPACE_ID not in key for key in LEARNED._workspaces)  # kept under a hash, never the id
    assert workspace_key(env.base_url, TEST_WORKSPACE_ID) in LEARNED._workspaces
    # keyed with a secret of the process: hashing a guessed id does not find the workspace's key (or its log tag)
    guessed = hashlib.sha256(f"{env.base_url}\n{TEST_WORKSPACE_ID}".encode()).hexdigest()
    assert guessed not in LEARNED._workspaces


async def test_the_setting_names_the_first_form_so_no_refusal_is_paid(env: Env) -> None:
    provider = env.with_settings(auth_form=AuthForm.BARE)
    await provider.check_credentials()
    await imagine_to_the_end(provider)
    assert all(request.authorization in (BARE, None) for request in env.app[REQUESTS_KEY])


@pytest.mark.parametrize(("auth_form", "sent"), [(AuthForm.BEARER, [BEARER]), (AuthForm.BARE, [BARE, BEARER])])
async def test_a_bearer_only_ngpu(variant_env: MakeEnv, auth_form: AuthForm, sent: list[str]) -> None:
    env = await variant_env("auth_bearer", auth_form=auth_form)
    await env.provider.check_credentials()
    await env.provider.check_credentials()
    assert auth_sent(env, "/user/queryNodes") == [*sent, BEARER]
    await imagine_to_the_end(env.provider)
    assert auth_sent(env, SUBMIT) == [BEARER]


async def test_query_task_carries_no_workspace_id(env: Env) -> None:
    await imagine_to_the_end(env.provider)
    assert set(auth_sent(env, "/user/queryTask")) == {None}


# --- pass-through data --------------------------------------------------------------------------------------------
async def test_a_string_only_ngpu_refuses_the_object_once_and_the_string_is_kept(
    variant_env: MakeEnv, caplog: pytest.LogCaptureFixture
) -> None:
    env = await variant_env("data_string", auth_form=AuthForm.BARE)
    await imagine_to_the_end(env.provider)
    assert data_sent(env) == [dict, str]
    assert [request.taken for request in env.sent(SUBMIT)] == [False, True]
    await imagine_to_the_end(env.provider)
    assert data_sent(env) == [dict, str, str]
    assert env.client.accepted_forms().data is DataForm.STRING
    assert "NGPU_DATA_FORM=string" in caplog.text and TEST_WORKSPACE_ID not in caplog.text


async def test_with_the_setting_a_string_only_ngpu_refuses_nothing(variant_env: MakeEnv) -> None:
    env = await variant_env("data_string", auth_form=AuthForm.BARE, data_form=DataForm.STRING)
    await imagine_to_the_end(env.provider)
    assert data_sent(env) == [str]


async def test_the_string_setting_on_an_object_ngpu_switches_once(env: Env) -> None:
    provider = env.with_settings(auth_form=AuthForm.BARE, data_form=DataForm.STRING)
    await imagine_to_the_end(provider)
    await imagine_to_the_end(provider)
    assert data_sent(env) == [str, dict, dict]


async def test_a_fresh_workspaces_first_submit_carries_no_auth_guess(variant_env: MakeEnv) -> None:
    env = await variant_env("data_string")  # the default settings: Bearer and the object, both wrong here
    await imagine_to_the_end(env.provider)
    assert auth_sent(env, "/user/queryNodes") == [BEARER, BARE]  # free: the auth form is settled first
    sent = env.sent(SUBMIT)
    assert [(r.authorization, type(r.body["data"])) for r in sent] == [(BARE, dict), (BARE, str)]
    assert [r.taken for r in sent] == [False, True]


async def test_concurrent_first_calls_pay_each_refusal_once(
    variant_env: MakeEnv, caplog: pytest.LogCaptureFixture
) -> None:
    env = await variant_env("data_string")
    handles = await asyncio.gather(*(env.provider.imagine(REQUEST) for _ in range(6)))
    assert len({handle.job_id for handle in handles}) == 6
    assert auth_sent(env, "/user/queryNodes") == [BEARER, BARE]
    assert data_sent(env) == [dict] + [str] * 6
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 2  # one per form switched, not one per call


async def test_a_sync_passthrough_switches_too_and_reads_the_answer_as_text(variant_env: MakeEnv) -> None:
    env = await variant_env("data_string", auth_form=AuthForm.BARE)
    answer = await env.client.passthrough("sdapi/v1/interrogate", {"image": "bm90IGFuIGltYWdl"})
    assert answer.data_form is DataForm.STRING and "detail" in answer.data_json()
    assert [type(r.body["data"]) for r in env.sent("/user/sdapi/v1/interrogate")] == [dict, str]


@pytest.mark.parametrize("variants", [(), ("data_string",)])
async def test_when_both_forms_are_refused_the_other_reason_is_reported_and_nothing_kept(
    variant_env: MakeEnv, variants: tuple[str, ...]
) -> None:
    env = await variant_env(*variants, auth_form=AuthForm.BARE)
    with pytest.raises(InvalidInputError) as refused:
        await env.client.schedule_task("sdapi/v1/txt2img", 8080, {"prompt": "x"})  # the image listens on 7860
    assert "paramPort" in refused.value.user_message
    assert len(env.sent(SUBMIT)) == 2 and env.client.accepted_forms().data is None


async def test_a_later_refusal_for_another_reason_leaves_the_kept_form(env: Env) -> None:
    provider = env.with_settings(auth_form=AuthForm.BARE)
    await imagine_to_the_end(provider)
    env.forget_requests()
    with pytest.raises(InvalidInputError) as refused:
        await provider.client.schedule_task("sdapi/v1/txt2img", 8080, {"prompt": "x"})
    assert "paramPort" in refused.value.user_message
    assert data_sent(env) == [dict]  # the kept form only: a billed call is never resent in the other form
    assert provider.client.accepted_forms().data is DataForm.OBJECT
    await imagine_to_the_end(provider)
    assert data_sent(env) == [dict, dict]


async def test_once_a_data_form_is_learned_a_refused_submit_is_reported_not_resent(
    variant_env: MakeEnv, caplog: pytest.LogCaptureFixture
) -> None:
    env = await variant_env("data_string", auth_form=AuthForm.BARE)
    # learned earlier in this process, when this NGPU still took the object
    LEARNED.accept_data(workspace_key(env.base_url, TEST_WORKSPACE_ID), DataForm.OBJECT)
    with pytest.raises(InvalidInputError) as refused:
        await env.provider.imagine(REQUEST)
    assert "data must be a string" in refused.value.user_message
    assert data_sent(env) == [dict] and not env.taken(SUBMIT)
    assert env.client.accepted_forms().data is DataForm.OBJECT
    assert "NGPU_DATA_FORM" not in caplog.text


async def test_when_ngpu_changes_its_auth_form_the_bot_follows(
    variant_env: MakeEnv, caplog: pytest.LogCaptureFixture
) -> None:
    env = await variant_env("auth_bearer")
    # learned earlier in this process, when this NGPU still took the bare id
    LEARNED.accept_auth(workspace_key(env.base_url, TEST_WORKSPACE_ID), AuthForm.BARE)
    await imagine_to_the_end(env.provider)
    assert [(r.authorization, type(r.body["data"])) for r in env.sent(SUBMIT)] == [(BARE, dict), (BEARER, dict)]
    assert env.client.accepted_forms() == WorkspaceForms(AuthForm.BEARER, DataForm.OBJECT)
    assert "NGPU_AUTH_FORM=bearer" in caplog.text


@pytest.mark.parametrize(
    ("variants", "data_form", "sent"), [((), DataForm.OBJECT, dict), (("data_string",), DataForm.STRING, str)]
)
async def test_a_submit_answered_408_after_it_was_queued_is_outcome_unknown_and_sent_once(
    variant_env: MakeEnv, caplog: pytest.LogCaptureFixture, variants: tuple[str, ...], data_form: DataForm, sent: type
) -> None:
    env = await variant_env(*variants, auth_form=AuthForm.BARE, data_form=data_form)
    env.arm("queued_then_408")
    with pytest.raises(SubmitOutcomeUnknownError):
        await env.provider.imagine(REQUEST)
    assert data_sent(env) == [sent]  # the task exists: sending it again (in either form) would bill twice
    assert env.client.accepted_forms().data is None
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


async def test_a_gateways_bare_4xx_is_no_refusal_of_the_data_form(variant_env: MakeEnv) -> None:
    env = await variant_env(auth_form=AuthForm.BARE)
    env.arm("gateway_422")  # a bare HTTP status: nothing says the form of data was refused
    with pytest.raises(InvalidInputError):
        await env.provider.imagine(REQUEST)
    assert data_sent(env) == [dict] and env.client.accepted_forms().data is None


@pytest.mark.parametrize(("fault", "error"), [("hang", SubmitOutcomeUnknownError), ("server_error", ServerError)])
async def test_a_submit_whose_outcome_is_unknown_is_never_sent_again(
    variant_env: MakeEnv, fault: str, error: type[Exception]
) -> None:
    env = await variant_env("data_string")
    await env.provider.check_credentials()  # the auth form settled; the data form is not
    env.arm(fault, times=None)
    with pytest.raises(error):
        await env.provider.imagine(REQUEST)
    assert len(env.sent(SUBMIT)) == 1 and env.client.accepted_forms().data is None


# --- queryTask's top-level result_code ----------------------------------------------------------------------------
async def test_an_odd_top_level_code_beside_a_task_state_is_no_poll_error(variant_env: MakeEnv) -> None:
    env = await variant_env("querytask_top_code")
    handle = await env.provider.imagine(REQUEST)
    state, seen = await run_to_end(env.provider, handle)
    assert state.status is JobStatus.SUCCEEDED and len(state.images) == 4
    assert any(s.status is JobStatus.RUNNING for s in seen)
    odd = UnknownValue("ngpu", "queryTask result_code beside a task state", str(ODD_TOP_CODE))
    assert unknown_value_counts()[odd] == len(seen)


async def test_an_unknown_task_is_still_an_error_under_an_odd_top_code(variant_env: MakeEnv) -> None:
    from providers.core.errors import NotFoundError

    env = await variant_env("querytask_top_code")
    with pytest.raises(NotFoundError):
        await env.client.query_task("20990101_00_00_00_000000")


# --- the BRC-20 check's path --------------------------------------------------------------------------------------
async def test_the_seeds_brc20_path_is_asked_when_ngpus_bots_path_does_not_exist(variant_env: MakeEnv) -> None:
    env = await variant_env("brc20_seed_path")
    assert await env.client.holds_ainn(TEST_BTC_ADDRESS)
    assert await env.client.holds_ainn(TEST_BTC_ADDRESS)
    assert len(env.sent(BRC20_BOT_PATH)) == 1 and len(env.sent(BRC20_SEED_PATH)) == 2
    # kept for the process: another workspace's provider on this NGPU goes straight to the seed's path
    other = env.with_credentials(NgpuCredentials(workspace_id="another-workspace", btc_address=TEST_BTC_ADDRESS))
    assert await other.client.holds_ainn(TEST_BTC_ADDRESS)
    assert len(env.sent(BRC20_BOT_PATH)) == 1


async def test_the_brc20_path_setting_names_the_first_path(variant_env: MakeEnv) -> None:
    env = await variant_env("brc20_seed_path", brc20_path="brc20/checkAddress")
    assert await env.client.holds_ainn(TEST_BTC_ADDRESS)
    assert not env.sent(BRC20_BOT_PATH) and len(env.sent(BRC20_SEED_PATH)) == 1


async def test_when_neither_brc20_path_exists_the_check_fails(variant_env: MakeEnv) -> None:
    from providers.core.errors import NotFoundError

    env = await variant_env()
    provider = env.with_settings(base_url=f"{env.base_url}/nowhere/")
    with pytest.raises(NotFoundError):
        await provider.client.check_address(TEST_BTC_ADDRESS)
    assert provider.client.accepted_brc20_path() is None
