"""Who goes next in a server's queue (``bot.queue_line.plan_line``), the day's reset, and the texts."""

import pytest

from bot.queue_line import (
    SECONDS_PER_DAY,
    InLine,
    Limits,
    Place,
    Plan,
    Usage,
    WaitReason,
    day_start,
    next_reset,
    plan_line,
    refusal,
    waiting_line,
)
from storage.settings import ServerSettings

ANN, BOB, CAT = 1, 2, 3
MIDNIGHT = 1_700_006_400.0  # a UTC midnight (2023-11-15)
ONE_EACH = Limits(max_running_per_member=1)


def test_without_limits_everyone_goes_in_order() -> None:
    line = [InLine(10, ANN, True), InLine(11, ANN, False), InLine(12, BOB, True)]
    assert plan_line(line, Usage({ANN: 40}, 999), Limits()) == Plan((10, 11, 12), {})


def test_a_member_at_the_limit_waits_and_keeps_their_order() -> None:
    line = [InLine(10, ANN, False), InLine(11, BOB, False), InLine(12, ANN, False), InLine(13, BOB, False)]
    plan = plan_line(line, Usage({ANN: 1}), ONE_EACH)
    # Bob had nothing running: his first job goes and fills his slot; Ann's wait, first come first served.
    # Each counts only the jobs that go before it: the member's own (Bob's job never takes Ann's slot)
    assert plan.release == (11,)
    assert plan.places == {
        10: Place(0, WaitReason.MEMBER, 1),
        12: Place(1, WaitReason.MEMBER, 1),
        13: Place(0, WaitReason.MEMBER, 1),
    }


def test_slots_freed_go_to_the_oldest_jobs_first() -> None:
    line = [InLine(10, ANN, False), InLine(11, ANN, False), InLine(12, ANN, False)]
    plan = plan_line(line, Usage({ANN: 1}), Limits(max_running_per_member=3))
    assert plan.release == (10, 11)
    assert plan.places == {12: Place(0, WaitReason.MEMBER, 3)}


def test_a_held_job_keeps_its_place_and_holds_back_its_members_later_jobs() -> None:
    line = [InLine(10, ANN, False, held=True), InLine(11, ANN, False), InLine(12, BOB, False)]
    plan = plan_line(line, Usage({}), Limits(max_running_per_member=5))
    assert plan.release == (12,)
    assert set(plan.places) == {10, 11}


def test_the_daily_allowance_on_server_keys() -> None:
    limits = Limits(daily_server_key_jobs=3)
    line = [InLine(10, ANN, True), InLine(11, BOB, False), InLine(12, BOB, True), InLine(13, CAT, True)]
    plan = plan_line(line, Usage({}, server_key_jobs_today=2), limits)
    # one left today: the oldest job on the server's keys takes it; jobs on a member's own keys are not counted
    assert plan.release == (10, 11)
    # waiting for the allowance, every earlier job in the server waiting for it goes first, whoever's it is
    assert plan.places == {12: Place(0, WaitReason.DAILY, 1), 13: Place(1, WaitReason.DAILY, 0)}


def test_a_job_held_back_by_its_member_does_not_hold_back_the_allowance() -> None:
    limits = Limits(max_running_per_member=1, daily_server_key_jobs=10)
    line = [InLine(10, ANN, True), InLine(11, BOB, True)]
    plan = plan_line(line, Usage({ANN: 1}, 9), limits)
    assert plan.release == (11,)
    assert plan.places == {10: Place(0, WaitReason.MEMBER, 1)}
    # both limits reached: the day's is the one that says when
    plan = plan_line(line, Usage({ANN: 1}, 10), limits)
    assert plan.places[10] == Place(0, WaitReason.DAILY, 1)
    assert plan.places[11] == Place(1, WaitReason.DAILY, 0)


def test_a_members_own_waiting_jobs_count_whatever_they_wait_for() -> None:
    # Ann's first job waits for the allowance; her second, on her own keys, waits behind it (her order is kept)
    limits = Limits(max_running_per_member=2, daily_server_key_jobs=1)
    line = [InLine(10, ANN, True), InLine(11, BOB, True), InLine(12, ANN, False)]
    plan = plan_line(line, Usage({}, 1), limits)
    assert plan.release == ()
    assert plan.places == {
        10: Place(0, WaitReason.DAILY, 0),
        11: Place(1, WaitReason.DAILY, 0),
        12: Place(1, WaitReason.MEMBER, 0),
    }


@pytest.mark.parametrize(
    ("settings", "own", "server"),
    [
        (ServerSettings(), False, False),
        (ServerSettings(max_running_per_member=2), True, True),
        (ServerSettings(daily_server_key_jobs=5), False, True),
    ],
)
def test_which_jobs_limits_apply_to(settings: ServerSettings, own: bool, server: bool) -> None:
    limits = Limits.of(settings)
    assert (limits.apply_to(False), limits.apply_to(True)) == (own, server)


def test_the_day_starts_and_resets_at_utc_midnight() -> None:
    assert day_start(MIDNIGHT) == MIDNIGHT
    assert day_start(MIDNIGHT + SECONDS_PER_DAY - 0.5) == MIDNIGHT
    assert next_reset(MIDNIGHT + 3600) == int(MIDNIGHT + SECONDS_PER_DAY)
    assert next_reset(MIDNIGHT - 1) == int(MIDNIGHT)


def test_texts_in_both_languages() -> None:
    member = Place(1, WaitReason.MEMBER, 1)
    daily = Place(4, WaitReason.DAILY, 0)
    limits = Limits(max_running_per_member=1, daily_server_key_jobs=20)
    reset = int(MIDNIGHT + SECONDS_PER_DAY)
    assert waiting_line(member, limits, MIDNIGHT, "en-US") == (
        "⏳ Waiting for a free slot — you have 1 running here, at most 1 at once. It starts when one finishes; "
        "your jobs waiting ahead of it: 1."
    )
    assert waiting_line(daily, limits, MIDNIGHT, "en-US") == (
        "⏳ Waiting for the server's daily allowance — this server's keys have used today's allowance "
        f"(jobs per day: 20); it resets <t:{reset}:R>. Jobs waiting for it ahead of this one, in the whole server: 4."
    )
    assert "排在它前面等待的你的任务：1 个" in waiting_line(member, limits, MIDNIGHT, "zh-CN")
    chinese_daily = waiting_line(daily, limits, MIDNIGHT, "zh-CN")
    assert f"<t:{reset}:R>" in chinese_daily and "全服务器排在它前面等待额度的任务：4 个" in chinese_daily
    # no queue in this server: why, without a word about a queue
    assert "queue" not in refusal(member, limits, 0, MIDNIGHT, "en-US")
    assert "The queue is full (10 waiting in this server)" in refusal(member, limits, 10, MIDNIGHT, "en-US")
    assert f"<t:{reset}:R>" in refusal(daily, limits, 10, MIDNIGHT, "en-US")
    assert "队列已满" in refusal(daily, limits, 10, MIDNIGHT, "zh-CN")
