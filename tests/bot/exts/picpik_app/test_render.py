"""The console's texts: services' words escaped then cut, ids in backticks without backslashes, every page within
Discord's limits with the longest data, and an action's final message that never ends a failure in silence."""

from __future__ import annotations

import discord
import pytest

from bot.exts.picpik_app import _render
from bot.exts.picpik_app._models import APP_FAILED, AppAction, AppActionRequest, AppWatch, NotCreated, Observation
from providers.core.models import JobHandle, JobKind
from providers.picpik.app_models import PicpikApp, PicpikBundle
from providers.picpik.codes import error_for_retcode
from storage.jobs import JobRecord
from storage.lifecycle import LifecycleState

#: Discord's limits
CONTENT_MAX, DESCRIPTION_MAX, EMBEDS_TOTAL_MAX, FIELD_MAX, FIELDS_MAX, TITLE_MAX = 2000, 4096, 6000, 1024, 25, 256
#: text that every escape doubles: the worst a service can send
MARKDOWN = "*_`|~>" * 400
LOCALES = ("en-US", "zh-CN")


def record(request: AppActionRequest, watch: AppWatch | None, **values: object) -> JobRecord:
    handle = None
    if watch is not None:
        handle = JobHandle(provider="picpik", kind=JobKind.APP_ACTION, job_id="app-action-7", meta=watch.model_dump())
    defaults: dict[str, object] = {
        "id": 7, "kind": JobKind.APP_ACTION, "state": LifecycleState.FAILING, "owner_id": 1, "guild_id": 10,
        "channel_id": 20, "message_id": 30, "interaction_token": None, "token_expires_at": None, "locale": "en-US",
        "provider": "picpik", "provider_job_id": None,
        "handle_json": handle.model_dump_json() if handle is not None else None,
        "request_json": request.model_dump_json(), "result_json": None, "progress": None,
        "failure_kind": APP_FAILED, "failure_message": None, "parent_job_id": None, "grid_index": None,
        "created_at": 1.0, "updated_at": 1.0, "submitted_at": None, "next_poll_at": None, "poll_errors": 0,
        "delivered_at": None,
    }
    return JobRecord(**{**defaults, **values})  # type: ignore[arg-type]


def seen(codes: dict[str, int | None], moved: tuple[str, ...] = ()) -> Observation:
    return Observation(apps=codes, moved=list(moved))


def longest_app(number: int) -> PicpikApp:
    return PicpikApp(
        AppId=f"app-{number}-" + "x" * 200,
        BundleId=MARKDOWN,
        BundleName=MARKDOWN,
        BundleVersion=MARKDOWN,
        Remark="@everyone " + MARKDOWN,
        IP="`" + "9" * 300,
        State=-3,
        CreateTime=9_999_999_999,
    )


def longest_bundle(number: int) -> PicpikBundle:
    return PicpikBundle(
        BundleId=f"bundle-{number}-" + "y" * 3000,
        Name=MARKDOWN,
        Description=MARKDOWN,
        ActualHourPrice="1" * 40,
        OriginalHourPrice="9" * 40,
        LogoUrl="https://picpik.example/" + "l" * 3000,
        Region=MARKDOWN,
        Version=MARKDOWN,
    )


def within_embed_limits(embeds: list[discord.Embed]) -> None:
    assert sum(len(embed) for embed in embeds) <= EMBEDS_TOTAL_MAX
    for embed in embeds:
        assert len(embed.title or "") <= TITLE_MAX and len(embed.description or "") <= DESCRIPTION_MAX
        assert len(embed.fields) <= FIELDS_MAX
        assert all(len(field.value or "") <= FIELD_MAX and len(field.name or "") <= TITLE_MAX for field in embed.fields)
        assert len(embed.footer.text or "") <= 2048


# --- escaping and cutting ------------------------------------------------------------------------------------


