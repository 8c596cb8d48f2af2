"""A server's rules at job start, end to end: banned words, channels, allowed and default services, the member's
default aspect and NGPU's AINN gate — refused privately before "thinking…" and before any service call."""

from __future__ import annotations

import pytest

from bot.app import GridBot
from providers.core.models import ImagineRequest, JobKind
from storage.keys import KeyScope
from storage.settings import MemberSettings, ServerSettings
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_blend import COLOURS, png
from tests.bot.e2e.test_describe import has_prompts
from tests.bot.e2e.test_imagine import assert_is_grid, job_of, settled
from tests.emulators import jumdata as jumdata_emulator
from tests.emulators import ngpu as ngpu_emulator
from tests.emulators.picpik import requests_for as picpik_requests
from tests.fake_discord import InteractionRecord, StoredMessage


async def rules(bot: GridBot, stack: Stack, **values: object) -> None:
    await bot.settings_store.save_server(stack.fake.guild.id, ServerSettings.model_validate(values))


async def refusal(stack: Stack, interaction: InteractionRecord) -> str:
    answer = await stack.fake.wait_for_original(interaction)
    assert answer.ephemeral and not answer.loading, answer.content
    assert answer.content.startswith("⚠️"), answer.content
    return answer.content


def ngpu_submits(stack: Stack) -> list[dict]:
    """The image requests of the submits NGPU took."""
    return [r.inner_data() for r in stack.emulators["ngpu"][ngpu_emulator.REQUESTS_KEY]
            if r.path == "/user/schedulingTask" and r.taken]


def ainn_checks(stack: Stack) -> list[str]:
    return [r.query["address"] for r in stack.emulators["ngpu"][ngpu_emulator.REQUESTS_KEY]
            if r.path == ngpu_emulator.BRC20_BOT_PATH]


async def nothing_started(bot: GridBot, stack: Stack) -> None:
    assert await bot.store.jobs_for_owner(stack.fake.member.id, 10) == []
    assert picpik_requests(stack.emulators["picpik"], "GenerateImages") == []
    assert jumdata_emulator.submits(stack.emulators["jumdata"]) == []
    assert ngpu_submits(stack) == []


async def grid_for(stack: Stack, prompt: str, service: str) -> tuple[StoredMessage, int]:
    message = await stack.final(await stack.imagine(prompt, provider=service))
    assert_is_grid(message)
    return message, job_of(message)


# --- banned words ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "options", "named"),
    [
        ("a GORY battle scene", {}, "“gory”"),
        ("a quiet battlefield", {"negative": "no gory details"}, "“gory”"),
        ("一只血腥的猫 --ar 1:1", {}, "“血腥”"),
    ],
)
async def test_a_banned_word_is_refused_before_anything_is_sent(
    stack: Stack, bot: GridBot, prompt: str, options: dict, named: str
) -> None:
    await rules(bot, stack, banned_words=["gory", "血腥"])

    content = await refusal(stack, await stack.imagine(prompt, **options))

    assert "does not allow" in content and named in content
    await nothing_started(bot, stack)


async def test_a_word_that_only_contains_a_banned_one_is_drawn(stack: Stack, bot: GridBot) -> None:
    await rules(bot, stack, banned_words=["cat"])
    final = await stack.final(await stack.imagine("a category of educational posters", provider="ngpu"))
    assert_is_grid(final)


async def test_a_banned_word_in_a_remix_form_is_refused_and_nothing_is_sent(stack: Stack, bot: GridBot) -> None:
    grid_message, grid_id = await grid_for(stack, "a castle at noon", "ngpu")
    await settled(bot, stack.fake.member.id, 1)
    await rules(bot, stack, banned_words=["ruins"])
    submits_before = len(ngpu_submits(stack))

    await stack.fake.click_button(grid_message, f"job:{grid_id}:remix")
    await stack.wait(lambda: [m for m in stack.fake.state.modals if not m.submitted], "the remix form")
    submitted = await stack.fake.submit_modal({"image": ["2"], "prompt": "a castle in Ruins"}, user=stack.fake.member)

    content = await refusal(stack, submitted)
    assert "“ruins”" in content
    assert len(ngpu_submits(stack)) == submits_before
    assert await bot.store.children(grid_id) == []


