"""The raw Picpik Platform API: one method per action, each a one-liner over ``_call``.

Every call is a signed JSON POST to the base URL carrying ``Action``, ``PublicKey``, ``Signature`` and a
fresh ``request_uuid`` (the same one on every retry of that call). Reads are retried; billed actions
(``GenerateImages``, ``DescribeImages``, ``CreatePicpikApp``, starting apps) are sent exactly once.
This module has the transport and generation actions; the app actions are in ``apps.py`` and are posted to their
own address (``app_url``: ``PicpikSettings.app_actions_url()``, the base URL unless PICPIK_APP_BASE_URL says otherwise).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from providers.core.errors import DecodeError, InvalidInputError
from providers.core.scrub import Scrubber
from providers.core.transport import HttpResponse, Transport
from providers.core.unknown_values import report_unknown_shape
from providers.picpik.apps import APP_ACTIONS, AppActions
from providers.picpik.caller import R, Send
from providers.picpik.codes import error_for_retcode
from providers.picpik.credentials import PicpikCredentials
from providers.picpik.generation_rules import check_generate_request
from providers.picpik.models import (
    GenerateImagesRequest,
    ListModelsResponse,
    ListRunningTasksResponse,
    ListTasksDetailsResponse,
    TaskResponse,
)
from providers.picpik.signing import platform_signature

log = logging.getLogger(__name__)


class PicpikClient(AppActions):
    """Picpik's Platform API for one key pair."""

    def __init__(self, transport: Transport, credentials: PicpikCredentials, *, app_url: str | None = None) -> None:
        self._transport = transport
        self._credentials = credentials
        #: where the app actions go: an absolute URL, or None for the transport's base URL
        self._app_url = app_url if app_url and app_url.rstrip("/") != str(transport.base_url).rstrip("/") else None
        #: takes the private key out of Picpik's own texts before they reach an error (``providers.core.scrub``)
        self.scrub = Scrubber.of(credentials)

    @property
    def provider(self) -> str:
        return self._transport.provider

    @property
    def app_url(self) -> str:
        """Where the app actions are posted."""
        return self._app_url or str(self._transport.base_url)

    def _path_of(self, action: str) -> str:
        return self._app_url if self._app_url is not None and action in APP_ACTIONS else ""

    # --- generation ------------------------------------------------------------------------------
    async def list_models(self) -> ListModelsResponse:
        return await self._call("ListModels", {}, ListModelsResponse)

    async def generate_images(self, request: GenerateImagesRequest) -> TaskResponse:
        check_generate_request(request)
        return await self._call("GenerateImages", request.to_params(), TaskResponse, send=Send.BILLED)

    async def list_tasks_details(self, task_uids: Sequence[str]) -> ListTasksDetailsResponse:
        uids = _non_empty_strings(task_uids, "TaskUIDList")
        return await self._call("ListTasksDetails", {"TaskUIDList": uids}, ListTasksDetailsResponse)

    async def describe_images(self, images: Sequence[str], *, translate_description: str | None = "en") -> TaskResponse:
        """``images`` are data URIs (``data:image/png;base64,...``); the prompts arrive in the task's TxtList."""
        uris = _non_empty_strings(images, "ImageList")
        if not all(uri.startswith("data:") and ";base64," in uri for uri in uris):
            raise InvalidInputError("DescribeImages takes images as base64 data URIs.", field="ImageList")
        params: dict[str, Any] = {"ImageList": uris}
        if translate_description:
            params["TranslateDescription"] = translate_description
        return await self._call("DescribeImages", params, TaskResponse, send=Send.BILLED)

    async def list_running_tasks(self, *, retry: bool = True) -> ListRunningTasksResponse:
        """``retry=False``: one attempt (the check before a billed submit must not hold the submit up)."""
        send = Send.QUERY if retry else Send.ONCE
        return await self._call("ListRunningTasks", {}, ListRunningTasksResponse, send=send)

    # --- the one request path --------------------------------------------------------------------
    async def _call(
        self, action: str, params: Mapping[str, Any], response_model: type[R], *, send: Send = Send.QUERY
    ) -> R:
        body = self._signed_body(action, params)
        path = self._path_of(action)

        async def attempt() -> R:
            return self._decode(action, await self._transport.send("POST", path, json_body=body), response_model)

        if send is Send.BILLED:
            return await self._transport.submit_once(attempt)
        return await self._transport.retrying(attempt, idempotent=send is Send.QUERY)

    def _signed_body(self, action: str, params: Mapping[str, Any]) -> dict[str, Any]:
        body = {
            **{name: value for name, value in params.items() if value is not None},
            "Action": action,
            "PublicKey": self._credentials.public_key,
            # one id per logical request: the retries inside _call resend this very body
            "request_uuid": str(uuid.uuid4()),
        }
        body["Signature"] = platform_signature(body, self._credentials.private_key.get_secret_value())
        return body

    def _decode(self, action: str, response: HttpResponse, response_model: type[R]) -> R:
        payload = _json_or_none(response) if response.status >= 400 else response.json()
        if response.status >= 400 and not (isinstance(payload, dict) and _ret_code(payload)):
            response.raise_for_status()
        if not isinstance(payload, dict):
            raise DecodeError(f"Picpik sent a {action} reply that is not a JSON object.", provider=self.provider)
        ret_code = _ret_code(payload)
        if ret_code is None:
            raise DecodeError(f"Picpik sent a {action} reply without a RetCode.", provider=self.provider)
        if ret_code != 0:
            message = payload.get("Message")
            log.info("%s: %s failed with RetCode %s", self.provider, action, ret_code)
            shown = message if isinstance(message, str) else None
            raise error_for_retcode(ret_code, shown, provider=self.provider, scrub=self.scrub)
        try:
            return response_model.model_validate(payload)
        except ValidationError as exc:
            report_unknown_shape(self.provider, f"{action} reply shape", exc)
            raise DecodeError(
                f"Picpik sent a {action} reply that does not match its documents.", provider=self.provider
            ) from exc


def _ret_code(payload: Mapping[str, Any]) -> int | None:
    value = payload.get("RetCode")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _json_or_none(response: HttpResponse) -> Any:
    try:
        return response.json()
    except DecodeError:
        return None


def _non_empty_strings(values: Sequence[str], field: str) -> list[str]:
    if isinstance(values, str):
        raise InvalidInputError(f"{field} must be a list, not one string.", field=field)
    items = list(values)
    if not items or not all(isinstance(item, str) and item for item in items):
        raise InvalidInputError(f"{field} needs at least one non-empty entry.", field=field)
    return items
