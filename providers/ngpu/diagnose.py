"""``python -m bot doctor`` for NGPU: which of the contested forms this NGPU takes, read with free calls only.

queryNodes (the keys check, which also settles the ``Authorization`` form), queryTaskList and queryTask of the
workspace's newest tasks (the form ``data`` comes back in, and queryTask's top-level ``result_code``), and the
BRC-20 check at both of its known paths. Never a submit: a pass-through is billed.
"""

from __future__ import annotations

from typing import Final

from providers.core.diagnosis import Diagnosis, Finding, Verdict
from providers.core.errors import ProviderError
from providers.ngpu.caller import is_missing_path
from providers.ngpu.client import NgpuClient
from providers.ngpu.codes import SUCCESS_CODES
from providers.ngpu.forms import Brc20Path, DataForm, other_brc20_path
from providers.ngpu.models import TaskQuery

#: the seed's own example address: a public value, so asking about it tells NGPU nothing about the operator
SAMPLE_BTC_ADDRESS: Final = "bc1pp8vyhh2ma0ntzjwr26xxrn5r0w296yu68wdwle5rrhgtv3a2lgkqtyayus"
#: how many of the newest tasks are read looking for one whose ``data`` shows its form
TASKS_READ: Final = 3


async def add_findings(client: NgpuClient, diagnosis: Diagnosis) -> None:
    """One finding per contested NGPU reading (the keys were checked first, which settled the auth form)."""
    diagnosis.findings.append(_auth_finding(client, diagnosis))
    diagnosis.findings.append(await _brc20_finding(client))
    query = await _newest_task_reply(client) if diagnosis.keys_accepted else None
    diagnosis.findings.append(_data_finding(client, query))
    if query is not None:
        diagnosis.findings.append(_top_code_finding(query))


def _auth_finding(client: NgpuClient, diagnosis: Diagnosis) -> Finding:
    configured = client.auth_form
    reading = f"the workspace id is sent in {configured.described}"
    accepted = client.accepted_forms().auth
    if accepted is None:
        why = "the keys were refused in both forms" if diagnosis.keys_accepted is False else "NGPU did not answer"
        return Finding(
            "ngpu.auth_form", reading, Verdict.UNKNOWN, f"{why}, so neither form was seen accepted",
            setting=f"NGPU_AUTH_FORM={configured.other.value}",
        )
    saw = f"NGPU accepted {accepted.described}"
    if accepted is configured:
        return Finding(
            "ngpu.auth_form", reading, Verdict.CONFIRMED, saw, setting=f"NGPU_AUTH_FORM={configured.other.value}"
        )
    return Finding(
        "ngpu.auth_form", reading, Verdict.REFUTED, f"NGPU refused {configured.described}; {saw}",
        setting=f"NGPU_AUTH_FORM={accepted.value}",
    )


async def _brc20_finding(client: NgpuClient) -> Finding:
    configured = client.brc20_path
    other = other_brc20_path(configured)
    reading = f"the BRC-20 check is at /{configured}"
    exists = {path: await _path_exists(client, path) for path in (configured, other)}
    saw = "; ".join(f"/{path} {_said(answer)}" for path, answer in exists.items())
    # the setting names the other path whatever the verdict: what to change if this one is (or turns out) wrong
    setting = f"NGPU_BRC20_PATH={other}"
    if exists[configured]:
        return Finding("ngpu.brc20_path", reading, Verdict.CONFIRMED, saw, setting)
    if exists[other]:
        return Finding("ngpu.brc20_path", reading, Verdict.REFUTED, saw, setting)
    return Finding("ngpu.brc20_path", reading, Verdict.UNKNOWN, saw, setting)


async def _path_exists(client: NgpuClient, path: Brc20Path) -> bool | None:
    """True: NGPU answered the check there; False: no such path; None: some other failure said nothing."""
    try:
        await client.check_address_at(path, SAMPLE_BTC_ADDRESS)
    except ProviderError as error:
        return False if is_missing_path(error) else None
    return True


def _said(exists: bool | None) -> str:
    return {True: "answered", False: "does not exist", None: "failed without saying"}[exists]


async def _newest_task_reply(client: NgpuClient) -> TaskQuery | None:
    """queryTask of the workspace's newest task whose ``data`` carries something (None when none does)."""
    try:
        listed = await client.query_task_list()
    except ProviderError:
        return None
    # task ids begin with the time NGPU received the task, so the largest are the newest
    for task_id in sorted(listed.task_ids, reverse=True)[:TASKS_READ]:
        try:
            query = await client.query_task(task_id)
        except ProviderError:
            continue
        if query.data_form is not None:
            return query
    return None


def _data_finding(client: NgpuClient, query: TaskQuery | None) -> Finding:
    configured = client.data_form
    reading = f"pass-through data is sent as a JSON {configured.value}"
    learned = client.accepted_forms().data
    if learned is not None:
        saw = f"a submit in this process was taken with data as a JSON {learned.value}"
        return _judged("ngpu.data_form", reading, configured, learned, saw)
    if query is None:
        return Finding(
            "ngpu.data_form", reading, Verdict.UNKNOWN,
            "no task of this workspace shows its data (none listed, or none answered yet); the first submit "
            "settles it, switching form once if NGPU refuses the first",
            setting=f"NGPU_DATA_FORM={configured.other.value}",
        )
    seen = query.data_form
    assert seen is not None  # _newest_task_reply returns only tasks whose data carries something
    saw = (
        f"queryTask answers a task's data as a JSON {seen.value} "
        f"(read as the form NGPU takes it in: the seed types both as strings, NGPU's own bot sends and reads objects)"
    )
    return _judged("ngpu.data_form", reading, configured, seen, saw)


def _judged(entry: str, reading: str, configured: DataForm, seen: DataForm, saw: str) -> Finding:
    if seen is configured:
        return Finding(entry, reading, Verdict.CONFIRMED, saw, setting=f"NGPU_DATA_FORM={configured.other.value}")
    return Finding(entry, reading, Verdict.REFUTED, saw, setting=f"NGPU_DATA_FORM={seen.value}")


def _top_code_finding(query: TaskQuery) -> Finding:
    reading = "queryTask answers a known task with result_code 100 or 200"
    if _as_int(query.result_code) in SUCCESS_CODES:
        return Finding("ngpu.querytask_top_code", reading, Verdict.CONFIRMED, f"result_code {query.result_code}")
    return Finding(
        "ngpu.querytask_top_code", reading, Verdict.REFUTED,
        f"result_code {query.result_code!r} beside a readable task state; the bot reads a task's state from "
        f"data.result_code alone, so nothing needs changing",
    )


def _as_int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
