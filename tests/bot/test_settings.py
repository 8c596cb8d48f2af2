"""Settings from the environment reach every service, so the bot can be pointed at the emulators."""

from contextlib import AsyncExitStack

import aiohttp
import pytest

from bot.settings import Settings
from providers.registry import PROVIDERS
from tests.emulators.__main__ import _emulator_modules
from tests.emulators.common import serve


def test_defaults_are_the_real_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROVIDERS:
        monkeypatch.delenv(f"{name.upper()}_BASE_URL", raising=False)
    settings = Settings()
    assert settings.services["picpik"].base_url == "https://api.picpik.ai"
    assert settings.services["midjourney"].base_url == "http://164.90.147.104:8091"
    assert settings.services["jumdata"].base_url == "https://api-hw.jumdata.com"
    assert settings.services["ngpu"].base_url == "https://ngpu.ai"
    assert str(settings.database.path) == "data/bot.sqlite3"


async def test_environment_points_every_service_at_its_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets: dict[str, list[str]] = {}

    def _secrets(name: str) -> list[str]:
        assert secrets[name], f"{name} has no secret in its test settings"
        return secrets[name]

    async with AsyncExitStack() as stack:
        for name, module in _emulator_modules().items():
            url = await stack.enter_async_context(serve(module.make_app(0.2)))
            monkeypatch.setenv(f"{name.upper()}_BASE_URL", url)
            for key, value in module.ENV_SETTINGS.items():
                monkeypatch.setenv(key, value)
            secrets[name] = [
                value for key, value in module.ENV_SETTINGS.items()
                if key.endswith(("PRIVATE_KEY", "PASSWORD", "SECRET", "WORKSPACE_ID"))
            ]
        settings = Settings()
        session = await stack.enter_async_context(aiohttp.ClientSession())
        for name, cls in PROVIDERS.items():
            service_settings = settings.services[name]
            credentials = service_settings.default_credentials()  # type: ignore[attr-defined]
            assert credentials is not None, name
            for secret in _secrets(name):
                assert secret not in repr(credentials)
                assert secret not in str(service_settings)
            await cls(session, service_settings, credentials).check_credentials()