def test_a_services_text_is_escaped_then_cut_so_it_never_grows_past_its_limit() -> None:
    assert _render.safe("*bold* @everyone") == "\\*bold\\* @\u200beveryone"
    cut = _render.safe("*" * 500, 20)
    assert len(cut) <= 20 and cut.endswith("…")
    # never half an escape before the ellipsis (its backslash would escape it)
    assert _render.safe("a" + "*" * 30, 11) == "a\\*\\*\\*\\*…"
    assert _render.safe("ab" + "*" * 30, 11) == "ab\\*\\*\\*\\*…"


def test_ids_and_addresses_in_backticks_lose_only_their_backticks() -> None:
    app = PicpikApp(AppId="app-1", BundleId="bundle_comfy*sdxl", IP="10.0.0.1:80_x", State=1)
    card = _render.app_card(app, "en-US")
    fields = {field.name: field.value for field in card.fields}
    assert fields["Bundle id"] == "`bundle_comfy*sdxl`"  # no backslashes shown inside the code span
    assert fields["Address"] == "`10.0.0.1:80_x`"
    assert _render.code("a`b`c") == "`abc`" and _render.code("") == ""
    line = _render.app_line(app, "en-US")
    assert "· `10.0.0.1:80_x` ·" in line and "bundle\\_comfy\\*sdxl" in line  # outside the backticks: escaped


# --- Discord's limits with the longest data --------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_a_full_page_of_the_longest_apps_fits_one_embed(locale: str) -> None:
    apps = [longest_app(n) for n in range(_render.APPS_PER_PAGE + 3)]
    page = _render.apps_page(apps, 1, locale)
    within_embed_limits([page])
    assert page.description is not None and not page.description.endswith("…")  # it fits without the last guard
    assert page.description.count("\n\n") == _render.APPS_PER_PAGE - 1
    within_embed_limits([_render.app_card(apps[0], locale)])


@pytest.mark.parametrize("locale", LOCALES)
def test_a_full_page_of_the_longest_bundles_fits_one_message(locale: str) -> None:
    bundles = [longest_bundle(n) for n in range(_render.BUNDLES_PER_PAGE + 2)]
    heading, cards = _render.bundles_page(bundles, 1, locale)
    assert len(cards) == _render.BUNDLES_PER_PAGE and len(heading) <= CONTENT_MAX
    within_embed_limits(cards)
    assert all(card.thumbnail.url is None for card in cards)  # a logo address longer than Discord takes is left out


@pytest.mark.parametrize("locale", LOCALES)
def test_the_longest_create_message_fits(locale: str) -> None:
    request = AppActionRequest(
        action=AppAction.CREATE, bundle_id=MARKDOWN, bundle_name=MARKDOWN, region=MARKDOWN, count=10, remark=MARKDOWN
    )
    apps = [f"app-{n}-" + "z" * 100 for n in range(5)]
    failed = [NotCreated(code=8004, message=MARKDOWN, app_id=f"app-f{n}-" + "z" * 100) for n in range(5)]
    watch = AppWatch(action=AppAction.CREATE, apps=apps, not_created=failed)
    text = _render.action_text(record(request, watch, locale=locale), watch, seen(dict.fromkeys(apps, 99)), final=True)
    assert len(text) <= CONTENT_MAX
    assert text.splitlines()[-1].startswith("`app-f4-")  # every line there, none cut off by the last guard


# --- an action's final message ---------------------------------------------------------------------------------


def test_an_action_that_did_not_reach_its_state_ends_with_a_cross_not_a_tick() -> None:
    request = AppActionRequest(action=AppAction.STOP, app_id="app-1")
    watch = AppWatch(action=AppAction.STOP, apps=["app-1"])
    ignored = _render.action_text(record(request, watch), watch, seen({"app-1": 1}), final=True)
    assert ignored.splitlines()[1:] == ["`app-1` — ❌ did not reach shut down (it is running)"]
    chinese = _render.action_text(record(request, watch, locale="zh-CN"), watch, seen({"app-1": 1}), final=True)
    assert chinese.splitlines()[1:] == ["`app-1` — ❌ 未能达到“已关机”（当前：运行中）"]
    gone = _render.action_text(record(request, watch), watch, seen({"app-1": None}), final=True)
    assert gone.splitlines()[1:] == ["`app-1` — ❌ did not reach shut down (it is not listed by Picpik)"]
    # a failure state says it by itself
    failed = _render.action_text(record(request, watch), watch, seen({"app-1": -5}), final=True)
    assert failed.splitlines()[1:] == ["`app-1` — ❌ shutdown failed"]


