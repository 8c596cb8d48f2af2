"""``/ngpu tasks|nodes|node-tasks|task|brc20`` through the fake Discord and the NGPU emulator: each answer private
and readable, on the server's own NGPU keys only, dates checked, long lists trimmed with a count, and everyone
without Manage Server refused."""

from __future__ import annotations

import datetime
import re

from bot.i18n import t
from providers.registry import PROVIDERS
from storage.keys import KeyScope
from tests.bot.e2e.conftest import Stack
from tests.emulators.ngpu import (
    HISTORIC_TASK_IDS,
    NODES,
    REQUESTS_KEY,
    RESPONSE_SECONDS,
    TEST_BTC_ADDRESS,
    TEST_WORKSPACE_ID,
    add_past_tasks,
)
from tests.fake_discord import InteractionRecord, StoredMessage

TASK_LINE = re.compile(r"^`(\S+)` · (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)$", re.MULTILINE)


async def server_keys(bot, stack: Stack) -> None:
    fields = {"workspace_id": TEST_WORKSPACE_ID}
    await bot.key_store.set(KeyScope.GUILD, stack.fake.guild.id, "ngpu", fields, masked="test…")


async def ngpu(stack: Stack, subcommand: str, options: dict | None = None, **context) -> InteractionRecord:
    context.setdefault("user", stack.fake.admin)
    return await stack.fake.send_slash_command("ngpu", options or {}, subcommand=subcommand, **context)


async def answer(stack: Stack, interaction: InteractionRecord) -> StoredMessage:
    return await stack.fake.wait_for_original(interaction, lambda message: not message.loading)


def embed_of(message: StoredMessage) -> dict:
    [embed] = message.embeds
    return embed


def fields(message: StoredMessage) -> dict[str, str]:
    return {field["name"]: field["value"] for field in embed_of(message).get("fields", [])}


async def offered_nodes(stack: Stack, user) -> list[dict]:
    """The node choices ``user`` is offered (waiting for the answer itself: an empty list is an answer too)."""
    context = stack.fake._context(user, None, False, None)
    record = await stack.fake.actions.autocomplete(
        "ngpu", {"node": ""}, "node", subcommand="node-tasks", locale="en-US", **context
    )
    await stack.wait(lambda: record.autocomplete_choices is not None, "the node choices")
    return record.autocomplete_choices


def sent_to_ngpu(stack: Stack, path: str) -> list:
    return [request for request in stack.emulators["ngpu"][REQUESTS_KEY] if request.path == path]


async def test_tasks_between_two_dates_newest_first_with_their_times(stack: Stack, bot) -> None:
    await server_keys(bot, stack)

    reply = await answer(stack, await ngpu(stack, "tasks", {"from": "2024-04-11", "to": "2024-04-20"}))

    assert reply.ephemeral and not reply.content
    embed = embed_of(reply)
    assert embed["title"] == "NGPU tasks"
    assert embed["description"].startswith("**5** tasks from 2024-04-11 to 2024-04-20.")
    listed = TASK_LINE.findall(embed["description"])
    assert [task_id for task_id, _ in listed] == sorted(HISTORIC_TASK_IDS, reverse=True)
    assert listed[0] == ("20240415_14_30_09_891041", "2024-04-15 14:30:09")
    assert "/ngpu task" in embed["footer"]["text"]
    [asked] = [request for request in sent_to_ngpu(stack, "/user/queryTaskList") if request.taken]
    assert asked.query == {"startTime": "2024-04-11", "endTime": "2024-04-20"}
    assert asked.authorization == TEST_WORKSPACE_ID  # the emulator takes the bare id (NGPU's own bot's form) only
    assert TEST_WORKSPACE_ID not in str(reply.embeds)  # the workspace id is the server's key


async def test_by_default_the_last_week_and_a_long_list_trimmed_with_its_count(stack: Stack, bot) -> None:
    await server_keys(bot, stack)
    now = datetime.datetime.now()
    recent = add_past_tasks(stack.emulators["ngpu"], [now - datetime.timedelta(minutes=n) for n in range(30)])
    add_past_tasks(stack.emulators["ngpu"], [now - datetime.timedelta(days=30)])  # older than a week: not listed

    reply = await answer(stack, await ngpu(stack, "tasks"))

    week_ago = (datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=6)).isoformat()
    [asked] = [request for request in sent_to_ngpu(stack, "/user/queryTaskList") if request.taken]
    assert asked.query == {"startTime": week_ago}  # no end: whatever NGPU has up to now
    embed = embed_of(reply)
    assert embed["description"].startswith(f"**30** tasks since {week_ago} (default: last 7 days).")
    assert [task_id for task_id, _ in TASK_LINE.findall(embed["description"])] == sorted(recent, reverse=True)[:20]
    assert embed["footer"]["text"].startswith("Showing the newest 20 of 30. Narrow the dates to see the others.")

    chinese = embed_of(await answer(stack, await ngpu(stack, "tasks", locale="zh-CN")))
    assert chinese["description"].startswith(f"共 **30** 个任务（{week_ago} 起）（默认：最近 7 天）。")
    dated = embed_of(await answer(stack, await ngpu(stack, "tasks", {"from": week_ago})))
    assert dated["description"].startswith(f"**30** tasks since {week_ago}.")  # dates given: no default to mention


