"""``python -m bot doctor`` for Picpik: the three contested readings, checked with listing calls only.

* ``picpik.status_words`` — the ``Status`` words of the tasks there are to look at (the running ones, which
  ``ListRunningTasks`` lists for free, and those this process started), and whether the bot knows them.
* ``picpik.batch_limit`` — whether a ``ListTasksDetails`` carrying ``PICPIK_TASK_IDS_PER_CALL`` ids is accepted.
* ``picpik.app_host`` — whether ``ListPicpikBundles`` answers where the app actions are sent (``PICPIK_APP_BASE_URL``).

Calls made: ``ListRunningTasks``, ``ListTasksDetails``, ``ListPicpikBundles``; never ``GenerateImages``,
``DescribeImages`` or an app action that creates, starts or changes anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from providers.core.diagnosis import Diagnosis, Finding, Verdict
from providers.core.errors import (
    AuthenticationError,
    DecodeError,
    InvalidInputError,
    NotFoundError,
    ProviderConnectionError,
    ProviderError,
)
from providers.picpik.batch_limit import is_refusal_of_the_list, limit_named
from providers.picpik.client import PicpikClient
from providers.picpik.codes import PicpikRefusedError
from providers.picpik.models import TaskDetail
from providers.picpik.settings import INTERNATIONAL_BASE_URL, MAINLAND_BASE_URL
from providers.picpik.status import is_known_word, read_word

if TYPE_CHECKING:
    from providers.picpik.provider import PicpikProvider

STATUS_WORDS: Final = "picpik.status_words"
BATCH_LIMIT: Final = "picpik.batch_limit"
APP_HOST: Final = "picpik.app_host"

_READINGS: Final = {
    STATUS_WORDS: "tasks say Queuing/Running/Finished/Error or a usual synonym (a job ends on ErrorCode and its "
    "results whatever the word; the word only tells queued from running)",
    BATCH_LIMIT: "ListTasksDetails takes PICPIK_TASK_IDS_PER_CALL ids in one call",
    APP_HOST: "the app actions (bundles, apps) are served at PICPIK_APP_BASE_URL (the generation host unless set)",
}
#: the ids a batch check makes up when no task is there to ask about
_MADE_UP_ID: Final = "gridbot-doctor-probe-{}"
#: errors that say the address does not serve app actions (rather than that it is busy or the keys are wrong)
_NOT_SERVED = (InvalidInputError, NotFoundError, PicpikRefusedError, DecodeError, ProviderConnectionError)


async def diagnose_readings(provider: PicpikProvider, diagnosis: Diagnosis) -> None:
    """Add one ``Finding`` per reading to ``diagnosis`` (whose keys check has run)."""
    if diagnosis.keys_accepted is not True:
        saw = f"not checked: {diagnosis.problem or 'the keys could not be checked'}"
        diagnosis.findings += [Finding(entry, reading, Verdict.UNKNOWN, saw) for entry, reading in _READINGS.items()]
        return
    tasks = await _tasks_to_look_at(provider)
    diagnosis.findings.append(await _status_words(provider, tasks))
    diagnosis.findings.append(await _batch_limit(provider, tasks))
    diagnosis.findings.append(await _app_host(provider))


async def _tasks_to_look_at(provider: PicpikProvider) -> list[str]:
    """The running tasks of the keys (free to list), then the ones this process started, each once."""
    try:
        running = list((await provider.client.list_running_tasks()).TaskUIDList)
    except ProviderError:
        running = []
    return list(dict.fromkeys([*running, *provider.recent_task_uids()]))


def _tasks(count: int) -> str:
    return f"{count} task" if count == 1 else f"{count} tasks"


def _finding(entry: str, verdict: Verdict, saw: str, setting: str | None = None) -> Finding:
    return Finding(entry, _READINGS[entry], verdict, saw, setting)


async def _status_words(provider: PicpikProvider, tasks: list[str]) -> Finding:
    if not tasks:
        return _finding(STATUS_WORDS, Verdict.UNKNOWN, "no task to look at: none is running, none was started here")
    asked = tasks[: provider.ids_per_call()]
    details = [detail for detail in (await provider.task_details(asked)).values() if isinstance(detail, TaskDetail)]
    if not details:
        return _finding(STATUS_WORDS, Verdict.UNKNOWN, f"Picpik described none of the {len(asked)} tasks asked about")
    words = sorted({detail.Status or "" for detail in details})
    for word in words:
        read_word(word)  # an unknown one is reported (and counted) as the poller would
    unknown = [word for word in words if not is_known_word(word)]
    shown = ", ".join(repr(word) for word in words)
    if not unknown:
        return _finding(STATUS_WORDS, Verdict.CONFIRMED, f"Status words on {_tasks(len(details))}: {shown}; all known")
    saw = (
        f"Status words on {_tasks(len(details))}: {shown}; not known to the bot: {', '.join(map(repr, unknown))}. "
        "Nothing to set: jobs still end on ErrorCode and their results; please report the words"
    )
    return _finding(STATUS_WORDS, Verdict.REFUTED, saw)


async def _batch_limit(provider: PicpikProvider, tasks: list[str]) -> Finding:
    wanted = provider.settings.task_ids_per_call
    if wanted < 2:
        return _finding(BATCH_LIMIT, Verdict.UNKNOWN, "PICPIK_TASK_IDS_PER_CALL=1: no call carries several ids")
    # real ids repeated up to the number when there are some (an unknown id may be refused for itself), else made up
    if tasks:
        probe = [tasks[number % len(tasks)] for number in range(wanted)]
        real = min(len(tasks), wanted)
        which = f"{real} real task id{'s' if real > 1 else ''}" + (", repeated" if real < wanted else "")
    else:
        probe = [_MADE_UP_ID.format(number) for number in range(wanted)]
        which = "made-up ids (no task to ask about)"
    try:
        await provider.client.list_tasks_details(probe)
    except ProviderError as error:
        limit = limit_named(error, wanted)
        if limit is not None:
            saw = f"a call with {wanted} ids ({which}) was refused naming a limit of {limit}: {error.user_message}"
            return _finding(BATCH_LIMIT, Verdict.REFUTED, saw, f"PICPIK_TASK_IDS_PER_CALL={limit}")
        what = "refused without naming a limit" if is_refusal_of_the_list(error) else "failed"
        saw = f"a call with {wanted} ids ({which}) {what}: {error.user_message}"
        return _finding(BATCH_LIMIT, Verdict.UNKNOWN, saw)
    return _finding(BATCH_LIMIT, Verdict.CONFIRMED, f"a call with {wanted} ids ({which}) was accepted")


async def _app_host(provider: PicpikProvider) -> Finding:
    where = provider.client.app_url
    try:
        listed = await provider.client.list_bundles(page=1, page_size=1)
    except _NOT_SERVED as error:
        saw = f"ListPicpikBundles at {where} did not answer as an app-action host: {error.user_message}"
        served_at = await _first_serving(provider, _other_hosts(provider, where))
        if served_at is not None:
            saw += f"; {served_at} answers it"
        setting = f"PICPIK_APP_BASE_URL={served_at or '<the address that serves the Picpik app actions>'}"
        return _finding(APP_HOST, Verdict.REFUTED, saw, setting)
    except AuthenticationError as error:
        return _finding(APP_HOST, Verdict.UNKNOWN, f"ListPicpikBundles at {where} refused the keys: {error}")
    except ProviderError as error:
        return _finding(APP_HOST, Verdict.UNKNOWN, f"ListPicpikBundles at {where} failed: {error}")
    count = listed.TotalCount if listed.TotalCount is not None else len(listed.Bundles)
    return _finding(APP_HOST, Verdict.CONFIRMED, f"ListPicpikBundles answered at {where} ({count} bundles)")


def _other_hosts(provider: PicpikProvider, tried: str) -> list[str]:
    """Where else the app actions may be: the generation host, and the other public Picpik host (seed 000 knows only
    a mainland region; the signer's README sends V2 keys to the mainland console) when the generation host is one."""
    base = provider.settings.base_url.rstrip("/")
    candidates = [base]
    if base in (INTERNATIONAL_BASE_URL, MAINLAND_BASE_URL):
        candidates.append(MAINLAND_BASE_URL if base == INTERNATIONAL_BASE_URL else INTERNATIONAL_BASE_URL)
    return [url for url in candidates if url != tried.rstrip("/")]


async def _first_serving(provider: PicpikProvider, candidates: list[str]) -> str | None:
    for url in candidates:
        client = PicpikClient(provider.transport, provider.credentials, app_url=url)  # type: ignore[arg-type]
        try:
            await client.list_bundles(page=1, page_size=1)
        except ProviderError:
            continue
        return url
    return None
