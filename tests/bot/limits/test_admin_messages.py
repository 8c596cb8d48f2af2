"""The private answers, in both languages, with adversarial prompts, names and service words: ``/jobs`` and ``/job``,
``/settings`` and ``/server-settings``, ``/keys list``, the ``/ngpu`` pages and the ``/picpik-app`` console. Each
stays within Discord's limits as sent and pings nobody."""

from __future__ import annotations

import dataclasses
import datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.exts.jobs import _render as jobs_render
from bot.exts.keys import _list as keys_list
from bot.exts.ngpu_admin import _render as ngpu_render
from bot.exts.ngpu_admin._dates import DayRange
from bot.exts.picpik_app import _render as picpik_render
from bot.exts.picpik_app._models import AppAction, AppActionRequest, AppWatch, NotCreated, Observation
from bot.exts.settings import _summary
from bot.exts.settings._edits import WordsChange
from providers.ngpu.models import Brc20Holdings, Node, TaskInfo
from providers.picpik.app_models import PicpikApp, PicpikBundle
from providers.registry import PROVIDERS
from storage.jobs import JobRecord
from storage.keys import KeySummary, mask
from storage.lifecycle import LifecycleState
from storage.settings import MemberSettings, ServerSettings
from tests.bot.exts.picpik_app.test_render import record as app_action_record
from tests.bot.limits.jobs import FAILURE_KINDS, JOBS
from tests.bot.limits.registry import covers
from tests.bot.limits.sent_form import content_problems, embeds_problems
from tests.bot.limits.strategies import ADVERSARIAL, LOCALE, NON_EMPTY, PROPERTIES, SNOWFLAKE

MAYBE_TEXT = st.one_of(st.none(), ADVERSARIAL)


# --- /jobs and /job ----------------------------------------------------------------------------------------


@PROPERTIES
@given(records=st.lists(JOBS, min_size=1, max_size=10), page=st.integers(1, 10_000), locale=LOCALE)
@covers(
    jobs_render.list_embed,
    jobs_render.list_entry,
    jobs_render.shown_prompt,
    jobs_render.state_words,
    jobs_render.kind_name,
    jobs_render.when,
    jobs_render.message_link,
)
def test_a_page_of_jobs_fits_one_embed(records: list[JobRecord], page: int, locale: str) -> None:
    shown = jobs_render.list_embed(records, page, 10_000, 100_000, locale)
    assert embeds_problems([shown]) == []
    assert all(f"#{record.id}" in (shown.description or "") for record in records[:1])


@PROPERTIES
@given(
    record=JOBS,
    children=st.lists(JOBS, max_size=60),
    state=st.sampled_from(list(LifecycleState)),
    parent=st.one_of(st.none(), st.integers(1, 2**63 - 1)),
    locale=LOCALE,
)
@covers(jobs_render.job_embed, jobs_render.service_name)
def test_one_job_in_full_fits_one_embed(
    record: JobRecord, children: list[JobRecord], state: LifecycleState, parent: int | None, locale: str
) -> None:
    record = dataclasses.replace(record, state=state, parent_job_id=parent, delivered_at=1.0)
    assert embeds_problems([jobs_render.job_embed(record, children, locale)]) == []


# --- /settings and /server-settings ------------------------------------------------------------------------

SERVERS = st.builds(
    ServerSettings,
    allowed_services=st.one_of(st.none(), st.frozensets(st.sampled_from(list(PROVIDERS)), min_size=1)),
    default_service=st.one_of(st.none(), st.sampled_from([*PROVIDERS, "gone"])),
    max_running_per_member=st.one_of(st.none(), st.integers(1, 50)),
    daily_server_key_jobs=st.one_of(st.none(), st.integers(1, 100_000)),
    channel_ids=st.one_of(st.none(), st.frozensets(SNOWFLAKE, max_size=50)),
    server_keys_allowed=st.booleans(),
)


@PROPERTIES
@given(
    server=SERVERS,
    words=st.lists(NON_EMPTY.map(lambda word: word[:100]), max_size=40),
    aspect=st.one_of(st.none(), st.sampled_from(["16:9", "2:3", "1:1"])),
    service=st.one_of(st.none(), st.sampled_from([*PROVIDERS, "gone"])),
    locale=LOCALE,
)
@covers(
    _summary.embed,
    _summary.member_fields,
    _summary.server_fields,
    _summary.services_value,
    _summary.default_service_value,
    _summary.limits_value,
    _summary.channels_value,
    _summary.words_count_value,
    _summary.switches_value,
    _summary.service_display,
    _summary.on_off,
)
def test_preferences_and_rules_fit_their_embeds(
    server: ServerSettings, words: list[str], aspect: str | None, service: str | None, locale: str
) -> None:
    server = server.model_copy(update={"banned_words": tuple(dict.fromkeys(words))})
    member = MemberSettings(default_service=service, default_aspect=aspect, results_by_dm=True)
    mine = _summary.embed("Title", _summary.member_fields(member, server, PROVIDERS, locale))
    rules = _summary.embed("Rules", _summary.server_fields(server, PROVIDERS, locale))
    assert embeds_problems([mine, rules]) == []


