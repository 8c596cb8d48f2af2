"""A service that repeats the keys in an error: the member's reply, the job's stored failure and the database file
keep none of the secret (``providers.core.scrub``), while the service's own words still come through."""

from __future__ import annotations

from bot.app import GridBot
from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_imagine import assert_finished_cleanly, settled
from tests.bot.e2e.test_secrets_at_rest import raw_bytes
from tests.emulators.jumdata import TEST_APP_ID, TEST_APP_SECRET


async def test_an_error_that_echoes_the_app_secret_is_stored_and_shown_without_it(stack: Stack, bot: GridBot) -> None:
    stack.arm("jumdata", "echo_secret")

    final = await stack.final(await stack.imagine("a paper lantern", provider="jumdata"))
    [record] = await settled(bot, stack.fake.member.id, 1)

    assert_finished_cleanly(final)
    assert record.state is LifecycleState.FAILED and record.failure_message
    # the service's words (and the public appId) are kept, the secret is not
    assert "其他错误" in record.failure_message and TEST_APP_ID in record.failure_message
    assert TEST_APP_SECRET not in record.failure_message
    assert TEST_APP_SECRET not in final.content
    assert TEST_APP_SECRET.encode() not in raw_bytes(stack.settings.database.path)
