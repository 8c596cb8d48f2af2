"""``/bot-status`` lists the values the services sent that the bot does not know, through the fake Discord: a Jumdata
job whose ``status`` is a number the document does not list is kept open (and then delivered once the service says
1), and the admin sees the value, how often it came, and that it should be reported — in English and in Chinese."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from providers.core.unknown_values import forget_unknown_values, report_unknown, unknown_value_counts
from tests.bot.e2e.conftest import Stack
from tests.emulators import jumdata
from tests.fake_discord import StoredMessage

FIELD = "Unknown service values"
FIELD_ZH = "未知的服务返回值"
#: Discord's limits on one embed field's value and on all of an embed's text together
FIELD_CHARS = 1024
EMBED_CHARS = 6000


@pytest.fixture(autouse=True)
def fresh_counts() -> Iterator[None]:
    # the bot runs in this process: its counts are this module's, and other tests must not leave theirs here
    forget_unknown_values()
    yield
    forget_unknown_values()


async def _status(stack: Stack, locale: str = "en-US") -> dict[str, str]:
    interaction = await stack.fake.send_slash_command("bot-status", user=stack.fake.admin, locale=locale)
    reply = await stack.fake.wait_for_original(interaction)
    assert reply.ephemeral
    return _fields(reply)


def _fields(message: StoredMessage) -> dict[str, str]:
    [embed] = message.embeds
    return {field["name"]: field["value"] for field in embed.get("fields", [])}


async def test_none_seen_says_so(stack: Stack, bot) -> None:
    assert (await _status(stack))[FIELD] == "✅ None since the bot started."
    assert (await _status(stack, "zh-CN"))[FIELD_ZH] == "✅ 自机器人启动以来没有。"


async def test_a_jumdata_status_the_bot_does_not_know_is_listed_for_the_admin(stack: Stack, bot) -> None:
    stack.arm("jumdata", "unknown_status", times=1)
    final = await stack.final(await stack.imagine("a paper lantern", provider="jumdata"))
    # never guessed finished or failed: the job stayed open until Jumdata said 1, then it was delivered
    assert final.attachments and "❌" not in final.content
    [(seen, count)] = unknown_value_counts().items()
    assert (seen.service, seen.field, seen.value) == ("jumdata", "query data.status", str(jumdata.UNKNOWN_STATUS))

    shown = (await _status(stack))[FIELD]
    first, *rest = shown.split("\n")
    assert first == f"• Jumdata AI绘画 · query data.status: 2 ({count}×)"
    assert rest[-1].startswith("-# Please report these")

    chinese = (await _status(stack, "zh-CN"))[FIELD_ZH]
    assert chinese.split("\n")[0] == f"• Jumdata AI绘画 · query data.status：2（{count} 次）"
    assert chinese.split("\n")[-1].startswith("-# 请将这些值报告给机器人的维护者")


async def test_many_long_values_keep_the_reply_within_discords_sizes(stack: Stack, bot) -> None:
    for number in range(60):
        for _ in range(number + 1):
            report_unknown("ngpu", f"queryTask data.result_code {number}", f"{number} " + "*" * 200)
    interaction = await stack.fake.send_slash_command("bot-status", user=stack.fake.admin)
    reply = await stack.fake.wait_for_original(interaction)
    [embed] = reply.embeds
    shown = _fields(reply)[FIELD]
    assert len(shown) <= FIELD_CHARS
    text = [embed.get("title", ""), *(f["name"] + f["value"] for f in embed["fields"])]
    assert sum(len(part) for part in text) <= EMBED_CHARS
    # the most frequent first, then how many were left out
    assert shown.split("\n")[0].startswith("• NGPU · queryTask data.result\\_code 59: 59 \\*")
    assert "more" in shown.split("\n")[-2]
