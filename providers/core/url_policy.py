"""Which addresses the bot may fetch an image from: the guard against server-side request forgery.

Links come from members (a Discord attachment URL handed to /describe) and from services (result images), so
neither is trusted: only ``http``/``https``, and every address the host resolves to must be public — private,
loopback, link-local, multicast, reserved, unspecified and shared (CGNAT) ranges are refused, also when they hide
inside IPv6 (``::ffff:127.0.0.1``, 6to4, NAT64). Textual tricks (``2130706433``, ``0x7f.1``, ``127.1``, trailing
dots) need no special case: the host is resolved the way the socket would read it and the *resulting* addresses
are checked. The transport then connects to exactly one of those checked addresses (see
``Transport.fetch_bytes``), so a DNS answer that changes between check and connect cannot redirect it.

An allow-list (``FETCH_ALLOWED_NETWORKS``: CIDRs and host names) lets an operator reach a private image store,
and lets tests use loopback emulators.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from yarl import URL

from providers.core.errors import InvalidInputError, ProviderConnectionError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOWED_SCHEMES: Final = frozenset({"http", "https"})
#: NAT64 prefixes (RFC 6052 well-known, RFC 8215 local use): the IPv4 address sits in the last 32 bits
_NAT64_WELL_KNOWN: Final = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL_USE: Final = ipaddress.IPv6Network("64:ff9b:1::/48")
#: special-purpose ranges (RFC 6890 registry) refused by name, whatever this Python's ``is_global`` says about them
_SPECIAL_PURPOSE: Final[tuple[IPNetwork, ...]] = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "240.0.0.0/4", "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20", "fc00::/7",
    )
)


class AddressNotAllowedError(InvalidInputError):
    """A link the bot refuses to fetch: not http(s), or its host is (or resolves to) a non-public address."""

    def __init__(self, user_message: str, *, key: str) -> None:
        super().__init__(user_message, field="image", key=key)


def _not_public() -> AddressNotAllowedError:
    return AddressNotAllowedError(
        "That link points to a private or local network address; the bot only fetches images from public "
        "addresses.",
        key="address_not_allowed",
    )


class FetchSettings(BaseSettings):
    """Where images may be fetched from beyond the public internet (env prefix ``FETCH_``)."""

    model_config = SettingsConfigDict(env_prefix="FETCH_", env_file=".env", extra="ignore")

    #: comma-separated CIDRs (``10.0.0.0/8``, ``127.0.0.1``) and host names (``images.internal``); empty: none
    allowed_networks: str = ""

    @field_validator("allowed_networks")
    @classmethod
    def _entries_are_readable(cls, value: str) -> str:
        UrlPolicy.from_entries(_split(value))  # a typo fails at start-up, not at the first fetch
        return value

    def policy(self) -> UrlPolicy:
        return UrlPolicy.from_entries(_split(self.allowed_networks))


def _split(text: str) -> list[str]:
    return [entry.strip() for entry in text.split(",") if entry.strip()]


def _host_name(host: str) -> str:
    return host.rstrip(".").lower()


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4 or NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """Whether ``address`` is a public unicast address (and so is any IPv4 address hidden inside it)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id or address in _NAT64_LOCAL_USE:
            return False
        inner = embedded_ipv4(address)
        if inner is not None and not is_public(inner):
            return False
    if any(address.version == network.version and address in network for network in _SPECIAL_PURPOSE):
        return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


@dataclass(frozen=True)
class UrlPolicy:
    """Public addresses, plus the operator's allow-list. Immutable; build it once from ``FetchSettings``."""

    allowed_networks: tuple[IPNetwork, ...] = ()
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_entries(cls, entries: Iterable[str]) -> UrlPolicy:
        """CIDRs or single addresses become networks; anything else must look like a host name."""
        networks: list[IPNetwork] = []
        hosts: set[str] = set()
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            except ValueError:
                pass
            name = _host_name(entry)
            if not name or any(c in name for c in "/:@ ") or name.startswith("."):
                raise ValueError(f"{entry!r} is neither a network (like 10.0.0.0/8) nor a host name")
            hosts.add(name)
        return cls(tuple(networks), frozenset(hosts))

    def allows_address(self, address: IPAddress) -> bool:
        if is_public(address):
            return True
        candidates: list[IPAddress] = [address]
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            candidates.append(address.ipv4_mapped)
        return any(a.version == n.version and a in n for a in candidates for n in self.allowed_networks)

    def check_url(self, url: URL) -> str:
        """The host to resolve, or ``AddressNotAllowedError`` for a scheme or host the bot never fetches."""
        if url.scheme not in ALLOWED_SCHEMES:
            raise AddressNotAllowedError(
                "The bot only fetches images from http or https links.", key="link_scheme_not_allowed"
            )
        host = url.raw_host
        if not host:
            raise AddressNotAllowedError("That image link names no host.", key="link_without_host")
        try:
            url.host  # noqa: B018 - decodes an ``xn--`` name, which a broken one cannot survive
        except UnicodeError:
            raise AddressNotAllowedError("That image link's host name is not valid.", key="link_host_invalid") from None
        return host

    async def addresses(self, url: URL) -> list[IPAddress]:
        """The checked addresses to connect to for ``url``; ``AddressNotAllowedError`` when any is refused."""
        host = self.check_url(url)
        literal = _literal((url.host or host).rstrip("."))
        if literal is not None:
            found = [literal]
        else:
            found = await _resolve(host, url.port or (443 if url.scheme == "https" else 80))
        if not found:
            raise _unknown_host()
        if _host_name(host) in self.allowed_hosts:
            return found
        if not all(self.allows_address(address) for address in found):
            raise _not_public()
        return found


def _unknown_host() -> ProviderConnectionError:
    # retryable: a name server that fails now may answer later
    return ProviderConnectionError("The image's host could not be found.")


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


async def _resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for ``host`` (as a socket would read it: ``127.1`` too)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_ADDRCONFIG
        )
    except (OSError, UnicodeError) as exc:
        raise _unknown_host() from exc
    found: list[IPAddress] = []
    for family, *_, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = _literal(str(sockaddr[0]))
        if address is None:  # a family we cannot judge is not one we connect to
            raise _not_public()
        if address not in found:
            found.append(address)
    return found