async def test_variation_with_a_banned_prompt_and_a_reroll_of_a_grid_now_banned_are_refused(
    stack: Stack, bot: GridBot
) -> None:
    grid_message, grid_id = await grid_for(stack, "a stormy sea", "ngpu")
    await settled(bot, stack.fake.member.id, 1)
    await rules(bot, stack, banned_words=["stormy", "wreck"])
    submits_before = len(ngpu_submits(stack))

    remix = await stack.fake.send_slash_command(
        "variation", {"job": grid_id, "grid": 1, "prompt": "a wreck"}, user=stack.fake.member
    )
    assert "“wreck”" in await refusal(stack, remix)
    # the word was banned after the grid was drawn: drawing its prompt again is refused too
    reroll = await stack.fake.click_button(grid_message, f"job:{grid_id}:reroll")
    assert "“stormy”" in await refusal(stack, reroll)
    # an upscale sends no prompt: still allowed
    upscaled = await stack.final(await stack.fake.click_button(grid_message, f"job:{grid_id}:U1"))
    assert upscaled.attachments
    assert len(ngpu_submits(stack)) == submits_before + 1
    assert [child.kind for child in await bot.store.children(grid_id)] == [JobKind.UPSCALE]


# --- channels -------------------------------------------------------------------------------------------------


async def test_a_job_outside_the_servers_channels_is_refused_even_for_an_admin(stack: Stack, bot: GridBot) -> None:
    await rules(bot, stack, channel_ids=[111, 222])

    for user in (stack.fake.member, stack.fake.admin):
        interaction = await stack.fake.send_slash_command("imagine", {"prompt": "a kite"}, user=user)
        content = await refusal(stack, interaction)
        assert "only in <#111>, <#222>" in content

    chinese = await stack.fake.send_slash_command("imagine", {"prompt": "a kite"}, locale="zh-CN")
    assert "只在 <#111>, <#222> 使用机器人" in await refusal(stack, chinese)
    await nothing_started(bot, stack)
    # admin commands are never held back by the channel rule
    status = await stack.fake.wait_for_original(
        await stack.fake.send_slash_command("bot-status", user=stack.fake.admin)
    )
    assert status.embeds and "⚠️" not in status.content


async def test_a_job_in_an_allowed_channel_runs(stack: Stack, bot: GridBot) -> None:
    await rules(bot, stack, channel_ids=[stack.fake.channel.id])
    assert_is_grid(await stack.final(await stack.imagine("a kite", provider="ngpu")))


async def test_outside_the_servers_channels_no_command_answers_a_member(stack: Stack, bot: GridBot) -> None:
    await rules(bot, stack, channel_ids=[111])
    member = stack.fake.member
    commands = [
        ("jobs", None, None),
        ("job", {"id": 1}, None),
        ("keys", None, "list"),
        ("settings", None, "show"),
        ("settings", {"results_by_dm": True}, "set"),
    ]
    for name, options, sub in commands:
        interaction = await stack.fake.send_slash_command(name, options, user=member, subcommand=sub)
        assert "This server uses the bot only in <#111>" in await refusal(stack, interaction), (name, sub)
    chinese = await stack.fake.send_slash_command("jobs", user=member, locale="zh-CN")
    assert "本服务器只在 <#111> 使用机器人" in await refusal(stack, chinese)
    assert (await bot.settings_store.member(member.id)).results_by_dm is False  # the refused change was not made


async def test_outside_the_servers_channels_buttons_refuse_and_autocomplete_offers_nothing(
    stack: Stack, bot: GridBot
) -> None:
    grid_message, grid_id = await grid_for(stack, "a castle at noon", "ngpu")
    await settled(bot, stack.fake.member.id, 1)
    await rules(bot, stack, channel_ids=[111])

    # 🖌️ opens a form, no job yet: before any job rule could apply, the channel says no
    remix = await stack.fake.click_button(grid_message, f"job:{grid_id}:remix")
    assert "only in <#111>" in await refusal(stack, remix)
    assert stack.fake.state.modals == []

    context = {"user": stack.fake.member, "guild": stack.fake.guild, "channel": stack.fake.channel}
    typed = await stack.fake.actions.autocomplete(
        "upscale", {"job": "", "grid": 1}, "job", locale="en-US", subcommand=None, **context
    )
    await stack.wait(lambda: typed.acknowledged, "the autocomplete's answer")
    assert typed.autocomplete_choices == []  # the member's own grid is not offered here


