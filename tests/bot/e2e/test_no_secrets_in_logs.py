"""Every log record of a whole session, at DEBUG, from every logger (the bot's, discord.py's, aiohttp's), holds
no secret: not the bot token, no service key or password, no interaction token, no login token a service issued,
nothing a member typed into a keys form (kept or refused).

The records go through the same handler ``python -m bot`` installs (``bot.logs.configure_logging``). A second,
raw handler in front of it shows what the records would have said without it, so the test proves it looks at
traffic where secrets really are (discord.py logs every interaction URL, token included, at DEBUG).
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
from collections.abc import Iterator

import pytest

from bot.logs import configure_logging, settings_secrets
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_keys import SECOND_PRIVATE_KEY, SECOND_PUBLIC_KEY, set_keys
from tests.emulators import jumdata as jumdata_emulator
from tests.emulators import midjourney as midjourney_emulator
from tests.emulators import ngpu as ngpu_emulator
from tests.emulators.__main__ import _emulator_modules

#: ENV_SETTINGS values that name an account rather than unlock it (sent in clear in URLs or bodies by design)
IDENTIFIERS = {"PICPIK_PUBLIC_KEY", "MIDJOURNEY_USERNAME", "JUMDATA_APP_ID", "NGPU_BTC_ADDRESS"}


@pytest.fixture
def issued_login_tokens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every login token the Midjourney-style emulator hands out during the test."""
    issued: list[str] = []
    original = midjourney_emulator.issue_token

    def recording(state: midjourney_emulator.EmulatorState, username: str) -> str:
        issued.append(token := original(state, username))
        return token

    monkeypatch.setattr(midjourney_emulator, "issue_token", recording)
    return issued


@pytest.fixture
def captured_logs(stack: Stack) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    """(raw, redacted): all records at DEBUG, before and after the bot's own redacting handler."""
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    raw = io.StringIO()
    raw_handler = logging.StreamHandler(raw)
    raw_handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    # first in line: it formats each record before the redacting handler rewrites it
    root.handlers.insert(0, raw_handler)
    redacted = io.StringIO()
    handler = configure_logging(logging.DEBUG, settings_secrets(stack.settings), stream=redacted)
    noisy = {name: logging.getLogger(name).level for name in ("discord", "aiohttp", "asyncio")}
    for name in noisy:
        logging.getLogger(name).setLevel(logging.NOTSET)  # nothing may be left out by a quieter logger
    try:
        yield raw, redacted
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for name, level in noisy.items():
            logging.getLogger(name).setLevel(level)
        handler.close()


def service_secrets() -> dict[str, str]:
    return {
        key: value
        for module in _emulator_modules().values()
        for key, value in module.ENV_SETTINGS.items()
        if key not in IDENTIFIERS
    }


