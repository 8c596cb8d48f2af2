"""A meta-test over every slash command the bot syncs: names Discord accepts, each command, option and choice
described, and every description and choice also in Simplified Chinese (through the bot's Translator, as
Discord receives them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from providers.registry import PROVIDERS
from tests.bot.e2e.conftest import Stack

#: Discord's rule for command and option names (lower case where the script has case)
NAME = re.compile(r"^[-_\w]{1,32}$")
ZH_CN = "zh-CN"
#: proper names may read the same in Chinese
PROPER_NAMES = {cls.display_name for cls in PROVIDERS.values()}
SUBCOMMAND_TYPES = (1, 2)


def walk(command: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """The command and every option below it (sub-commands included), each with its path."""
    here = f"{path} {command['name']}".strip()
    yield here, command
    for option in command.get("options", []):
        yield from walk(option, here)


def test_the_command_catalogue_is_complete(stack: Stack, bot) -> None:
    commands = stack.fake.commands()
    names = [command["name"] for command in commands]
    assert {"imagine", "upscale", "variation", "blend", "describe"} <= set(names), names
    assert len(names) == len(set(names)), "two commands with one name"

    problems: list[str] = []
    for command in commands:
        for path, item in walk(command):
            if not NAME.match(item["name"]) or item["name"] != item["name"].lower():
                problems.append(f"{path}: name Discord refuses")
            description = item.get("description", "")
            if not 1 <= len(description) <= 100:
                problems.append(f"{path}: description missing or too long")
            chinese = (item.get("description_localizations") or {}).get(ZH_CN)
            if not chinese or chinese == description or len(chinese) > 100:
                problems.append(f"{path}: no Simplified Chinese description")
            if item.get("name_localizations"):
                problems.append(f"{path}: names are not translated (members type the English ones)")
            for choice in item.get("choices", []):
                translated = (choice.get("name_localizations") or {}).get(ZH_CN)
                if translated is None and choice["name"] not in PROPER_NAMES:
                    problems.append(f"{path}: choice {choice['name']!r} has no Simplified Chinese name")
    assert problems == []


def test_a_chinese_member_reads_the_chinese_texts(stack: Stack, bot) -> None:
    [imagine] = [c for c in stack.fake.commands() if c["name"] == "imagine"]
    assert imagine["description_localizations"][ZH_CN] == "根据提示词画四张图"
    provider = next(o for o in imagine["options"] if o["name"] == "provider")
    midjourney = next(c for c in provider["choices"] if c["value"] == "midjourney")
    assert midjourney["name_localizations"][ZH_CN] == "Midjourney 风格 API"