def test_a_create_that_made_nothing_says_so_and_failed_entries_keep_their_ids() -> None:
    request = AppActionRequest(action=AppAction.CREATE, bundle_id="b", region="r", count=2)
    nothing = AppWatch(action=AppAction.CREATE)
    assert _render.action_text(record(request, nothing), nothing, Observation(), final=True).splitlines()[1:] == [
        "❌ No app was created."
    ]
    refused = AppWatch(action=AppAction.CREATE, not_created=[NotCreated(code=8004, message="No GPU", app_id="app-9")])
    assert _render.action_text(record(request, refused), refused, Observation(), final=True).splitlines()[1:] == [
        "`app-9` — ❌ not created: No GPU",
        "❌ No app was created.",
    ]


def test_while_every_app_still_rests_where_it_was_the_message_says_it_waits() -> None:
    request = AppActionRequest(action=AppAction.START, app_id="app-1")
    watch = AppWatch(action=AppAction.START, apps=["app-1"], before={"app-1": -4})
    waiting = _render.action_text(record(request, watch, state=LifecycleState.RUNNING), watch, seen({"app-1": -4}))
    assert waiting.splitlines()[1:] == ["`app-1` — ❌ start failed", "⏳ Waiting for Picpik to act on it…"]
    moving = _render.action_text(record(request, watch, state=LifecycleState.RUNNING), watch, seen({"app-1": 10}))
    assert moving.splitlines()[1:] == ["`app-1` — ⏳ starting"]


def test_delete_now_is_offered_only_under_a_stop_it_first_that_ended_shut_down() -> None:
    then_delete = AppActionRequest(action=AppAction.STOP, app_id="app-1", then_delete=True)
    watch = AppWatch(action=AppAction.STOP, apps=["app-1"])
    [[button]] = _render.final_buttons(record(then_delete, watch, state=LifecycleState.DELIVERING), watch)
    assert (button.custom_id, button.label, button.emoji) == ("picpik-app:delnow:app-1:1", "Delete now", "🗑️")
    assert _render.final_buttons(record(then_delete, watch), watch) == ()  # the stop failed
    plain_stop = AppActionRequest(action=AppAction.STOP, app_id="app-1")
    assert _render.final_buttons(record(plain_stop, watch, state=LifecycleState.DELIVERING), watch) == ()


def test_a_restart_never_seen_restarting_ends_with_a_cross_saying_so() -> None:
    request = AppActionRequest(action=AppAction.RESTART, app_id="app-1")
    watch = AppWatch(action=AppAction.RESTART, apps=["app-1"], before={"app-1": 1})
    never = _render.action_text(record(request, watch), watch, seen({"app-1": 1}), final=True)
    assert never.splitlines()[1:] == ["`app-1` — ❌ Picpik never showed it restarting (it is still running)"]
    chinese = _render.action_text(record(request, watch, locale="zh-CN"), watch, seen({"app-1": 1}), final=True)
    assert chinese.splitlines()[1:] == ["`app-1` — ❌ Picpik 始终未显示其进入“重启中”（当前仍为：运行中）"]
    done = record(request, watch, state=LifecycleState.DELIVERING, failure_kind=None)
    restarted = _render.action_text(done, watch, seen({"app-1": 1}, moved=("app-1",)), final=True)
    assert restarted.splitlines()[1:] == ["`app-1` — ✅ running"]


@pytest.mark.parametrize(
    ("locale", "lines"),
    [
        ("en-US", ["`app-1` — last seen: ⏳ starting", "⌛ Stopped following: the app did not settle in time."]),
        ("zh-CN", ["`app-1` — 最后状态：⏳ 启动中", "⌛ 已停止跟进：应用未能按时进入稳定状态。"]),
    ],
)
def test_an_action_that_timed_out_shows_where_each_app_was_last_seen(locale: str, lines: list[str]) -> None:
    request = AppActionRequest(action=AppAction.START, app_id="app-1")
    watch = AppWatch(action=AppAction.START, apps=["app-1"], before={"app-1": 6})
    timed_out = record(request, watch, locale=locale, failure_kind="timeout", failure_message="did not finish")
    text = _render.action_text(timed_out, watch, seen({"app-1": 10}, moved=("app-1",)), final=True)
    shown = text.splitlines()[1:]
    assert shown[0] == lines[0] and shown[1].startswith(lines[1])


