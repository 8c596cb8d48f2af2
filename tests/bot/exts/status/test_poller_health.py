"""``/bot-status``'s poller line, from the open jobs' due times alone."""

from __future__ import annotations

from dataclasses import dataclass

from bot.exts.status._cog import _poller_health
from bot.poller import MAX_IDLE_SECONDS

NOW = 1_800_000_000.0


@dataclass
class _Due:
    next_poll_at: float | None


def test_no_open_job_is_idle() -> None:
    assert _poller_health([], NOW, "en-US") == "✅ No open jobs."


def test_jobs_due_soon_or_just_now_mean_it_keeps_up() -> None:
    text = _poller_health([_Due(NOW + 30), _Due(NOW - 1)], NOW, "en-US")  # type: ignore[list-item]
    assert text == f"✅ Keeping up; next check <t:{int(NOW - 1)}:R>."


def test_jobs_left_overdue_longer_than_the_poller_ever_sleeps_mean_it_is_behind() -> None:
    late = [_Due(NOW - MAX_IDLE_SECONDS - 5), _Due(NOW - MAX_IDLE_SECONDS - 50), _Due(NOW + 10)]
    text = _poller_health(late, NOW, "zh-CN")  # type: ignore[arg-type]
    assert text == f"⚠️ 处理滞后：2 个任务已逾期，最早的从 <t:{int(NOW - MAX_IDLE_SECONDS - 50)}:R> 起。"
