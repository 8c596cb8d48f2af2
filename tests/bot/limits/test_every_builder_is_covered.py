"""Every message builder has a property test: the functions of the modules that build what the bot sends (found by
their place: ``bot/*_rendering.py``, ``bot/exts/*/_render.py``, and the modules listed below), public and returning
text, an embed, a view, a form, a choice or a message, are each either covered by a property test of this package
(``registry.covers``) or named below with why they need none. A new builder fails here until it has one."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import bot
import tests.bot.limits
from tests.bot.limits.registry import COVERED

ROOT = Path(bot.__file__).parent
#: modules that build messages without being named for it
LISTED = (
    "bot.rendering",
    "bot.dm_copy",
    "bot.replies",
    "bot.poller",
    "bot.text_fit",
    "bot.exts.jobs._cog",
    "bot.exts.picpik_app._views",
    "bot.exts.settings._summary",
    "bot.exts.settings._services",
    "bot.exts.keys._list",
    "bot.exts.imagine._remix",
)
#: what a return annotation names when the function builds something Discord is sent
_MESSAGE_TYPES = re.compile(r"\b(str|Embed|View|Modal|Choice|ButtonSpec|\w*Message|MessagePayload)\b")
#: builders' helpers that are no message text, each with why
EXEMPT = {
    "bot.rendering.grid_custom_id": "a custom_id: its length is checked through the views that carry it",
    "bot.rendering.reroll_custom_id": "a custom_id, as above",
    "bot.rendering.vary_custom_id": "a custom_id, as above",
    "bot.rendering.remix_custom_id": "a custom_id, as above",
    "bot.rendering.remix_form_custom_id": "a custom_id, checked through the remix form",
    "bot.rendering.prompt_custom_id": "a custom_id, checked through the describe answer's buttons",
    "bot.rendering.service_name": "a registry display name (constants)",
    "bot.rendering.result_filename": "a file name the bot makes from the job number",
    "bot.rendering.shareable_link": "a link policy, not text: tests/bot/test_rendering.py",
    "bot.text_fit.one_line": "a helper of neutral_within (covered)",
    "bot.text_fit.unmentioned": "a helper of neutralised (covered)",
    "bot.text_fit.fitted": "lists of whole items: tests/bot/exts/settings (covered through the settings embeds)",
    "bot.text_fit.channel_mentions": "through channels_value (covered)",
    "bot.describe_rendering.thumbnail_filename": "a file name the bot makes from the job number",
    "bot.talk_rendering.size_text": "a size in digits and a unit",
    "bot.talk_rendering.video_extension": "a file extension",
    "bot.dm_copy.message_link": "a discord.com link of ids",
    "bot.exts.jobs._render.message_link": "a discord.com link of ids",
    "bot.exts.jobs._cog.jobs_page": "reads the store, then list_embed and page_buttons (both covered)",
    "bot.exts.jobs._cog.page_custom_id": "a custom_id, checked through page_buttons",
    "bot.exts.picpik_app._views.page_custom_id": "a custom_id, checked through the console's views",
    "bot.exts.picpik_app._views.key_custom_id": "a custom_id, as above",
    "bot.exts.picpik_app._views.confirm_custom_id": "a custom_id, as above",
    "bot.exts.picpik_app._views.cancel_custom_id": "a custom_id, as above",
    "bot.exts.picpik_app._views.remark_custom_id": "a custom_id, checked through the remark form",
}


def builder_modules() -> list[ModuleType]:
    found = [f"bot.{path.stem}" for path in ROOT.glob("*_rendering.py")]
    found += [f"bot.exts.{path.parent.name}._render" for path in ROOT.glob("exts/*/_render.py")]
    return [importlib.import_module(name) for name in sorted({*found, *LISTED})]


def builders() -> set[str]:
    """``module.name`` of every public function of the builder modules that returns something Discord is sent."""
    found: set[str] = set()
    for module in builder_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            returned = str(function.__annotations__.get("return", ""))
            if _MESSAGE_TYPES.search(returned):
                found.add(f"{module.__name__}.{name}")
    return found


def covered() -> set[str]:
    """What the property tests of this package cover (importing each test module fills the registry)."""
    for info in pkgutil.iter_modules(tests.bot.limits.__path__):
        if info.name.startswith("test_"):
            importlib.import_module(f"tests.bot.limits.{info.name}")
    importlib.import_module("tests.bot.test_text_fit")
    return set(COVERED)


def test_every_message_builder_has_a_property_test() -> None:
    found = builders()
    assert len(found) > 60, sorted(found)  # the enumeration itself works
    missing = sorted(found - covered() - set(EXEMPT))
    assert missing == [], f"builders without a property test (add one with @covers, or say why in EXEMPT): {missing}"


def test_the_exemptions_name_real_builders() -> None:
    stale = sorted(set(EXEMPT) - builders())
    assert stale == [], f"exempted names that are no builder any more: {stale}"