async def test_a_date_that_is_not_yyyy_mm_dd_is_refused_before_ngpu_is_asked(stack: Stack, bot) -> None:
    await server_keys(bot, stack)

    wrong = await answer(stack, await ngpu(stack, "tasks", {"from": "11/04/2024"}))
    reversed_ = await answer(stack, await ngpu(stack, "tasks", {"from": "2024-04-20", "to": "2024-04-11"}))
    impossible = await answer(stack, await ngpu(stack, "node-tasks", {"node": "0x1", "to": "2024-02-30"}))

    assert wrong.ephemeral
    assert wrong.content.startswith("⚠️ “11/04/2024” is not a date for `from`: write it as YYYY-MM-DD, for example")
    assert reversed_.content == "⚠️ The `from` date 2024-04-20 is after the `to` date 2024-04-11."
    assert impossible.content.startswith("⚠️ “2024-02-30” is not a date for `to`")
    assert sent_to_ngpu(stack, "/user/queryTaskList") == sent_to_ngpu(stack, "/user/getTasksFromNode") == []


async def test_nodes_and_the_tasks_of_one_node(stack: Stack, bot) -> None:
    await server_keys(bot, stack)

    nodes = embed_of(await answer(stack, await ngpu(stack, "nodes")))

    assert nodes["title"] == "NGPU compute nodes"
    assert nodes["description"].startswith("**3** nodes run this workspace's image.")
    for node in NODES:
        entry = f"`{node['nodeAddr']}` — image distributed {node['progress']} % · status {node['status']}"
        assert entry in nodes["description"]

    node = NODES[1]["nodeAddr"]
    typed = await stack.fake.autocomplete(
        "ngpu", {"node": "f54b"}, "node", user=stack.fake.admin, subcommand="node-tasks"
    )
    assert [choice["value"] for choice in typed] == [node]
    options = {"node": node, "from": "2024-04-01", "to": "2024-04-30"}
    on_node = embed_of(await answer(stack, await ngpu(stack, "node-tasks", options)))

    [asked] = sent_to_ngpu(stack, "/user/getTasksFromNode")
    assert asked.query == {"nodeAddr": node, "startTime": "2024-04-01", "endTime": "2024-04-30"}
    assert on_node["description"].startswith(f"Node `{node}`\n**")
    listed = [task_id for task_id, _ in TASK_LINE.findall(on_node["description"])]
    assert listed and set(listed) < set(HISTORIC_TASK_IDS)


async def test_one_task_in_full_with_times_node_and_gpu_seconds(stack: Stack, bot) -> None:
    await server_keys(bot, stack)
    task_id = "20240415_14_30_09_891041"

    reply = await answer(stack, await ngpu(stack, "task", {"id": task_id}))

    assert reply.ephemeral and embed_of(reply)["title"] == f"NGPU task {task_id}"
    shown = fields(reply)
    assert shown["State"] == "✅ finished"
    assert shown["Requested"] == "2024-04-15 14:30:09"
    assert shown["Answered"] == f"2024-04-15 14:30:{9 + RESPONSE_SECONDS:02d}"
    assert shown["Took"] == f"{RESPONSE_SECONDS} s"
    assert re.fullmatch(r"\d+ s \(\d+ GPU seconds\)", shown["GPU time"])
    assert shown["Node"].startswith("`0x") and shown["Request"] == "`schedulingTask /user/schedulingTask`"
    assert TEST_WORKSPACE_ID not in str(reply.embeds) and "ts-emulator" not in str(reply.embeds)  # keys, user keys

    unknown = await answer(stack, await ngpu(stack, "task", {"id": "20990101_00_00_00_000000"}))
    assert unknown.ephemeral and unknown.content.startswith("⚠️ ") and not unknown.embeds


