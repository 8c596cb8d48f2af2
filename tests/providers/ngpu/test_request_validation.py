"""Request validation and the neutral request → A1111 body mapping; credentials and settings."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from pydantic import SecretStr, ValidationError

from providers.core.errors import InvalidInputError
from providers.core.models import ImagineRequest
from providers.ngpu.credentials import NgpuCredentials
from providers.ngpu.provider import NgpuProvider
from providers.ngpu.request import image_size, txt2img_body
from providers.ngpu.settings import NgpuSettings


@pytest.fixture
async def provider() -> AsyncIterator[NgpuProvider]:
    async with aiohttp.ClientSession() as session:
        yield NgpuProvider(session, NgpuSettings(base_url="http://127.0.0.1:9"), NgpuCredentials(workspace_id="w"))


def request(**fields: object) -> ImagineRequest:
    return ImagineRequest(prompt=fields.pop("prompt", "a lighthouse"), **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"width": 500, "height": 512}, "width", ["steps of 8", "500"]),
        ({"width": 4096, "height": 512}, "width", ["2048"]),
        ({"height": 32, "width": 512}, "height", ["64"]),
        ({"seed": 2**32}, "seed", ["4294967295"]),
        ({"prompt": "x" * 2001}, "prompt", ["2000", "2001"]),
        ({"count": 5}, "count", ["4"]),
        ({"options": {"steps": 0}}, "steps", ["1 to 150", "0"]),
        ({"options": {"steps": 151}}, "steps", ["150"]),
        ({"options": {"steps": 20.5}}, "steps", ["whole number"]),
        ({"options": {"cfg_scale": 31}}, "cfg_scale", ["30"]),
        ({"options": {"cfg_scale": "high"}}, "cfg_scale", ["number"]),
        ({"options": {"sampler_name": ""}}, "sampler_name", ["Euler a"]),
        ({"options": {"hires_fix": True}}, "hires_fix", ["hires_fix", "steps"]),
        ({"model": "   "}, "model", ["model"]),
    ],
)
async def test_invalid_requests_are_refused_with_a_useful_message(
    provider: NgpuProvider, fields: dict, field: str, words: list[str]
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        provider.validate_imagine(request(**fields))
    assert caught.value.field == field
    for word in words:
        assert word in caught.value.user_message


async def test_valid_requests_pass(provider: NgpuProvider) -> None:
    provider.validate_imagine(request(seed=-1, width=768, height=512, negative_prompt="blurry"))
    options = {"steps": 150, "cfg_scale": 1, "sampler_name": "DPM++ 2M"}
    provider.validate_imagine(request(aspect_ratio="4:1", options=options))
    provider.validate_imagine(request(seed=4_294_967_295, count=1, model="sd_xl_base_1.0"))


@pytest.mark.parametrize(
    ("fields", "size"),
    [
        ({}, (512, 512)),
        ({"aspect_ratio": "3:2"}, (512, 320)),
        ({"aspect_ratio": "2:3"}, (320, 512)),
        ({"aspect_ratio": "3:2", "width": 1024}, (1024, 704)),
        ({"width": 768}, (768, 512)),
        ({"width": 640, "height": 384, "aspect_ratio": "1:1"}, (640, 384)),
    ],
)
def test_sizes(fields: dict, size: tuple[int, int]) -> None:
    assert image_size(request(**fields), default=512) == size


def test_txt2img_body_from_request() -> None:
    body = txt2img_body(
        request(prompt="  a cat  ", negative_prompt="dogs", count=3, model="dreamshaper", options={"steps": 30}),
        default_size=512,
    )
    data = body.to_data()
    assert data["prompt"] == "a cat" and data["negative_prompt"] == "dogs"
    assert data["seed"] == -1 and data["batch_size"] == 3 and data["n_iter"] == 1
    assert data["steps"] == 30 and data["cfg_scale"] == 7.0
    assert data["override_settings"] == {"sd_model_checkpoint": "dreamshaper"}
    assert txt2img_body(request(seed=5), default_size=512).seed == 5


def test_credentials() -> None:
    credentials = NgpuCredentials(workspace_id="  ws-123  ", btc_address=" bc1qexampleaddress000000 ")
    assert credentials.workspace_id.get_secret_value() == "ws-123"
    assert credentials.btc_address == "bc1qexampleaddress000000"
    assert "ws-123" not in repr(credentials) and "ws-123" not in str(credentials)
    assert NgpuCredentials(workspace_id="w", btc_address="").btc_address is None
    with pytest.raises(ValidationError):
        NgpuCredentials(workspace_id="   ")
    with pytest.raises(ValidationError):
        NgpuCredentials(workspace_id="w", btc_address="not an address!")
    for name in ("workspace_id", "btc_address"):
        info = NgpuCredentials.model_fields[name]
        assert info.title and info.description


def test_settings_defaults_and_default_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NGPU_BASE_URL", "NGPU_WORKSPACE_ID", "NGPU_BTC_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    settings = NgpuSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.base_url == "https://ngpu.ai"
    assert settings.a1111_port == 7860 and settings.sad_talker_port == 8075
    assert settings.default_credentials() is None
    monkeypatch.setenv("NGPU_WORKSPACE_ID", "ws-from-env")
    monkeypatch.setenv("NGPU_BTC_ADDRESS", "bc1qexampleaddress000000")
    credentials = NgpuSettings(_env_file=None).default_credentials()  # type: ignore[call-arg]
    assert credentials is not None
    assert credentials.workspace_id == SecretStr("ws-from-env")
    assert credentials.btc_address == "bc1qexampleaddress000000"


async def test_provider_refuses_credentials_without_a_workspace() -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(InvalidInputError, match="NGPU needs"):
            NgpuProvider(session, NgpuSettings(), object())  # type: ignore[arg-type]
