"""The Platform API actions: one handler each, dispatched on ``Action``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from tests.emulators.common import (
    FAULTS_KEY,
    HUGE_REPLY_BYTES,
    VARIANTS_KEY,
    absolute,
    json_response,
    png_bytes,
    store_file,
)
from tests.emulators.picpik._catalog import (
    ACTION_NOT_EXIST,
    BAD_PARAMS,
    BAD_SIGNATURE,
    BUNDLES,
    CREATE_ERROR_CODE,
    DELETABLE,
    EMBEDDING_MODELS,
    HYPERNETWORK_MODELS,
    KEY_PAIRS,
    LORA_MODELS,
    MAIN_MODELS,
    MAX_CREATE_COUNT,
    MAX_IMAGE_SIDE,
    MISSING_ACTION,
    MISSING_SIGNATURE,
    NO_POINTS,
    NOT_FOUND,
    OK,
    RATE_LIMITED,
    REFUSED_CONTENT,
    RESTARTABLE,
    STARTABLE,
    STOPPABLE,
    TASK_ERROR_CODE,
    USER_NOT_EXISTS,
    WRONG_STATE,
    Refusal,
)
from tests.emulators.picpik._params import array_in, bad, check_generate, image_size, int_in, paged, string_in
from tests.emulators.picpik._signature import expected_signature
from tests.emulators.picpik._state import STATE_KEY, EmulatedApp, PicpikState, Task
from tests.emulators.picpik._variants import action_served, check_task_list, status_words

Handler = Callable[[web.Request, dict[str, Any], str], Awaitable[dict[str, Any]]]


class PicpikEmulator:
    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.actions: dict[str, Handler] = {
            "ListPicpikBundles": self.list_bundles,
            "CreatePicpikApp": self.create_app,
            "ListPicpikApps": self.list_apps,
            "ModifyPicpikAppRemark": self.modify_remark,
            "StartPicpikApp": self.start_app,
            "StopPicpikApp": self.stop_app,
            "RestartPicpikApp": self.restart_app,
            "DeletePicpikApp": self.delete_app,
            "ListModels": self.list_models,
            "GenerateImages": self.generate_images,
            "ListTasksDetails": self.list_tasks_details,
            "DescribeImages": self.describe_images,
            "ListRunningTasks": self.list_running_tasks,
        }

    @property
    def state(self) -> PicpikState:
        return self.app[STATE_KEY]

    @property
    def variants(self) -> frozenset[str]:
        return self.app[VARIANTS_KEY]

    def take(self, fault: str) -> bool:
        return self.app[FAULTS_KEY].take(fault)

    async def handle(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return json_response({"RetCode": BAD_PARAMS, "Message": "The body must be a JSON object", "Action": ""})
        action = body.get("Action")
        reply: dict[str, Any] = {
            "Action": f"{action}Response" if isinstance(action, str) else "",
            "RetCode": OK,
            "Message": "",
            "request_uuid": body.get("request_uuid"),
        }
        try:
            public_key = self.authenticate(body)
            handler = self.actions.get(str(action))
            if handler is None or not action_served(self.variants, str(action), request.path):
                raise Refusal(ACTION_NOT_EXIST, f"Action [{action}] Not Exist")
            if self.take("rate_limit"):
                raise Refusal(RATE_LIMITED, "API request too frequent, please retry later")
            reply.update(await handler(request, body, public_key))
        except Refusal as refusal:
            reply["RetCode"], reply["Message"] = refusal.code, refusal.message
        return json_response(reply)

    def authenticate(self, body: dict[str, Any]) -> str:
        if not isinstance(body.get("Action"), str) or not body["Action"]:
            raise Refusal(MISSING_ACTION, "Missing Action")
        public_key = body.get("PublicKey")
        if not isinstance(public_key, str) or public_key not in KEY_PAIRS:
            raise Refusal(USER_NOT_EXISTS, "User Not Exists")
        signature = body.get("Signature")
        if not isinstance(signature, str) or not signature:
            raise Refusal(MISSING_SIGNATURE, "Missing Signature")
        if self.take("auth_failure") or signature != expected_signature(body, KEY_PAIRS[public_key]):
            raise Refusal(BAD_SIGNATURE, "Signature VerifyAC Error")
        if not isinstance(body.get("request_uuid"), str) or not body["request_uuid"]:
            raise Refusal(BAD_PARAMS, "Missing params [request_uuid]")
        return public_key

    # --- bundles and apps --------------------------------------------------------------------------
    def _listed(self, items: list[dict[str, Any]], key: str) -> list[dict[str, Any]] | dict[str, dict[str, Any]]:
        """A list as the examples show it, or, with ``map_shape`` armed, as the seed's tables type it
        (``Map[String]…``, keyed by the item's id)."""
        if not self.app[FAULTS_KEY].is_armed("map_shape"):
            return items
        return {str(item.get(key) or number): item for number, item in enumerate(items)}

    def _paged(self, items: list[dict[str, Any]], body: dict[str, Any]) -> list[dict[str, Any]]:
        faults = self.app[FAULTS_KEY]
        return paged(
            items,
            body,
            pages_by_default=faults.is_armed("pages_by_default"),
            page_ignored=faults.is_armed("page_ignored"),
        )

    async def list_bundles(self, request: web.Request, body: dict[str, Any], owner: str) -> dict[str, Any]:
        return {"Bundles": self._listed(self._paged(BUNDLES, body), "BundleId"), "TotalCount": len(BUNDLES)}

    async def create_app(self, request: web.Request, body: dict[str, Any], owner: str) -> dict[str, Any]:
        region = string_in(body, "Region", "Region", required=True)
        bundle_id = string_in(body, "BundleId", "BundleId", required=True)
        remark = string_in(body, "Remark", "Remark", required=False) or ""
        count = int_in(body, "Count", 1, MAX_CREATE_COUNT, "Count") or 1
        bundle = next((bundle for bundle in BUNDLES if bundle["BundleId"] == bundle_id), None)
        if bundle is None:
            raise Refusal(NOT_FOUND, f"Bundle [{bundle_id}] not found")
        if bundle["Region"] != region:  # Inference: a bundle is sold in its own region only
            raise bad("Region", f"bundle {bundle_id} is offered in {bundle['Region']}")
        if self.take("create_nothing"):
            return {"Results": self._listed([], "AppId")}
        failing = count - 1 if self.take("create_partial") else None
        through, final = [2, 3, 4], 1
        if self.take("app_init_fails"):
            through, final = [2], -2
        elif self.take("comfy_init_fails"):
            through, final = [2, 3], -3
        now = time.monotonic()
        results = []
        for number in range(count):
            app = EmulatedApp(
                app_id=self.state.new_id("app-", 10),
                owner=owner,
                bundle=bundle,
                remark=remark,
                ip=f"10.10.1.{len(self.state.apps) + 10}",
                api_key=self.state.new_id("", 20),
                created=int(time.time()),
            )
            self.state.apps[app.app_id] = app
            if number == failing:
                # Inference: every result carries its AppId (the seed marks it required), and an app that could
                # not be created stays listed in state -8 (create failed) until it is deleted
                app.move(now, [], -8, self.state.step_seconds)
                reason = f"No GPU left in {region}"
                results.append({"AppId": app.app_id, "RetCode": CREATE_ERROR_CODE, "ErrMsg": reason})
                continue
            app.move(now, through, final, self.state.step_seconds)
            results.append({"AppId": app.app_id, "RetCode": OK, "ErrMsg": ""})
        return {"Results": self._listed(results, "AppId")}

    def _own_app(self, body: dict[str, Any], owner: str) -> EmulatedApp:
        app_id = string_in(body, "AppId", "AppId", required=True)
        app = self.state.apps.get(str(app_id))
        if app is None or app.owner != owner or self._gone(app, time.monotonic()):
            raise Refusal(NOT_FOUND, f"App [{app_id}] not found")
        return app

    def _gone(self, app: EmulatedApp, now: float) -> bool:
        """With ``deleted_vanish`` armed, a deleted app drops out of the list instead of showing state 8."""
        return app.state(now) == 8 and self.app[FAULTS_KEY].is_armed("deleted_vanish")

    async def list_apps(self, request: web.Request, body: dict[str, Any], owner: str) -> dict[str, Any]:
        now = time.monotonic()
        if body.get("AppId") is not None:
            apps = [self._own_app(body, owner)]
        else:
            apps = [app for app in self.state.apps.values() if app.owner == owner and not self._gone(app, now)]
        infos = [app.info(now) for app in apps]
        return {"Apps": self._listed(self._paged(infos, body), "AppId"), "TotalCount": len(infos)}

    async def modify_remark(self, request: web.Request, body: dict[str, Any], owner: str) -> dict[str, Any]:
        app = self._own_app(body, owner)
        # required by the seed: an empty string is refused as missing, like Region or AppId
        remark = string_in(body, "NewRemark", "NewRemark", required=True)
        app.remark = str(remark)
        return {}

    def _transition(
        self,
        body: dict[str, Any],
        owner: str,
        allowed: frozenset[int],
        through: list[int],
        final: int,
        verb: str,
        *,
        fails: tuple[str, int] | None = None,
    ) -> dict[str, Any]:
        """Accept an action in the ``allowed`` states, then move the app; ``fails``: (fault, failure state) that
        ends the action in that failure state instead."""
        app = self._own_app(body, owner)
        now = time.monotonic()
        current = app.state(now)
        if current == final and final in (1, 6) and verb in ("start", "stop"):
            # Inference: the seed does not say a start of a running app (a stop of a shut down one) is refused; it
            # is taken and changes nothing, as a cloud host's API does
            return {}
        if current not in allowed:
            raise Refusal(WRONG_STATE, f"App [{app.app_id}] cannot {verb} in state {current}")
        if self.take("action_ignored"):  # accepted, then never acted on
            return {}
        if fails is not None and self.take(fails[0]):
            final = fails[1]
        elif final == 1 and self.take("comfy_interrupted"):
            final = -9
        lag = 0.0
        if self.take("late_transition"):
            lag = self.state.step_seconds if self.state.lag_seconds is None else self.state.lag_seconds
        app.move(now, through, final, self.state.step_seconds, lag=lag)
        return {}

    async def start_app(self, request: web.Request, body: dict[str, Any], owner: str) -> dict[str, Any]:
        return self._transition(body, owner, STARTABLE, [10], 1, "start", fails=("app_start_fails", -4))

    async def stop_app(self, request: web.Request, body: dict[str, Any], owner: str) -> dict[str, Any]:
        return self._transition(body, owner, STOPPABLE, [5], 6, "stop", fails=("app_stop_fails", -5))

    async def restart_app(self, request: web.Request, body: dict[str, Any], owner: str) -> dict[str, Any]:
        return self._transition(body, owner, RESTARTABLE, [9], 1, "restart", fails=("app_restart_fails", -7))

    async def delete_app(self, request: web.Request, body: dict[str, Any], owner: str) -> dict[str, Any]:
        verb = "be deleted; shut it down first"
        return self._transition(body, owner, DELETABLE, [7], 8, verb, fails=("app_delete_fails", -6))

    # --- generation ----------------------------------------------------------------------------------
    async def list_models(self, request: web.Request, body: dict[str, Any], owner: str) -> dict[str, Any]:
        return {
            "MainModels": MAIN_MODELS,
            "LoraModels": LORA_MODELS,
            "EmbeddingModels": EMBEDDING_MODELS,
            "HypernetworkModels": HYPERNETWORK_MODELS,
        }

    def _billing_faults(self) -> None:
        if self.take("moderation"):
            raise Refusal(REFUSED_CONTENT, "The prompt contains sensitive content and was refused")
        if self.take("quota"):
            raise Refusal(NO_POINTS, "Insufficient API points, please top up")

    async def generate_images(self, request: web.Request, body: dict[str, Any], owner: str) -> dict[str, Any]:
        check_generate(body)
        self._billing_faults()
        seed = body.get("Seed", -1)
        task = Task(
            uid=self.state.new_id(),
            owner=owner,
            action="GenerateImages",
            started=self.state.clock.now(),
            width=body.get("Width") or 1024,
            height=body.get("Height") or 1024,
            batch=body.get("BatchSize") or 1,
            seed=self.state.rng.randrange(0, 2147483647) if seed == -1 else seed,
            fails=self.take("task_fails"),
            garbage=self.app[FAULTS_KEY].take_garbage(),
        )
        self.state.tasks[task.uid] = task
        await self._maybe_lose_answer()
        return {"TaskUID": task.uid}

    async def _maybe_lose_answer(self) -> None:
        """``answer_lost``: the task exists, but its answer never reaches the caller (a billed submit that
        times out after the service took it)."""
        if self.take("answer_lost"):
            await asyncio.sleep(3600)

    async def describe_images(self, request: web.Request, body: dict[str, Any], owner: str) -> dict[str, Any]:
        images = array_in(body, "ImageList", "ImageList")
        if not images:
            raise Refusal(BAD_PARAMS, "Missing params [ImageList]")
        sizes = []
        for position, text in enumerate(images):
            if not isinstance(text, str):
                raise bad(f"ImageList[{position}]", "must be a data URI")
            sizes.append(image_size(text, f"ImageList[{position}]", data_uri=True))
        string_in(body, "TranslateDescription", "TranslateDescription", required=False)
        self._billing_faults()
        width, height = sizes[0]
        shape = "square" if width == height else ("wide" if width > height else "tall")
        texts = [
            f"a {shape} picture with soft geometric shapes, {width}x{height}, digital art",
            f"an abstract {shape} composition of lines and a white circle, flat colours",
            f"a minimalist {shape} poster, diagonal stripes, centred ellipse, vector style",
            f"a {shape} pattern of crossing lines around an ellipse, bold colours, 4k",
        ]
        task = Task(
            uid=self.state.new_id(), owner=owner, action="DescribeImages", started=self.state.clock.now(), texts=texts,
            garbage=self.app[FAULTS_KEY].take_garbage(),
        )
        self.state.tasks[task.uid] = task
        await self._maybe_lose_answer()
        return {"TaskUID": task.uid}

    async def list_tasks_details(self, request: web.Request, body: dict[str, Any], owner: str) -> dict[str, Any]:
        uids = array_in(body, "TaskUIDList", "TaskUIDList")
        if not uids:
            raise Refusal(BAD_PARAMS, "Missing params [TaskUIDList]")
        check_task_list(self.variants, uids, lambda uid: self._own_task(uid, owner) is not None)
        details = []
        for uid in uids:
            task = self._own_task(uid, owner) if isinstance(uid, str) else None
            if task is not None:  # Inference: unknown (and expired) tasks are left out
                detail = self.detail(request, task)
                if self.take("malformed_detail"):
                    detail["ImgList"] = {"not": "a list"}
                    detail["ErrorCode"] = "not a number"
                details.append(detail)
        return {"TaskDetailList": details}

    def _own_task(self, uid: str, owner: str) -> Task | None:
        """The caller's task, unless it has expired (as if it had never been)."""
        task = self.state.tasks.get(uid)
        return task if task is not None and task.owner == owner and not task.expired else None

    def detail(self, request: web.Request, task: Task) -> dict[str, Any]:
        detail = self._detail(request, task)
        finished = self.state.clock.phase(task.started)[0] == "finished"
        if task.garbage == "huge_reply":
            detail["ErrorMassage"] = "x" * HUGE_REPLY_BYTES
        elif task.garbage == "wrong_types" and finished:
            finished_word = status_words(self.variants)["finished"]
            detail.update(Status=[finished_word], ImgList=7, TxtList={"not": "a list"}, Seed="random")
        elif task.garbage == "missing_fields" and finished:
            detail = {"TaskUID": task.uid, "Action": task.action}
        return detail

    def _detail(self, request: web.Request, task: Task) -> dict[str, Any]:
        phase, _ = self.state.clock.phase(task.started)
        words = status_words(self.variants)
        detail: dict[str, Any] = {
            "TaskUID": task.uid,
            "Action": task.action,
            "Status": words[phase],
            "ImgList": [],
            "Seed": task.seed,
            "TxtList": [],
            "ConsumeApiPoint": 0,
            "ErrorCode": 0,
            "ErrorMassage": "",
        }
        if phase != "finished":
            return detail
        if task.fails:
            detail.update(Status=words["failed"], ErrorCode=TASK_ERROR_CODE, ErrorMassage="The GPU worker crashed")
            return detail
        if task.action == "DescribeImages":
            detail.update(TxtList=task.texts, ConsumeApiPoint=1)
            return detail
        if task.image_paths is None:
            task.image_paths = [
                store_file(self.app, png_bytes(*_drawn_size(task.width, task.height), seed=task.seed + n, label=str(n)))
                for n in range(task.batch)
            ]
        detail.update(ImgList=[absolute(request, path) for path in task.image_paths], ConsumeApiPoint=task.batch)
        return detail

    async def list_running_tasks(self, request: web.Request, body: dict[str, Any], owner: str) -> dict[str, Any]:
        running = [
            task.uid
            for task in self.state.tasks.values()
            if task.owner == owner and not task.expired and self.state.clock.phase(task.started)[0] != "finished"
        ]
        return {"TaskUIDList": running}


def _drawn_size(width: int, height: int) -> tuple[int, int]:
    """The requested shape, scaled down so the longer side is at most MAX_IMAGE_SIDE (never below 64)."""
    scale = min(1.0, MAX_IMAGE_SIDE / max(width, height))
    return max(64, round(width * scale)), max(64, round(height * scale))
