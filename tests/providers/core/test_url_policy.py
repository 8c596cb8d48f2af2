"""The fetch policy: which addresses are public, the allow-list, and the transport fetching through it on loopback
(every redirect hop checked, the connection pinned to the checked address, size and time caps)."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web
from yarl import URL

from providers.core import url_policy
from providers.core.errors import DecodeError, ProviderConnectionError, ProviderTimeoutError
from providers.core.retry import RetryPolicy
from providers.core.transport import MAX_REDIRECTS, Transport
from providers.core.url_policy import AddressNotAllowedError, FetchSettings, UrlPolicy, is_public
from tests.emulators.common import png_bytes, serve

PUBLIC = ["8.8.8.8", "93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "2001:4860:4860::8888"]
NOT_PUBLIC = [
    "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
    "100.64.0.1", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.2.1", "198.18.0.1",
    "::1", "::", "fe80::1", "fe80::1%1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1",
    "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "2002:7f00:1::", "2002:a00:1::", "64:ff9b::7f00:1",
    "64:ff9b:1::a00:1", "2001:db8::1",
]


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_private_local_and_special_addresses_are_not(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    assert not UrlPolicy().allows_address(ipaddress.ip_address(address))


def test_the_allow_list_reads_networks_and_host_names() -> None:
    policy = FetchSettings(_env_file=None, allowed_networks=" 10.0.0.0/8, 127.0.0.1 ,Images.Internal., ::1").policy()
    assert policy.allowed_hosts == {"images.internal"}
    assert policy.allows_address(ipaddress.ip_address("10.9.8.7"))
    assert policy.allows_address(ipaddress.ip_address("::ffff:127.0.0.1"))  # the same address, mapped
    assert policy.allows_address(ipaddress.ip_address("::1"))
    assert not policy.allows_address(ipaddress.ip_address("127.0.0.2"))
    assert not policy.allows_address(ipaddress.ip_address("192.168.0.1"))


@pytest.mark.parametrize("entry", ["10.0.0.0/33", "a b", "http://x", ".internal", "user@host"])
def test_a_bad_allow_list_entry_fails_at_start_up(entry: str) -> None:
    with pytest.raises(ValueError, match="neither a network"):
        FetchSettings(_env_file=None, allowed_networks=entry)


@pytest.mark.parametrize(
    "link",
    ["http://127.0.0.1/a.png", "http://localhost/a.png", "http://2130706433/", "http://0x7f.1/", "http://127.1/",
     "http://0177.0.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest/",
     "http://[fe80::1%25eth0]/", "http://10.0.0.1./", "https://0.0.0.0:8443/"],
)
async def test_private_links_are_refused_in_every_spelling(link: str) -> None:
    with pytest.raises(AddressNotAllowedError) as refused:
        await UrlPolicy().addresses(URL(link))
    assert refused.value.key == "address_not_allowed" and refused.value.field == "image"


@pytest.mark.parametrize(("link", "key"), [("file:///etc/passwd", "link_scheme_not_allowed"),
                                           ("ftp://8.8.8.8/a.png", "link_scheme_not_allowed"),
                                           ("gopher://8.8.8.8/", "link_scheme_not_allowed"),
                                           ("http:///a.png", "link_without_host")])
async def test_only_http_links_with_a_host_are_fetched(link: str, key: str) -> None:
    with pytest.raises(AddressNotAllowedError) as refused:
        await UrlPolicy().addresses(URL(link))
    assert refused.value.key == key


async def test_a_host_with_one_private_address_among_public_ones_is_refused(monkeypatch) -> None:
    async def two_answers(host: str, port: int) -> list:
        return [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.5")]

    monkeypatch.setattr(url_policy, "_resolve", two_answers)
    with pytest.raises(AddressNotAllowedError):
        await UrlPolicy().addresses(URL("https://cdn.example/a.png"))
    allowed = await UrlPolicy.from_entries(["cdn.example"]).addresses(URL("https://CDN.example./a.png"))
    assert [str(a) for a in allowed] == ["93.184.216.34", "10.0.0.5"]


async def test_a_public_literal_needs_no_lookup() -> None:
    assert await UrlPolicy().addresses(URL("https://8.8.8.8/a.png")) == [ipaddress.ip_address("8.8.8.8")]


# --- fetching through the transport ---------------------------------------------------------------------------

IMAGE = png_bytes(32, 32, seed=3)


@dataclass
class ImageHost:
    """A loopback image host that records the Host header of every request and can redirect."""

    url: str = ""
    hosts: list[str] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/img.png", self.image)
        app.router.add_get("/to", self.redirect)
        app.router.add_get("/loop", self.loop)
        app.router.add_get("/slow", self.slow)
        app.router.add_get("/huge", self.huge)
        return app

    async def image(self, request: web.Request) -> web.Response:
        self.hosts.append(request.headers["Host"])
        return web.Response(body=IMAGE, content_type="image/png")

    async def redirect(self, request: web.Request) -> web.Response:
        self.hosts.append(request.headers["Host"])
        raise web.HTTPFound(request.query["where"])

    async def loop(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def slow(self, request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(body=IMAGE)

    async def huge(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()  # chunked: no Content-Length to refuse it early
        await response.prepare(request)
        for _ in range(64):
            await response.write(b"\0" * 1024)
        return response


@pytest.fixture
async def host() -> AsyncIterator[ImageHost]:
    image_host = ImageHost()
    async with serve(image_host.app()) as url:
        image_host.url = url
        yield image_host


@pytest.fixture
async def service() -> AsyncIterator[str]:
    """The service's own base URL (a second loopback server whose files are trusted like its API)."""
    app = web.Application()

    async def own(request: web.Request) -> web.Response:
        if "where" in request.query:
            raise web.HTTPFound(request.query["where"])
        return web.Response(body=IMAGE, content_type="image/png")

    app.router.add_get("/files/{name}", own)
    async with serve(app) as url:
        yield url


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


