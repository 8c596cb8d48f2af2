"""Where the app actions go (PICPIK_APP_BASE_URL): the generation host by default, their own address when set, against
the emulator's default and its ``app_host`` variant (app actions served only under ``/app-actions``)."""

from __future__ import annotations

import aiohttp
import pytest
from pydantic import ValidationError

from providers.core.errors import InvalidInputError, NotFoundError
from providers.core.models import ImagineRequest, JobStatus
from providers.picpik import PicpikProvider
from providers.picpik.app_models import AppState
from providers.picpik.apps import APP_ACTIONS
from providers.picpik.settings import PicpikSettings
from tests.emulators.picpik import APP_ACTIONS_PATH, STATE_KEY
from tests.providers.contract import run_to_end
from tests.providers.picpik.conftest import CREDENTIALS, Emulator, settings_for
from tests.providers.picpik.test_client_apps import wait_for_state


def _paths(emulator: Emulator) -> dict[str, set[str]]:
    """Each action sent → the paths it was posted to."""
    sent: dict[str, set[str]] = {}
    for entry in emulator.all_requests():
        sent.setdefault(str(entry["Action"]), set()).add(entry["path"])
    return sent


async def _every_app_action(provider: PicpikProvider, emulator: Emulator) -> None:
    emulator.app[STATE_KEY].step_seconds = 0.05  # each transitional state: only the path of each call matters here
    client = provider.client
    await client.list_all_bundles()
    (created,) = (await client.create_app("cn-wlcb", "bundle-comfyui-sdxl", remark="node")).created
    await wait_for_state(client, created.AppId, AppState.RUNNING)
    await client.modify_app_remark(created.AppId, "renamed")
    await client.restart_app(created.AppId)
    await wait_for_state(client, created.AppId, AppState.RUNNING)
    await client.stop_app(created.AppId)
    await wait_for_state(client, created.AppId, AppState.SHUT_DOWN)
    await client.start_app(created.AppId)
    await wait_for_state(client, created.AppId, AppState.RUNNING)
    await client.stop_app(created.AppId)
    await wait_for_state(client, created.AppId, AppState.SHUT_DOWN)
    await client.delete_app(created.AppId)


def test_the_app_actions_are_the_eight_of_seed_000() -> None:
    assert len(APP_ACTIONS) == 8 and all("Picpik" in action for action in APP_ACTIONS)


def test_the_setting_takes_a_url_or_a_path_under_the_base_url() -> None:
    base = "https://api.picpik.ai"
    assert PicpikSettings(_env_file=None, base_url=base).app_actions_url() == base
    assert PicpikSettings(_env_file=None, base_url=base + "/", app_base_url="/v2").app_actions_url() == base + "/v2"
    other = "https://api.picpikai.com"
    assert PicpikSettings(_env_file=None, base_url=base, app_base_url=other).app_actions_url() == other
    assert PicpikSettings(_env_file=None, base_url=base, app_base_url="  ").app_actions_url() == base
    with pytest.raises(ValidationError, match="PICPIK_APP_BASE_URL"):
        PicpikSettings(_env_file=None, app_base_url="api.picpikai.com")


def test_the_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PICPIK_APP_BASE_URL", "https://api.picpikai.com")
    monkeypatch.setenv("PICPIK_TASK_IDS_PER_CALL", "20")
    settings = PicpikSettings(_env_file=None)
    assert settings.app_actions_url() == "https://api.picpikai.com"
    assert settings.task_ids_per_call == 20


async def test_by_default_every_action_goes_to_the_base_url(provider: PicpikProvider, emulator: Emulator) -> None:
    await _every_app_action(provider, emulator)
    sent = _paths(emulator)
    assert set(sent) >= APP_ACTIONS
    assert all(paths == {"/"} for paths in sent.values()), sent


@pytest.mark.variants("app_host")
async def test_app_host_variant_refuses_app_actions_on_the_generation_host(provider: PicpikProvider) -> None:
    with pytest.raises(InvalidInputError, match="ListPicpikBundles"):
        await provider.client.list_bundles()
    state, _ = await run_to_end(provider, await provider.imagine(ImagineRequest(prompt="a kite")))
    assert state.status is JobStatus.SUCCEEDED  # generation is not touched


@pytest.mark.variants("app_host")
@pytest.mark.parametrize("absolute", [False, True])
async def test_with_the_setting_app_actions_go_to_their_own_address(
    emulator: Emulator, session: aiohttp.ClientSession, absolute: bool
) -> None:
    where = emulator.url + APP_ACTIONS_PATH if absolute else APP_ACTIONS_PATH
    provider = PicpikProvider(session, settings_for(emulator.url, app_base_url=where), CREDENTIALS)
    assert provider.client.app_url == emulator.url + APP_ACTIONS_PATH
    await _every_app_action(provider, emulator)
    state, _ = await run_to_end(provider, await provider.imagine(ImagineRequest(prompt="a kite")))
    assert state.status is JobStatus.SUCCEEDED
    sent = _paths(emulator)
    assert all(sent[action] == {APP_ACTIONS_PATH} for action in APP_ACTIONS), sent
    assert all(paths == {"/"} for action, paths in sent.items() if action not in APP_ACTIONS), sent


async def test_an_address_that_serves_no_app_actions_is_an_error_not_a_hang(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    provider = PicpikProvider(session, settings_for(emulator.url, app_base_url="/nowhere"), CREDENTIALS)
    with pytest.raises(NotFoundError):
        await provider.client.list_apps()
    assert _paths(emulator) == {"ListPicpikApps": {"/nowhere"}}
