"""The ``/ngpu`` embeds: durations humanised, lists trimmed with their count, secrets of a task never shown."""

from __future__ import annotations

import datetime

import pytest

from bot.exts.ngpu_admin._dates import DayRange
from bot.exts.ngpu_admin._render import (
    MAX_LISTED_NODES,
    MAX_LISTED_TASKS,
    brc20_embed,
    duration_text,
    nodes_embed,
    task_embed,
    task_list_embed,
    task_time,
)
from providers.ngpu.models import Brc20Holdings, Node, TaskInfo

WEEK = DayRange(datetime.date(2024, 4, 14), None)
#: the seed's example, with what must never be shown
DETAIL = TaskInfo.model_validate(
    {
        "id": 2687, "userkey": "ts-22a51e64-secret", "btcaddress": "0000000000000000000000000GFg7xJaNVN2",
        "workspaceid": "367614711220405248", "taskid": "20240415_14_30_09_891041",
        "requrl": "/user/schedulingTask?paramUrl=create", "method": "schedulingTask", "userip": "94.74.66.215",
        "nodeip": "43.240.1.180", "nodeaddr": "0xCac10F51814E8e425a6877951fecb7746161c669",
        "requesttime": "2024-04-15 14:30:11", "responsetime": "2024-04-15 15:32:16", "request": '{"py": "H4sI"}',
        "state": 3, "response": '{"task_id": "37a41eba"}', "recordDursion": 1, "gpudursion": 3725,
    }
)


@pytest.mark.parametrize(
    ("seconds", "english", "chinese"),
    [
        (0, "0 s", "0 秒"),
        (42, "42 s", "42 秒"),
        (185, "3 min 5 s", "3 分 5 秒"),
        (3600, "1 h", "1 小时"),
        (3725, "1 h 2 min", "1 小时 2 分"),
    ],
)
def test_durations_are_humanised(seconds: int, english: str, chinese: str) -> None:
    assert duration_text(seconds, "en-US") == english and duration_text(seconds, "zh-CN") == chinese


def test_a_task_id_tells_when_ngpu_received_it() -> None:
    assert task_time("20240411_13_36_11_922124") == "2024-04-11 13:36:11"
    assert task_time("not-a-timestamp") is None


def test_a_long_task_list_shows_the_newest_with_the_count() -> None:
    ids = [f"202404{day:02d}_10_00_00_000000" for day in range(1, 31)]
    embed = task_list_embed("NGPU tasks", ids, 30, WEEK, "en-US")

    lines = embed.description.splitlines()
    assert lines[0] == "**30** tasks since 2024-04-14."
    assert lines[2] == "`20240430_10_00_00_000000` · 2024-04-30 10:00:00"
    assert len(lines) == 2 + MAX_LISTED_TASKS
    assert embed.footer.text.splitlines()[0] == "Showing the newest 20 of 30. Narrow the dates to see the others."


def test_an_empty_list_and_a_count_larger_than_the_ids_sent() -> None:
    assert task_list_embed("t", [], 0, WEEK, "zh-CN").description == "没有任务（2024-04-14 起）。"
    partial = task_list_embed("t", ["odd`id"], 7, WEEK, "en-US", node="0xabc")
    assert partial.description.splitlines() == ["Node `0xabc`", "**7** tasks since 2024-04-14.", "", "`oddid`"]
    assert partial.footer.text.startswith("Showing the newest 1 of 7.")


def test_nodes_are_listed_with_their_distribution_and_trimmed() -> None:
    nodes = [Node(nodeAddr=f"0x{n:040x}", progress=100 if n % 2 else 40, status=n % 2) for n in range(30)]
    embed = nodes_embed(nodes, "en-US")
    assert embed.description.splitlines()[0] == "**30** nodes run this workspace's image."
    assert f"`0x{1:040x}` — image distributed 100 % · status 1" in embed.description
    assert embed.description.count("`0x") == MAX_LISTED_NODES
    assert embed.footer.text.startswith(f"Showing {MAX_LISTED_NODES} of 30 nodes.")
    assert nodes_embed([], "en-US").description == "No compute node runs this workspace's image yet."


def test_a_task_in_full_without_its_secrets() -> None:
    embed = task_embed(DETAIL, "en-US")
    shown = {field.name: field.value for field in embed.fields}

    assert embed.title == "NGPU task 20240415_14_30_09_891041"
    assert shown == {
        "State": "✅ finished",
        "Requested": "2024-04-15 14:30:11",
        "Answered": "2024-04-15 15:32:16",
        "Took": "1 h 2 min",
        "GPU time": "1 h 2 min (3725 GPU seconds)",
        "Node": "`0xCac10F51814E8e425a6877951fecb7746161c669`",
        "Request": "`schedulingTask /user/schedulingTask?paramUrl=create`",
        "BTC address": "`0000000000000000000000000GFg7xJaNVN2`",
    }
    text = str(embed.to_dict())
    for secret in ("ts-22a51e64-secret", "367614711220405248", "94.74.66.215", "H4sI", "37a41eba"):
        assert secret not in text


def test_an_open_task_in_chinese() -> None:
    running = DETAIL.model_copy(update={"state": 2, "responsetime": "", "gpudursion": None, "btcaddress": ""})
    shown = {field.name: field.value for field in task_embed(running, "zh-CN").fields}
    assert shown["状态"] == "⏳ 未完成（状态 2）"
    assert shown["响应时间"] == "尚未" and shown["GPU 时间"] == "未知"
    assert "耗时" not in shown and "BTC 地址" not in shown


def test_brc20_holdings() -> None:
    rich = brc20_embed("bc1p", Brc20Holdings(exists=True, names=["ordi", "AINN"], balances=[5, 100]), "en-US")
    assert rich.description == "`bc1p`\n✅ Holds **100** AINN: NGPU runs tasks for this address."
    assert rich.fields[0].value == "ordi: 5\nAINN: 100"
    poor = brc20_embed("bc1q", Brc20Holdings(exists=False), "en-US")
    assert poor.description.endswith("❌ Holds no AINN: NGPU refuses tasks that name this address.")
    assert poor.fields[0].value == "None of the inscriptions NGPU checks."
