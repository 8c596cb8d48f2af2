"""Keys that do not fit a service's credentials model: each fault its own keyed refusal, naming the field and never
repeating the value (it may be a secret)."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import BaseModel, Field, SecretStr

from bot.i18n.errors import error_text
from providers.core.credentials import has_control_characters
from providers.core.errors import InvalidInputError
from providers.jumdata.provider import JumdataProvider
from providers.midjourney.provider import MidjourneyProvider
from providers.ngpu.provider import NgpuProvider
from providers.picpik.provider import PicpikProvider

SECRET = "s3cret-value-never-shown"


def refusal(service: type, values: dict[str, object]) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as caught:
        service._accept_credentials(values)
    error = caught.value
    assert SECRET not in error.user_message and SECRET not in str(error.values)
    # not chained to the pydantic error, which holds what was typed
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    return error


@pytest.mark.parametrize("character", ["\x00", "\t", "\n", "\x7f", "\u200b", "\ufeff", "\ud800"])
def test_a_control_or_invisible_character_in_any_field_is_refused_before_validation(character: str) -> None:
    error = refusal(JumdataProvider, {"app_id": "app-1", "app_secret": SECRET[:4] + character + SECRET[4:]})
    assert error.key == "credentials_control_characters" and error.values["credential"] == "app_secret"
    assert error.user_message.startswith("Jumdata AI绘画's App secret contains a control or invisible character")
    assert error.field == "credentials" and error.provider == "jumdata"


def test_ordinary_text_is_not_taken_for_control_characters() -> None:
    assert not has_control_characters("pass word with spaces, 中文 and émoji 🙂")
    assert has_control_characters(SecretStr("a\x00b"))
    assert not has_control_characters(42)


def test_each_fault_has_its_own_message() -> None:
    missing = refusal(NgpuProvider, {"btc_address": "bc1pexampleaddress0000"})
    assert (missing.key, missing.user_message) == ("credentials_field_missing", "NGPU needs the Workspace ID.")
    too_long = refusal(PicpikProvider, {"public_key": "p" * 257, "private_key": SECRET})
    assert too_long.key == "credentials_field_too_long"
    assert too_long.user_message == "Picpik's Public key is at most 256 characters; this one has 257."
    secret_too_long = refusal(PicpikProvider, {"public_key": "p", "private_key": SECRET * 20})
    assert secret_too_long.key == "credentials_field_too_long" and secret_too_long.values["credential"] == "private_key"
    assert secret_too_long.values["length"] == len(SECRET * 20)
    address = refusal(NgpuProvider, {"workspace_id": SECRET, "btc_address": "not an address!"})
    assert address.key == "btc_address_invalid" and address.values["credential"] == "btc_address"
    assert error_text(address, "zh-CN") == "BTC 地址由 14 到 100 个字母和数字组成，例如 bc1p…；请检查填写的地址。"
    empty = refusal(MidjourneyProvider, {"username": "", "password": SECRET})
    assert empty.key == "credentials_field_missing" and empty.values["field"] == "Username"
    assert error_text(empty, "zh-CN") == "Midjourney-style API 需要填写Username。"  # the bot puts the form's label in


class _ShortKeyCredentials(BaseModel):
    key: SecretStr = Field(min_length=8, title="Key")


class _ShortKeyService(PicpikProvider):
    display_name: ClassVar[str] = "Svc"
    credentials_model: ClassVar[type[BaseModel]] = _ShortKeyCredentials


def test_a_value_too_short_says_how_short() -> None:
    error = refusal(_ShortKeyService, {"key": "abc"})
    assert error.key == "credentials_field_too_short"
    assert error.user_message == "Svc's Key is at least 8 characters; this one has 3."
    assert error_text(error, "zh-CN") == "Svc 的Key至少 8 个字符；这里只有 3 个。"


def test_good_keys_pass() -> None:
    accepted = NgpuProvider._accept_credentials({"workspace_id": SECRET, "btc_address": "bc1pexampleaddress0000"})
    assert accepted.btc_address == "bc1pexampleaddress0000"  # type: ignore[attr-defined]
