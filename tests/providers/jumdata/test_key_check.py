"""The key check over the emulator, in its default and in every variant: good keys good, bad keys bad, with one
free query of a taskId of the documented form and never a submit."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from providers.core.errors import AccountError, AuthenticationError
from providers.jumdata.credentials import JumdataCredentials
from providers.jumdata.settings import DEFAULT_KEY_CHECK_TASK_ID
from tests.emulators import jumdata as emulator
from tests.providers.jumdata.conftest import running

READINGS = [(), ("strict_task_id",), ("strict_hex_task_id",)]
WRONG_SECRET = JumdataCredentials(app_id=emulator.TEST_APP_ID, app_secret=SecretStr("not-the-secret"))
UNKNOWN_APP = JumdataCredentials(app_id="someone-else", app_secret=SecretStr(emulator.TEST_APP_SECRET))


def test_the_key_checks_task_id_has_the_form_of_the_seeds_task_no() -> None:
    assert emulator.DIGITS_TASK_ID.fullmatch(DEFAULT_KEY_CHECK_TASK_ID)


@pytest.mark.parametrize("variants", READINGS, ids=lambda v: ",".join(v) or "default")
async def test_good_keys_are_good_with_one_free_query(variants: tuple[str, ...]) -> None:
    async with running(variants) as live:
        await live.provider.check_credentials()
        [sent] = live.queries
        assert sent.fields["taskId"] == DEFAULT_KEY_CHECK_TASK_ID and live.submits == []


@pytest.mark.parametrize("variants", READINGS, ids=lambda v: ",".join(v) or "default")
@pytest.mark.parametrize("credentials", [WRONG_SECRET, UNKNOWN_APP], ids=["wrong secret", "unknown appId"])
async def test_bad_keys_are_bad(variants: tuple[str, ...], credentials: JumdataCredentials) -> None:
    async with running(variants, credentials=credentials) as live:
        with pytest.raises(AuthenticationError) as caught:
            await live.provider.check_credentials()
        assert "not-the-secret" not in str(caught.value) and live.submits == []


async def test_a_service_refusing_the_checks_id_form_still_calls_good_keys_good() -> None:
    async with running(("strict_hex_task_id",)) as live:
        # the service really refuses the made-up 24-digit id as malformed, not as unknown …
        reply = await live.client.query_reply(DEFAULT_KEY_CHECK_TASK_ID)
        assert (reply.code, reply.msg) == (400, emulator.TASK_ID_FORM_REFUSED)
        # … and that answer is about the id, not the keys
        await live.provider.check_credentials()


async def test_the_setting_names_the_task_id_the_check_asks_about() -> None:
    async with running(("strict_hex_task_id",), key_check_task_id="ab" * 16) as live:
        await live.provider.check_credentials()
        [sent] = live.queries
        assert sent.fields["taskId"] == "ab" * 16


async def test_an_account_problem_is_not_taken_for_good_keys() -> None:
    async with running(("strict_task_id",)) as live:
        live.arm("account_disabled", times=1)
        with pytest.raises(AccountError):
            await live.provider.check_credentials()
