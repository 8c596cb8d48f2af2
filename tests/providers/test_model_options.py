"""``Provider.model_options``: what each service offers for ``ImagineRequest.model``, against its emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from providers.core.errors import AuthenticationError, ProviderTimeoutError
from providers.core.models import ImagineRequest, JobStatus, ModelOption
from providers.jumdata.params import STYLE_LABELS, STYLES
from providers.midjourney.prompting import MODELS
from providers.picpik import PicpikProvider
from tests.emulators.common import FAULTS_KEY, serve
from tests.emulators.picpik import LORA_MODELS, MAIN_MODELS, requests_for
from tests.providers.cases import ALL_CASES
from tests.providers.contract import ProviderCase, run_to_end

JOB_SECONDS = 0.2
EMULATORS = {case.name: case for case in ALL_CASES}


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def picpik(session: aiohttp.ClientSession) -> AsyncIterator[PicpikProvider]:
    case = EMULATORS["picpik"]
    app = case.make_emulator(JOB_SECONDS)
    async with serve(app) as url:
        provider = case.provider_class(session, case.make_settings(url), case.credentials)
        assert isinstance(provider, PicpikProvider)
        provider.emulator = app  # type: ignore[attr-defined]
        yield provider


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.name)
async def test_every_offered_value_passes_the_providers_own_checks(
    case: ProviderCase, session: aiohttp.ClientSession
) -> None:
    async with serve(case.make_emulator(JOB_SECONDS)) as url:
        provider = case.provider_class(session, case.make_settings(url), case.credentials)
        options = await provider.model_options()
    for option in options:
        assert option.value and option.label
        provider.validate_imagine(ImagineRequest(prompt="a quiet harbour", model=option.value))
    assert len({o.value for o in options}) == len(options)


async def test_picpik_offers_the_main_models_of_list_models(picpik: PicpikProvider) -> None:
    options = await picpik.model_options()

    assert options == [ModelOption(value=m["ModelCode"], label=m["Name"]) for m in MAIN_MODELS.values()]
    lora_codes = {m["ModelCode"] for m in LORA_MODELS.values()}
    assert not lora_codes & {o.value for o in options}  # LoRAs go in options, not in MainModel
    assert len(requests_for(picpik.emulator, "ListModels")) == 1  # type: ignore[attr-defined]


async def test_a_picpik_model_is_offered_by_its_code_and_that_code_is_what_generate_images_takes(
    picpik: PicpikProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a model whose Name is not its ModelCode: the member sees the name, the service gets the code
    monkeypatch.setitem(MAIN_MODELS, "Dreamy", {"Name": "Dreamy Portraits", "ModelCode": "dreamy_v2_1234"})
    [dreamy] = [o for o in await picpik.model_options() if o.label == "Dreamy Portraits"]
    assert dreamy.value == "dreamy_v2_1234"

    handle = await picpik.imagine(ImagineRequest(prompt="a portrait of a violinist", model=dreamy.value))
    state, _ = await run_to_end(picpik, handle)

    assert state.status is JobStatus.SUCCEEDED, state.failure
    [sent] = requests_for(picpik.emulator, "GenerateImages")  # type: ignore[attr-defined]
    assert sent["MainModel"]["ModelCode"] == "dreamy_v2_1234"


async def test_a_picpik_entry_without_a_name_is_labelled_by_its_key(
    picpik: PicpikProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(MAIN_MODELS, "Sketchbook", {"ModelCode": "sketch_0001"})
    assert ModelOption(value="sketch_0001", label="Sketchbook") in await picpik.model_options()


@pytest.mark.parametrize(("fault", "error"), [("auth_failure", AuthenticationError), ("hang", ProviderTimeoutError)])
async def test_picpik_list_models_failures_are_provider_errors(
    picpik: PicpikProvider, fault: str, error: type[Exception]
) -> None:
    picpik.emulator[FAULTS_KEY].arm(fault)  # type: ignore[attr-defined]
    with pytest.raises(error):
        await picpik.model_options()


@pytest.mark.parametrize("name", ["jumdata", "midjourney", "ngpu"])
async def test_declared_lists_need_no_request(name: str, session: aiohttp.ClientSession) -> None:
    case = EMULATORS[name]
    # nothing listens on port 9: a request would fail
    provider = case.provider_class(session, case.make_settings("http://127.0.0.1:9"), case.credentials)
    options = await provider.model_options()
    expected = {
        "jumdata": [ModelOption(value=s, label=STYLE_LABELS[s]) for s in STYLES],
        "midjourney": [ModelOption(value=m, label=m) for m in MODELS],
        "ngpu": [],
    }
    assert options == expected[name]
