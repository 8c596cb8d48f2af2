"""The one request path of the NGPU client: authenticate, send, decode, and find the forms NGPU takes.

Every call goes through the shared transport (idempotent reads retried, billed submits sent exactly once), its
reply is decoded and NGPU's ``result_code`` mapped to the core errors (``codes.py``). Where the seed and NGPU's own
bot disagree on a request's form (``forms.py``), the form NGPU took last (else the configured one) is sent and,
when NGPU refuses it before taking the call, the other once:

* an auth refusal (``AuthenticationError``) → the other ``Authorization`` form. A billed call never carries a
  guess: while a workspace's form is unknown, a free ``queryNodes`` settles it first.
* NGPU's own bad-request envelope (``EnvelopeRefusal``: a ``result_code`` refusal in the JSON body, naming no
  task) of a pass-through → the other ``data`` form, but only while the workspace's data form is not known: once
  NGPU took a form, a billed call is never sent in the other one (the refusal is reported instead).

A bare HTTP status is never taken for a refusal of the form: a gateway's 409/422 says nothing of ``data``, and a
408/425/499 may come after NGPU took the call (the transport makes those timeouts, so a billed submit answered so
is outcome-unknown). A refused call was not taken, so the second cannot bill twice; every other outcome ends the
call (a submit whose outcome is unknown is never sent again). While a workspace's form is still unknown, calls
that would find it wait for the one finding it, so the refusal is paid once per workspace and process, not once
per concurrent call.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from providers.core.errors import AuthenticationError, DecodeError, InvalidInputError, NotFoundError, ProviderError
from providers.core.scrub import Scrubber
from providers.core.transport import OUTCOME_UNKNOWN_STATUSES, HttpResponse, Transport
from providers.core.unknown_values import report_unknown, report_unknown_shape
from providers.ngpu.codes import SUCCESS_CODES, raise_for_result
from providers.ngpu.credentials import NgpuCredentials
from providers.ngpu.forms import (
    AuthForm,
    DataForm,
    LearnedForms,
    WorkspaceForms,
    order,
    workspace_key,
    workspace_tag,
)
from providers.ngpu.models import NodeList, PassthroughRequest

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger("providers.ngpu.client")

HTTP_METHOD_NOT_ALLOWED = 405
#: where an NGPU reply names the task it made (a reply naming one was taken, whatever its code says)
TASK_ID_KEYS = ("taskID", "taskId", "task_id")


class EnvelopeRefusal(InvalidInputError):
    """NGPU's own bad-request envelope naming no task: NGPU read the call and took nothing, the one refusal that may
    be about the form of ``data`` (and so the one a pass-through is sent again in the other form for)."""


class Auth(Enum):
    """Whether a call carries the workspace id."""

    #: a public call (the BRC-20 check)
    NONE = "none"
    #: sent without it, as both the seed and NGPU's own bot do (``queryTask``); with it only if NGPU asks
    OPTIONAL = "optional"
    WORKSPACE = "workspace"


#: a pass-through's image body and BTC address, wrapped in the data form when sent
Passed = tuple[str | dict[str, Any], str | None]


@dataclass(frozen=True)
class Call:
    """One NGPU call as asked, before its forms are chosen."""

    method: str
    path: str
    params: Mapping[str, str] | None = None
    body: dict[str, Any] | None = None
    #: a pass-through, sent in the data form (instead of ``body``)
    passed: Passed | None = None
    billed: bool = False
    timeout: float | None = None
    #: the reply is NGPU's envelope (``result_code``, ``msg``)
    envelope: bool = True
    auth: Auth = Auth.WORKSPACE
    #: a queryTask reply: a readable ``data`` outranks the top-level ``result_code``
    task_reply: bool = False

    def body_in(self, data_form: DataForm | None) -> dict[str, Any] | None:
        if self.passed is None or data_form is None:
            return self.body
        return PassthroughRequest.wrap(*self.passed, data_form).body()


#: the free call that settles a workspace's ``Authorization`` form before a billed one
PROBE = Call("GET", "user/queryNodes")


class NgpuCaller:
    def __init__(
        self,
        transport: Transport,
        credentials: NgpuCredentials,
        scrub: Scrubber,
        *,
        auth_form: AuthForm,
        data_form: DataForm,
        learned: LearnedForms,
    ) -> None:
        self._transport = transport
        self._credentials = credentials
        self._scrub = scrub
        self.provider = transport.provider
        self.auth_form, self.data_form = AuthForm(auth_form), DataForm(data_form)
        self._learned = learned
        self.workspace = workspace_key(str(transport.base_url), credentials.workspace_id.get_secret_value())

    def accepted_forms(self) -> WorkspaceForms:
        return self._learned.of(self.workspace)

    async def call(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        params: Mapping[str, str] | None = None,
        body: dict[str, Any] | None = None,
        passed: Passed | None = None,
        billed: bool = False,
        timeout: float | None = None,
        envelope: bool = True,
        auth: Auth = Auth.WORKSPACE,
        task_reply: bool = False,
    ) -> M:
        """One call, in the forms NGPU takes (``passed``: a pass-through, sent in the data form)."""
        call = Call(method, path, params, body, passed, billed, timeout, envelope, auth, task_reply)
        if auth is Auth.WORKSPACE and self.accepted_forms().auth is None:
            async with self._learned.lock(self.workspace, "auth"):
                if self.accepted_forms().auth is None:
                    if not billed:  # this free call finds the form while the others wait
                        return await self._data_settled(call, model)
                    await self._probe_auth()
        return await self._data_settled(call, model)

    async def _probe_auth(self) -> None:
        """Settle the ``Authorization`` form with a free call before a billed one. Keys refused in both forms end
        here; any other failure leaves the billed call to find the form itself."""
        try:
            await self._attempts(PROBE, NodeList)
        except AuthenticationError:
            raise
        except ProviderError as error:
            log.info("%s: could not settle the auth form first (%s); the call itself will", self.provider, error.kind)

    async def _data_settled(self, call: Call, model: type[M]) -> M:
        if call.passed is None or self.accepted_forms().data is not None:
            return await self._attempts(call, model)
        async with self._learned.lock(self.workspace, "data"):
            return await self._attempts(call, model)

    async def _attempts(self, call: Call, model: type[M]) -> M:
        known = self.accepted_forms()
        auths = self._auth_order(call.auth, known.auth)
        datas: list[DataForm | None] = [None]
        if call.passed is not None and call.billed and known.data is not None:
            datas = [known.data]  # NGPU took this form: a refusal now is about something else, and is reported
        elif call.passed is not None:
            datas = list(order(self.data_form, known.data, _other))
        tried_auth = tried_data = 0
        refused: InvalidInputError | None = None
        while True:
            auth_form, data_form = auths[tried_auth], datas[tried_data]
            body = call.body_in(data_form)  # before the try: a body that cannot be sent is not NGPU's refusal
            try:
                result = await self._send(call, model, body, auth_form)
            except AuthenticationError:
                if tried_auth + 1 == len(auths):
                    raise
                tried_auth += 1
                continue
            except InvalidInputError as refusal:
                if data_form is None or tried_data + 1 == len(datas) or not isinstance(refusal, EnvelopeRefusal):
                    raise _clearer(refused, refusal) from None
                refused, tried_data = refusal, tried_data + 1
                continue
            self._accept(auth_form, data_form, known)
            return result

    def _auth_order(self, auth: Auth, learned: AuthForm | None) -> list[AuthForm | None]:
        if auth is Auth.NONE:
            return [None]
        forms: list[AuthForm | None] = list(order(self.auth_form, learned, _other))
        return [None, *forms] if auth is Auth.OPTIONAL else forms

    def _accept(self, auth_form: AuthForm | None, data_form: DataForm | None, known: WorkspaceForms) -> None:
        """Keep the forms NGPU just took. A switch is said once (it happens once per workspace, or when NGPU
        changes), naming the setting that spares the refusal and the workspace only by its tag."""
        tag = workspace_tag(self.workspace)
        if auth_form is not None and auth_form is not known.auth:
            self._learned.accept_auth(self.workspace, auth_form)
            refused = known.auth or self.auth_form
            if auth_form is not refused:
                log.warning(
                    "%s refused %s for workspace %s and accepted %s; kept for this workspace "
                    "(NGPU_AUTH_FORM=%s makes it the first try)",
                    self.provider, refused.described, tag, auth_form.described, auth_form.value,
                )
        if data_form is not None and data_form is not known.data:
            self._learned.accept_data(self.workspace, data_form)
            refused_data = known.data or self.data_form
            if data_form is not refused_data:
                log.warning(
                    "%s refused pass-through data as a JSON %s for workspace %s and took it as a JSON %s; kept "
                    "for this workspace (NGPU_DATA_FORM=%s makes it the first try)",
                    self.provider, refused_data.value, tag, data_form.value, data_form.value,
                )

    async def _send(
        self, call: Call, model: type[M], body: dict[str, Any] | None, auth_form: AuthForm | None
    ) -> M:
        headers = None if auth_form is None else auth_form.header(self._credentials.workspace_id.get_secret_value())

        async def attempt() -> M:
            response = await self._transport.send(
                call.method, call.path, params=call.params, json_body=body, headers=headers, timeout=call.timeout
            )
            return self.decode(response, model, envelope=call.envelope, task_reply=call.task_reply)

        if call.billed:
            return await self._transport.submit_once(attempt)
        return await self._transport.retrying(attempt, idempotent=True)

    def decode(self, response: HttpResponse, model: type[M], *, envelope: bool, task_reply: bool = False) -> M:
        if response.status in OUTCOME_UNKNOWN_STATUSES:
            response.raise_for_status()  # a timeout whatever the body says: NGPU may have taken the call
        if response.status >= 400:
            # NGPU may put its own result_code in an HTTP error; that names the problem better
            try:
                payload = response.json()
            except DecodeError:
                payload = None
            if isinstance(payload, dict) and "result_code" in payload:
                self._raise_for_envelope(payload)
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
            self._raise_for_envelope(payload)
        try:
            return model.model_validate(payload)
        except ValidationError as exc:
            report_unknown_shape(self.provider, f"{model.__name__} reply shape", exc)
            raise DecodeError(
                f"NGPU sent a reply that does not match its documents ({model.__name__}).", provider=self.provider
            ) from None

    def _raise_for_envelope(self, payload: dict[str, Any]) -> None:
        """``raise_for_result``, with NGPU's bad-request refusal of a call it took nothing of as ``EnvelopeRefusal``."""
        try:
            raise_for_result(payload, provider=self.provider, scrub=self._scrub)
        except InvalidInputError as error:
            if any(payload.get(key) for key in TASK_ID_KEYS):
                raise  # a task was made: whatever the code says, this call must not be sent again
            raise EnvelopeRefusal(
                error.user_message, field=error.field, provider=error.provider, code=error.code, key=error.key,
                values=error.values,
            ) from None


def _other(form: Any) -> Any:
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
