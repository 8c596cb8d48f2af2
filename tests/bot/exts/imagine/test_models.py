"""``ModelCatalog``: the cached model lists behind /imagine's autocomplete, with real providers (Picpik against
its emulator on loopback; the declared lists need no service)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import ClassVar, TypeVar

import aiohttp
import pytest
from aiohttp import web

from bot.choices import MAX_CHOICE_CHARS, MAX_CHOICES
from bot.exts.imagine._models import ModelCatalog
from providers.core.base import Provider
from providers.core.errors import InvalidInputError
from providers.core.models import ImagineRequest, ModelOption, ProviderLimits
from providers.jumdata.provider import JumdataProvider
from providers.midjourney.provider import MidjourneyProvider
from providers.picpik.provider import PicpikProvider
from tests.emulators.common import FAULTS_KEY, serve
from tests.emulators.picpik import MAIN_MODELS, make_app, requests_for
from tests.providers.cases import jumdata as jumdata_case
from tests.providers.cases import midjourney as midjourney_case
from tests.providers.cases import picpik as picpik_case

T = TypeVar("T")
TTL = 100.0
ANSWER_WITHIN = 0.3
PICPIK_MODELS = [m["ModelCode"] for m in MAIN_MODELS.values()]
#: nothing listens there: a provider with a declared list must not call it
NOWHERE = "http://127.0.0.1:9"


class PicpikWithStyles(PicpikProvider):
    """Picpik declaring one model, so the fallback before the first load is visible."""

    limits: ClassVar[ProviderLimits] = PicpikProvider.limits.model_copy(update={"styles": ("PICPIK General",)})


class ManyModels(MidjourneyProvider):
    """A service listing more, and longer, models than Discord can show."""

    name: ClassVar[str] = "many"

    async def model_options(self) -> list[ModelOption]:
        listed = [ModelOption(value=f"model-{i:02}", label=f"Model {i:02} " + "x" * 150) for i in range(40)]
        return [*listed, ModelOption(value="v" * 101, label="a value too long to send")]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Setup:
    app: web.Application
    session: aiohttp.ClientSession
    url: str
    clock: Clock

    def catalog(self, *providers: Provider, **overrides: float) -> ModelCatalog:
        values = {"ttl_seconds": TTL, "answer_within": ANSWER_WITHIN, **overrides}
        return ModelCatalog({p.name: p for p in providers}, clock=self.clock, **values)  # type: ignore[arg-type]

    def picpik(self, cls: type[PicpikProvider] = PicpikProvider) -> PicpikProvider:
        return cls(self.session, picpik_case.make_settings(self.url), picpik_case.CASE.credentials)

    def jumdata(self) -> JumdataProvider:
        return JumdataProvider(self.session, jumdata_case.make_settings(NOWHERE), jumdata_case.CREDENTIALS)

    def many(self) -> ManyModels:
        return ManyModels(self.session, midjourney_case.make_settings(NOWHERE), midjourney_case.CASE.credentials)

    def list_models_calls(self) -> int:
        return len(requests_for(self.app, "ListModels"))

    def arm(self, fault: str, times: int | None = None) -> None:
        self.app[FAULTS_KEY].arm(fault, times)


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    app = make_app(0.2)
    async with serve(app) as url, aiohttp.ClientSession() as session:
        yield Setup(app, session, url, Clock())


async def eventually(predicate: Callable[[], T]) -> T:
    """``predicate()`` once it is truthy (the catalog loads in the background)."""
    async with asyncio.timeout(5):
        while True:
            if result := predicate():
                return result
            await asyncio.sleep(0.01)


def loading(name: str) -> bool:
    return any(t.get_name() == f"model list of {name}" and not t.done() for t in asyncio.all_tasks())


async def loaded(catalog: ModelCatalog, name: str) -> list[ModelOption]:
    catalog.start()
    return await eventually(lambda: catalog.known(name))


# --- loading and the TTL ----------------------------------------------------------------------------------


async def test_picpik_models_are_loaded_once_and_kept_for_the_ttl(setup: Setup) -> None:
    catalog = setup.catalog(setup.picpik())
    assert [o.value for o in await loaded(catalog, "picpik")] == PICPIK_MODELS

    setup.clock.now += TTL - 1
    assert [o.value for o in await catalog.options("picpik")] == PICPIK_MODELS
    await catalog.choices("picpik", "an")
    assert setup.list_models_calls() == 1
    await catalog.close()


async def test_an_old_list_is_still_used_while_a_new_one_loads(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = setup.catalog(setup.picpik())
    await loaded(catalog, "picpik")
    monkeypatch.setitem(MAIN_MODELS, "New", {"Name": "New", "ModelCode": "new_model"})

    setup.clock.now += TTL + 1
    assert [o.value for o in catalog.known("picpik") or []] == PICPIK_MODELS  # at once, the old list
    await eventually(lambda: "new_model" in [o.value for o in catalog.known("picpik") or []])
    assert setup.list_models_calls() == 2
    await catalog.close()


async def test_a_hung_service_is_answered_from_the_old_list_without_waiting(setup: Setup) -> None:
    catalog = setup.catalog(setup.picpik())
    await loaded(catalog, "picpik")
    setup.arm("hang")
    setup.clock.now += TTL + 1

    started = asyncio.get_running_loop().time()
    options = await catalog.options("picpik")

    assert asyncio.get_running_loop().time() - started < 0.1
    assert [o.value for o in options] == PICPIK_MODELS
    await catalog.close()


async def test_before_the_first_load_a_hung_service_gets_the_declared_list_after_a_short_wait(setup: Setup) -> None:
    setup.arm("hang")
    catalog = setup.catalog(setup.picpik(PicpikWithStyles))
    catalog.start()

    started = asyncio.get_running_loop().time()
    options = await catalog.options("picpik")
    waited = asyncio.get_running_loop().time() - started

    assert options == [ModelOption(value="PICPIK General", label="PICPIK General")]
    assert ANSWER_WITHIN - 0.05 <= waited < ANSWER_WITHIN + 0.5
    assert catalog.known("picpik") is None
    await catalog.close()  # cancels the hung load: nothing is left running
    assert not loading("picpik")


async def test_a_failed_load_is_not_retried_on_every_keystroke(setup: Setup) -> None:
    setup.arm("auth_failure", times=1)
    catalog = setup.catalog(setup.picpik(), retry_after_failure=30.0)
    catalog.start()
    await eventually(lambda: setup.list_models_calls() == 1 and not loading("picpik"))
    assert catalog.known("picpik") is None

    setup.clock.now += 29
    assert await catalog.options("picpik") == []  # Picpik declares no models
    assert setup.list_models_calls() == 1

    setup.clock.now += 2
    assert [o.value for o in await catalog.options("picpik")] == PICPIK_MODELS
    assert setup.list_models_calls() == 2
    await catalog.close()


# --- what the autocomplete offers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "values"),
    [
        ("anime", ["二次元"]),  # the English label
        ("二次元", ["二次元"]),  # the value
        ("PIXEL", ["像素风格"]),  # any case
        ("  low ", ["low poly"]),
        ("nothing like it", []),
    ],
)
async def test_choices_match_value_or_label_ignoring_case(setup: Setup, typed: str, values: list[str]) -> None:
    catalog = setup.catalog(setup.jumdata())
    assert [o.value for o in await catalog.choices("jumdata", typed)] == values


async def test_choices_that_start_with_what_was_typed_come_first(setup: Setup) -> None:
    catalog = setup.catalog(setup.jumdata())
    offered = [o.value for o in await catalog.choices("jumdata", "c")]
    # Classical Chinese, Concept art, Cyberpunk, Cartoon; then Realistic, Watercolour (in the service's order)
    assert offered == ["古风", "概念艺术", "赛博朋克", "卡通画", "写实风格", "水彩画"]


async def test_choices_fit_discord(setup: Setup) -> None:
    catalog = setup.catalog(setup.many())
    offered = await catalog.choices("many", "")

    assert len(offered) == MAX_CHOICES
    assert all(len(o.label) <= MAX_CHOICE_CHARS and len(o.value) <= MAX_CHOICE_CHARS for o in offered)
    assert offered[0].label.startswith("Model 00 xxx") and offered[0].label.endswith("…")
    assert "v" * 101 not in [o.value for o in await catalog.choices("many", "v")]


async def test_an_unknown_service_offers_nothing(setup: Setup) -> None:
    assert await setup.catalog(setup.jumdata()).choices("nowhere", "") == []


# --- the check at /imagine --------------------------------------------------------------------------------


async def test_an_unknown_model_is_refused_naming_close_ones_first(setup: Setup) -> None:
    provider = setup.picpik()
    catalog = setup.catalog(provider)
    await loaded(catalog, "picpik")

    with pytest.raises(InvalidInputError) as refused:
        catalog.with_known_model(provider, ImagineRequest(prompt="a cat", model="PICPIK Animee"), "en-US")

    assert refused.value.field == "model"
    assert refused.value.user_message == (
        "Picpik has no model or style “PICPIK Animee”. Try one of: PICPIK Anime, PICPIK General, PICPIK Realistic."
    )
    with pytest.raises(InvalidInputError) as in_chinese:
        catalog.with_known_model(provider, ImagineRequest(prompt="a cat", model="nope"), "zh-CN")
    assert in_chinese.value.user_message.startswith("Picpik 没有模型或风格“nope”")
    await catalog.close()


async def test_a_label_or_another_case_becomes_the_listed_value(setup: Setup) -> None:
    provider = setup.jumdata()
    catalog = setup.catalog(provider)
    await loaded(catalog, "jumdata")

    for typed, sent in [("Anime (二次元)", "二次元"), ("LOW POLY", "low poly"), ("古风", "古风")]:
        request = catalog.with_known_model(provider, ImagineRequest(prompt="a cat", model=typed), None)
        assert request.model == sent


async def test_without_a_known_list_the_model_is_left_to_the_service(setup: Setup) -> None:
    setup.arm("hang")
    provider = setup.picpik()
    catalog = setup.catalog(provider)
    request = ImagineRequest(prompt="a cat", model="some_new_model")

    assert catalog.with_known_model(provider, request, None) is request  # never waits for the service
    assert catalog.with_known_model(provider, ImagineRequest(prompt="a cat"), None).model is None
    await catalog.close()
