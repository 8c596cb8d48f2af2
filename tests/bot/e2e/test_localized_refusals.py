"""A request refused before anything is sent reads in the member's language (the real client, the fake Discord)."""

from __future__ import annotations

import pytest

from tests.bot.e2e.conftest import Stack
from tests.emulators.picpik import requests_for as picpik_requests


@pytest.mark.parametrize(
    ("locale", "says"),
    [
        ("zh-CN", "⚠️ --ar 需要一个宽高比，例如 16:9 或 2:3；你写的是 “wide”。"),
        ("en-US", "⚠️ --ar needs an aspect ratio like 16:9 or 2:3; you wrote “wide”."),
    ],
    ids=["zh-CN", "en-US"],
)
async def test_a_bad_aspect_ratio_is_refused_in_the_members_language(
    stack: Stack, bot, locale: str, says: str
) -> None:
    interaction = await stack.fake.send_slash_command(
        "imagine", {"prompt": "a red fox --ar wide", "provider": "picpik"}, user=stack.fake.member, locale=locale
    )
    answer = await stack.fake.wait_for_original(interaction)

    assert answer.ephemeral and not answer.loading
    assert answer.content == says
    assert await bot.store.jobs_for_owner(stack.fake.member.id, 10) == []
    assert picpik_requests(stack.emulators["picpik"], "GenerateImages") == []


async def test_a_service_limit_is_refused_in_chinese(stack: Stack, bot) -> None:
    interaction = await stack.fake.send_slash_command(
        "imagine", {"prompt": "猫" * 101, "provider": "jumdata"}, user=stack.fake.member, locale="zh-CN"
    )
    answer = await stack.fake.wait_for_original(interaction)

    assert answer.ephemeral
    assert answer.content == "⚠️ Jumdata AI绘画 的提示词最多 100 个字符；你的有 101 个。"
