"""One small HTTP transport shared by every provider client.

It owns nothing but behaviour: the ``aiohttp.ClientSession`` is created once by the bot and passed in.
It turns every aiohttp failure into a ``ProviderError``, caps response sizes, applies timeouts, and
runs the retry loop for idempotent calls. It never logs bodies, headers or query strings (they carry
keys and signatures).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from providers.core.errors import (
    AuthenticationError,
    DecodeError,
    InvalidInputError,
    NotFoundError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitedError,
    ServerError,
    SubmitOutcomeUnknownError,
)
from providers.core.retry import RetryPolicy, backoff, parse_retry_after, should_retry
from providers.core.url_policy import UrlPolicy

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_MAX_JSON_BYTES = 32 * 1024 * 1024
DEFAULT_MAX_IMAGE_BYTES = 25 * 1024 * 1024
#: hops followed for one file; more is a loop or an attempt to tire the bot
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: addresses of one host tried in turn when a connection fails (the others were checked too)
MAX_ADDRESSES_TRIED = 3
#: statuses that end a call whose outcome is unknown: 408 (request timeout), 425 (too early: a replay refused) and
#: 499 (a proxy's "client closed request") may come after the service already took the request, so they are
#: timeouts, never refusals: a billed submit answered so is not sent again (``submit_once``), a read is retried
OUTCOME_UNKNOWN_STATUSES = frozenset({408, 425, 499})


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    provider: str

    def json(self) -> Any:
        """The body as JSON, or ``DecodeError`` (the body itself is never put into the message)."""
        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DecodeError(
                "The service sent a reply that is not valid JSON.", provider=self.provider, code=self.status
            ) from exc

    def raise_for_status(self) -> None:
        """Map a non-2xx status the client could not interpret itself to the error hierarchy."""
        raise_for_http_status(self.status, self.headers, self.provider)


def raise_for_http_status(status: int, headers: Mapping[str, str], provider: str) -> None:
    if status < 400:
        return
    if status == 429:
        raise RateLimitedError(
            "The service is rate-limiting requests; try again shortly.",
            retry_after=parse_retry_after(headers.get("Retry-After")),
            provider=provider,
            code=status,
        )
    if status in OUTCOME_UNKNOWN_STATUSES:
        raise ProviderTimeoutError(
            "The service did not finish the request in time.", provider=provider, code=status
        )
    if status >= 500:
        raise ServerError("The service had an internal error.", provider=provider, code=status)
    if status in (401, 403):
        raise AuthenticationError("The service refused the credentials.", provider=provider, code=status)
    if status == 404:
        raise NotFoundError("The service does not know this resource.", provider=provider, code=status)
    if status == 413:
        raise InvalidInputError("The request is too large for the service.", provider=provider, code=status)
    raise InvalidInputError("The service rejected the request.", provider=provider, code=status)


class Transport:
    """HTTP for one service: base URL, timeouts, size caps and the retry loop."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        provider: str,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        retry_policy: RetryPolicy | None = None,
        max_json_bytes: int = DEFAULT_MAX_JSON_BYTES,
        url_policy: UrlPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.session = session
        self.base_url = URL(base_url.rstrip("/") + "/")
        self.provider = provider
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.retry_policy = retry_policy or RetryPolicy()
        self.max_json_bytes = max_json_bytes
        #: where files may be fetched from besides the service itself (public addresses by default)
        self.url_policy = url_policy or UrlPolicy()
        self._sleep = sleep

    def url(self, path: str) -> URL:
        """An absolute URL under the base URL (``path`` may itself be absolute)."""
        if path.startswith(("http://", "https://")):
            return URL(path)
        return self.base_url.join(URL(path.lstrip("/")))

    async def send(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        max_bytes: int | None = None,
        allow_redirects: bool = True,
        server_hostname: str | None = None,
    ) -> HttpResponse:
        """One attempt. 5xx and 429 raise; other statuses are returned for the client to interpret.
        ``server_hostname`` names the host to verify TLS against when ``path`` addresses it by IP."""
        url = self.url(path)
        limit = max_bytes or self.max_json_bytes
        client_timeout = aiohttp.ClientTimeout(
            total=timeout or self.timeout, connect=min(self.connect_timeout, timeout or self.timeout)
        )
        kwargs: dict[str, Any] = {
            "headers": headers,
            "params": params,
            "timeout": client_timeout,
            "allow_redirects": allow_redirects,
            "server_hostname": server_hostname,
        }
        if json_body is not None:
            kwargs["data"] = json.dumps(json_body, ensure_ascii=False).encode()
            kwargs["headers"] = {"Content-Type": "application/json", **(headers or {})}
        elif form is not None:
            kwargs["data"] = dict(form)
        try:
            async with self.session.request(method, url, **kwargs) as resp:
                body = await _read_capped(resp, limit, self.provider)
                response = HttpResponse(resp.status, resp.headers, body, self.provider)
        except ProviderError:
            raise
        except (aiohttp.ClientConnectorError, aiohttp.InvalidURL) as exc:
            log.info("%s: cannot connect for %s %s", self.provider, method, url.path)
            raise ProviderConnectionError(
                "The service could not be reached.", provider=self.provider
            ) from exc
        except TimeoutError as exc:
            log.info("%s: timeout on %s %s", self.provider, method, url.path)
            raise ProviderTimeoutError("The service did not answer in time.", provider=self.provider) from exc
        except aiohttp.ClientError as exc:
            # disconnected mid-request: the request may have been received
            log.info("%s: %s on %s %s", self.provider, type(exc).__name__, method, url.path)
            raise ProviderTimeoutError(
                "The connection to the service broke before it answered.", provider=self.provider
            ) from exc
        log.debug("%s: %s %s -> %s", self.provider, method, url.path, response.status)
        if response.status == 429 or response.status >= 500:
            response.raise_for_status()
        return response

    async def retrying(self, call: Callable[[], Awaitable[T]], *, idempotent: bool) -> T:
        """Run ``call`` again on retryable errors, but only when it is idempotent."""
        attempt = 1
        while True:
            try:
                return await call()
            except ProviderError as error:
                if not should_retry(error, attempt, idempotent=idempotent, policy=self.retry_policy):
                    raise
                retry_after = error.retry_after if isinstance(error, RateLimitedError) else None
                delay = backoff(attempt, self.retry_policy, retry_after=retry_after)
                log.info(
                    "%s: retrying after %s (attempt %d, waiting %.2fs)",
                    self.provider, error.kind, attempt, delay,
                )
                await self._sleep(delay)
                attempt += 1

    async def submit_once(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run a billed submit exactly once. A timeout or broken connection becomes
        ``SubmitOutcomeUnknownError``: the job may exist, so the caller must check, not resubmit."""
        try:
            return await call()
        except ProviderTimeoutError as exc:
            raise SubmitOutcomeUnknownError(
                "The service did not confirm the request in time; it may still run (and be billed). "
                "It was not sent again.",
                provider=self.provider,
            ) from exc

    async def fetch_bytes(
        self, url: str, *, max_bytes: int = DEFAULT_MAX_IMAGE_BYTES, timeout: float | None = None
    ) -> tuple[bytes, str | None]:
        """GET a file (a result image, or a member's image) with a size cap and one time cap for all its
        redirects; retried, since a GET is idempotent. A link outside the service's own base URL is fetched
        only when ``url_policy`` allows its address, and the connection goes to that checked address."""
        limit = timeout or self.timeout

        async def attempt() -> tuple[bytes, str | None]:
            try:
                async with asyncio.timeout(limit):
                    response = await self._get_following_redirects(self.url(url), max_bytes, limit)
            except TimeoutError as exc:
                raise ProviderTimeoutError("The image did not arrive in time.", provider=self.provider) from exc
            response.raise_for_status()
            return response.body, response.headers.get("Content-Type")

        return await self.retrying(attempt, idempotent=True)

    def _is_own(self, url: URL) -> bool:
        """Whether ``url`` is on the configured service itself, which every API call already trusts."""
        return url.absolute and url.origin() == self.base_url.origin()

    async def _get_following_redirects(self, url: URL, max_bytes: int, timeout: float) -> HttpResponse:
        # redirects are followed here, not by aiohttp, so that every hop passes the same address check
        for _ in range(MAX_REDIRECTS + 1):
            if self._is_own(url):
                response = await self.send("GET", str(url), max_bytes=max_bytes, timeout=timeout, allow_redirects=False)
            else:
                response = await self._get_pinned(url, max_bytes, timeout)
            location = response.headers.get("Location")
            if response.status not in REDIRECT_STATUSES or not location:
                return response
            try:
                url = url.join(URL(location))
            except ValueError as exc:
                raise DecodeError("The image link redirects to an unreadable address.", provider=self.provider) from exc
        raise DecodeError(f"The image link redirects more than {MAX_REDIRECTS} times.", provider=self.provider)

    async def _get_pinned(self, url: URL, max_bytes: int, timeout: float) -> HttpResponse:
        """GET ``url`` from one of the addresses the policy checked, never from a second DNS answer: the request
        goes to the IP itself, with the name in ``Host`` and as the TLS server name (SNI and certificate)."""
        addresses = await self.url_policy.addresses(url)
        name = url.raw_host or ""
        headers = {"Host": url.host_port_subcomponent or name}
        tls_name = name.rstrip(".") if url.scheme == "https" else None
        for attempt, address in enumerate(addresses[:MAX_ADDRESSES_TRIED], start=1):
            pinned = url.with_host(str(address))
            try:
                return await self.send(
                    "GET", str(pinned), headers=headers, max_bytes=max_bytes, timeout=timeout,
                    allow_redirects=False, server_hostname=tls_name,
                )
            except ProviderConnectionError:
                if attempt == min(len(addresses), MAX_ADDRESSES_TRIED):
                    raise
        raise ProviderConnectionError("The image's host could not be reached.", provider=self.provider)


class LinkFetcher(Transport):
    """Files from links no service vouches for (members' images): it has no service of its own, so every link,
    and every redirect, passes the address policy; the size and time caps and the retries are the transport's."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        url_policy: UrlPolicy,
        timeout: float = 30.0,
        retry_policy: RetryPolicy | None = None,
        provider: str = "links",
    ) -> None:
        # the base URL is never used: links are absolute, and none counts as the fetcher's own
        super().__init__(
            session, "http://links.invalid/", provider=provider, timeout=timeout, retry_policy=retry_policy,
            url_policy=url_policy,
        )

    def _is_own(self, url: URL) -> bool:
        return False


async def _read_capped(resp: aiohttp.ClientResponse, limit: int, provider: str) -> bytes:
    declared = resp.content_length
    if declared is not None and declared > limit:
        raise DecodeError(f"The service sent a reply larger than {limit} bytes.", provider=provider)
    chunks: list[bytes] = []
    total = 0
    async for chunk in resp.content.iter_chunked(64 * 1024):
        total += len(chunk)
        if total > limit:
            raise DecodeError(f"The service sent a reply larger than {limit} bytes.", provider=provider)
        chunks.append(chunk)
    return b"".join(chunks)