async def test_members_who_manage_the_server_are_answered_anywhere_and_can_fix_the_list(
    stack: Stack, bot: GridBot
) -> None:
    await rules(bot, stack, channel_ids=[111])
    admin = stack.fake.admin

    shown = await stack.fake.wait_for_original(
        await stack.fake.send_slash_command("settings", user=admin, subcommand="show"), lambda m: not m.loading
    )
    assert shown.embeds and "⚠️" not in shown.content
    # the server's rules are changed in /server-settings: /settings says so to those who may
    assert "/server-settings" in shown.embeds[1]["footer"]["text"]
    cleared = await stack.fake.wait_for_original(
        await stack.fake.send_slash_command("server-settings", user=admin, subcommand="channels clear"),
        lambda m: not m.loading,
    )
    assert cleared.content.startswith("✅")

    jobs = await stack.fake.wait_for_original(await stack.fake.send_slash_command("jobs", user=stack.fake.member))
    assert "You have no jobs yet" in jobs.content  # open again for everyone


# --- services -------------------------------------------------------------------------------------------------


async def test_a_service_not_allowed_here_is_refused_naming_the_allowed_ones(stack: Stack, bot: GridBot) -> None:
    await rules(bot, stack, allowed_services=["ngpu", "jumdata"])

    content = await refusal(stack, await stack.imagine("a lighthouse", provider="picpik"))

    assert "Picpik is not allowed on this server" in content
    assert "Allowed here: Jumdata AI绘画, NGPU" in content
    await nothing_started(bot, stack)


async def test_a_button_on_a_service_no_longer_allowed_is_refused(stack: Stack, bot: GridBot) -> None:
    grid_message, grid_id = await grid_for(stack, "a lighthouse", "picpik")
    await settled(bot, stack.fake.member.id, 1)
    await rules(bot, stack, allowed_services=["ngpu"])

    content = await refusal(stack, await stack.fake.click_button(grid_message, f"job:{grid_id}:U2"))

    assert "Picpik is not allowed" in content and "Allowed here: NGPU" in content
    assert await bot.store.children(grid_id) == []


async def test_imagine_without_a_service_skips_those_not_allowed(stack: Stack, bot: GridBot) -> None:
    await rules(bot, stack, allowed_services=["jumdata"])
    assert_is_grid(await stack.final(await stack.imagine("a lighthouse")))
    assert picpik_requests(stack.emulators["picpik"], "GenerateImages") == []
    assert len(jumdata_emulator.submits(stack.emulators["jumdata"])) == 1


async def test_describe_without_a_service_runs_on_one_allowed_here(stack: Stack, bot: GridBot) -> None:
    await rules(bot, stack, allowed_services=["ngpu"])  # the bot's order would pick Picpik first
    image = png("cat.png", COLOURS[0])
    interaction = await stack.fake.send_slash_command("describe", {"image": image}, user=stack.fake.member)
    await stack.fake.wait_for_original(interaction, has_prompts, timeout=15)
    [record] = await settled(bot, stack.fake.member.id, 1)
    assert record.provider == "ngpu" and record.kind is JobKind.DESCRIBE
    assert picpik_requests(stack.emulators["picpik"], "DescribeImages") == []


async def test_the_servers_default_service_is_used(stack: Stack, bot: GridBot) -> None:
    await rules(bot, stack, default_service="jumdata")
    assert_is_grid(await stack.final(await stack.imagine("a lighthouse")))
    assert len(jumdata_emulator.submits(stack.emulators["jumdata"])) == 1
    assert picpik_requests(stack.emulators["picpik"], "GenerateImages") == []


async def test_the_members_default_service_and_aspect_come_first(stack: Stack, bot: GridBot) -> None:
    await rules(bot, stack, default_service="jumdata")
    await bot.settings_store.save_member(
        stack.fake.member.id, MemberSettings(default_service="ngpu", default_aspect="16:9")
    )

    assert_is_grid(await stack.final(await stack.imagine("a wide valley")))

    [sent] = ngpu_submits(stack)
    drawn = sent
    assert drawn["width"] > drawn["height"], drawn  # landscape (the service rounds 16:9 to its size steps)
    [record] = await settled(bot, stack.fake.member.id, 1)
    assert record.provider == "ngpu" and record.request_as(ImagineRequest).aspect_ratio == "16:9"
    assert jumdata_emulator.submits(stack.emulators["jumdata"]) == []


