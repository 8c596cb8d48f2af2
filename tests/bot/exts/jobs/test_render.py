"""``/jobs`` and ``/job`` texts: state words, links, and lists cut to Discord's limits."""

from __future__ import annotations

from bot.exts.jobs import _render
from providers.core.models import JobKind
from storage.jobs import JobRecord
from storage.lifecycle import LifecycleState


def record(**values: object) -> JobRecord:
    defaults: dict[str, object] = {
        "id": 7, "kind": JobKind.IMAGINE, "state": LifecycleState.DELIVERED, "owner_id": 1, "guild_id": 10,
        "channel_id": 20, "message_id": 30, "interaction_token": None, "token_expires_at": None, "locale": None,
        "provider": "picpik", "provider_job_id": None, "handle_json": None, "request_json": '{"prompt": "a cat"}',
        "result_json": None, "progress": None, "failure_kind": None, "failure_message": None,
        "parent_job_id": None, "grid_index": None, "created_at": 1.0, "updated_at": 1.0, "submitted_at": None,
        "next_poll_at": None, "poll_errors": 0, "delivered_at": None,
    }
    return JobRecord(**{**defaults, **values})  # type: ignore[arg-type]


def test_links_point_at_the_server_or_at_direct_messages() -> None:
    assert _render.message_link(record()) == "https://discord.com/channels/10/20/30"
    assert _render.message_link(record(guild_id=None)) == "https://discord.com/channels/@me/20/30"
    assert _render.message_link(record(message_id=None)) is None


def test_state_words_in_both_languages() -> None:
    failed = record(state=LifecycleState.FAILED, failure_kind="quota")
    assert _render.state_words(failed, "en-US") == "❌ failed: The Picpik account is out of credit or over its quota."
    assert _render.state_words(failed, "zh-CN") == "❌ 失败：Picpik 账户余额不足或已超出配额。"
    running = record(state=LifecycleState.RUNNING, progress=41.6)
    assert _render.state_words(running, "en-US") == "🎨 running 42 %"
    assert _render.state_words(record(state=LifecycleState.PENDING), "zh-CN") == "⏳ 等待中"
    unknown = record(state=LifecycleState.UNKNOWN, provider="ngpu")
    assert _render.state_words(unknown, "en-US") == "❔ checking whether NGPU received it"


def test_a_long_list_of_follow_ups_is_cut_with_a_count_of_the_rest() -> None:
    children = [record(id=n, kind=JobKind.UPSCALE, grid_index=1 + n % 4) for n in range(100, 160)]
    embed = _render.job_embed(record(), children, "en-US")
    [follow_ups] = [f.value for f in embed.fields if f.name == "Follow-ups"]
    assert follow_ups is not None and len(follow_ups) <= _render.FIELD_LIMIT
    shown = follow_ups.count("\n")
    assert follow_ups.endswith(f"… and {60 - shown} more")
