"""Properties over generated input: every service's ``validate_imagine`` either passes or refuses with
``InvalidInputError`` (never another exception), a request it passes can be turned into that service's own body,
and the fetch policy never accepts a private address however it is written."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
from functools import cache
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from providers.core import url_policy
from providers.core.base import Provider
from providers.core.errors import InvalidInputError, ProviderConnectionError
from providers.core.models import ImagineRequest
from providers.core.url_policy import AddressNotAllowedError, UrlPolicy, is_public
from providers.core.validation import parse_aspect_ratio, validate_imagine_request
from providers.midjourney.prompting import build_content
from providers.ngpu.request import txt2img_body
from providers.picpik.mapping import parse_options
from providers.registry import PROVIDERS
from tests.emulators.__main__ import _emulator_modules

BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def configured(name: str) -> Provider:
    """The service with its emulator's test keys; validation never touches the (absent) session."""
    cls = PROVIDERS[name]
    with mock.patch.dict(os.environ, _emulator_modules()[name].ENV_SETTINGS):
        service_settings = cls.settings_model(_env_file=None)  # type: ignore[call-arg]
    credentials = service_settings.default_credentials()  # type: ignore[attr-defined]
    return cls(None, service_settings, credentials)  # type: ignore[arg-type]


_ratio_text = st.one_of(
    st.text(max_size=12),
    st.builds("{}:{}".format, st.integers(-10, 10**7), st.integers(-10, 10**7)),
    st.builds(
        "{}{}{}".format, st.integers(0, 99), st.sampled_from([":", "x", "×", "：", "/", " : "]), st.integers(0, 99)
    ),
)
_json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
_option_names = st.one_of(
    st.sampled_from(["chaos", "stylize", "weird", "quality", "version", "image_weight", "tile", "raw", "steps",
                     "cfg_scale", "sampler_name", "lora", "sub_models", "refer_strength", "tileable"]),
    st.text(max_size=8),
)
requests = st.builds(
    ImagineRequest,
    prompt=st.text(max_size=60) | st.text(min_size=1990, max_size=2100, alphabet="ab "),
    negative_prompt=st.none() | st.text(max_size=30),
    aspect_ratio=st.none() | _ratio_text,
    width=st.none() | st.integers(-(2**40), 2**40),
    height=st.none() | st.integers(-(2**40), 2**40),
    seed=st.none() | st.integers(-(2**64), 2**64),
    model=st.none() | st.text(max_size=300),
    count=st.integers(-3, 12),
    options=st.dictionaries(_option_names, _json_value, max_size=3),
)


@BOUNDED
@given(st.text(max_size=20) | _ratio_text)
def test_an_aspect_ratio_is_read_or_refused(text: str) -> None:
    try:
        width, height = parse_aspect_ratio(text)
    except InvalidInputError:
        return
    assert width > 0 and height > 0


@pytest.mark.parametrize("name", sorted(PROVIDERS))
@BOUNDED
@given(request=requests)
def test_any_request_is_accepted_or_refused_with_a_message(name: str, request: ImagineRequest) -> None:
    provider = configured(name)
    try:
        provider.validate_imagine(request)
    except InvalidInputError as error:
        refusal = error.user_message
    else:
        refusal = None
    if refusal is not None:
        assert refusal.strip()
        return
    # what validation lets through, the service's own request builder must take as well
    if name == "midjourney":
        build_content(request)
    elif name == "ngpu":
        txt2img_body(request, default_size=provider.settings.default_size)  # type: ignore[attr-defined]
    elif name == "picpik":
        parse_options(request.options)


@BOUNDED
@given(request=requests)
def test_the_shared_checks_refuse_only_with_invalid_input(request: ImagineRequest) -> None:
    limits = configured("picpik").limits
    with contextlib.suppress(InvalidInputError):
        validate_imagine_request(request, limits, "Svc")


# --- the fetch policy -------------------------------------------------------------------------------------------