async def test_an_aspect_in_the_prompt_wins_over_the_members_default(stack: Stack, bot: GridBot) -> None:
    await bot.settings_store.save_member(stack.fake.member.id, MemberSettings(default_aspect="16:9"))
    assert_is_grid(await stack.final(await stack.imagine("a tall tower --ar 2:3", provider="ngpu")))
    [sent] = ngpu_submits(stack)
    drawn = sent
    assert drawn["width"] < drawn["height"], drawn  # portrait, not the default's landscape


async def test_a_default_aspect_the_service_refuses_is_the_usual_friendly_error(stack: Stack, bot: GridBot) -> None:
    await bot.settings_store.save_member(stack.fake.member.id, MemberSettings(default_aspect="50:1"))
    content = await refusal(stack, await stack.imagine("a long train", provider="ngpu"))
    assert "The aspect ratio 50:1 is too extreme" in content
    await nothing_started(bot, stack)


# --- NGPU: AINN ------------------------------------------------------------------------------------------------


async def own_ngpu_keys(bot: GridBot, stack: Stack, address: str | None) -> None:
    fields = {"workspace_id": ngpu_emulator.TEST_WORKSPACE_ID}
    if address is not None:
        fields["btc_address"] = address
    await bot.key_store.set(KeyScope.USER, stack.fake.member.id, "ngpu", fields, masked="test…")


async def test_an_address_without_ainn_is_refused_where_the_server_requires_it(stack: Stack, bot: GridBot) -> None:
    await rules(bot, stack, ngpu_requires_ainn=True)
    await own_ngpu_keys(bot, stack, ngpu_emulator.TEST_BTC_ADDRESS_WITHOUT_AINN)

    content = await refusal(stack, await stack.imagine("a lighthouse", provider="ngpu"))

    assert "holds no AINN" in content
    assert ainn_checks(stack) == [ngpu_emulator.TEST_BTC_ADDRESS_WITHOUT_AINN]
    await nothing_started(bot, stack)


async def test_keys_without_an_address_are_told_to_add_one(stack: Stack, bot: GridBot) -> None:
    await rules(bot, stack, ngpu_requires_ainn=True)
    await own_ngpu_keys(bot, stack, None)

    content = await refusal(stack, await stack.imagine("a lighthouse", provider="ngpu"))

    assert "This server requires AINN to use NGPU" in content and "have no BTC address" in content
    assert "`/keys set service:ngpu`" in content
    assert ainn_checks(stack) == []
    await nothing_started(bot, stack)


async def test_an_address_with_ainn_runs_and_the_pass_is_remembered(stack: Stack, bot: GridBot) -> None:
    await rules(bot, stack, ngpu_requires_ainn=True)
    await own_ngpu_keys(bot, stack, ngpu_emulator.TEST_BTC_ADDRESS)

    assert_is_grid(await stack.final(await stack.imagine("a lighthouse", provider="ngpu")))
    assert_is_grid(await stack.final(await stack.imagine("a windmill", provider="ngpu")))

    assert ainn_checks(stack) == [ngpu_emulator.TEST_BTC_ADDRESS]  # asked once for both jobs
    assert len(ngpu_submits(stack)) == 2


async def test_no_check_without_the_servers_switch_and_none_for_other_services(stack: Stack, bot: GridBot) -> None:
    await own_ngpu_keys(bot, stack, ngpu_emulator.TEST_BTC_ADDRESS)
    assert_is_grid(await stack.final(await stack.imagine("a lighthouse", provider="ngpu")))
    await rules(bot, stack, ngpu_requires_ainn=True)
    assert_is_grid(await stack.final(await stack.imagine("a lighthouse", provider="jumdata")))
    assert ainn_checks(stack) == []


async def test_when_the_check_cannot_be_made_the_member_is_told_so(stack: Stack, bot: GridBot) -> None:
    await rules(bot, stack, ngpu_requires_ainn=True)
    stack.arm("ngpu", "server_error", times=None)

    content = await refusal(stack, await stack.imagine("a lighthouse", provider="ngpu"))

    assert "Could not check with NGPU" in content
    await nothing_started(bot, stack)
