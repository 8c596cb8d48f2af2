"""Typed requests and replies of the Midjourney-style job API (seed 002, PROVIDERS.md §2).

Each request model knows its path and the type of the ``data`` it answers with, so the client's
endpoint methods are one-liners over one ``_call``. Reply models tolerate extra fields: the job
object carries dozens of columns and the service may add more at any time.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints, ValidationError, field_validator

#: the job hash every submit answers with (``data``), used to follow the job in ``/jobs/find``
JobHash = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# --- credentials ----------------------------------------------------------------------------------


class MidjourneyCredentials(BaseModel):
    """The account the bot logs in with (``POST /auth/login``)."""

    model_config = ConfigDict(frozen=True)

    username: str = Field(
        title="Username",
        description="The user name of your account on the Midjourney-style job API.",
        min_length=1,
        max_length=200,
    )
    password: SecretStr = Field(
        title="Password",
        description="The password of that account. It is only sent to the service's login endpoint.",
    )


# --- replies --------------------------------------------------------------------------------------


class _Reply(BaseModel):
    model_config = ConfigDict(extra="allow")


class Envelope(_Reply):
    """Every reply: ``{errno, errmsg | error, data}`` (the 430 sample says ``error``, the rest ``errmsg``)."""

    errno: int
    errmsg: str | None = None
    error: str | None = None
    data: Any = None

    @property
    def message(self) -> str:
        return (self.errmsg or self.error or "").strip()


class LoginData(_Reply):
    """``data`` of a successful login: the user's profile and the JWT to send as a Bearer token."""

    token: str = Field(min_length=1)
    id: str | None = None
    username: str | None = None
    account_type: str | None = None
    account_status: str | None = None

    def __repr__(self) -> str:  # the token is a credential: never in a repr or a log line
        return f"LoginData(id={self.id!r}, username={self.username!r}, token=<hidden>)"


class Job(_Reply):
    """One job object as ``/jobs/find`` lists it. Every field is optional: the sample has nulls everywhere."""

    id: int | None = None
    hash: str | None = None
    job_id: str | None = None
    parent_id: str | None = None
    parent_hash: str | None = None
    #: Inference: 2000 (finished) is the only documented value; see ``status.py``. Null while nothing is known, but
    #: always listed: an entry without it says nothing about the job and is malformed, not "still running"
    status: int | None
    #: not a failure flag by itself: the finished sample carries "altered prompt"
    error: str | None = None
    msg_content: str | None = None
    msg_display: str | None = None
    #: milliseconds since the epoch, as a string in the sample
    timestamp: str | int | None = None
    img_buffer: str | None = None
    img_thumb: str | None = None
    original_url: str | None = None
    img_width: int | None = None
    img_height: int | None = None
    pct_prog: float | None = None
    img_prog: str | None = None
    job_type: str | None = None
    service: str | None = None
    description: str | None = None
    description_translation: str | None = None
    grid_num: int | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @field_validator("pct_prog", mode="before")
    @classmethod
    def _percent(cls, value: object) -> object:
        # a progress figure may plausibly arrive as "45%"; a figure is a hint, never worth failing a poll
        if isinstance(value, str):
            text = value.strip().rstrip("%").strip()
            try:
                return float(text) if text else None
            except ValueError:
                return None
        return value

    @property
    def timestamp_ms(self) -> int | None:
        try:
            return None if self.timestamp is None else int(self.timestamp)
        except ValueError:
            return None


class FindPage(_Reply):
    """``data`` of ``/jobs/find``: one page of jobs, newest first, and how many match in all. The entries stay raw
    here and are decoded one by one (``by_hash``), so that one malformed job fails only its own poll, not every
    job the page answers for."""

    entries: list[Any] = Field(default_factory=list, alias="res")
    total: int | None = None

    @property
    def res(self) -> list[Job]:
        """The entries that decode, in the order given."""
        return [job for job in self.by_hash().values() if isinstance(job, Job)]

    def by_hash(self) -> dict[str, Job | ValidationError]:
        """Each entry decoded on its own, by its hash (a malformed one as its error). An entry that does not even
        say which job it is cannot be matched to a job and is left out."""
        decoded: dict[str, Job | ValidationError] = {}
        for entry in self.entries:
            job_hash = entry.get("hash") if isinstance(entry, dict) else None
            if not isinstance(job_hash, str) or not job_hash.strip() or job_hash in decoded:
                continue
            try:
                decoded[job_hash] = Job.model_validate(entry)
            except ValidationError as error:
                decoded[job_hash] = error
        return decoded

    def timestamps(self) -> list[int]:
        """The readable timestamps of the page's entries, malformed ones included (the cursor needs them all)."""
        stamps = []
        for entry in self.entries:
            value = entry.get("timestamp") if isinstance(entry, dict) else None
            if isinstance(value, int) and not isinstance(value, bool):
                stamps.append(value)
            elif isinstance(value, str) and value.strip().isdigit():
                stamps.append(int(value))
        return stamps


# --- requests -------------------------------------------------------------------------------------


class MidjourneyRequest(BaseModel):
    """A request body; ``path`` and ``returns`` say where it goes and what its ``data`` is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: ClassVar[str]
    returns: ClassVar[Any]
    #: creates a (billed) job: sent exactly once, never retried
    billed: ClassVar[bool] = False

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class LoginRequest(MidjourneyRequest):
    path = "/auth/login"
    returns = LoginData

    username: str
    password: SecretStr

    def body(self) -> dict[str, Any]:
        return {"username": self.username, "password": self.password.get_secret_value()}


class CreateRequest(MidjourneyRequest):
    path = "/jobs/create"
    returns = JobHash
    billed = True

    content: str


class FindRequest(MidjourneyRequest):
    path = "/jobs/find"
    returns = FindPage

    limit: int | None = None
    timestamp_smaller_than: int | None = None
    service: list[str] | None = None
    job_type: list[str] | None = None
    prompt: str | None = None
    folders: list[str] | None = None
    favourite: bool | None = None


class VariationRequest(MidjourneyRequest):
    """V1–V4; with ``content`` it is a remix (same endpoint)."""

    path = "/jobs/variation"
    returns = JobHash
    billed = True

    parent_id: str
    grid_num: int
    content: str | None = None


class UpscaleRequest(MidjourneyRequest):
    path = "/jobs/upscale"
    returns = JobHash
    billed = True

    parent_hash: str
    grid_num: int


class BlendRequest(MidjourneyRequest):
    """``content``: 2–5 image links separated by spaces."""

    path = "/jobs/blend"
    returns = JobHash
    billed = True

    content: str


class DescribeRequest(MidjourneyRequest):
    """``content``: the link of one image."""

    path = "/jobs/describe"
    returns = JobHash
    billed = True

    content: str