def transport(session: aiohttp.ClientSession, base_url: str, *allowed: str) -> Transport:
    return Transport(
        session, base_url, provider="test", timeout=0.5, retry_policy=RetryPolicy(max_attempts=1),
        url_policy=UrlPolicy.from_entries(allowed),
    )


async def test_an_allowed_address_is_fetched_with_its_host_name(session, host: ImageHost, service: str) -> None:
    data, content_type = await transport(session, service, "127.0.0.0/8").fetch_bytes(f"{host.url}/img.png")
    assert (data, content_type) == (IMAGE, "image/png")
    assert host.hosts == [URL(host.url).host_port_subcomponent]


async def test_loopback_is_refused_without_the_allow_list(session, host: ImageHost, service: str) -> None:
    with pytest.raises(AddressNotAllowedError):
        await transport(session, service).fetch_bytes(f"{host.url}/img.png")
    assert host.hosts == []


async def test_the_services_own_files_need_no_allow_list(session, service: str) -> None:
    data, _ = await transport(session, service).fetch_bytes(f"{service}/files/a.png")
    assert data == IMAGE
    data, _ = await transport(session, service).fetch_bytes("/files/b.png")
    assert data == IMAGE


async def test_the_connection_goes_to_the_checked_address_not_a_second_lookup(
    session, host: ImageHost, service: str, monkeypatch
) -> None:
    # the policy's lookup says 127.0.0.1; nothing else could resolve "images.rebind.invalid" (RFC 2606 name)
    async def checked(name: str, port: int) -> list:
        assert name == "images.rebind.invalid"
        return [ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(url_policy, "_resolve", checked)
    port = URL(host.url).port
    data, _ = await transport(session, service, "127.0.0.1").fetch_bytes(f"http://images.rebind.invalid:{port}/img.png")
    assert data == IMAGE
    assert host.hosts == [f"images.rebind.invalid:{port}"]


async def test_every_redirect_hop_is_checked(session, host: ImageHost, service: str, monkeypatch) -> None:
    async def loopback(name: str, port: int) -> list:
        return [ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(url_policy, "_resolve", loopback)
    port = URL(host.url).port
    allowed_by_name = transport(session, service, "images.test")
    data, _ = await allowed_by_name.fetch_bytes(f"http://images.test:{port}/to?where=/img.png")
    assert data == IMAGE
    # the same server, but the next hop names it by a private address, which the allow-list does not cover
    with pytest.raises(AddressNotAllowedError):
        await allowed_by_name.fetch_bytes(f"http://images.test:{port}/to?where={host.url}/img.png")
    assert host.hosts == [f"images.test:{port}", f"images.test:{port}", f"images.test:{port}"]


async def test_a_redirect_from_the_service_itself_is_checked_too(session, host: ImageHost, service: str) -> None:
    with pytest.raises(AddressNotAllowedError):
        await transport(session, service).fetch_bytes(f"{service}/files/a.png?where={host.url}/img.png")
    with pytest.raises(AddressNotAllowedError):
        await transport(session, service).fetch_bytes(f"{service}/files/a.png?where=file:///etc/passwd")
    assert host.hosts == []


async def test_redirects_are_bounded(session, host: ImageHost, service: str) -> None:
    with pytest.raises(DecodeError, match=f"more than {MAX_REDIRECTS} times"):
        await transport(session, service, "127.0.0.0/8").fetch_bytes(f"{host.url}/loop")


async def test_size_and_time_caps_hold_for_outside_links(session, host: ImageHost, service: str) -> None:
    fetching = transport(session, service, "127.0.0.0/8")
    with pytest.raises(DecodeError, match="larger than"):
        await fetching.fetch_bytes(f"{host.url}/huge", max_bytes=16 * 1024)
    with pytest.raises(ProviderTimeoutError):
        await fetching.fetch_bytes(f"{host.url}/slow", timeout=0.2)


async def test_an_unknown_host_is_a_connection_error(session, service: str) -> None:
    with pytest.raises(ProviderConnectionError):
        await transport(session, service).fetch_bytes("http://no-such-host.invalid/a.png")
