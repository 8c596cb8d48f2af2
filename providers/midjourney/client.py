"""The raw Midjourney-style job API: one method per documented endpoint, over one ``_call``.

``_call`` adds the Bearer token (logging in when none is cached), sends through the shared
``Transport`` (reads retried, billed submits sent exactly once), decodes the ``{errno, errmsg, data}``
envelope and maps ``errno`` through ``codes.py``. On errno 430 (token missing or expired) it logs in
again exactly once and repeats the call; a 430 means the service did not accept the request at all,
so repeating even a billed submit cannot run it twice.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from providers.core.base import TokenStore
from providers.core.errors import AuthenticationError, DecodeError, InvalidInputError
from providers.core.scrub import Scrubber
from providers.core.transport import HttpResponse, Transport
from providers.core.unknown_values import report_unknown_shape
from providers.midjourney.codes import OK, InvalidLoginError, error_for_errno, login_error_for_errno
from providers.midjourney.find_walk import FindWalk, Found, PageCap, UnreadableSpans
from providers.midjourney.find_walk import next_cursor as next_cursor
from providers.midjourney.models import (
    BlendRequest,
    CreateRequest,
    DescribeRequest,
    Envelope,
    FindPage,
    FindRequest,
    Job,
    LoginData,
    LoginRequest,
    MidjourneyCredentials,
    MidjourneyRequest,
    UpscaleRequest,
    VariationRequest,
)

log = logging.getLogger(__name__)

BLEND_MIN_LINKS = 2
BLEND_MAX_LINKS = 5
#: how many of the latest login tokens the client's scrubber takes out
_HELD_TOKENS = 2


def token_key(base_url: str, username: str) -> str:
    """Where the login token is cached: per service address and user, never derived from the password."""
    return f"midjourney|{base_url.rstrip('/')}|{username}"


@dataclass(frozen=True)
class FoundJobs:
    """The wanted jobs ``find_jobs`` found (a malformed entry as its ``DecodeError``), and what it could not read."""

    jobs: dict[str, Job | DecodeError]
    walk: Found

    def unreadable_since(self, since_ms: int | None) -> DecodeError | None:
        """Why a job not found, listed no earlier than ``since_ms``, may be one the bot could not read; None when
        it is simply not listed (yet)."""
        return self.walk.unreadable_since(since_ms)


@functools.cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def _require_grid_num(grid_num: int) -> None:
    if isinstance(grid_num, bool) or not isinstance(grid_num, int) or not 1 <= grid_num <= 4:
        raise InvalidInputError(
            f"Choose an image of the grid from 1 to 4 (1 top-left … 4 bottom-right); you gave {grid_num!r}.",
            field="grid_num",
            key="grid_image_out_of_range",
            values={"index": repr(grid_num)},
        )


def _require_link(url: str, what: str, number: int | None = None) -> str:
    link = url.strip()
    if not link.startswith(("http://", "https://")) or any(ch.isspace() for ch in link):
        raise InvalidInputError(
            f"{what} must be a public http(s) link to an image.",
            field="content",
            key="image_needs_public_link" if number is None else "numbered_image_needs_public_link",
            values={"what": what, "number": number},
        )
    return link


class MidjourneyClient:
    """The documented endpoints. Construct one per provider instance (it owns the login lock)."""

    def __init__(
        self,
        transport: Transport,
        credentials: MidjourneyCredentials,
        token_store: TokenStore,
        *,
        page_size: int = 50,
        max_pages: int = 5,
    ) -> None:
        self._transport = transport
        self._credentials = credentials
        self._tokens = token_store
        #: takes the password out of the service's own texts before they reach an error (``providers.core.scrub``);
        #: ``scrub`` adds the login tokens this client holds
        self._credentials_scrub = Scrubber.of(credentials)
        #: the login tokens sent lately, newest last (the one before a refresh too: a job's text may quote it)
        self._held_tokens: tuple[str, ...] = ()
        self._scrub = self._credentials_scrub
        self._token_key = token_key(str(transport.base_url), credentials.username)
        # one login at a time: concurrent calls that find no (or an expired) token wait for one login
        self._login_lock = asyncio.Lock()
        self.page_size = page_size
        self.max_pages = max_pages
        #: entries of this account's job list that cannot be read, where they sit (stepped over without asking)
        self._unreadable = UnreadableSpans()
        #: how many entries a page of this service holds at most, when it answers fewer than asked
        self.page_cap = PageCap()

    @property
    def provider(self) -> str:
        return self._transport.provider

    @property
    def scrub(self) -> Scrubber:
        """Takes the password and the login tokens this client holds out of the service's texts (a job's
        failure reason in a poll may quote the token as well as a call's error)."""
        return self._scrub

    def _hold(self, token: str | None) -> None:
        if token and token not in self._held_tokens:
            self._held_tokens = (*self._held_tokens, token)[-_HELD_TOKENS:]
            self._scrub = self._credentials_scrub.with_secrets(*self._held_tokens)

    # --- endpoints --------------------------------------------------------------------------------
    async def login(self) -> LoginData:
        """``POST /auth/login``; caches the token for the calls that follow."""
        async with self._login_lock:
            return await self._login_unlocked()

    async def create(self, content: str) -> str:
        """``POST /jobs/create``: an /imagine job; returns its hash."""
        return await self._call(CreateRequest(content=self._require_content(content)))

    async def find(
        self,
        *,
        limit: int | None = None,
        timestamp_smaller_than: int | None = None,
        service: Sequence[str] | None = None,
        job_type: Sequence[str] | None = None,
        prompt: str | None = None,
        folders: Sequence[str] | None = None,
        favourite: bool | None = None,
    ) -> FindPage:
        """``POST /jobs/find``: one page of the account's jobs, newest first."""
        request = FindRequest(
            limit=limit,
            timestamp_smaller_than=timestamp_smaller_than,
            service=None if service is None else list(service),
            job_type=None if job_type is None else list(job_type),
            prompt=prompt,
            folders=None if folders is None else list(folders),
            favourite=favourite,
        )
        return await self._call(request)

    async def variation(self, parent_id: str, grid_num: int, content: str | None = None) -> str:
        """``POST /jobs/variation`` on the parent's *job_id*; with ``content`` it is a remix."""
        _require_grid_num(grid_num)
        remix = None if content is None else self._require_content(content)
        return await self._call(VariationRequest(parent_id=parent_id, grid_num=grid_num, content=remix))

    async def upscale(self, parent_hash: str, grid_num: int) -> str:
        """``POST /jobs/upscale`` on the parent's *hash*."""
        _require_grid_num(grid_num)
        return await self._call(UpscaleRequest(parent_hash=parent_hash, grid_num=grid_num))

    async def blend(self, urls: Sequence[str], parameters: str | None = None) -> str:
        """``POST /jobs/blend``: 2–5 image links joined by spaces, as documented; ``parameters`` after them (``--ar``)
        only for a service known to read them there (``MidjourneySettings.blend_reads_ar``)."""
        if not BLEND_MIN_LINKS <= len(urls) <= BLEND_MAX_LINKS:
            raise InvalidInputError(
                f"Blend takes {BLEND_MIN_LINKS} to {BLEND_MAX_LINKS} images; you gave {len(urls)}.",
                field="images",
                key="blend_image_count",
                values={"low": BLEND_MIN_LINKS, "high": BLEND_MAX_LINKS, "count": len(urls)},
            )
        links = [_require_link(url, f"Image {number}", number) for number, url in enumerate(urls, start=1)]
        content = " ".join([*links, parameters.strip()] if parameters and parameters.strip() else links)
        return await self._call(BlendRequest(content=content))

    async def describe(self, url: str) -> str:
        """``POST /jobs/describe``: the link of one image."""
        return await self._call(DescribeRequest(content=_require_link(url, "The image")))

    # --- following jobs ---------------------------------------------------------------------------
    async def find_job(self, job_hash: str, *, newer_than_ms: int | None = None) -> Job | None:
        """One job by hash (the API has no hash filter), or None when it is not listed (yet); ``DecodeError`` when
        its entry does not have the documented shape, or when it may be an entry the bot cannot read."""
        found = await self.find_jobs([job_hash], newer_than_ms=newer_than_ms)
        job = found.jobs.get(job_hash)
        if isinstance(job, DecodeError):
            raise job
        if job is None and (unreadable := found.unreadable_since(newer_than_ms)) is not None:
            raise unreadable
        return job

    async def find_jobs(
        self, hashes: Iterable[str], *, newer_than_ms: int | None = None, newest_submit_ms: int | None = None
    ) -> FoundJobs:
        """Jobs by hash, paging back newest first with ``timestamp_smaller_than`` as the cursor; a job whose entry
        does not have the documented shape is its own ``DecodeError`` (the others on the page are unaffected), and
        an entry that makes its page unreadable is narrowed down and stepped over (``find_walk``).

        Stops when every hash is found, at the last page (empty, or holding all ``total`` counts: a page shorter
        than asked is not the end), when pages reach back before ``newer_than_ms`` (the jobs cannot be older than
        their submit), or after ``max_pages × page_size`` entries. ``newest_submit_ms``
        (the newest job's submit, when known) lets a walk step over a remembered unreadable newest entry at once.
        """

        async def find(limit: int, cursor: int | None) -> FindPage:
            return await self.find(limit=limit, timestamp_smaller_than=cursor)

        walk = FindWalk(
            find,
            frozenset(hashes),
            page_size=self.page_size,
            max_pages=self.max_pages,
            newer_than_ms=newer_than_ms,
            spans=self._unreadable,
            newest_wanted_ms=newest_submit_ms,
            page_cap=self.page_cap,
            provider=self.provider,
        )
        found = await walk.run()
        jobs = {h: job if isinstance(job, Job) else self._malformed(h, job) for h, job in found.jobs.items()}
        return FoundJobs(jobs, found)

    def _malformed(self, job_hash: str, error: ValidationError) -> DecodeError:
        log.info("%s job %s: malformed entry in /jobs/find (%d errors)", self.provider, job_hash, error.error_count())
        report_unknown_shape(self.provider, "/jobs/find entry shape", error)
        message = "The service listed this job in a form its documents do not describe."
        return DecodeError(message, provider=self.provider)

    # --- the one request path ---------------------------------------------------------------------
    async def _call(self, request: MidjourneyRequest) -> Any:
        token = await self._current_token()
        try:
            return await self._send(request, token)
        except InvalidLoginError:
            log.info("%s: login expired on %s; logging in again", self.provider, request.path)
        token = await self._fresh_token(stale=token)
        try:
            return await self._send(request, token)
        except InvalidLoginError as exc:
            raise AuthenticationError(
                "The service refused the login even right after logging in again; check the account.",
                provider=self.provider,
                code=exc.code,
            ) from None

    async def _send(self, request: MidjourneyRequest, token: str | None) -> Any:
        self._hold(token)
        headers = {"Authorization": f"Bearer {token}"} if token else None
        body = request.body()

        async def once() -> Any:
            response = await self._transport.send("POST", request.path, json_body=body, headers=headers)
            return self._decode(response, request, token)

        if request.billed:
            return await self._transport.submit_once(once)
        return await self._transport.retrying(once, idempotent=True)

    def _decode(self, response: HttpResponse, request: MidjourneyRequest, token: str | None = None) -> Any:
        # the HTTP status of an error reply is undocumented: trust the envelope whenever there is one
        try:
            envelope = Envelope.model_validate(response.json())
        except (DecodeError, ValidationError) as exc:
            response.raise_for_status()
            if isinstance(exc, ValidationError):
                report_unknown_shape(self.provider, f"{request.path} reply envelope", exc)
            raise DecodeError(
                "The service sent a reply without the documented errno envelope.",
                provider=self.provider,
                code=response.status,
            ) from exc
        if envelope.errno != OK:
            make_error = login_error_for_errno if isinstance(request, LoginRequest) else error_for_errno
            raise make_error(
                envelope.errno, envelope.message, provider=self.provider, scrub=self.scrub.with_secrets(token)
            )
        try:
            return _adapter(request.returns).validate_python(envelope.data)
        except ValidationError as exc:
            report_unknown_shape(self.provider, f"{request.path} reply shape", exc)
            raise DecodeError(
                f"The service's reply to {request.path} does not have the documented shape.", provider=self.provider
            ) from exc

    # --- login and the token cache -----------------------------------------------------------------
    async def _login_unlocked(self) -> LoginData:
        request = LoginRequest(username=self._credentials.username, password=self._credentials.password)
        data: LoginData = await self._send(request, None)
        self._hold(data.token)
        await self._tokens.set(self._token_key, data.token)
        return data

    async def _current_token(self) -> str:
        token = await self._tokens.get(self._token_key)
        if token:
            return token
        async with self._login_lock:
            token = await self._tokens.get(self._token_key)  # another call may have logged in meanwhile
            if token:
                return token
            return (await self._login_unlocked()).token

    async def _fresh_token(self, *, stale: str) -> str:
        async with self._login_lock:
            current = await self._tokens.get(self._token_key)
            if current and current != stale:
                return current  # another call already replaced the expired token
            await self._tokens.delete(self._token_key)
            return (await self._login_unlocked()).token

    @staticmethod
    def _require_content(content: str) -> str:
        text = content.strip()
        if not text:
            raise InvalidInputError(
                "The prompt is empty; describe what you want to see.", field="content", key="prompt_empty"
            )
        return text
