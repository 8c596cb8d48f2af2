"""The raw Jumdata API: one method per documented endpoint, over one signed ``_call``.

Submits are billed per image and are sent exactly once (``Transport.submit_once``); queries are free
and are retried. Every reply's ``code`` is mapped through ``codes.error_for``; a code the document does not list, or
a reply of another shape, is also reported to ``providers.core.unknown_values``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from providers.core.errors import DecodeError, InvalidInputError
from providers.core.scrub import Scrubber
from providers.core.transport import HttpResponse, Transport
from providers.core.unknown_values import report_unknown, shape_problem
from providers.jumdata.codes import OK, WRONG_PATH, error_for, is_documented
from providers.jumdata.credentials import JumdataCredentials
from providers.jumdata.models import (
    JumdataRequest,
    QueryData,
    QueryRequest,
    Reply,
    SubmitData,
    SubmitRequest,
    SubmitResult,
)
from providers.jumdata.params import DEFAULT_STYLE, SERVICE, check_submit
from providers.jumdata.signing import now_ms, signed_fields

log = logging.getLogger(__name__)

DataT = TypeVar("DataT", bound=BaseModel)


class JumdataClient:
    def __init__(
        self,
        transport: Transport,
        credentials: JumdataCredentials,
        *,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self._transport = transport
        self._credentials = credentials
        self._clock = clock
        #: takes the app secret out of Jumdata's own texts before they reach an error (``providers.core.scrub``)
        self.scrub = Scrubber.of(credentials)

    @property
    def provider(self) -> str:
        return self._transport.provider

    async def submit(self, text: str, resolution: str, style: str = DEFAULT_STYLE, num: int = 1) -> SubmitResult:
        """``POST /ai/draw/submit`` — billed per image, never resent. Returns the taskId (valid one month)."""
        check_submit(text, resolution, style, num)
        request = SubmitRequest(text=text, resolution=resolution, style=style, num=num)
        reply, data = await self._call(request, SubmitData)
        return SubmitResult(task_id=data.task_id, task_no=reply.task_no, charge=reply.charge)

    async def query(self, task_id: str) -> QueryData:
        """``POST /ai/draw/query`` — free, retried on retryable codes."""
        if not task_id.strip():
            raise InvalidInputError("A Jumdata taskId is needed to look a task up.", field="task_id")
        _, data = await self._call(QueryRequest(task_id=task_id), QueryData)
        return data

    async def query_reply(self, task_id: str) -> Reply:
        """One free query, answered as the service's envelope whatever its ``code`` (``python -m bot doctor`` reads
        the code and ``msg`` itself). Only a reply that is not an envelope at all raises."""
        request = QueryRequest(task_id=task_id)
        response = await self._transport.send("POST", request.path, form=self._fields(request))
        return self._envelope(response, request.path)

    def _fields(self, request: JumdataRequest) -> dict[str, str]:
        # signed per attempt: a retry after a back-off carries a fresh timestamp
        return {**request.form(), **signed_fields(self._credentials, self._clock())}

    async def _call(self, request: JumdataRequest, data_model: type[DataT]) -> tuple[Reply, DataT]:
        async def attempt() -> tuple[Reply, DataT]:
            response = await self._transport.send("POST", request.path, form=self._fields(request))
            return self._decode(response, data_model, path=request.path)

        if request.billed:
            return await self._transport.submit_once(attempt)
        return await self._transport.retrying(attempt, idempotent=True)

    def _decode(
        self, response: HttpResponse, data_model: type[DataT], *, path: str = QueryRequest.path
    ) -> tuple[Reply, DataT]:
        reply = self._envelope(response, path)
        log.debug("%s: reply code %s", self.provider, reply.code)
        if reply.code != OK:
            raise error_for(reply.code, reply.msg, provider=self.provider, scrub=self.scrub)
        try:
            return reply, data_model.model_validate(reply.data if reply.data is not None else {})
        except ValidationError as exc:
            report_unknown(self.provider, f"{path} data shape", shape_problem(exc))
            raise DecodeError(
                f"{SERVICE} sent a reply whose data does not match its documents.", provider=self.provider, code=OK
            ) from exc

    def _envelope(self, response: HttpResponse, path: str) -> Reply:
        """The reply envelope. An HTTP error status without a readable envelope is mapped from the status."""
        try:
            reply = Reply.model_validate(response.json())
        except (DecodeError, ValidationError) as exc:
            if response.status == WRONG_PATH:
                raise error_for(WRONG_PATH, "", provider=self.provider) from exc
            response.raise_for_status()
            if isinstance(exc, DecodeError):
                raise
            report_unknown(self.provider, f"{path} reply shape", shape_problem(exc))
            raise DecodeError(
                f"{SERVICE} sent a reply without the documented code/msg fields.", provider=self.provider
            ) from exc
        if not is_documented(reply.code):
            report_unknown(self.provider, "code", reply.code)
        return reply

