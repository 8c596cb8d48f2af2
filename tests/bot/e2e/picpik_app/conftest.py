"""Fixtures of the ``/picpik-app`` end-to-end tests: an admin's bot with the server's Picpik keys, and app actions
judged after a short grace."""

from __future__ import annotations

import pytest

from bot.app import GridBot
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.picpik_app.test_picpik_app import server_keys

#: ``FRONTEND_APP_SETTLE_GRACE_SECONDS`` in these tests (a minute by default): the emulator acts at once
TEST_GRACE_SECONDS = 0.3


@pytest.fixture(autouse=True)
def quick_grace(stack: Stack) -> None:
    """The bots of a test judge app actions after ``TEST_GRACE_SECONDS`` (before any bot is made)."""
    stack.front_end = stack.front_end.model_copy(update={"app_settle_grace_seconds": TEST_GRACE_SECONDS})


@pytest.fixture
async def admin_bot(stack: Stack, bot: GridBot) -> GridBot:
    await server_keys(bot, stack)
    return bot