async def test_brc20_says_whether_an_address_holds_ainn_in_chinese_too(stack: Stack, bot) -> None:
    # a public check: the bot's own NGPU keys carry it when the server has none
    holder = embed_of(await answer(stack, await ngpu(stack, "brc20", {"address": TEST_BTC_ADDRESS})))
    other = await ngpu(stack, "brc20", {"address": "bc1qnothingheld000000000000"}, locale="zh-CN")
    empty = embed_of(await answer(stack, other))

    assert holder["title"] == "BRC20 inscriptions"
    assert holder["description"] == f"`{TEST_BTC_ADDRESS}`\n✅ Holds **100** AINN: NGPU runs tasks for this address."
    assert holder["fields"] == [{"name": "Held", "value": "AINN: 100", "inline": False}]
    assert empty["title"] == "BRC20 铭文" and "❌ 未持有 AINN" in empty["description"]
    assert [request.authorization for request in sent_to_ngpu(stack, "/user/brc20/checkAddress")] == [None, None]


async def test_without_server_keys_the_admin_is_told_how_to_add_them(stack: Stack, bot) -> None:
    # the bot's settings have NGPU keys (the emulator's), but they are the operator's, not this server's
    reply = await answer(stack, await ngpu(stack, "nodes"))

    assert reply.ephemeral
    assert reply.content.startswith("⚠️ This server has no NGPU keys.")
    assert "`/server-settings keys set service:NGPU`" in reply.content
    assert sent_to_ngpu(stack, "/user/queryNodes") == []


async def test_on_a_bot_that_does_not_offer_ngpu_every_subcommand_says_so(stack: Stack) -> None:
    without_ngpu = {name: cls for name, cls in PROVIDERS.items() if name != "ngpu"}
    async with stack.running(stack.new_bot(services=without_ngpu)) as bot:
        await server_keys(bot, stack)  # keys stored before NGPU was taken off the bot change nothing
        replies = [
            await answer(stack, await ngpu(stack, subcommand, options))
            for subcommand, options in (
                ("tasks", {}),
                ("nodes", {}),
                ("node-tasks", {"node": NODES[0]["nodeAddr"]}),
                ("task", {"id": HISTORIC_TASK_IDS[0]}),
                ("brc20", {"address": TEST_BTC_ADDRESS}),
            )
        ]
        chinese = await answer(stack, await ngpu(stack, "tasks", locale="zh-CN"))
        choices = await offered_nodes(stack, stack.fake.admin)

    assert all(reply.ephemeral and reply.content == "⚠️ NGPU is not offered on this bot." for reply in replies)
    assert chinese.content == "⚠️ 本机器人没有提供 NGPU。"
    assert choices == []
    assert list(stack.emulators["ngpu"][REQUESTS_KEY]) == []


async def test_a_refused_workspace_is_explained_and_noted_on_the_keys(stack: Stack, bot) -> None:
    await server_keys(bot, stack)
    stack.arm("ngpu", "bad_workspace")

    reply = await answer(stack, await ngpu(stack, "nodes"))

    assert reply.ephemeral and reply.content.startswith("⚠️ ") and not reply.embeds
    [summary] = await bot.key_store.summaries(KeyScope.GUILD, stack.fake.guild.id)
    assert summary.last_ok is False


async def test_members_without_manage_server_and_dms_are_refused(stack: Stack, bot) -> None:
    await server_keys(bot, stack)

    for subcommand, options in (
        ("tasks", {}),
        ("nodes", {}),
        ("node-tasks", {"node": NODES[0]["nodeAddr"]}),
        ("task", {"id": HISTORIC_TASK_IDS[0]}),
        ("brc20", {"address": TEST_BTC_ADDRESS}),
    ):
        refused = await answer(stack, await ngpu(stack, subcommand, options, user=stack.fake.member))
        assert refused.ephemeral and not refused.embeds, subcommand
        assert refused.content == f"⚠️ {t('permissions.missing', None, permissions='Manage Server')}"
    in_dm = await answer(stack, await ngpu(stack, "nodes", dm=True))
    assert in_dm.content == "⚠️ This command only works in a server, not in direct messages."
    assert await offered_nodes(stack, stack.fake.member) == []
    assert [r for r in stack.emulators["ngpu"][REQUESTS_KEY] if r.path != "/user/queryTask"] == []

    [group] = [command for command in stack.fake.commands() if command["name"] == "ngpu"]
    assert int(group["default_member_permissions"]) == 1 << 5 and group["contexts"] == [0]
    assert [option["name"] for option in group["options"]] == ["tasks", "nodes", "node-tasks", "task", "brc20"]
