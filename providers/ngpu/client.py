"""The raw NGPU API: one method per documented action, each a one-liner over ``_call``.

``_call`` is ``caller.NgpuCaller.call``: it authenticates, sends through the shared transport, decodes, maps NGPU's
``result_code`` to the core errors, and finds the forms NGPU takes where the seed and NGPU's own bot disagree
(``forms.py``), sending a refused call once more in the other form and never a submit whose outcome is unknown.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel

from providers.core.errors import DecodeError, InvalidInputError, NotFoundError
from providers.core.models import JobStatus
from providers.core.scrub import Scrubber
from providers.core.transport import HttpResponse, Transport
from providers.ngpu.caller import Auth, NgpuCaller, is_missing_path
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
)
from providers.ngpu.models import (
    Brc20Holdings,
    NodeList,
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

#: what NGPU's own bot sends to schedule its sadTalker image
SAD_TALKER_PARAM_URL = "sadTalker"
SAD_TALKER_PORT = 8075
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
        #: takes the workspace id out of NGPU's own texts before they reach an error (``providers.core.scrub``)
        self.scrub = Scrubber.of(credentials)
        self._sync_timeout = sync_timeout
        self.provider = transport.provider
        #: the BRC-20 path tried first (the operator's setting); ``learned`` holds what NGPU accepted
        self.brc20_path = brc20_path
        self._learned = learned
        self._base_url = str(transport.base_url)
        self._caller = NgpuCaller(
            transport, credentials, self.scrub, auth_form=auth_form, data_form=data_form, learned=learned
        )

    @property
    def auth_form(self) -> AuthForm:
        """The ``Authorization`` form tried first (the operator's setting)."""
        return self._caller.auth_form

    @property
    def data_form(self) -> DataForm:
        """The pass-through ``data`` form tried first (the operator's setting)."""
        return self._caller.data_form

    def accepted_forms(self) -> WorkspaceForms:
        """The forms NGPU has accepted for this workspace in this process (None: not seen yet)."""
        return self._caller.accepted_forms()

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

    # --- the one request path (``caller.py``) --------------------------------------------------
    async def _call(self, method: str, path: str, model: type[M], **options: Any) -> M:
        return await self._caller.call(method, path, model, **options)

    def _decode(self, response: HttpResponse, model: type[M], *, envelope: bool, task_reply: bool = False) -> M:
        return self._caller.decode(response, model, envelope=envelope, task_reply=task_reply)


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
