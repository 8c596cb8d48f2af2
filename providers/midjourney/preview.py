"""Progress previews (``img_prog``) the bot may not show as links, kept to be fetched as bytes when asked.

The service's preview of a running job is a plain-http link on its own address (seed 002's host is a bare IP),
not on its image storage like the results. Shown as a link (a Discord embed), it would publish where the service
runs and send every member's client there. So a preview is a link in ``JobState.preview`` only when it is https on
a named host that is not the service's own; any other is left out of the state and remembered here by job hash,
and ``MidjourneyProvider.preview_image`` fetches its bytes when the bot asks for them.
"""

from __future__ import annotations

import ipaddress
from collections import OrderedDict

from yarl import URL

#: how many open jobs' hidden previews are remembered (the oldest are forgotten first)
REMEMBERED_PREVIEWS = 512


def _host(url: URL) -> str:
    return (url.host or "").lower().rstrip(".").strip("[]")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def shown_as_link(link: str, service_url: str | None) -> bool:
    """Whether members may be shown ``link`` as it is: https, on a named host (not an IP address), not the host of
    the service itself (``service_url``)."""
    try:
        url = URL(link)
    except (TypeError, ValueError):
        return False
    host = _host(url)
    if url.scheme != "https" or not host or _is_ip(host):
        return False
    return service_url is None or host != _host(URL(service_url))


class HiddenPreviews:
    """The latest preview link of each open job that may not be shown as a link, by job hash."""

    def __init__(self, limit: int = REMEMBERED_PREVIEWS) -> None:
        self._links: OrderedDict[str, str] = OrderedDict()
        self._limit = limit

    def remember(self, job_hash: str, link: str) -> None:
        self._links[job_hash] = link
        self._links.move_to_end(job_hash)
        while len(self._links) > self._limit:
            self._links.popitem(last=False)

    def forget(self, job_hash: str) -> None:
        self._links.pop(job_hash, None)

    def link(self, job_hash: str) -> str | None:
        return self._links.get(job_hash)
