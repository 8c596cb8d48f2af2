"""Pure parts of the Midjourney-style provider: errno table, envelope decoding, status table, prompts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from pydantic import SecretStr

from providers.core.base import MemoryTokenStore
from providers.core.errors import (
    AuthenticationError,
    DecodeError,
    InvalidInputError,
    NotFoundError,
    QuotaError,
    ServerError,
)
from providers.core.models import BlendDimensions, ImagineRequest, JobHandle, JobKind, JobStatus
from providers.core.transport import HttpResponse, Transport
from providers.midjourney.client import MidjourneyClient, next_cursor, token_key
from providers.midjourney.codes import ERRNO_TABLE, InvalidLoginError, error_for_errno, login_error_for_errno
from providers.midjourney.models import (
    CreateRequest,
    FindPage,
    FindRequest,
    Job,
    LoginData,
    LoginRequest,
    MidjourneyCredentials,
)
from providers.midjourney.prompting import blend_parameters, build_content, describe_prompts
from providers.midjourney.provider import MidjourneyProvider
from providers.midjourney.settings import MidjourneySettings
from providers.midjourney.status import job_state

# --- errno table ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("errno", "expected"),
    [
        (301, InvalidInputError),
        (410, NotFoundError),
        (411, QuotaError),
        (420, NotFoundError),
        (421, InvalidInputError),
        (430, InvalidLoginError),
        (501, ServerError),
        (999, ServerError),
        (-1, ServerError),
    ],
)
def test_every_errno_maps_to_its_error(errno: int, expected: type) -> None:
    error = error_for_errno(errno, "SOME TEXT", provider="midjourney")
    assert type(error) is expected
    assert error.code == errno
    assert error.provider == "midjourney"


def test_the_table_covers_every_documented_errno() -> None:
    assert set(ERRNO_TABLE) == {301, 410, 411, 420, 421, 430, 501}


def test_invalid_login_is_an_authentication_error_and_server_errors_are_retryable() -> None:
    assert issubclass(InvalidLoginError, AuthenticationError)
    assert error_for_errno(501, "", provider="m").retryable
    assert not error_for_errno(301, "", provider="m").retryable


def test_service_message_is_quoted_briefly() -> None:
    error = error_for_errno(301, "INVALID   PARAMETER:\n grid_num " + "x" * 500, provider="m")
    assert "INVALID PARAMETER: grid_num" in error.user_message
    assert len(error.user_message) < 300


@pytest.mark.parametrize(("errno", "expected"), [(301, AuthenticationError), (430, AuthenticationError),
                                                 (410, AuthenticationError), (420, AuthenticationError),
                                                 (501, ServerError), (411, QuotaError)])
def test_login_refusals_are_authentication_errors(errno: int, expected: type) -> None:
    error = login_error_for_errno(errno, "missing username or password", provider="m")
    assert type(error) is expected
    assert error.code == errno


# --- envelope decoding (the HTTP status of an error is undocumented: 200 and non-2xx both work) ------


def _response(status: int, payload: object) -> HttpResponse:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return HttpResponse(status, CIMultiDictProxy(CIMultiDict()), body, "midjourney")


@pytest.fixture
async def client() -> AsyncIterator[MidjourneyClient]:
    async with aiohttp.ClientSession() as session:
        transport = Transport(session, "http://127.0.0.1:9", provider="midjourney")
        credentials = MidjourneyCredentials(username="u", password=SecretStr("p"))
        yield MidjourneyClient(transport, credentials, MemoryTokenStore())


@pytest.mark.parametrize("status", [200, 401, 403])
def test_430_with_either_message_key_and_any_status_is_invalid_login(client: MidjourneyClient, status: int) -> None:
    for key in ("error", "errmsg"):
        with pytest.raises(InvalidLoginError):
            client._decode(_response(status, {"errno": 430, key: "invalid login"}), CreateRequest(content="x"))


@pytest.mark.parametrize("status", [200, 400])
def test_error_envelopes_are_read_whatever_the_status(client: MidjourneyClient, status: int) -> None:
    with pytest.raises(NotFoundError) as caught:
        client._decode(_response(status, {"errno": 410, "errmsg": "NOT FOUND"}), CreateRequest(content="x"))
    assert caught.value.code == 410
    assert "NOT FOUND" in caught.value.user_message


def test_success_envelopes_decode_to_the_request_type(client: MidjourneyClient) -> None:
    reply = _response(200, {"errno": 0, "errmsg": "OK", "data": "abc"})
    assert client._decode(reply, CreateRequest(content="x")) == "abc"
    entry = {"hash": "h", "status": None, "timestamp": "12", "new_field": 1}
    page = client._decode(
        _response(200, {"errno": 0, "data": {"res": [entry], "total": 1}}),
        FindRequest(),
    )
    assert isinstance(page, FindPage)
    assert page.res[0].timestamp_ms == 12
    assert page.total == 1


def test_login_refusal_becomes_authentication_error(client: MidjourneyClient) -> None:
    request = LoginRequest(username="u", password=SecretStr("p"))
    with pytest.raises(AuthenticationError) as caught:
        client._decode(_response(200, {"errno": 301, "errmsg": "missing username or password"}), request)
    assert not isinstance(caught.value, InvalidLoginError)
    assert "p" not in caught.value.user_message.split()


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (_response(200, b"<html>oops</html>"), DecodeError),
        (_response(404, b"<html>Not Found</html>"), NotFoundError),
        (_response(401, b"Unauthorized"), AuthenticationError),
        (_response(200, {"no": "errno"}), DecodeError),
        (_response(200, {"errno": 0, "data": None}), DecodeError),  # a submit must answer with a hash
        (_response(200, {"errno": 0, "data": ""}), DecodeError),
        (_response(200, {"errno": 0, "data": 12}), DecodeError),
    ],
)
def test_replies_without_the_documented_shape(client: MidjourneyClient, response: HttpResponse, expected: type) -> None:
    with pytest.raises(expected):
        client._decode(response, CreateRequest(content="x"))


def test_a_wrongly_typed_job_is_its_own_decode_error_and_spares_the_rest_of_the_page(client: MidjourneyClient) -> None:
    entries = [
        {"hash": "good", "status": 2000, "timestamp": "30"},
        {"hash": "typed", "status": "done", "img_buffer": 7, "timestamp": "20"},
        {"hash": "bare", "timestamp": "10"},  # no status at all: nothing said about the job
        {"status": "done"},  # cannot be matched to any job
    ]
    page = client._decode(_response(200, {"errno": 0, "data": {"res": entries}}), FindRequest())
    decoded = page.by_hash()
    assert set(decoded) == {"good", "typed", "bare"}
    assert [job.hash for job in page.res] == ["good"]
    assert not isinstance(decoded["typed"], Job) and not isinstance(decoded["bare"], Job)
    assert page.timestamps() == [30, 20, 10]  # the cursor still pages past malformed entries
    with pytest.raises(DecodeError):
        client._decode(_response(200, {"errno": 0, "data": {"res": "nope"}}), FindRequest())


# --- the status table ---------------------------------------------------------------------------------


def test_finished_job_with_altered_prompt_error_is_a_success_with_one_grid() -> None:
    job = Job(status=2000, error="altered prompt", img_buffer="https://x/grid.png", img_width=1088, img_height=1152)
    state = job_state(job, JobKind.IMAGINE)
    assert state.status is JobStatus.SUCCEEDED
    assert state.is_grid
    assert [i.url for i in state.images] == ["https://x/grid.png"]
    assert (state.images[0].width, state.images[0].height) == (1088, 1152)
    assert state.raw_status == "2000"


def test_upscale_result_is_one_image_not_a_grid() -> None:
    state = job_state(Job(status=2000, img_buffer="https://x/u.png"), JobKind.UPSCALE)
    assert state.status is JobStatus.SUCCEEDED
    assert not state.is_grid


def test_finished_without_a_result_keeps_polling() -> None:
    assert job_state(Job(status=2000), JobKind.IMAGINE).status is JobStatus.QUEUED
    assert not job_state(Job(status=2000, img_buffer="u"), JobKind.DESCRIBE).status.is_terminal


@pytest.mark.parametrize("status", [4000, 4123, -1])
def test_failure_statuses_carry_the_error_text(status: int) -> None:
    state = job_state(Job(status=status, error="banned prompt"), JobKind.IMAGINE)
    assert state.status is JobStatus.FAILED
    assert state.failure is not None
    assert state.failure.kind == "job_failed"
    assert state.failure.message == "banned prompt"
    assert state.failure.code == str(status)


@pytest.mark.parametrize(
    "job",
    [
        Job(status=4000),  # no error text: nothing says why, nor that it failed
        Job(status=4000, error="  "),
        Job(status=4000, error="Altered prompt"),  # the finished sample's note, not a failure
        Job(status=4000, error="banned prompt", img_buffer="https://x/g.png"),  # its image is there
        Job(status=-1, error="banned prompt", original_url="https://x/g.png"),
        Job(status=3999, error="banned prompt"),  # an unknown status below the failure range
        Job(status=2000, error="banned prompt"),  # a lone error on a finished status
    ],
)
def test_a_job_is_failed_only_on_a_failure_status_an_error_text_and_no_image(job: Job) -> None:
    assert job_state(job, JobKind.IMAGINE).status is not JobStatus.FAILED


@pytest.mark.parametrize("status", [None, 0, 1000, 1234, 3999])
def test_unknown_statuses_are_still_open(status: int | None) -> None:
    assert job_state(Job(status=status), JobKind.IMAGINE).status is JobStatus.QUEUED
    running = job_state(Job(status=status, pct_prog="45%", img_prog="https://x/p.png"), JobKind.IMAGINE)
    assert running.status is JobStatus.RUNNING
    assert running.progress == 45.0
    assert running.preview is not None and running.preview.url == "https://x/p.png"


def test_garbled_progress_is_ignored_not_fatal() -> None:
    assert Job(status=None, pct_prog="about half").pct_prog is None
    assert Job(status=None, pct_prog=" 12.5 ").pct_prog == 12.5


def test_describe_job_gives_the_numbered_prompts() -> None:
    description = "1️⃣ a red fox --ar 1:1\n\n2️⃣ a fox in snow\n\n3️⃣ orange\n  fur\n\n4️⃣ forest animal"
    state = job_state(Job(status=2000, description=description), JobKind.DESCRIBE)
    assert state.status is JobStatus.SUCCEEDED
    assert state.texts == ["a red fox --ar 1:1", "a fox in snow", "orange fur", "forest animal"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   ", []),
        ("just one prompt", ["just one prompt"]),
        ("Prompts:\n1⃣ one\n2⃣ two", ["one", "two"]),  # keycaps without the variation selector
    ],
)
def test_describe_prompts(text: str, expected: list[str]) -> None:
    assert describe_prompts(text) == expected


# --- content building ------------------------------------------------------------------------------


def test_content_carries_midjourney_parameters() -> None:
    request = ImagineRequest(
        prompt="a cat\non a  roof", aspect_ratio="16:9", seed=42, negative_prompt="dogs, birds", model="niji",
        options={"chaos": 20, "stylize": 250.0, "tile": True, "raw": False, "quality": 0.5, "version": "6"},
    )
    assert build_content(request) == (
        "a cat on a roof --ar 16:9 --seed 42 --no dogs, birds --niji"
        " --chaos 20 --stylize 250 --tile --quality 0.5 --v 6"
    )


def test_width_and_height_become_a_reduced_ratio_and_square_sends_nothing() -> None:
    assert build_content(ImagineRequest(prompt="p", width=1024, height=1536)) == "p --ar 2:3"
    assert build_content(ImagineRequest(prompt="p", aspect_ratio="1:1")) == "p"
    assert build_content(ImagineRequest(prompt="p", model="main")) == "p"


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (ImagineRequest(prompt="p", width=512), "aspect_ratio"),
        (ImagineRequest(prompt="p", aspect_ratio="wide"), "aspect_ratio"),
        (ImagineRequest(prompt="p", options={"chaos": 101}), "options"),
        (ImagineRequest(prompt="p", options={"chaos": True}), "options"),
        (ImagineRequest(prompt="p", options={"quality": 3}), "options"),
        (ImagineRequest(prompt="p", options={"version": "six"}), "options"),
        (ImagineRequest(prompt="p", options={"sampler": "euler"}), "options"),
    ],
)
def test_content_refuses_what_midjourney_would_not_take(request_: ImagineRequest, field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        build_content(request_)
    assert caught.value.field == field


def test_blend_shapes() -> None:
    assert blend_parameters(BlendDimensions.SQUARE) is None
    assert blend_parameters(BlendDimensions.PORTRAIT) == "--ar 2:3"
    assert blend_parameters(BlendDimensions.LANDSCAPE) == "--ar 3:2"


async def test_provider_validation_names_the_limit() -> None:
    async with aiohttp.ClientSession() as session:
        provider = MidjourneyProvider(
            session, MidjourneySettings(_env_file=None), MidjourneyCredentials(username="u", password=SecretStr("p"))
        )
        cases = [
            (ImagineRequest(prompt="p", count=2), "count", "4"),
            (ImagineRequest(prompt="p", seed=-1), "seed", "4294967295"),
            (ImagineRequest(prompt="p", seed=4_294_967_296), "seed", "4294967295"),
            (ImagineRequest(prompt="p", model="v7"), "model", "niji"),
            (ImagineRequest(prompt="x" * 4001), "prompt", "4000"),
            (ImagineRequest(prompt="   "), "prompt", "empty"),
        ]
        for request, field, hint in cases:
            with pytest.raises(InvalidInputError) as caught:
                provider.validate_imagine(request)
            assert caught.value.field == field
            assert hint in caught.value.user_message
        provider.validate_imagine(ImagineRequest(prompt="fine", negative_prompt="blur", seed=0, model="niji"))


# --- paging cursor, token cache key, settings, models ---------------------------------------------


@pytest.mark.parametrize(
    ("stamps", "expected"),
    [([], None), ([30, 20, 10], 11), ([30, 10, 10], 11), ([10, 10, 10], 10), ([5], 5)],
)
def test_next_cursor(stamps: list[int], expected: int | None) -> None:
    assert next_cursor(stamps) == expected


def test_token_key_is_per_address_and_user_without_password() -> None:
    key = token_key("http://host:8091/", "alice")
    assert key == token_key("http://host:8091", "alice")
    assert key != token_key("http://other:8091", "alice")
    assert key != token_key("http://host:8091", "bob")
    assert "secret-password" not in key


def test_secrets_stay_out_of_reprs() -> None:
    credentials = MidjourneyCredentials(username="alice", password=SecretStr("secret-password"))
    assert "secret-password" not in repr(credentials)
    assert "tok-123" not in repr(LoginData(token="tok-123", username="alice"))
    assert LoginRequest(username="a", password=SecretStr("pw")).body() == {"username": "a", "password": "pw"}
    assert "pw" not in repr(LoginRequest(username="a", password=SecretStr("pw")))


def test_credentials_fields_are_titled_for_the_keys_modal() -> None:
    for name, info in MidjourneyCredentials.model_fields.items():
        assert info.title and info.description, name


def test_settings_defaults_and_default_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIDJOURNEY_USERNAME", raising=False)
    monkeypatch.delenv("MIDJOURNEY_PASSWORD", raising=False)
    settings = MidjourneySettings(_env_file=None)
    assert settings.base_url == "http://164.90.147.104:8091"
    assert settings.default_credentials() is None
    assert settings.blend_reads_ar is False  # the document: a blend's content is the links alone
    monkeypatch.setenv("MIDJOURNEY_BLEND_READS_AR", "true")
    assert MidjourneySettings(_env_file=None).blend_reads_ar is True
    monkeypatch.setenv("MIDJOURNEY_USERNAME", "alice")
    monkeypatch.setenv("MIDJOURNEY_PASSWORD", "pw")
    monkeypatch.setenv("MIDJOURNEY_FIND_PAGE_SIZE", "20")
    settings = MidjourneySettings(_env_file=None)
    credentials = settings.default_credentials()
    assert credentials is not None and credentials.username == "alice"
    assert credentials.password.get_secret_value() == "pw"
    assert settings.find_page_size == 20


def test_find_request_sends_only_what_was_given() -> None:
    assert FindRequest(limit=5, job_type=["upscale"]).body() == {"limit": 5, "job_type": ["upscale"]}
    assert FindRequest(favourite=False).body() == {"favourite": False}


def test_handle_meta_survives_json() -> None:
    handle = JobHandle(
        provider="midjourney", kind=JobKind.BLEND, job_id="h" * 64,
        meta={"endpoint": "blend", "urls": ["https://a/1.png", "https://a/2.png"], "parameters": "--ar 2:3"},
        submitted_at=datetime(2024, 4, 2, tzinfo=UTC),
    )
    assert JobHandle.model_validate_json(handle.model_dump_json()) == handle