async def test_a_whole_session_logs_no_secret(
    stack: Stack, captured_logs: tuple[io.StringIO, io.StringIO], issued_login_tokens: list[str]
) -> None:
    raw, redacted = captured_logs
    async with stack.running():
        services = ["picpik", "midjourney", "jumdata", "ngpu"]
        stack.arm("midjourney", "expire_login")  # a second login: a second token to keep out of the logs
        started = [await stack.imagine(f"a fox no. {n}", provider=service) for n, service in enumerate(services)]
        grids = await asyncio.gather(*(stack.final(interaction) for interaction in started))
        stack.arm("ngpu", "task_fails")
        stack.arm("jumdata", "server_error")  # an HTTP 500 on the submit: the service's error body is logged
        storm, sea = await stack.imagine("a storm", provider="ngpu"), await stack.imagine("a sea", provider="jumdata")
        failures = await asyncio.gather(stack.final(storm), stack.final(sea))
        assert all("❌" in message.content for message in failures)
        grid = grids[0]
        job_id = re.search(r"job:(\d+):U1", " ".join(grid.custom_ids))[1]  # type: ignore[index]
        upscaled = await stack.final(await stack.fake.click_button(grid, f"job:{job_id}:U1"))
        assert upscaled.attachments
        await stack.fake.wait_for_original(await stack.fake.send_slash_command("jobs"))

    secrets = {
        **service_secrets(),
        "the bot token": stack.fake.token,
        **{f"interaction token {i.id}": i.token for i in stack.fake.state.interactions.values()},
        **{f"login token {n}": token for n, token in enumerate(issued_login_tokens)},
    }
    assert issued_login_tokens, "the session should have logged in to the Midjourney-style API"
    assert len([k for k in secrets if k.startswith("interaction")]) >= 8

    raw_text, text = raw.getvalue(), redacted.getvalue()
    # the capture sees the real traffic, secrets and all: without the bot's handler they would be in the log
    assert any(token in raw_text for key, token in secrets.items() if key.startswith("interaction")), raw_text[:2000]
    loggers = {line.split(" ", 1)[0] for line in raw_text.splitlines()}
    assert {"discord.gateway", "discord.http", "discord.webhook.async_", "aiosqlite"} <= loggers, loggers
    assert any(name.startswith("providers.") for name in loggers), loggers
    leaked = sorted(name for name, secret in secrets.items() if secret in text)
    assert leaked == [], leaked
    # and the log is still useful: what happened is there, only the secret parts are replaced
    assert "[redacted]" in text and "/interactions/" in text


async def test_keys_typed_into_the_forms_never_reach_the_log(
    stack: Stack, captured_logs: tuple[io.StringIO, io.StringIO]
) -> None:
    """discord.py logs every gateway event at DEBUG before the bot sees it, a form's submit with what the member
    typed included: kept keys, refused ones (never saved, so never known to the filter as keys) and the rest."""
    raw, redacted = captured_logs
    second_user, second_password = "second-user", "second-password-8c1f"
    stack.emulators["midjourney"][midjourney_emulator.STATE_KEY].users[second_user] = second_password
    forms = {  # service → (refused, saved)
        "picpik": (
            {"public_key": SECOND_PUBLIC_KEY, "private_key": "typed-wrong-private-key-1"},
            {"public_key": SECOND_PUBLIC_KEY, "private_key": SECOND_PRIVATE_KEY},
        ),
        "midjourney": (
            {"username": second_user, "password": "typed-wrong-password-2"},
            {"username": second_user, "password": second_password},
        ),
        "jumdata": (
            {"app_id": jumdata_emulator.TEST_APP_ID, "app_secret": "typed-wrong-app-secret-3"},
            {"app_id": jumdata_emulator.TEST_APP_ID, "app_secret": jumdata_emulator.TEST_APP_SECRET},
        ),
        "ngpu": (
            {"workspace_id": "typed-wrong-workspace-4"},
            {"workspace_id": ngpu_emulator.TEST_WORKSPACE_ID, "btc_address": ngpu_emulator.TEST_BTC_ADDRESS},
        ),
    }
    async with stack.running():
        for service, (refused, saved) in forms.items():
            assert "do not work" in (await set_keys(stack, stack.fake.member, refused, service=service)).content
            assert "are saved" in (await set_keys(stack, stack.fake.member, saved, service=service)).content
        started = [await stack.imagine("a fox", provider=service) for service in forms]  # on the member's keys
        assert all(m.attachments for m in await asyncio.gather(*(stack.final(i) for i in started)))

    typed = {
        f"{service} {name}": value
        for service, pair in forms.items()
        for fields in pair
        for name, value in fields.items()
        if name not in {"public_key", "username", "app_id"}  # identifiers, sent in the clear by design
    }
    raw_text, text = raw.getvalue(), redacted.getvalue()
    # without the bot's handler the gateway's DEBUG lines would show every one of them
    assert [name for name, value in typed.items() if value not in raw_text] == []
    assert "'type': 5" in text and "'custom_id': 'private_key'" in text  # the events are logged, values masked
    leaked = sorted(name for name, value in typed.items() if value in text)
    assert leaked == [], leaked