@PROPERTIES
@given(
    words=st.lists(ADVERSARIAL.map(lambda word: word[:100]), max_size=200),
    changed=st.lists(NON_EMPTY, max_size=200),  # a word is never empty (``_edits.split_words``)
    unchanged=st.lists(NON_EMPTY, max_size=200),
    locale=LOCALE,
)
@covers(_summary.words_change_text, _summary.words_pages, _summary.quoted)
def test_banned_words_answers_and_pages_fit(
    words: list[str], changed: list[str], unchanged: list[str], locale: str
) -> None:
    change = WordsChange(tuple(words), changed, unchanged)
    text = _summary.words_change_text(change, "settings.words.added", "settings.words.already", locale)
    assert content_problems(text) == []
    for page in _summary.words_pages(words):
        assert len(page) <= _summary.WORDS_PAGE_CHARS or page.count("\n") == 0


# --- /keys list --------------------------------------------------------------------------------------------

KEYS = st.builds(
    KeySummary,
    scope=st.just("user"),
    owner_id=SNOWFLAKE,
    service=st.sampled_from([*PROVIDERS, "gone"]),
    masked=ADVERSARIAL.map(mask),
    created_at=st.just(1.0),
    updated_at=st.just(1.0),
    last_used_at=st.one_of(st.none(), st.floats(0, 2e9)),
    last_outcome=st.one_of(st.none(), st.sampled_from(["ok", "failed", *filter(None, FAILURE_KINDS)])),
)


@PROPERTIES
@given(own=st.lists(KEYS, max_size=60), server=st.one_of(st.none(), st.lists(KEYS, max_size=60)), locale=LOCALE)
@covers(keys_list.list_text, keys_list.server_list_text, keys_list.status_text, keys_list.kind_text)
def test_the_keys_list_fits_one_message(own: list[KeySummary], server: list[KeySummary] | None, locale: str):
    display = lambda name: PROVIDERS[name].display_name if name in PROVIDERS else name  # noqa: E731
    assert content_problems(keys_list.list_text(own, server, display, locale)) == []
    assert content_problems(keys_list.server_list_text(server or [], display, locale)) == []


# --- /ngpu -------------------------------------------------------------------------------------------------

DAYS = st.builds(
    DayRange,
    start=st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 1, 1)),
    end=st.one_of(st.none(), st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 1, 1))),
    default_start=st.booleans(),
)


@PROPERTIES
@given(
    task_ids=st.lists(ADVERSARIAL, max_size=40),
    reported=st.integers(0, 10**9),
    days=DAYS,
    node=MAYBE_TEXT,
    nodes=st.lists(st.builds(Node, node_addr=ADVERSARIAL, progress=st.integers(), status=st.integers()), max_size=40),
    locale=LOCALE,
)
@covers(ngpu_render.task_list_embed, ngpu_render.nodes_embed, ngpu_render.task_time)
def test_the_ngpu_lists_fit_one_embed(
    task_ids: list[str], reported: int, days: DayRange, node: str | None, nodes: list[Node], locale: str
) -> None:
    tasks = ngpu_render.task_list_embed("Tasks", task_ids, reported, days, locale, node=node)
    assert embeds_problems([tasks]) == []
    assert embeds_problems([ngpu_render.nodes_embed(nodes, locale)]) == []


@PROPERTIES
@given(
    texts=st.lists(MAYBE_TEXT, min_size=6, max_size=6),
    task_id=ADVERSARIAL,
    state=st.integers(-5, 5),
    gpu=st.one_of(st.none(), st.integers(0, 10**9)),
    names=st.lists(ADVERSARIAL, max_size=60),
    address=ADVERSARIAL,
    locale=LOCALE,
)
@covers(ngpu_render.task_embed, ngpu_render.brc20_embed, ngpu_render.duration_text)
def test_one_ngpu_task_and_a_brc20_answer_fit(
    texts: list[str | None], task_id: str, state: int, gpu: int | None, names: list[str], address: str, locale: str
) -> None:
    method, requrl, nodeaddr, btc, requested, answered = texts
    userkey, userip = "member-key-4f1c9a", "203.0.113.77"  # who sent the task: never shown
    info = TaskInfo(
        taskid=task_id, state=state, method=method, requrl=requrl, nodeaddr=nodeaddr, btcaddress=btc,
        requesttime=requested, responsetime=answered, userkey=userkey, userip=userip, gpudursion=gpu,
    )
    shown = ngpu_render.task_embed(info, locale)
    assert embeds_problems([shown]) == []
    assert userkey not in str(shown.to_dict()) and userip not in str(shown.to_dict())
    holdings = Brc20Holdings(exists=True, names=names, balances=list(range(len(names))))
    assert embeds_problems([ngpu_render.brc20_embed(address, holdings, locale)]) == []