def _addresses_in(cidrs: list[str]) -> st.SearchStrategy:
    def inside(cidr: str) -> st.SearchStrategy:
        network = ipaddress.ip_network(cidr)
        return st.integers(0, min(network.num_addresses - 1, 2**40)).map(lambda offset: network[offset])

    return st.sampled_from(cidrs).flatmap(inside)


_private_v4 = _addresses_in(
    ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "0.0.0.0/8", "100.64.0.0/10",
     "224.0.0.0/4", "240.0.0.0/4", "192.0.0.0/24", "198.18.0.0/15"]
)
_private_v6 = _addresses_in(["::1/128", "::/128", "fe80::/10", "fc00::/7", "ff00::/8", "2001:db8::/32", "::/96"])


def _spellings(address: ipaddress.IPv4Address) -> list[str]:
    """Ways a URL host can spell an IPv4 address that some resolver reads as that address."""
    octets = address.packed
    value = int(address)
    return [
        str(address),
        str(value),
        hex(value),
        ".".join(f"0{b:o}" for b in octets),
        ".".join(hex(b) for b in octets),
        f"{octets[0]}.{int.from_bytes(octets[1:], 'big')}",
        f"{octets[0]}.{octets[1]}.{int.from_bytes(octets[2:], 'big')}",
        f"{address}.",
        f"[::ffff:{address}]",
        f"[::ffff:{value >> 16:x}:{value & 0xFFFF:x}]",
        f"[0:0:0:0:0:ffff:{address}]",
        f"[::{address}]",
        f"[64:ff9b::{address}]",
        f"[2002:{value >> 16:x}:{value & 0xFFFF:x}::1]",
    ]


async def _offline_resolve(host: str, port: int) -> list:
    """What the system reads as a number stays that number; any real name "resolves" to a private address, as a
    hostile name server would answer (and no test waits on the network)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    except (OSError, UnicodeError):
        return [ipaddress.ip_address("10.0.0.1")]
    return [ipaddress.ip_address(info[4][0]) for info in infos]


async def _accepted(policy: UrlPolicy, link: str) -> list | None:
    try:
        url = URL(link)
    except ValueError:
        return None
    try:
        with mock.patch.object(url_policy, "_resolve", _offline_resolve):
            return await policy.addresses(url)
    except (AddressNotAllowedError, ProviderConnectionError):
        return None


@BOUNDED
@given(address=_private_v4, scheme=st.sampled_from(["http", "https"]), port=st.none() | st.integers(1, 65535))
async def test_a_private_ipv4_address_is_never_accepted_in_any_spelling(
    address: ipaddress.IPv4Address, scheme: str, port: int | None
) -> None:
    suffix = f":{port}" if port else ""
    for spelling in _spellings(address):
        accepted = await _accepted(UrlPolicy(), f"{scheme}://{spelling}{suffix}/a.png")
        assert accepted is None or all(is_public(a) for a in accepted), (spelling, accepted)
        assert accepted is None, spelling


@BOUNDED
@given(address=_private_v6)
async def test_a_private_ipv6_address_is_never_accepted(address: ipaddress.IPv6Address) -> None:
    for spelling in (address.compressed, address.exploded):
        assert await _accepted(UrlPolicy(), f"http://[{spelling}]/a.png") is None, spelling


@BOUNDED
@given(st.text(max_size=40))
async def test_any_link_text_is_accepted_only_with_public_addresses(text: str) -> None:
    for link in (text, f"http://{text}/", f"https://{text}:8443/x"):
        accepted = await _accepted(UrlPolicy(), link)
        assert accepted is None or all(is_public(a) for a in accepted), (link, accepted)


@pytest.mark.parametrize("host", ["xn--", "xn--a.example", "xn--" + "a" * 70])
async def test_a_host_name_that_does_not_decode_is_refused_not_raised(host: str) -> None:
    with pytest.raises(AddressNotAllowedError) as refused:
        await UrlPolicy().addresses(URL(f"https://{host}/a.png"))
    assert refused.value.key == "link_host_invalid"
