"""/imagine's ``model`` option end to end: the autocomplete fed by the services' own lists (Picpik ``ListModels``,
Jumdata's styles with their labels), the chosen model reaching the service, and a model the list lacks refused.
The real discord.py client in ``GridBot``, the fake Discord and the emulators, all on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import ClassVar

import pytest

from bot.app import GridBot
from bot.exts.imagine._models import ModelCatalog
from providers.core.models import ProviderLimits
from providers.picpik import PicpikProvider
from providers.registry import PROVIDERS
from storage.keys import KeyScope
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_keys import SECOND_PRIVATE_KEY, SECOND_PUBLIC_KEY, picpik_public_keys
from tests.bot.e2e.test_keys import keyless as keyless  # the fixture
from tests.emulators.picpik import MAIN_MODELS, requests_for

#: a model whose Name is not its ModelCode: members read the name, Picpik is sent the code
DREAMY = {"Name": "Dreamy Portraits", "ModelCode": "dreamy_v2_1234", "IsOfficial": False}


def catalog_of(bot: GridBot) -> ModelCatalog:
    # by name: discord.py imports the extension afresh for every bot, so its classes are not this module's
    cog = bot.get_cog("ImagineCog")
    assert cog is not None
    return cog.models  # type: ignore[attr-defined]


async def models_known(stack: Stack, bot: GridBot, service: str = "picpik") -> None:
    await stack.wait(lambda: catalog_of(bot).known(service), f"the {service} model list")


@pytest.fixture
async def dreamy_bot(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[GridBot]:
    monkeypatch.setitem(MAIN_MODELS, "Dreamy", DREAMY)
    async with stack.running() as client:
        yield client


async def model_choices(stack: Stack, service: str, typed: str) -> list[dict[str, str]]:
    return await stack.fake.autocomplete("imagine", {"prompt": "a cat", "provider": service, "model": typed}, "model")


async def test_picpik_choices_come_from_list_models(stack: Stack, dreamy_bot: GridBot) -> None:
    offered = await model_choices(stack, "picpik", "")

    assert offered == [{"name": m["Name"], "value": m["ModelCode"]} for m in MAIN_MODELS.values()]
    assert {"name": "Dreamy Portraits", "value": "dreamy_v2_1234"} in offered
    assert await model_choices(stack, "picpik", "DREAMY") == [{"name": "Dreamy Portraits", "value": "dreamy_v2_1234"}]
    # loaded once at start-up, then answered from the cache
    assert len(requests_for(stack.emulators["picpik"], "ListModels")) == 1


async def test_jumdata_choices_show_labels_and_send_the_style(stack: Stack, bot: GridBot) -> None:
    assert await model_choices(stack, "jumdata", "anime") == [{"name": "Anime (二次元)", "value": "二次元"}]
    assert await model_choices(stack, "jumdata", "古") == [{"name": "Classical Chinese (古风)", "value": "古风"}]


async def test_a_chosen_picpik_model_reaches_generate_images(stack: Stack, dreamy_bot: GridBot) -> None:
    await models_known(stack, dreamy_bot)
    # "Dreamy Portraits" is what a member who typed the label instead of picking the choice sends
    for model in ("dreamy_v2_1234", "Dreamy Portraits"):
        final = await stack.final(await stack.imagine("a violinist at night", provider="picpik", model=model))
        assert final.attachments, final.content
    sent = requests_for(stack.emulators["picpik"], "GenerateImages")
    assert [body["MainModel"]["ModelCode"] for body in sent] == ["dreamy_v2_1234", "dreamy_v2_1234"]


async def test_a_model_picpik_does_not_list_is_refused_before_anything_is_sent(stack: Stack, bot: GridBot) -> None:
    await models_known(stack, bot)
    answer = await stack.fake.wait_for_original(
        await stack.imagine("a violinist at night", provider="picpik", model="PICPIK Animee")
    )

    assert answer.ephemeral and answer.content.startswith("⚠️")
    assert "“PICPIK Animee”" in answer.content and "PICPIK Anime" in answer.content.split("Try one of:")[1]
    assert requests_for(stack.emulators["picpik"], "GenerateImages") == []
    assert await bot.store.jobs_for_owner(stack.fake.member.id, 10) == []


async def test_the_refusal_follows_the_members_language(stack: Stack, bot: GridBot) -> None:
    await models_known(stack, bot)
    interaction = await stack.fake.send_slash_command(
        "imagine", {"prompt": "一只猫", "provider": "picpik", "model": "nope"}, user=stack.fake.member, locale="zh-CN"
    )
    answer = await stack.fake.wait_for_original(interaction)
    assert answer.ephemeral and "Picpik 没有模型或风格“nope”" in answer.content


async def test_a_hung_picpik_is_answered_from_the_cached_list_in_time(stack: Stack) -> None:
    # the list is old at once, so every keystroke asks Picpik again — and Picpik no longer answers
    front_end = stack.front_end.model_copy(update={"model_list_ttl_seconds": 0.01})
    async with stack.running(stack.new_bot(front_end=front_end)) as bot:
        await models_known(stack, bot)
        stack.arm("picpik", "hang", times=None)
        await asyncio.sleep(0.02)

        started = asyncio.get_running_loop().time()
        offered = await model_choices(stack, "picpik", "picpik")

        assert asyncio.get_running_loop().time() - started < 1.0
        assert [c["value"] for c in offered] == [m["ModelCode"] for m in MAIN_MODELS.values()]
        assert len(requests_for(stack.emulators["picpik"], "ListModels")) >= 2  # it did ask again


class PicpikWithADeclaredModel(PicpikProvider):
    """Picpik declaring one model, so what the autocomplete falls back on is visible."""

    limits: ClassVar[ProviderLimits] = PicpikProvider.limits.model_copy(update={"styles": ("PICPIK General",)})


async def test_before_any_list_a_hung_service_gets_the_declared_models_within_discords_3_s(stack: Stack) -> None:
    stack.arm("picpik", "hang", times=None)
    services = {**PROVIDERS, "picpik": PicpikWithADeclaredModel}
    async with stack.running(stack.new_bot(services=services)) as bot:
        started = asyncio.get_running_loop().time()
        offered = await model_choices(stack, "picpik", "")

        assert asyncio.get_running_loop().time() - started < 2.5
        assert offered == [{"name": "PICPIK General", "value": "PICPIK General"}]
        assert catalog_of(bot).known("picpik") is None


async def test_without_keys_in_the_settings_the_list_is_loaded_with_the_members_own(
    stack: Stack, keyless: GridBot
) -> None:
    keys = {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY}
    await keyless.key_store.set(KeyScope.USER, stack.fake.member.id, "picpik", keys, "••••")
    offered = await model_choices(stack, "picpik", "")
    assert offered == [{"name": m["Name"], "value": m["ModelCode"]} for m in MAIN_MODELS.values()]
    assert picpik_public_keys(stack) == [SECOND_PUBLIC_KEY]  # ListModels, on the member's keys