# --- /picpik-app -------------------------------------------------------------------------------------------

APPS = st.builds(
    PicpikApp,
    AppId=ADVERSARIAL.map(lambda text: "app-" + text[:200]),
    BundleId=MAYBE_TEXT,
    BundleName=MAYBE_TEXT,
    BundleVersion=MAYBE_TEXT,
    Remark=MAYBE_TEXT,
    IP=MAYBE_TEXT,
    State=st.integers(-20, 20),
    CreateTime=st.one_of(st.none(), st.integers(0, 9_999_999_999)),
)
BUNDLES = st.builds(
    PicpikBundle,
    BundleId=ADVERSARIAL.map(lambda text: "b-" + text),
    Name=MAYBE_TEXT,
    Description=MAYBE_TEXT,
    Region=MAYBE_TEXT,
    Version=MAYBE_TEXT,
    LogoUrl=st.one_of(st.none(), ADVERSARIAL.map(lambda text: "https://picpik.example/" + text)),
    ActualHourPrice=st.one_of(st.none(), st.integers(0, 10**12), ADVERSARIAL.map(lambda text: text[:50])),
    OriginalHourPrice=st.one_of(st.none(), st.integers(0, 10**12)),
)


@PROPERTIES
@given(apps=st.lists(APPS, min_size=1, max_size=12), bundles=st.lists(BUNDLES, min_size=1, max_size=6), locale=LOCALE)
@covers(
    picpik_render.apps_page,
    picpik_render.app_line,
    picpik_render.app_card,
    picpik_render.bundles_page,
    picpik_render.bundle_card,
    picpik_render.price_text,
    picpik_render.logo_url,
    picpik_render.state_words,
    picpik_render.state_name,
    picpik_render.safe,
    picpik_render.code,
    picpik_render.fitted,
    picpik_render.pages_of,
)
def test_the_console_pages_fit(apps: list[PicpikApp], bundles: list[PicpikBundle], locale: str) -> None:
    assert embeds_problems([picpik_render.apps_page(apps, 1, locale, total=10**9)]) == []
    assert embeds_problems([picpik_render.app_card(apps[0], locale)]) == []
    heading, cards = picpik_render.bundles_page(bundles, 1, locale)
    assert content_problems(heading) == [] and embeds_problems(cards) == []


@PROPERTIES
@given(
    action=st.sampled_from(list(AppAction)),
    app_ids=st.lists(ADVERSARIAL.map(lambda text: "app-" + text[:56]), max_size=8),
    remark=MAYBE_TEXT,
    bundle=MAYBE_TEXT,
    codes=st.lists(st.one_of(st.none(), st.integers(-20, 20)), min_size=8, max_size=8),
    failures=st.lists(st.builds(NotCreated, code=st.integers(), message=ADVERSARIAL), max_size=8),
    failure_kind=st.sampled_from(FAILURE_KINDS),
    failure_message=MAYBE_TEXT,
    final=st.booleans(),
    locale=LOCALE,
)
@covers(picpik_render.action_text, picpik_render.final_buttons, picpik_render.service_words)
def test_an_app_actions_message_fits(
    action: AppAction,
    app_ids: list[str],
    remark: str | None,
    bundle: str | None,
    codes: list[int | None],
    failures: list[NotCreated],
    failure_kind: str | None,
    failure_message: str | None,
    final: bool,
    locale: str,
) -> None:
    request = AppActionRequest(
        action=action, app_id=app_ids[0] if app_ids else None, bundle_id=bundle, bundle_name=bundle,
        region=remark, count=len(app_ids), remark=remark, then_delete=True,
    )
    watch = AppWatch(action=action, apps=app_ids, not_created=failures)
    record = app_action_record(
        request, watch, failure_kind=failure_kind, failure_message=failure_message, locale=locale,
        owner_id=10**17, state=LifecycleState.FAILING if failure_kind else LifecycleState.DELIVERING,
    )
    seen = Observation(apps=dict(zip(app_ids, codes, strict=False)), moved=app_ids[:1])
    text = picpik_render.action_text(record, watch, seen, final=final)
    assert content_problems(text, [record.owner_id]) == []
    for row in picpik_render.final_buttons(record, watch):
        assert all(len(spec.label or "") <= 80 and len(spec.custom_id) <= 100 for spec in row)
