"""What ``python -m bot doctor`` concludes about Jumdata from two free queries of made-up taskIds.

Only ``/ai/draw/query`` is used (never the submit, billed per image): once with the key check's own taskId
(``JUMDATA_KEY_CHECK_TASK_ID``, 24 digits like the seed's ``taskNo``) and once with an id of no plausible form. What
the service answers says whether the keys are judged the way the bot judges them (``jumdata.key_check``) and whether
the service refuses ids not of its own form (``jumdata.task_id_shape``).
"""

from __future__ import annotations

from dataclasses import dataclass

from providers.core.diagnosis import Finding, Verdict
from providers.jumdata.codes import OK, TASK_UNKNOWN, refuses_credentials, refuses_task_id

#: an id of no form a service would issue (letters, dashes): a strict service refuses it as such
MALFORMED_TASK_ID = "not-a-task-id"
#: where an operator names a taskId of the service's own form
KEY_CHECK_SETTING = "JUMDATA_KEY_CHECK_TASK_ID"


@dataclass(frozen=True)
class QueryAnswer:
    """One query's answer as ``doctor`` reports it: the code and the (already scrubbed) ``msg``, or the failure."""

    task_id: str
    code: int | None = None
    msg: str = ""
    #: why no envelope came back (timeout, not JSON, …); None when one did
    failure: str | None = None

    def shown(self) -> str:
        if self.code is None:
            return f"no reply to read ({self.failure})"
        return f"code {self.code} “{self.msg}”" if self.msg else f"code {self.code}"

    @property
    def refuses_keys(self) -> bool:
        return self.code is not None and refuses_credentials(self.code, self.msg)

    @property
    def refuses_task_id(self) -> bool:
        return self.code is not None and refuses_task_id(self.code, self.msg)


def key_check_finding(probe: QueryAnswer) -> Finding:
    """``jumdata.key_check``: the key check's query names the appId/sign when the keys are refused, and otherwise
    answers about the task (unknown id, or an id of another form), which means the keys passed."""
    reading = "a made-up taskId's query names appId/sign for bad keys; an answer about the task means good keys"
    saw = f"taskId {probe.task_id!r}: {probe.shown()}"
    if probe.refuses_keys:
        return Finding("jumdata.key_check", reading, Verdict.CONFIRMED, f"{saw}: names the keys, so they were refused")
    if probe.code == TASK_UNKNOWN:
        return Finding("jumdata.key_check", reading, Verdict.CONFIRMED, f"{saw}: an unknown id, so the keys passed")
    if probe.refuses_task_id:
        # a service that reads the id before the keys answers bad keys the same way: the keys were not judged
        told = f"{saw}: the id's form was refused before anything was said about the keys"
        setting = f"{KEY_CHECK_SETTING}=<a taskId this account was given>"
        return Finding("jumdata.key_check", reading, Verdict.UNKNOWN, told, setting)
    if probe.code == OK:
        told = f"{saw}: a task with this id exists, so the keys passed"
        return Finding("jumdata.key_check", reading, Verdict.CONFIRMED, told)
    told = f"{saw}: says nothing the key check reads about the keys (please report this answer)"
    return Finding("jumdata.key_check", reading, Verdict.UNKNOWN, told)


def task_id_shape_finding(malformed: QueryAnswer, probe: QueryAnswer) -> Finding:
    """``jumdata.task_id_shape``: whether the service refuses a taskId not of its own form (strict), and if so whether
    the key check's own id passes as well formed. Seed 003 documents only an empty taskId as a parameter error and an
    unknown one as 201, so the bot's reading is that any non-empty id is taken."""
    reading = "the query takes any non-empty taskId (an unknown one answers 201), the key check's included"
    saw = f"taskId {malformed.task_id!r}: {malformed.shown()}"
    if malformed.code == TASK_UNKNOWN:
        told = f"{saw}: not strict, any form is taken"
        return Finding("jumdata.task_id_shape", reading, Verdict.CONFIRMED, told)
    if not malformed.refuses_task_id:
        told = f"{saw}: says nothing about the id's form (please report this answer)"
        return Finding("jumdata.task_id_shape", reading, Verdict.UNKNOWN, told)
    strict = f"{saw}: strict, an id not of the service's form is refused"
    if probe.refuses_task_id:
        # A service that reads the id before the keys would then answer bad keys with the same refusal.
        told = (
            f"{strict}, and so is the key check's taskId {probe.task_id!r} ({probe.shown()}): the service's ids have "
            "another form, and a key check may miss bad keys if the service reads the id before the keys"
        )
        setting = f"{KEY_CHECK_SETTING}=<a taskId this account was given>"
        return Finding("jumdata.task_id_shape", reading, Verdict.REFUTED, told, setting)
    # the reading (any form taken) is wrong, but the key check's own id is of the service's form: nothing to change
    told = f"{strict}; the key check's taskId {probe.task_id!r} passes as well formed ({probe.shown()})"
    return Finding("jumdata.task_id_shape", reading, Verdict.REFUTED, told)
