"""NGPU result_code → error table (pure)."""

from __future__ import annotations

import pytest

from providers.core.errors import (
    AuthenticationError,
    DecodeError,
    InvalidInputError,
    NotFoundError,
    ProviderError,
    QuotaError,
    RateLimitedError,
    ServerError,
)
from providers.core.scrub import Scrubber
from providers.ngpu.codes import clean_message, error_for, raise_for_result


@pytest.mark.parametrize("code", [100, 200, "100", "200"])
def test_success_codes_do_not_raise(code: object) -> None:
    raise_for_result({"result_code": code, "msg": "success"}, provider="ngpu")


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (400, InvalidInputError),
        (401, AuthenticationError),
        (403, AuthenticationError),
        (402, QuotaError),
        (404, NotFoundError),
        (429, RateLimitedError),
        (500, ServerError),
        (503, ServerError),
    ],
)
def test_code_table(code: int, error: type[ProviderError]) -> None:
    with pytest.raises(error) as caught:
        raise_for_result({"result_code": code, "msg": "whatever"}, provider="ngpu")
    assert type(caught.value) is error
    assert caught.value.code == code
    assert caught.value.provider == "ngpu"


@pytest.mark.parametrize(
    ("msg", "error"),
    [
        ("Workspace does not exist", AuthenticationError),
        ("address has no AINN", QuotaError),
        ("task not found", NotFoundError),
        ("request too many times", RateLimitedError),
        ("invalid paramPort", InvalidInputError),
        ("something odd happened", ServerError),
    ],
)
def test_unknown_codes_fall_back_to_the_message(msg: str, error: type[ProviderError]) -> None:
    assert type(error_for(9999, msg, provider="ngpu")) is error


def test_negative_code_is_a_server_error() -> None:
    with pytest.raises(ServerError):
        raise_for_result({"result_code": -1, "msg": "error"}, provider="ngpu")


@pytest.mark.parametrize("payload", [{"msg": "no code"}, {"result_code": None}, {"result_code": "abc"}])
def test_missing_or_unusable_code_is_a_decode_error(payload: dict) -> None:
    with pytest.raises(DecodeError):
        raise_for_result(payload, provider="ngpu")


def test_workspace_id_never_reaches_the_member() -> None:
    error = error_for(500, "workspace ws-secret-42 crashed", provider="ngpu", scrub=Scrubber(["ws-secret-42"]))
    assert "ws-secret-42" not in error.user_message
    assert "ws-secret-42" not in str(error)
    assert "crashed" in error.user_message


def test_messages_are_one_short_line() -> None:
    cleaned = clean_message("line one\nline two   " + "x" * 500)
    assert "\n" not in cleaned
    assert len(cleaned) <= 200
    assert cleaned.startswith("line one line two")
    assert clean_message("") == "no reason given"
