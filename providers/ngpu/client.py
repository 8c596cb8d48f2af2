"""The raw NGPU API: one method per documented action, each a one-liner over ``_call``.

``_call`` authenticates, sends through the shared transport (idempotent reads retried, billed submits sent
exactly once), decodes, and maps NGPU's ``result_code`` to the core errors (``codes.py``). Where the seed and
NGPU's own bot disagree on a request's form (``forms.py``), it tries the configured form and, when NGPU refuses
it before taking the call, the other form once; the form that worked is kept for the workspace. A submit is sent
again only after such a refusal, never when its outcome is unknown.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from providers.core.errors import AuthenticationError, DecodeError, InvalidInputError, NotFoundError, ProviderError
from providers.core.models import JobStatus
from providers.core.scrub import Scrubber
from providers.core.transport import HttpResponse, Transport
from providers.core.unknown_values import report_unknown
from providers.ngpu.codes import SUCCESS_CODES, raise_for_result
from providers.ngpu.credentials import NgpuCredentials
from providers.ngpu.forms import (
    BRC20_PATHS,
    LEARNED,
    AuthForm,
    Brc20Path,
    DataForm,
    LearnedForms,
    WorkspaceForms,
    order,
    other_brc20_path,
    workspace_key,
    workspace_tag,
)
from providers.ngpu.models import (
    Brc20Holdings,
    NodeList,
    PassthroughRequest,
    PassthroughResponse,
    SadTalkerRequest,
    SadTalkerResult,
    SadTalkerSubmitted,
    ScheduledTask,
    TaskDetail,
    TaskList,
    TaskQuery,
    format_day,
)
from providers.ngpu.status import observe_task_data

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger(__name__)


class Auth(Enum):
    """Whether a call carries the workspace id."""

    #: a public call (the BRC-20 check)
    NONE = "none"
    #: sent without it, as both the seed and NGPU's own bot do (``queryTask``); with it only if NGPU asks
    OPTIONAL = "optional"
    WORKSPACE = "workspace"

#: what NGPU's own bot sends to schedule its sadTalker image
SAD_TALKER_PARAM_URL = "sadTalker"
SAD_TALKER_PORT = 8075
HTTP_METHOD_NOT_ALLOWED = 405
#: a path inside the image: segments of letters, digits and - _ . (never "." or ".."), joined by /
_SEGMENT = r"(?!\.{1,2}(?:/|$))[A-Za-z0-9_.\-]+"
_IMAGE_PATH = re.compile(rf"^{_SEGMENT}(?:/{_SEGMENT})*$")


class NgpuClient:
    def __init__(
        self,
        transport: Transport,
        credentials: NgpuCredentials,
        *,
        sync_timeout: float | None = None,
        auth_form: AuthForm = AuthForm.BEARER,
        data_form: DataForm = DataForm.OBJECT,
        brc20_path: Brc20Path = BRC20_PATHS[0],
        learned: LearnedForms = LEARNED,
    ) -> None:
        self._transport = transport
        self._credentials = credentials
        #: takes the workspace id out of NGPU's own texts before they reach an error (``providers.core.scrub``)
        self.scrub = Scrubber.of(credentials)
        self._sync_timeout = sync_timeout
        self.provider = transport.provider
        #: the forms tried first (the operator's settings); ``learned`` holds what NGPU accepted
        self.auth_form, self.data_form, self.brc20_path = AuthForm(auth_form), DataForm(data_form), brc20_path
        self._learned = learned
        self._base_url = str(transport.base_url)
        self._workspace = workspace_key(self._base_url, credentials.workspace_id.get_secret_value())

    def accepted_forms(self) -> WorkspaceForms:
        """The forms NGPU has accepted for this workspace in this process (None: not seen yet)."""
        return self._learned.of(self._workspace)

    def accepted_brc20_path(self) -> Brc20Path | None:
        return self._learned.brc20_path(self._base_url)

    # --- pass-through ---------------------------------------------------------------------------
    async def passthrough(
        self, path: str, data: str | dict[str, Any], btc_address: str | None = None
    ) -> PassthroughResponse:
        """Sync: ``POST /user/<path>`` runs the image's ``<path>`` and answers its body in ``data``."""
        return await self._call(
            "POST", f"user/{_image_path(path)}", PassthroughResponse, passed=(data, btc_address), billed=True,
            timeout=self._sync_timeout,
        )

    async def schedule_task(
        self,
        param_url: str,
        param_port: int,
        data: str | dict[str, Any],
        btc_address: str | None = None,
        task_mode: str = "Async",
    ) -> ScheduledTask:
        """Async: queue ``data`` for the image's ``param_url`` on ``param_port``; answers the taskID."""
        params = {"paramUrl": _image_path(param_url), "paramPort": str(_port(param_port)), "taskMode": task_mode}
        return await self._call(
            "POST", "user/schedulingTask", ScheduledTask, params=params, passed=(data, btc_address), billed=True
        )

    async def query_task(self, task_id: str) -> TaskQuery:
        """What the task's image has answered so far. Only ``data`` says how the task is going: a top-level
        ``result_code`` beside a readable ``data`` is not an error (NGPU's own bot never reads it)."""
        return await self._call(
            "GET", "user/queryTask", TaskQuery, params={"taskID": _task_id(task_id)}, auth=Auth.OPTIONAL,
            task_reply=True,
        )

    # --- workspace administration --------------------------------------------------------------
    async def query_task_list(self, start: date | None = None, end: date | None = None) -> TaskList:
        return await self._call("GET", "user/queryTaskList", TaskList, params=_date_range(start, end))

    async def query_nodes(self) -> NodeList:
        return await self._call("GET", "user/queryNodes", NodeList)

    async def get_tasks_from_node(
        self, node_addr: str, start: date | None = None, end: date | None = None
    ) -> TaskList:
        if not node_addr.strip():
            raise InvalidInputError("Give the address of a compute node.", field="node_addr")
        params = {"nodeAddr": node_addr.strip(), **_date_range(start, end)}
        return await self._call("GET", "user/getTasksFromNode", TaskList, params=params)

    async def get_detailed(self, task_id: str) -> TaskDetail:
        return await self._call("GET", "user/getDetailed", TaskDetail, params={"taskID": _task_id(task_id)})

    # --- BRC20 ----------------------------------------------------------------------------------
    async def check_address(self, address: str) -> Brc20Holdings:
        """Which BRC20 inscriptions ``address`` holds (a public call: no workspace id is sent). Asked at the path
        NGPU answered before, else the configured one and, when that does not exist, the other."""
        paths = order(self.brc20_path, self.accepted_brc20_path(), other_brc20_path)
        for path in paths:
            try:
                holdings = await self.check_address_at(path, address)
            except (NotFoundError, InvalidInputError) as error:
                if path == paths[-1] or not is_missing_path(error):
                    raise
                log.info("%s: %s does not exist; asking %s", self.provider, path, paths[-1])
                continue
            self._learned.accept_brc20_path(self._base_url, path)
            return holdings
        raise AssertionError("unreachable: the last path's error is raised")

    async def check_address_at(self, path: Brc20Path, address: str) -> Brc20Holdings:
        """The BRC-20 check at one of its two known paths; an error ``is_missing_path`` when NGPU has no such path."""
        if not address.strip():
            raise InvalidInputError("Give a BTC address to check.", field="address")
        return await self._call(
            "GET", path, Brc20Holdings, params={"address": address.strip()}, envelope=False, auth=Auth.NONE
        )

    async def holds_ainn(self, address: str, minimum: int = 1) -> bool:
        return (await self.check_address(address)).holds("AINN", minimum)

    # --- sadTalker (photo + text → talking video) ------------------------------------------------
    async def sad_talker(
        self,
        image_url: str,
        text: str,
        pronouncer: str,
        background_name: str,
        btc_address: str | None = None,
        *,
        port: int = SAD_TALKER_PORT,
    ) -> ScheduledTask:
        """Scheduled async, as NGPU's own bot does; follow it with ``sad_talker_result``."""
        request = _sad_talker_request(image_url, text, pronouncer, background_name, btc_address)
        return await self.schedule_task(SAD_TALKER_PARAM_URL, port, request.body(), btc_address)

    async def sad_talker_direct(
        self, image_url: str, text: str, pronouncer: str, background_name: str, btc_address: str | None = None
    ) -> SadTalkerSubmitted:
        """The documented ``POST /user/sadTalker`` with the request as the body itself (not wrapped)."""
        request = _sad_talker_request(image_url, text, pronouncer, background_name, btc_address)
        return await self._call("POST", "user/sadTalker", SadTalkerSubmitted, body=request.body(), billed=True)

    async def sad_talker_result(self, task_id: str) -> SadTalkerResult:
        """One reading of a sadTalker task: running (with progress), failed (with NGPU's reason) or done."""
        query = await self.query_task(task_id)
        seen = observe_task_data(query.data, provider=self.provider, scrub=self.scrub)
        url = (seen.payload or {}).get("result_url")
        if seen.status is JobStatus.SUCCEEDED and not (isinstance(url, str) and url):
            raise DecodeError("NGPU finished the video task without a video link.", provider=self.provider)
        return SadTalkerResult(
            task_id=task_id,
            finished=seen.status is JobStatus.SUCCEEDED,
            failed=seen.status is JobStatus.FAILED,
            message=seen.message or "",
            result_code=seen.code,
            progress=seen.progress,
            result_url=url if isinstance(url, str) else None,
        )

    # --- the one request path -----------------------------------------------------------------
    async def _call(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        params: Mapping[str, str] | None = None,
        body: dict[str, Any] | None = None,
        passed: tuple[str | dict[str, Any], str | None] | None = None,
        billed: bool = False,
        timeout: float | None = None,
        envelope: bool = True,
        auth: Auth = Auth.WORKSPACE,
        task_reply: bool = False,
    ) -> M:
        """One call, in the forms NGPU takes. ``passed`` is a pass-through's (image body, BTC address), wrapped in
        the data form. A refusal of the auth form (an auth error) or of the data form (a bad-request error) means
        NGPU did not take the call, so the other form is sent once; every other outcome ends the call."""
        known = self.accepted_forms()
        auths = self._auth_order(auth, known.auth)
        datas: list[DataForm | None] = [None]
        if passed is not None:
            datas = list(order(self.data_form, known.data, _other_data_form))
        tried_auth = tried_data = 0
        refused: InvalidInputError | None = None
        while True:
            auth_form, data_form = auths[tried_auth], datas[tried_data]
            sent = body if data_form is None or passed is None else PassthroughRequest.wrap(*passed, data_form).body()
            try:
                result = await self._send(
                    method, path, model, params=params, body=sent, auth_form=auth_form, billed=billed,
                    timeout=timeout, envelope=envelope, task_reply=task_reply,
                )
            except AuthenticationError:
                if tried_auth + 1 == len(auths):
                    raise
                tried_auth += 1
                continue
            except InvalidInputError as refusal:
                if data_form is None or tried_data + 1 == len(datas):
                    raise _clearer(refused, refusal) from None
                refused, tried_data = refusal, tried_data + 1
                continue
            self._accept(auth_form, data_form, known)
            return result

    def _auth_order(self, auth: Auth, learned: AuthForm | None) -> list[AuthForm | None]:
        if auth is Auth.NONE:
            return [None]
        forms: list[AuthForm | None] = list(order(self.auth_form, learned, _other_auth_form))
        return [None, *forms] if auth is Auth.OPTIONAL else forms

    def _accept(self, auth_form: AuthForm | None, data_form: DataForm | None, known: WorkspaceForms) -> None:
        """Keep the forms NGPU just took. A switch is said once (it happens once per workspace, or when NGPU
        changes), naming the setting that spares the refusal and the workspace only by its tag."""
        tag = workspace_tag(self._workspace)
        if auth_form is not None and auth_form is not known.auth:
            self._learned.accept_auth(self._workspace, auth_form)
            refused = known.auth or self.auth_form
            if auth_form is not refused:
                log.warning(
                    "%s refused %s for workspace %s and accepted %s; kept for this workspace "
                    "(NGPU_AUTH_FORM=%s makes it the first try)",
                    self.provider, refused.described, tag, auth_form.described, auth_form.value,
                )
        if data_form is not None and data_form is not known.data:
            self._learned.accept_data(self._workspace, data_form)
            refused_data = known.data or self.data_form
            if data_form is not refused_data:
                log.warning(
                    "%s refused pass-through data as a JSON %s for workspace %s and took it as a JSON %s; kept "
                    "for this workspace (NGPU_DATA_FORM=%s makes it the first try)",
                    self.provider, refused_data.value, tag, data_form.value, data_form.value,
                )

    async def _send(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        params: Mapping[str, str] | None,
        body: dict[str, Any] | None,
        auth_form: AuthForm | None,
        billed: bool,
        timeout: float | None,
        envelope: bool,
        task_reply: bool,
    ) -> M:
        headers = None if auth_form is None else auth_form.header(self._credentials.workspace_id.get_secret_value())

        async def attempt() -> M:
            response = await self._transport.send(
                method, path, params=params, json_body=body, headers=headers, timeout=timeout
            )
            return self._decode(response, model, envelope=envelope, task_reply=task_reply)

        if billed:
            return await self._transport.submit_once(attempt)
        return await self._transport.retrying(attempt, idempotent=True)

    def _decode(self, response: HttpResponse, model: type[M], *, envelope: bool, task_reply: bool = False) -> M:
        if response.status >= 400:
            # NGPU may put its own result_code in an HTTP error; that names the problem better
            try:
                payload = response.json()
            except DecodeError:
                payload = None
            if isinstance(payload, dict) and "result_code" in payload:
                raise_for_result(payload, provider=self.provider, scrub=self.scrub)
            response.raise_for_status()
        payload = response.json()
        if not isinstance(payload, dict):
            raise DecodeError("NGPU sent a reply that is not a JSON object.", provider=self.provider)
        if task_reply and _readable_task_state(payload.get("data")):
            if payload.get("result_code") not in SUCCESS_CODES:
                # NGPU's own bot reads only data.result_code; an odd code here is noted, not taken as a failure
                report_unknown(self.provider, "queryTask result_code beside a task state", payload.get("result_code"))
        elif envelope or "result_code" in payload:
            # a reply without an envelope (the BRC-20 check) that carries a result_code is NGPU's error envelope
            raise_for_result(payload, provider=self.provider, scrub=self.scrub)
        try:
            return model.model_validate(payload)
        except ValidationError:
            raise DecodeError(
                f"NGPU sent a reply that does not match its documents ({model.__name__}).", provider=self.provider
            ) from None


