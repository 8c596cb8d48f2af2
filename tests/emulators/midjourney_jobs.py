"""The Midjourney-style emulator's jobs: what it keeps about each one and how ``/jobs/find`` lists it.

Written from seed 002 alone (see ``midjourney.py``); the variants that change how a job is listed
(``describe_in_translation``, ``describe_in_msg_content``) are read here from ``EmulatorState.variants``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from tests.emulators.common import FAULTS_KEY, JobClock, absolute, grid_png, png_bytes, store_file

TEST_USERNAME = "test-user"
TEST_PASSWORD = "pw-4r8t2m6z"

FINISHED_STATUS = 2000  # the only value in the document (a finished job)
# Inference: nothing documents the other statuses; the emulator uses these, and a failed job carries
# a status >= 4000 with the reason in ``error`` and no result image (all three: the bot fails a job only then).
QUEUED_STATUS = 1000
RUNNING_STATUS = 1100
FAILED_STATUS = 4000

CELL_LONG_SIDE = 128
GRID_TYPES = ("main", "variation", "blend")

#: stands for a text of ``HUGE_REPLY_BYTES`` in a job object until its reply is encoded
HUGE_MARK = "emulator: a huge text goes here"

STATE_KEY: web.AppKey[EmulatorState] = web.AppKey("mj_state", object)  # type: ignore[arg-type]


class Refusal(Exception):
    """An error reply raised from deep inside a handler."""

    def __init__(self, errno: int, message: str) -> None:
        super().__init__(message)
        self.errno = errno
        self.message = message


@dataclass
class EmulatedJob:
    hash: str
    job_id: str
    owner: str
    job_type: str
    content: str
    timestamp_ms: int
    started: float
    cell: tuple[int, int]
    seed: int
    parent: EmulatedJob | None = None
    grid_num: int | None = None
    fails: bool = False
    #: filler jobs are finished from the start
    finished_from_start: bool = False
    result_url: str | None = None
    preview_url: str | None = None
    #: one of ``common.GARBAGE_FAULTS``: how this job's entry in ``/jobs/find`` is broken
    garbage: str | None = None


@dataclass
class EmulatorState:
    clock: JobClock
    #: the readings this emulator plays (``VARIANTS``); a test may switch them while the emulator runs
    variants: frozenset[str] = frozenset()
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    users: dict[str, str] = field(default_factory=lambda: {TEST_USERNAME: TEST_PASSWORD})
    #: ``jti`` of every token that still works
    active_tokens: set[str] = field(default_factory=set)
    logins: int = 0
    jobs: list[EmulatedJob] = field(default_factory=list)
    last_timestamp_ms: int = 0
    filler_image_path: str | None = None

    def next_timestamp(self) -> int:
        self.last_timestamp_ms = max(int(time.time() * 1000), self.last_timestamp_ms + 1)
        return self.last_timestamp_ms


# --- Midjourney parameters in ``content`` ----------------------------------------------------------

_AR = re.compile(r"--(?:ar|aspect)\s+(\S+)")
_SEED = re.compile(r"--seed\s+(\S+)")


def parse_parameters(content: str) -> tuple[tuple[int, int], int | None]:
    """The cell size from ``--ar`` and the ``--seed``; bad values are a 301 as Midjourney refuses them."""
    width, height = 1, 1
    ratio = _AR.search(content)
    if ratio:
        match = re.fullmatch(r"(\d{1,4}):(\d{1,4})", ratio[1])
        if not match or int(match[1]) == 0 or int(match[2]) == 0:
            raise Refusal(301, f"INVALID PARAMETER: --ar {ratio[1]}")
        width, height = int(match[1]), int(match[2])
    seed = None
    seed_match = _SEED.search(content)
    if seed_match:
        if not seed_match[1].isdigit() or int(seed_match[1]) > 4_294_967_295:
            raise Refusal(301, f"INVALID PARAMETER: --seed {seed_match[1]}")
        seed = int(seed_match[1])
    scale = CELL_LONG_SIDE / max(width, height)
    return (max(16, round(width * scale)), max(16, round(height * scale))), seed


# --- jobs ------------------------------------------------------------------------------------------


def new_job(
    app: web.Application,
    owner: str,
    job_type: str,
    content: str,
    *,
    cell: tuple[int, int],
    seed: int | None = None,
    parent: EmulatedJob | None = None,
    grid_num: int | None = None,
    timestamp_ms: int | None = None,
    finished: bool = False,
) -> EmulatedJob:
    state = app[STATE_KEY]
    job = EmulatedJob(
        hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
        job_id=str(uuid.uuid4()),
        owner=owner,
        job_type=job_type,
        content=content,
        timestamp_ms=timestamp_ms if timestamp_ms is not None else state.next_timestamp(),
        started=state.clock.now(),
        cell=cell,
        seed=seed if seed is not None else secrets.randbelow(10_000),
        parent=parent,
        grid_num=grid_num,
        fails=False if finished else app[FAULTS_KEY].take("job_fails"),
        finished_from_start=finished,
        garbage=None if finished else app[FAULTS_KEY].take_garbage(),
    )
    state.jobs.append(job)
    return job


def add_jobs(
    app: web.Application,
    count: int,
    *,
    username: str = TEST_USERNAME,
    timestamp_ms: int | None = None,
    job_type: str = "main",
) -> list[str]:
    """Add ``count`` finished jobs of ``job_type`` ("main": /imagine; "describe": one image link described), newest
    so far unless ``timestamp_ms`` is given; their hashes."""
    content = "https://cdn.example/filler.png" if job_type == "describe" else "filler job {n}"
    return [
        new_job(
            app, username, job_type, content.format(n=n), cell=(CELL_LONG_SIDE, CELL_LONG_SIDE),
            timestamp_ms=timestamp_ms, finished=True,
        ).hash
        for n in range(count)
    ]


def _iso(timestamp_ms: int) -> str:
    return datetime.fromtimestamp(timestamp_ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _describe_texts() -> tuple[str, str]:
    subjects = ("an abstract composition", "a colourful poster", "a geometric study", "a bright illustration")
    english = "\n\n".join(
        f"{n}\ufe0f\u20e3 {subject} with a white ring and diagonal lines, flat colours --ar 1:1"
        for n, subject in enumerate(subjects, start=1)
    )
    chinese = "\n\n".join(f"{n}\ufe0f\u20e3 带白色圆环和斜线的抽象构图" for n in range(1, 5))
    return english, chinese


def _describe_fields(variants: frozenset[str]) -> dict[str, Any]:
    """Where a finished describe job carries its prompts, as the variant played says."""
    english, chinese = _describe_texts()
    if "describe_in_translation" in variants:
        return {"description": None, "description_translation": chinese}
    if "describe_in_msg_content" in variants:
        return {"description": None, "description_translation": None, "msg_content": english, "msg_display": english}
    return {"description": english, "description_translation": chinese}


def _result_path(app: web.Application, job: EmulatedJob) -> str:
    state = app[STATE_KEY]
    if job.finished_from_start:
        if state.filler_image_path is None:
            state.filler_image_path = store_file(app, grid_png(*job.cell, seed=1))
        return state.filler_image_path
    if job.job_type == "upscale":
        return store_file(app, png_bytes(job.cell[0] * 2, job.cell[1] * 2, seed=job.seed, label="upscale"))
    return store_file(app, grid_png(*job.cell, seed=job.seed))


def render(request: web.Request, job: EmulatedJob) -> dict[str, Any]:
    """The job object as ``/jobs/find`` lists it, at this moment of its life (broken as its garbage fault says)."""
    obj = _render(request, job)
    finished = obj["status"] in (FINISHED_STATUS, FAILED_STATUS)
    if job.garbage == "huge_reply":
        obj["msg_display"] = HUGE_MARK  # the huge text itself is spliced into the encoded reply
    elif job.garbage == "wrong_types" and finished:
        obj.update(status={"code": obj["status"]}, img_buffer=7, img_width="wide", description=["not", "text"])
    elif job.garbage == "missing_fields" and finished:
        obj = {key: obj[key] for key in ("id", "hash", "job_id", "job_type", "timestamp", "sender_id")}
    return obj


def _render(request: web.Request, job: EmulatedJob) -> dict[str, Any]:
    app = request.app
    state = app[STATE_KEY]
    phase, percent = ("finished", 100.0) if job.finished_from_start else state.clock.phase(job.started)
    # a grid is 2×2 cells; an upscale is one cell at twice the size: both twice the cell
    width, height = job.cell[0] * 2, job.cell[1] * 2
    obj: dict[str, Any] = {
        "id": state.jobs.index(job) + 1,
        "id_uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, job.hash)),
        "sender_id": job.owner,
        "msg_content": job.content,
        "msg_display": job.content[:1].upper() + job.content[1:],
        "timestamp": str(job.timestamp_ms),
        "hash": job.hash,
        "status": QUEUED_STATUS,
        "error": None,
        "job_id": job.job_id,
        "parent_id": job.parent.job_id if job.parent else None,
        "parent_hash": job.parent.hash if job.parent else None,
        "img_buffer": None,
        "img_format": "png",
        "img_height": None,
        "img_width": None,
        "grid_num": job.grid_num,
        "job_type": job.job_type,
        "payment_type": "trial",
        "service": "niji" if "--niji" in job.content else "main",
        "source": "app",
        "pct_prog": None,
        "img_prog": None,
        "img_thumb": None,
        "original_url": None,
        "deleted": False,
        "description": None,
        "description_translation": None,
        "created_at": _iso(job.timestamp_ms),
        "updated_at": _iso(job.timestamp_ms),
        "is_favourite": False,
        "favourite_count": 0,
        "folders": [],
    }
    if phase == "running":
        if job.preview_url is None:
            job.preview_url = store_file(app, png_bytes(64, 64, seed=job.seed, label="preview"))
        # as the service does: a plain-http link on the service's own address, not on its image storage
        obj.update(status=RUNNING_STATUS, pct_prog=round(percent), img_prog=absolute(request, job.preview_url))
    elif phase == "finished" and job.fails:
        obj.update(status=FAILED_STATUS, error="Job failed: the render could not be completed")
    elif phase == "finished":
        obj.update(status=FINISHED_STATUS, updated_at=_iso(job.timestamp_ms + 1000))
        if job.job_type == "describe":
            obj.update(_describe_fields(state.variants))
        else:
            if job.result_url is None:
                job.result_url = _result_path(app, job)
            link = absolute(request, job.result_url)
            obj.update(img_buffer=link, img_thumb=link, original_url=link, img_width=width, img_height=height)
            if job.job_type == "main":
                obj["error"] = "altered prompt"  # as in the document's sample: not a failure
    return obj
