"""Discord's limits as sent, end to end: a prompt that doubles when escaped still gets every edit through, and a final
message Discord refuses anyway (400 / 50035, which the fake Discord answers for content past 2,000 characters or an
embed title past 256) arrives shortened with its picture, once, instead of never."""

from __future__ import annotations

import logging

import pytest

from bot import describe_rendering, poller, rendering
from bot.app import GridBot
from bot.text_fit import CONTENT_CHARS
from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_blend import COLOURS, png
from tests.bot.e2e.test_discord_faults import delivered, edits_of, versions_with_files
from tests.bot.e2e.test_imagine import assert_is_grid, settled
from tests.fake_discord import StoredMessage

#: these tests make the bot build what Discord refuses, on purpose (the stack checks nothing was refused otherwise)
pytestmark = pytest.mark.discord_refusals_expected

#: every character Discord's markdown reads, and mentions: escaped, this prompt is about twice as long
MARKDOWN_HEAVY = "**bold** __under__ ~~gone~~ ||hidden|| `code` > quote # head [link](x) \\ @everyone <@&1> "


def refused(stack: Stack, message: StoredMessage) -> list[int]:
    return [r.status for r in edits_of(stack, message) if r.status == 400]


async def test_a_prompt_that_doubles_when_escaped_gets_every_edit_through(stack: Stack, bot: GridBot) -> None:
    prompt = (MARKDOWN_HEAVY * 40)[:1_990].strip()  # Picpik takes 2,000 characters
    final = await stack.final(await stack.imagine(prompt, provider="picpik"))

    assert_is_grid(final)
    record = await delivered(bot, final)
    assert refused(stack, final) == []  # no edit was refused: the progress was seen, and the grid
    assert all(len(version.content) <= CONTENT_CHARS for version in final.versions)
    assert any("Waiting" in version.content for version in final.versions)
    assert final.content.endswith(f"· Picpik · #{record.id}")  # the prompt gave way, never the job's number
    assert "…**" in final.content  # cut, and the cut is marked
    assert "@everyone" not in final.content and "@\u200beveryone" in final.content


async def test_a_final_message_discord_refuses_arrives_shortened_with_its_picture(
    stack: Stack, bot: GridBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # a builder that gets its sums wrong: the final words are longer than Discord takes
    monkeypatch.setattr(rendering, "result_text", lambda record, service: "x" * (CONTENT_CHARS + 500))
    caplog.set_level(logging.WARNING, logger=poller.__name__)
    final = await stack.final(await stack.imagine("a lighthouse at dusk", provider="picpik"))

    record = await delivered(bot, final)
    assert refused(stack, final) == [400]  # refused once, then delivered shortened
    assert final.content == f"<@{stack.fake.member.id}> · Picpik · #{record.id}"
    assert_is_grid(final)
    assert final.button_labels[:4] == ["U1", "U2", "U3", "U4"]
    assert versions_with_files(final) == 1  # one delivery
    assert "Discord refused the final message" in caplog.text


async def test_a_refused_failure_message_still_says_why(stack: Stack, bot: GridBot, monkeypatch) -> None:
    monkeypatch.setattr(rendering, "failure_text", lambda record, service: "x" * (CONTENT_CHARS + 1))
    stack.arm("picpik", "task_fails")
    final = await stack.final(await stack.imagine("a lighthouse at dusk", provider="picpik"))

    [record] = await settled(bot, stack.fake.member.id, 1)
    assert record.state is LifecycleState.FAILED
    assert final.content == f"<@{stack.fake.member.id}> · Picpik · #{record.id}\n❌ Picpik could not finish the images."


async def test_a_refused_describe_answer_gives_its_prompts_as_plain_text(
    stack: Stack, bot: GridBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = describe_rendering.describe_message

    def too_long_a_title(*args: object, **kwargs: object) -> describe_rendering.DescribeMessage:
        shown = real(*args, **kwargs)  # type: ignore[arg-type]
        shown.embed.title = "T" * 300  # Discord takes 256
        return shown

    monkeypatch.setattr(poller, "describe_message", too_long_a_title)
    options = {"image": png("cat.png", COLOURS[3]), "provider": "picpik"}
    interaction = await stack.fake.send_slash_command("describe", options, user=stack.fake.member)
    answer = await stack.fake.wait_for_original(interaction, lambda m: not m.loading and bool(m.custom_ids), timeout=15
    )

    [record] = await settled(bot, stack.fake.member.id, 1)
    assert record.state is LifecycleState.DELIVERED
    assert answer.embeds == []
    for number, prompt in enumerate(record.result.texts, start=1):
        assert f"**{number}.** {prompt}" in answer.content
    assert answer.button_labels == [str(n) for n in range(1, len(record.result.texts) + 1)]
    [thumbnail] = answer.attachments  # the picture stays
    assert thumbnail.filename.startswith(f"described_{record.id}.")
    assert answer.custom_ids[0] == rendering.prompt_custom_id(record.id, 1)
