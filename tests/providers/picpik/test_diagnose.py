"""``PicpikProvider.diagnose()`` against the emulator in its default reading and in each variant, with and without the
setting an operator would make: what each finding says, and that only listing calls were sent (the request log)."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from providers.core.diagnosis import Diagnosis, Finding, Verdict
from providers.core.models import ImagineRequest, JobStatus
from providers.core.unknown_values import unknown_value_counts
from providers.picpik import PicpikProvider
from providers.picpik.credentials import PicpikCredentials
from providers.picpik.diagnose import APP_HOST, BATCH_LIMIT, STATUS_WORDS
from providers.picpik.status import STATUS_FIELD
from tests.emulators.picpik import APP_ACTIONS_PATH, STRICT_MAX_TASKS
from tests.providers.contract import run_to_end
from tests.providers.picpik.conftest import CREDENTIALS, Emulator, settings_for

#: what a diagnosis may send: listing calls, none of them billed or changing anything
FREE_ACTIONS = frozenset({"ListRunningTasks", "ListTasksDetails", "ListPicpikBundles", "ListPicpikApps", "ListModels"})


async def diagnosed(
    emulator: Emulator, session: aiohttp.ClientSession, *, tasks: int = 0, finished: bool = False, **settings: Any
) -> tuple[Diagnosis, dict[str, Finding], PicpikProvider]:
    """The diagnosis of a provider that started ``tasks`` jobs (run to their end when ``finished``); the calls the
    diagnosis made must all be free."""
    provider = PicpikProvider(session, settings_for(emulator.url, **settings), CREDENTIALS)
    handles = [await provider.imagine(ImagineRequest(prompt=f"a kite {n}", count=1)) for n in range(tasks)]
    if finished:
        for handle in handles:
            assert (await run_to_end(provider, handle))[0].status is JobStatus.SUCCEEDED
    before = len(emulator.all_requests())
    diagnosis = await provider.diagnose()
    sent = {str(entry["Action"]) for entry in emulator.all_requests()[before:]}
    assert sent and sent <= FREE_ACTIONS, sent
    return diagnosis, {finding.entry: finding for finding in diagnosis.findings}, provider


def _assert_usable(diagnosis: Diagnosis) -> None:
    assert diagnosis.reachable and diagnosis.keys_accepted and diagnosis.usable, diagnosis
    assert [finding.entry for finding in diagnosis.findings] == [STATUS_WORDS, BATCH_LIMIT, APP_HOST]


async def test_default_with_nothing_to_look_at(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    diagnosis, found, _ = await diagnosed(emulator, session)
    _assert_usable(diagnosis)
    assert found[STATUS_WORDS].verdict is Verdict.UNKNOWN and "no task" in found[STATUS_WORDS].saw
    # made-up ids: the default takes them (and leaves them out of its answer)
    assert found[BATCH_LIMIT].verdict is Verdict.CONFIRMED and "made-up" in found[BATCH_LIMIT].saw
    assert found[APP_HOST].verdict is Verdict.CONFIRMED and emulator.url in found[APP_HOST].saw
    assert all(finding.setting is None for finding in diagnosis.findings)


@pytest.mark.parametrize("finished", [False, True])
async def test_default_status_words_are_known(
    emulator: Emulator, session: aiohttp.ClientSession, finished: bool
) -> None:
    diagnosis, found, _ = await diagnosed(emulator, session, tasks=2, finished=finished)
    _assert_usable(diagnosis)
    words = found[STATUS_WORDS]
    assert words.verdict is Verdict.CONFIRMED, words
    assert ("'Success'" in words.saw) is finished
    assert found[BATCH_LIMIT].verdict is Verdict.CONFIRMED and "real task ids" in found[BATCH_LIMIT].saw


@pytest.mark.variants("status_legacy")
async def test_legacy_words_are_known(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    diagnosis, found, _ = await diagnosed(emulator, session, tasks=1, finished=True)
    _assert_usable(diagnosis)
    assert found[STATUS_WORDS].verdict is Verdict.CONFIRMED and "'Finished'" in found[STATUS_WORDS].saw


@pytest.mark.variants("status_other")
async def test_words_nobody_documents_are_named_and_reported(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    diagnosis, found, _ = await diagnosed(emulator, session, tasks=1, finished=True)
    _assert_usable(diagnosis)
    words = found[STATUS_WORDS]
    assert words.verdict is Verdict.REFUTED and words.setting is None
    assert "not known to the bot: '2'" in words.saw
    assert any(value.field == STATUS_FIELD and value.value == "2" for value in unknown_value_counts())


@pytest.mark.variants("strict_batches")
async def test_a_named_limit_is_refuted_with_the_setting(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    diagnosis, found, _ = await diagnosed(emulator, session, tasks=1)
    _assert_usable(diagnosis)
    limit = found[BATCH_LIMIT]
    assert limit.verdict is Verdict.REFUTED, limit
    assert limit.setting == f"PICPIK_TASK_IDS_PER_CALL={STRICT_MAX_TASKS}"
    assert found[STATUS_WORDS].verdict is Verdict.CONFIRMED  # the tasks themselves are still read


@pytest.mark.variants("strict_batches")
async def test_with_the_setting_the_limit_is_confirmed(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    diagnosis, found, _ = await diagnosed(emulator, session, tasks=1, task_ids_per_call=STRICT_MAX_TASKS)
    _assert_usable(diagnosis)
    assert found[BATCH_LIMIT].verdict is Verdict.CONFIRMED


@pytest.mark.variants("strict_batches")
async def test_made_up_ids_refused_without_a_limit_cannot_tell(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    diagnosis, found, _ = await diagnosed(emulator, session, task_ids_per_call=STRICT_MAX_TASKS)
    _assert_usable(diagnosis)
    limit = found[BATCH_LIMIT]
    assert limit.verdict is Verdict.UNKNOWN and "refused without naming a limit" in limit.saw


@pytest.mark.variants("app_host")
async def test_app_actions_refused_on_the_generation_host_are_refuted(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    diagnosis, found, _ = await diagnosed(emulator, session)
    _assert_usable(diagnosis)
    host = found[APP_HOST]
    assert host.verdict is Verdict.REFUTED, host
    assert host.setting is not None and host.setting.startswith("PICPIK_APP_BASE_URL=")
    assert "ListPicpikBundles" in host.saw


@pytest.mark.variants("app_host")
async def test_with_the_setting_the_app_host_is_confirmed(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    diagnosis, found, _ = await diagnosed(emulator, session, app_base_url=APP_ACTIONS_PATH)
    _assert_usable(diagnosis)
    assert found[APP_HOST].verdict is Verdict.CONFIRMED
    assert emulator.url + APP_ACTIONS_PATH in found[APP_HOST].saw


async def test_a_wrong_app_address_names_the_host_that_answers(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    diagnosis, found, _ = await diagnosed(emulator, session, app_base_url="/nowhere")
    _assert_usable(diagnosis)
    host = found[APP_HOST]
    assert host.verdict is Verdict.REFUTED
    assert host.setting == f"PICPIK_APP_BASE_URL={emulator.url}"


async def test_refused_keys_check_nothing_else(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    wrong = PicpikCredentials(public_key=CREDENTIALS.public_key, private_key=SecretStr("not-the-private-key"))
    provider = PicpikProvider(session, settings_for(emulator.url), wrong)
    diagnosis = await provider.diagnose()
    assert diagnosis.keys_accepted is False and not diagnosis.usable
    assert [finding.verdict for finding in diagnosis.findings] == [Verdict.UNKNOWN] * 3
    assert all("keys were refused" in finding.saw for finding in diagnosis.findings)
    assert {entry["Action"] for entry in emulator.all_requests()} == {"ListRunningTasks"}
