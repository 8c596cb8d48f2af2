"""Response models: arrays or maps, app states, prices, secrets kept out of reprs, settings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import SecretStr

from providers.picpik.app_models import (
    AppState,
    CreateAppResponse,
    ListAppsResponse,
    ListBundlesResponse,
    describe_state,
    fen_to_yuan,
    format_yuan,
)
from providers.picpik.credentials import PicpikCredentials
from providers.picpik.models import ListModelsResponse
from providers.picpik.settings import INTERNATIONAL_BASE_URL, MAINLAND_BASE_URL, PicpikSettings

APP = {"AppId": "app-1", "State": 1, "ApiKey": "node-secret-key", "IP": "10.0.0.1", "Extra": True}


def test_apps_bundles_and_results_accept_arrays_and_maps() -> None:
    as_array = ListAppsResponse.model_validate({"RetCode": 0, "Apps": [APP], "TotalCount": 1})
    as_map = ListAppsResponse.model_validate({"RetCode": 0, "Apps": {"app-1": APP}, "TotalCount": 1})
    assert as_array.Apps[0].AppId == as_map.Apps[0].AppId == "app-1"
    bundles = ListBundlesResponse.model_validate({"RetCode": 0, "Bundles": {"x": {"BundleId": "b1"}}})
    assert bundles.Bundles[0].BundleId == "b1"
    results = CreateAppResponse.model_validate(
        {"RetCode": 0, "Results": {"0": {"AppId": "a", "RetCode": 0}, "1": {"AppId": "", "RetCode": 8, "ErrMsg": "x"}}}
    )
    assert [r.AppId for r in results.created] == ["a"]
    assert [r.ErrMsg for r in results.failed] == ["x"]
    assert ListAppsResponse.model_validate({"RetCode": 0, "Apps": None}).Apps == []


def test_list_models_accepts_a_map_or_an_array() -> None:
    model = {"Name": "PICPIK General", "ModelCode": "PICPIK General"}
    from_map = ListModelsResponse.model_validate({"RetCode": 0, "MainModels": {"PICPIK General": model}})
    from_list = ListModelsResponse.model_validate({"RetCode": 0, "MainModels": [model], "LoraModels": None})
    assert from_map.MainModels.keys() == from_list.MainModels.keys() == {"PICPIK General"}
    assert from_list.LoraModels == {}


def test_app_api_key_stays_out_of_reprs() -> None:
    app = ListAppsResponse.model_validate({"RetCode": 0, "Apps": [APP]}).Apps[0]
    assert "node-secret-key" not in repr(app)
    assert app.ApiKey is not None and app.ApiKey.get_secret_value() == "node-secret-key"
    assert app.state is AppState.RUNNING and app.state_text == "running"


def test_every_documented_state_has_words_and_a_kind() -> None:
    documented = [*range(1, 11), *range(-9, -1)]
    assert sorted(state.value for state in AppState) == sorted(documented)
    for state in AppState:
        assert state.description
        assert state.is_failure == (state.value < 0)
    stable = {state for state in AppState if state.is_stable}
    assert stable == {AppState.RUNNING, AppState.SHUT_DOWN, AppState.DELETED} | {s for s in AppState if s.value < 0}
    assert not AppState.STARTING.is_stable and not AppState.DELETING.is_stable
    assert AppState.START_FAILED.description == "start failed"


def test_unknown_state_codes_are_described_not_crashed() -> None:
    assert AppState.parse(42) is None
    assert describe_state(42) == "unknown state 42"
    assert describe_state(-4) == "start failed"


@pytest.mark.parametrize(
    ("fen", "yuan", "text"),
    [
        ("199", Decimal("1.99"), "¥1.99"),
        ("10", Decimal("0.1"), "¥0.10"),
        ("9.99", Decimal("0.0999"), "¥0.0999"),
        (450, Decimal("4.5"), "¥4.50"),
        ("0", Decimal(0), "¥0.00"),
        ("abc", None, "?"),
        (None, None, "?"),
    ],
)
def test_fen_prices(fen: str | int | None, yuan: Decimal | None, text: str) -> None:
    assert fen_to_yuan(fen) == yuan
    assert format_yuan(fen) == text


def test_bundle_prices_render_in_yuan() -> None:
    bundle = ListBundlesResponse.model_validate(
        {"RetCode": 0, "Bundles": [{"BundleId": "b", "ActualHourPrice": "199", "OriginalHourPrice": "299"}]}
    ).Bundles[0]
    assert (bundle.hourly_price, bundle.original_hourly_price) == ("¥1.99", "¥2.99")


def test_credentials_hide_the_private_key() -> None:
    credentials = PicpikCredentials(public_key="pub", private_key=SecretStr("very-private"))
    assert "very-private" not in repr(credentials) and "very-private" not in str(credentials)
    assert PicpikCredentials.model_fields["private_key"].title == "Private key"
    assert PicpikCredentials.model_fields["public_key"].description


def test_settings_defaults_and_default_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PICPIK_PUBLIC_KEY", raising=False)
    monkeypatch.delenv("PICPIK_PRIVATE_KEY", raising=False)
    monkeypatch.delenv("PICPIK_BASE_URL", raising=False)
    settings = PicpikSettings(_env_file=None)
    assert settings.base_url == INTERNATIONAL_BASE_URL == "https://api.picpik.ai"
    assert settings.default_credentials() is None
    monkeypatch.setenv("PICPIK_BASE_URL", MAINLAND_BASE_URL)
    monkeypatch.setenv("PICPIK_PUBLIC_KEY", "pub")
    monkeypatch.setenv("PICPIK_PRIVATE_KEY", "priv")
    settings = PicpikSettings(_env_file=None)
    assert settings.base_url == "https://api.picpikai.com"
    credentials = settings.default_credentials()
    assert credentials is not None
    assert credentials.public_key == "pub" and credentials.private_key.get_secret_value() == "priv"
