"""The readings of contested Picpik facts the emulator can play (``--variant picpik:NAME``).

The default follows the strongest public evidence:

* ``Status`` words: the current documents type the field as "String" and list no values; only the deprecated
  ``ListGenerateTaskDetail`` listed Queuing/Running/Finished/Error. So the default plays words other than those
  legacy ones, the usual vocabulary of a task API today (Pending, Processing, Success, Failed): the bot must
  finish and fail jobs on ``ErrorCode`` and the results, not on a word.
* ``ListTasksDetails``: no document gives a maximum number of ids, nor says what an unknown or expired id does:
  the default takes any number and leaves unknown ids out of its answer.
* The app actions of seed 000: no document names their host; the default serves them at the one API address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

from tests.emulators.picpik._catalog import BAD_PARAMS, Refusal

STATUS_LEGACY: Final = "status_legacy"
STATUS_OTHER: Final = "status_other"
STRICT_BATCHES: Final = "strict_batches"
APP_HOST: Final = "app_host"

#: where the ``app_host`` variant serves the app actions (and nothing else): set PICPIK_APP_BASE_URL=/app-actions
APP_ACTIONS_PATH: Final = "/app-actions"
#: the ids one ListTasksDetails call may carry under ``strict_batches``
STRICT_MAX_TASKS: Final = 20

VARIANTS: dict[str, str] = {
    STATUS_LEGACY: "task Status words are the legacy Queuing / Running / Finished / Error",
    STATUS_OTHER: 'task Status words are numeric-looking strings no document names ("0" queued, "1" running, '
    '"2" finished, "3" failed)',
    STRICT_BATCHES: f"ListTasksDetails refuses a call as a whole (RetCode {BAD_PARAMS}) when it carries more than "
    f"{STRICT_MAX_TASKS} ids (the Message names the limit) or any unknown or expired id (the Message names it); "
    f"setting: PICPIK_TASK_IDS_PER_CALL={STRICT_MAX_TASKS}",
    APP_HOST: f"the app actions (bundles, apps) are served only under {APP_ACTIONS_PATH}, which serves nothing else; "
    f"the API address refuses them as unknown actions; setting: PICPIK_APP_BASE_URL={APP_ACTIONS_PATH}",
}
#: what an operator whose service plays a variant would set (``python -m tests.emulators`` prints it)
VARIANT_ENV_SETTINGS: dict[str, dict[str, str]] = {
    "strict_batches": {"PICPIK_TASK_IDS_PER_CALL": str(STRICT_MAX_TASKS)},
    "app_host": {"PICPIK_APP_BASE_URL": APP_ACTIONS_PATH},
}

#: the app actions of seed 000
APP_ACTIONS: Final = frozenset(
    {
        "ListPicpikBundles",
        "CreatePicpikApp",
        "ListPicpikApps",
        "ModifyPicpikAppRemark",
        "StartPicpikApp",
        "StopPicpikApp",
        "RestartPicpikApp",
        "DeletePicpikApp",
    }
)

#: a task's phase → its Status word, per reading
_WORDS: Final = {
    None: {"queued": "Pending", "running": "Processing", "finished": "Success", "failed": "Failed"},
    STATUS_LEGACY: {"queued": "Queuing", "running": "Running", "finished": "Finished", "failed": "Error"},
    STATUS_OTHER: {"queued": "0", "running": "1", "finished": "2", "failed": "3"},
}


def status_words(variants: frozenset[str]) -> dict[str, str]:
    """The Status word of each phase (``queued``, ``running``, ``finished``, ``failed``) under ``variants``."""
    chosen = next((name for name in (STATUS_LEGACY, STATUS_OTHER) if name in variants), None)
    return _WORDS[chosen]


def action_served(variants: frozenset[str], action: str, path: str) -> bool:
    """Whether ``action`` is served at ``path``: everything at ``/`` by default; under ``app_host`` the app actions
    only at ``APP_ACTIONS_PATH`` and the others only at ``/``."""
    at_app_path = path.rstrip("/") == APP_ACTIONS_PATH
    if APP_HOST not in variants:
        return not at_app_path
    return (action in APP_ACTIONS) == at_app_path


def check_task_list(variants: frozenset[str], uids: list[object], known: Callable[[str], bool]) -> None:
    """Under ``strict_batches``, refuse the call as a whole: too many ids first, then the first unknown one."""
    if STRICT_BATCHES not in variants:
        return
    if len(uids) > STRICT_MAX_TASKS:
        raise Refusal(
            BAD_PARAMS, f"Params [TaskUIDList] not available: length exceeds {STRICT_MAX_TASKS}, at most "
            f"{STRICT_MAX_TASKS} ids per call"
        )
    unknown = next((uid for uid in uids if not isinstance(uid, str) or not known(uid)), None)
    if unknown is not None:
        raise Refusal(BAD_PARAMS, f"Params [TaskUIDList] not available: task [{unknown}] does not exist or has expired")


def paths(variants: Iterable[str]) -> list[str]:
    """The API paths the emulator answers on under ``variants``."""
    return ["/", APP_ACTIONS_PATH, APP_ACTIONS_PATH + "/"] if APP_HOST in set(variants) else ["/"]
