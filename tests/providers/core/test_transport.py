"""The shared transport against a real aiohttp server on loopback."""

import asyncio
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from providers.core.errors import (
    DecodeError,
    InvalidInputError,
    NotFoundError,
    ProviderConnectionError,
    ProviderTimeoutError,
    RateLimitedError,
    ServerError,
    SubmitOutcomeUnknownError,
)
from providers.core.retry import RetryPolicy
from providers.core.transport import Transport
from tests.emulators.common import serve


class Server:
    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.fail_first: dict[str, int] = {}

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{name}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.hits[name] = self.hits.get(name, 0) + 1
        if self.fail_first.get(name, 0) >= self.hits[name]:
            if name.startswith("limited"):
                return web.Response(status=429, headers={"Retry-After": "0.25"})
            return web.Response(status=503)
        if name == "slow":
            await asyncio.sleep(5)
        if name == "big":
            return web.Response(body=b"x" * 5000)
        if name == "bigchunked":
            response = web.StreamResponse()
            await response.prepare(request)
            for _ in range(10):
                await response.write(b"y" * 1000)
            await response.write_eof()
            return response
        if name == "broken":
            return web.Response(body=b"{not json", content_type="application/json")
        if name == "missing":
            return web.Response(status=404)
        if name.startswith("status-"):  # answers the status its name ends with, e.g. /status-408
            return web.Response(status=int(name.removeprefix("status-")))
        body = await request.read()
        return web.json_response({"name": name, "echo": body.decode() or None, "query": dict(request.query)})


@pytest.fixture
async def setup() -> AsyncIterator[tuple[Server, Transport, list[float]]]:
    server = Server()
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    async with serve(server.app()) as url, aiohttp.ClientSession() as session:
        transport = Transport(
            session, url, provider="test", timeout=0.3, max_json_bytes=4096,
            retry_policy=RetryPolicy(max_attempts=3, base_delay=0.1, jitter=0.0), sleep=fake_sleep,
        )
        yield server, transport, slept


async def test_json_round_trip_and_query(setup) -> None:
    _, transport, _ = setup
    response = await transport.send("POST", "/ok", json_body={"a": "中"}, params={"q": "1"})
    assert response.status == 200
    assert response.json() == {"name": "ok", "echo": '{"a": "中"}', "query": {"q": "1"}}


async def test_idempotent_call_recovers_from_a_5xx(setup) -> None:
    server, transport, slept = setup
    server.fail_first["flaky"] = 2
    response = await transport.retrying(lambda: transport.send("GET", "/flaky"), idempotent=True)
    assert response.json()["name"] == "flaky"
    assert server.hits["flaky"] == 3
    assert slept == [0.1, 0.2]


async def test_retries_stop_at_the_policy_limit(setup) -> None:
    server, transport, _ = setup
    server.fail_first["down"] = 99
    with pytest.raises(ServerError):
        await transport.retrying(lambda: transport.send("GET", "/down"), idempotent=True)
    assert server.hits["down"] == 3


async def test_billed_submit_is_sent_once_on_5xx(setup) -> None:
    server, transport, slept = setup
    server.fail_first["submit"] = 1
    with pytest.raises(ServerError):
        await transport.retrying(lambda: transport.send("POST", "/submit"), idempotent=False)
    assert server.hits["submit"] == 1
    assert slept == []


async def test_rate_limit_honours_retry_after(setup) -> None:
    server, transport, slept = setup
    server.fail_first["limited"] = 1
    await transport.retrying(lambda: transport.send("GET", "/limited"), idempotent=True)
    assert slept == [0.25]
    server.fail_first["limited2"] = 5
    with pytest.raises(RateLimitedError) as info:
        await transport.send("GET", "/limited2")
    assert info.value.retry_after == 0.25


async def test_timeout_on_a_submit_becomes_outcome_unknown_and_is_not_resent(setup) -> None:
    server, transport, _ = setup
    with pytest.raises(SubmitOutcomeUnknownError):
        await transport.submit_once(lambda: transport.send("POST", "/slow"))
    assert server.hits["slow"] == 1


@pytest.mark.parametrize("status", [408, 425, 499])
async def test_a_status_saying_the_outcome_is_unknown_makes_a_submit_outcome_unknown(setup, status: int) -> None:
    server, transport, _ = setup

    async def submit() -> None:
        (await transport.send("POST", f"/status-{status}")).raise_for_status()

    with pytest.raises(SubmitOutcomeUnknownError):
        await transport.submit_once(submit)
    assert server.hits[f"status-{status}"] == 1


async def test_a_408_on_a_read_is_retried_as_a_timeout(setup) -> None:
    server, transport, _ = setup

    async def read() -> None:
        (await transport.send("GET", "/status-408")).raise_for_status()

    with pytest.raises(ProviderTimeoutError) as info:
        await transport.retrying(read, idempotent=True)
    assert info.value.code == 408 and server.hits["status-408"] == 3


@pytest.mark.parametrize("status", [400, 409, 422])
async def test_other_4xx_statuses_stay_refusals(setup, status: int) -> None:
    _, transport, _ = setup
    with pytest.raises(InvalidInputError):
        (await transport.send("POST", f"/status-{status}")).raise_for_status()


async def test_timeout_on_a_read_is_retried_then_reported(setup) -> None:
    server, transport, _ = setup
    with pytest.raises(ProviderTimeoutError):
        await transport.retrying(lambda: transport.send("GET", "/slow"), idempotent=True)
    assert server.hits["slow"] == 3


async def test_unreachable_service_is_a_connection_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with aiohttp.ClientSession() as session:
        transport = Transport(session, f"http://127.0.0.1:{port}", provider="test", timeout=1)
        with pytest.raises(ProviderConnectionError) as info:
            await transport.send("GET", "/x")
    assert str(port) not in info.value.user_message


@pytest.mark.parametrize("path", ["/big", "/bigchunked"])
async def test_oversized_replies_are_refused(setup, path) -> None:
    _, transport, _ = setup
    with pytest.raises(DecodeError, match="larger than 4096"):
        await transport.send("GET", path)


async def test_malformed_json_is_a_decode_error(setup) -> None:
    _, transport, _ = setup
    response = await transport.send("GET", "/broken")
    with pytest.raises(DecodeError):
        response.json()


async def test_fetch_bytes_maps_status(setup) -> None:
    _, transport, _ = setup
    with pytest.raises(NotFoundError):
        await transport.fetch_bytes("/missing")
    data, content_type = await transport.fetch_bytes("/ok")
    assert b'"name": "ok"' in data
    assert content_type is not None
    assert content_type.startswith("application/json")