def test_a_refusal_shows_picpiks_own_words_in_a_sentence_of_the_readers_language() -> None:
    request = AppActionRequest(action=AppAction.START, app_id="app-1")
    message = error_for_retcode(250, "App [app-1] cannot start in state 1").user_message
    refused = {"failure_kind": "invalid_input", "failure_message": message}
    chinese = _render.action_text(record(request, None, locale="zh-CN", **refused), None, Observation(), final=True)
    assert chinese.splitlines()[1:] == [
        "`app-1`",
        "❌ Picpik 没有接受这个请求。",
        "> Picpik 返回：“App \\[app-1] cannot start in state 1”",  # an escaped [ shows as [
    ]
    english = _render.action_text(record(request, None, **refused), None, Observation(), final=True)
    assert english.splitlines()[3:] == ["> Picpik says: “App \\[app-1] cannot start in state 1”"]
    # the bot's own English detail (no words of Picpik's in it) is for English readers only
    lost = {"failure_kind": "decode", "failure_message": "The action's app ids were lost."}
    assert _render.action_text(record(request, None, **lost), None, Observation(), final=True).endswith(
        "\n> The action's app ids were lost."
    )
    in_chinese = _render.action_text(record(request, None, locale="zh-CN", **lost), None, Observation(), final=True)
    assert "lost" not in in_chinese and in_chinese.splitlines()[-1].startswith("❌ ")


def test_info_shows_the_longest_remark_whole() -> None:
    remark = "_*" * 64  # the form's 128 characters, every one escaped
    card = _render.app_card(PicpikApp(AppId="app-1", Remark=remark, State=1), "en-US")
    assert card.description == "\\_\\*" * 64


def test_a_price_too_long_to_be_one_is_shown_as_unknown() -> None:
    absurd = PicpikBundle(BundleId="b", ActualHourPrice="1e2000", OriginalHourPrice="-100")
    fields = {field.name: field.value for field in _render.bundle_card(absurd, "en-US").fields}
    assert fields["Price"] == "? per hour"
    numeric = PicpikBundle.model_validate({"BundleId": "b", "ActualHourPrice": 199, "OriginalHourPrice": 299.0})
    fields = {field.name: field.value for field in _render.bundle_card(numeric, "en-US").fields}
    assert fields["Price"] == "~~¥2.99~~ **¥1.99** per hour"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://picpik.example/logo/comfy.png", True),
        ("https://picpik.example/a.png?size=64", True),
        ("http://picpik.example/a.png?size=64", False),  # plain http: never shown to members
        ("https://10.0.0.5/logo.png", False),  # an address of the service's own network
        ("https://picpik.internal/logo.png", False),
        ("https://exa mple.com/a b.png", False),  # whitespace: Discord refuses the whole message (400)
        ("https://picpik.example/a\u0000.png", False),  # a control character
        ("https://picpik.example/\u200b.png", False),  # an invisible format character: not taken either
        ("https://picpik.example/logo-标志.png", True),  # letters of any script are
        ("ftp://picpik.example/a.png", False),
        ("https:///a.png", False),  # no host
        ("//picpik.example/a.png", False),
        ("logo.png", False),
        ("https://picpik.example/" + "a" * 2025, True),  # 2,048 characters
        ("https://picpik.example/" + "a" * 2026, False),
        ("", False),
        (None, False),
    ],
)
def test_a_logo_is_shown_only_as_a_link_discord_takes(url: str | None, kept: bool) -> None:
    assert _render.logo_url(url) == (url if kept else None)
    bundle = PicpikBundle(BundleId="b", Name="n", LogoUrl=url)
    assert ("thumbnail" in _render.bundle_card(bundle, "en-US").to_dict()) is kept
