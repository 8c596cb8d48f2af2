"""``/talk`` end to end through the fake Discord and the NGPU emulator: the photo's link and the words go to NGPU's
sadTalker, the job's message shows the video being made, and the video arrives attached, or with the reason when
it is over the upload limit (its link only when it is a public https one), or as a plain failure; bad input is
refused privately, before anything is sent."""

from __future__ import annotations

from bot.i18n import t
from providers.core.models import JobKind
from providers.registry import PROVIDERS
from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_blend import COLOURS, png
from tests.bot.e2e.test_imagine import settled
from tests.emulators.ngpu import FAKE_MP4, REQUESTS_KEY, TEST_BTC_ADDRESS
from tests.fake_discord import InteractionRecord, StoredMessage, Upload

WORDS = "Hello, I am a talking photo."


async def talk(stack: Stack, options: dict | None = None, locale: str = "en-US") -> InteractionRecord:
    sent = {"image": png("face.png", COLOURS[0]), "text": WORDS, **(options or {})}
    return await stack.fake.send_slash_command("talk", sent, user=stack.fake.member, locale=locale)


async def finished(stack: Stack, bot, interaction: InteractionRecord) -> StoredMessage:
    await settled(bot, stack.fake.member.id, 1)
    return await stack.fake.wait_for_original(interaction, lambda message: not message.loading)


def sad_talker_requests(stack: Stack) -> list:
    """The sadTalker tasks NGPU took (a form it refused first, learnt per workspace, is not one)."""
    return [
        r for r in stack.emulators["ngpu"][REQUESTS_KEY]
        if r.path == "/user/schedulingTask" and r.query.get("paramUrl") == "sadTalker" and r.taken
    ]


async def test_the_video_arrives_attached_after_showing_it_is_being_made(stack: Stack, bot) -> None:
    interaction = await talk(stack, {"voice": "nova"})
    message = await finished(stack, bot, interaction)

    [record] = await bot.store.jobs_for_owner(stack.fake.member.id, 5)
    assert (record.kind, record.provider, record.state) == (JobKind.TALK, "ngpu", LifecycleState.DELIVERED)
    [video] = message.attachments
    assert (video.filename, video.data) == (f"talk_{record.id}.mp4", FAKE_MP4)
    assert message.content == f"**{WORDS}** — Talking video · <@{stack.fake.member.id}> · NGPU · #{record.id}"
    assert not message.ephemeral and message.custom_ids == []
    shown = [version.content.splitlines()[-1] for version in message.edits[:-1]]
    assert shown[0] == "⏳ Waiting to start…"
    assert any(line.startswith("🎬 Making the video…") for line in shown), shown

    [sent] = sad_talker_requests(stack)
    assert sent.query == {"paramUrl": "sadTalker", "paramPort": "8075", "taskMode": "Async"}
    [photo] = interaction.payload["data"]["resolved"]["attachments"].values()
    assert sent.inner_data() == {
        "image_url": photo["url"],
        "text": WORDS,
        "pronouncer": "nova",
        "backGroundName": "laba",  # the only background known, and the default
        "btc_address": TEST_BTC_ADDRESS,
    }
    assert record.result.video_url and record.result.video_url.endswith(".mp4")


async def test_a_video_over_the_upload_limit_says_so_in_chinese_without_the_services_address(stack: Stack, bot) -> None:
    stack.fake.state.faults.upload_limit = 16  # bytes: what this interaction says the server allows
    message = await finished(stack, bot, await talk(stack, locale="zh-CN"))

    [record] = await bot.store.jobs_for_owner(stack.fake.member.id, 5)
    assert record.state is LifecycleState.DELIVERED and message.attachments == ()
    heading, reason = message.content.splitlines()
    assert heading.startswith(f"**{WORDS}** — 照片说话视频 · ")
    # the emulator's link is plain http on a loopback address: a member is never sent there
    assert record.result.video_url.startswith("http://127.0.0.1")
    too_large = f"视频大小为 {len(FAKE_MP4)} B，超过了本服务器允许机器人上传的 16 B。"
    assert reason == t("talk.link_withheld", "zh-CN", reason=too_large)
    assert "127.0.0.1" not in message.content


async def test_a_video_discord_refuses_after_all_is_said_to_be_too_large_once(stack: Stack, bot) -> None:
    stack.fake.faults.accepted_upload_limit = 16  # the interaction advertises 10 MiB, Discord then answers 413
    message = await finished(stack, bot, await talk(stack))

    [record] = await bot.store.jobs_for_owner(stack.fake.member.id, 5)
    assert record.state is LifecycleState.DELIVERED and message.attachments == ()
    reason = message.content.splitlines()[-1]
    refused = f"Discord refused the video ({len(FAKE_MP4)} B) as too large for this server."
    assert reason == t("talk.link_withheld", reason=refused)


async def test_a_failed_video_says_so_with_ngpus_reason(stack: Stack, bot) -> None:
    stack.arm("ngpu", "task_fails")
    message = await finished(stack, bot, await talk(stack))

    [record] = await bot.store.jobs_for_owner(stack.fake.member.id, 5)
    assert record.state is LifecycleState.FAILED and message.attachments == ()
    assert message.content.splitlines()[1:] == [
        "❌ NGPU could not make the video.",
        "> CUDA out of memory on the compute node",
    ]


async def test_bad_input_is_refused_privately_and_nothing_is_sent(stack: Stack, bot) -> None:
    not_a_photo = await talk(stack, {"image": Upload("song.mp3", b"ID3...", "audio/mpeg")})
    no_words = await talk(stack, {"text": "   "}, locale="zh-CN")
    too_long = await talk(stack, {"text": "a" * 501})

    answers = [await stack.fake.wait_for_original(i) for i in (not_a_photo, no_words, too_long)]
    assert all(answer.ephemeral for answer in answers)
    assert "“song.mp3” is not an image" in answers[0].content
    assert answers[1].content == "⚠️ 请填写照片要说的话。"
    assert answers[2].content == "⚠️ NGPU speaks at most 500 characters; your text has 501."
    assert await bot.store.jobs_for_owner(stack.fake.member.id, 10) == []
    assert sad_talker_requests(stack) == []


async def test_the_command_offers_the_voices_and_backgrounds_of_services_that_can(stack: Stack, bot) -> None:
    [command] = [c for c in stack.fake.commands() if c["name"] == "talk"]
    options = {option["name"]: option for option in command["options"]}
    assert list(options) == ["image", "text", "voice", "background", "provider"]
    assert [c["value"] for c in options["voice"]["choices"]] == ["alloy", "echo", "fable", "onyx", "nova", "shimmer"]
    assert options["background"]["choices"] == [
        {"name": "Laba festival", "value": "laba", "name_localizations": {"zh-CN": "腊八节"}}
    ]
    assert [c["value"] for c in options["provider"]["choices"]] == ["ngpu"]
    assert command["description_localizations"]["zh-CN"] == "让照片说出你的文字（生成短视频）"


async def test_on_a_bot_whose_services_cannot_talk_the_member_is_told_which_can(stack: Stack) -> None:
    async with stack.running(stack.new_bot(services={"jumdata": PROVIDERS["jumdata"]})) as bot:
        answer = await stack.fake.wait_for_original(await talk(stack))

        assert answer.ephemeral
        assert answer.content == (
            "⚠️ None of the services set up on this bot can make talking videos. Services that can: NGPU."
        )
        assert await bot.store.jobs_for_owner(stack.fake.member.id, 10) == []
