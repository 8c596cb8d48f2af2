"""Components, forms and autocomplete choices, in both languages, with adversarial names and prompts: button and
option labels within 80 and 100 characters, forms within their title, label, placeholder and value sizes, and choice
names within 100."""

from __future__ import annotations

import dataclasses

from discord import app_commands
from hypothesis import given
from hypothesis import strategies as st

from bot.exts.imagine import _models as imagine_models
from bot.exts.imagine._remix import remix_form
from bot.exts.jobs import _cog as jobs_cog
from bot.exts.picpik_app import _render as picpik_render
from bot.exts.picpik_app import _views as picpik_views
from bot.exts.settings._services import picker_view
from providers.core.models import ImageData, JobKind, JobState, JobStatus, ModelOption
from providers.picpik.app_models import PicpikApp, PicpikBundle
from providers.registry import PROVIDERS
from storage.jobs import JobRecord
from storage.settings import ServerSettings
from tests.bot.limits.jobs import JOBS, delivered
from tests.bot.limits.registry import covers
from tests.bot.limits.sent_form import choices_problems, modal_problems, view_problems
from tests.bot.limits.strategies import ADVERSARIAL, LOCALE, PROPERTIES, SNOWFLAKE
from tests.bot.limits.test_admin_messages import APPS, BUNDLES

APP_ID = st.from_regex(r"[A-Za-z0-9_.\-]{1,60}", fullmatch=True)


@PROPERTIES
@given(record=JOBS, index=st.one_of(st.none(), st.integers(1, 4)), limit=st.integers(1, 6_000), locale=LOCALE)
@covers(remix_form)
def test_the_remix_form_fits_whatever_the_prompt(
    record: JobRecord, index: int | None, limit: int, locale: str
) -> None:
    grid = dataclasses.replace(delivered(record), kind=JobKind.IMAGINE, result_json=_four_images())
    assert modal_problems(remix_form(grid, index, limit, locale)) == []


def _four_images() -> str:
    images = [ImageData(url=f"https://cdn.example/{n}.png") for n in range(4)]
    return JobState(status=JobStatus.SUCCEEDED, images=images).model_dump_json()


@PROPERTIES
@given(app_id=APP_ID, current=st.one_of(st.none(), ADVERSARIAL), known=st.booleans(), locale=LOCALE)
@covers(picpik_views.remark_form)
def test_the_remark_form_fits(app_id: str, current: str | None, known: bool, locale: str) -> None:
    assert modal_problems(picpik_views.remark_form(app_id, current, locale, known=known)) == []


@PROPERTIES
@given(
    app_id=APP_ID,
    owner=SNOWFLAKE,
    page=st.integers(1, 9_999),
    pages=st.integers(1, 9_999),
    op=st.sampled_from(["delete", "stop"]),
    locale=LOCALE,
)
@covers(picpik_views.page_view, picpik_views.info_view, picpik_views.confirm_view, jobs_cog.page_buttons)
def test_the_consoles_and_the_job_lists_buttons_fit(
    app_id: str, owner: int, page: int, pages: int, op: str, locale: str
) -> None:
    for view in (
        picpik_views.page_view("apps", page, pages, locale),
        picpik_views.info_view(app_id, locale),
        picpik_views.confirm_view(op, app_id, owner, locale),
        jobs_cog.page_buttons(page, pages, locale),  # type: ignore[arg-type]
    ):
        assert view_problems(view) == []


@PROPERTIES
@given(
    allowed=st.one_of(st.none(), st.frozensets(st.sampled_from(list(PROVIDERS)), min_size=1)),
    locale=LOCALE,
)
@covers(picker_view)
def test_the_services_picker_fits(allowed: frozenset[str] | None, locale: str) -> None:
    assert view_problems(picker_view(PROVIDERS, ServerSettings(allowed_services=allowed), locale)) == []


@PROPERTIES
@given(record=JOBS, app=APPS, bundle=BUNDLES, locale=LOCALE)
@covers(jobs_cog.job_choice_name, picpik_render.app_choice_name, picpik_render.bundle_choice_name)
def test_autocomplete_choice_names_fit(record: JobRecord, app: PicpikApp, bundle: PicpikBundle, locale: str) -> None:
    names = [
        jobs_cog.job_choice_name(record, locale),  # type: ignore[arg-type]
        picpik_render.app_choice_name(app, locale),
        picpik_render.bundle_choice_name(bundle),
    ]
    assert choices_problems([app_commands.Choice(name=name, value=1) for name in names]) == []


@PROPERTIES
@given(labels=st.lists(st.tuples(ADVERSARIAL, ADVERSARIAL.map(lambda text: text[:100] or "v")), max_size=25))
@covers(imagine_models._fitted)
def test_model_and_style_choices_fit(labels: list[tuple[str, str]]) -> None:
    """What ``ModelCatalog.choices`` makes of each of the (at most 25) options a service lists."""
    options = [imagine_models._fitted(ModelOption(value=value, label=label)) for label, value in labels]
    choices = [app_commands.Choice(name=option.label, value=option.value) for option in options]
    assert choices_problems(choices) == []