def _other_auth_form(form: AuthForm) -> AuthForm:
    return form.other


def _other_data_form(form: DataForm) -> DataForm:
    return form.other


def is_missing_path(error: ProviderError) -> bool:
    """NGPU has no such path: a 404 (or a 405 where a route of another method covers the path)."""
    return isinstance(error, NotFoundError) or error.code == HTTP_METHOD_NOT_ALLOWED


def _readable_task_state(data: Any) -> bool:
    """Whether queryTask's ``data`` holds the image's answer as a JSON object (either form)."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError:
            return False
    return isinstance(data, dict)


def _clearer(first: InvalidInputError | None, second: InvalidInputError) -> InvalidInputError:
    """Of two refusals of one call in both data forms, the one that is not about the form of ``data``: when both
    forms were refused, something else is wrong too, and that is what the member can fix."""
    if first is None:
        return second
    return first if _about_data(second) and not _about_data(first) else second


def _about_data(error: InvalidInputError) -> bool:
    return "data" in error.user_message.lower()


def _image_path(path: str) -> str:
    cleaned = path.strip().strip("/")
    if not _IMAGE_PATH.match(cleaned):
        raise InvalidInputError(
            f"“{path}” is not a path inside the image; use letters, digits and / like sdapi/v1/txt2img.",
            field="param_url",
        )
    return cleaned


def _port(port: int) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise InvalidInputError(f"A port is a number from 1 to 65535; you gave {port!r}.", field="param_port")
    return port


def _task_id(task_id: str) -> str:
    if not task_id.strip():
        raise InvalidInputError("Give a task id.", field="task_id")
    return task_id.strip()


def _date_range(start: date | None, end: date | None) -> dict[str, str]:
    """``startTime``/``endTime`` as NGPU wants them (YYYY-MM-DD); omitted ones default on NGPU's side
    to 1970-01-01 and 2099-01-01."""
    for name, day in (("start", start), ("end", end)):
        if day is not None and not isinstance(day, date):
            raise InvalidInputError(f"The {name} date must be a date (YYYY-MM-DD).", field=name)
    if start is not None and end is not None and start > end:
        raise InvalidInputError(
            f"The start date {format_day(start)} is after the end date {format_day(end)}.", field="start"
        )
    params = {"startTime": format_day(start), "endTime": format_day(end)}
    return {key: value for key, value in params.items() if value is not None}


def _sad_talker_request(
    image_url: str, text: str, pronouncer: str, background_name: str, btc_address: str | None
) -> SadTalkerRequest:
    if not image_url.startswith(("http://", "https://")):
        raise InvalidInputError("The photo must be given as an http(s) link.", field="image_url")
    if not text.strip():
        raise InvalidInputError("Give the text the photo should say.", field="text")
    return SadTalkerRequest(
        image_url=image_url, text=text, pronouncer=pronouncer, background_name=background_name, btc_address=btc_address
    )
