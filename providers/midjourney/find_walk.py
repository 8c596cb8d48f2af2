"""Following jobs through ``/jobs/find`` when some of its entries cannot be read.

``/jobs/find`` has no filter by hash, so jobs are looked for by paging back through the account's jobs, newest
first, with ``timestamp_smaller_than`` as the cursor. One job whose entry makes a page unreadable (a reply over the
size cap, a body that is not JSON) would make every page holding it unreadable, and every job on those pages with it;
and it stays on the newest page until a page of newer jobs exists. So a page that cannot be read is asked for again
in smaller pages (halving ``limit``: the API's narrowest query, as it has no hash filter) down to the one entry
that cannot be read, which is stepped over with the cursor. Its timestamp cannot be read either: it is found by
asking one-entry pages below guessed cursors (doubling the distance from its newer neighbour, then halving the gap:
about 2·log2 of that gap in milliseconds) and remembered (``UnreadableSpans``), so that later walks step over it
without asking and start with a page that ends just above it. When the one remembered is the account's newest
entry, a one-entry page from the top that cannot be read confirms it is still the newest and the walk steps over it
at once, with no new search. Where a search found one, a second read of its one-entry page confirms it before it is
remembered, so that a passing fault during the search leaves no phantom behind. The extra calls of one walk are
capped (``MAX_EXTRA_FINDS``); when nothing is unreadable there are none.

Where the list ends: ``limit`` has no documented maximum, and a service may answer fewer entries than asked on a
page that is not the last (one that caps its pages at 20, say). So a walk ends at an empty page or at a page holding
as many entries as ``total`` says match (``total`` counts what lies below the cursor), never at a page that is merely
shorter than asked; a reply without ``total`` is paged on until a page comes back empty. The shortest such page seen
while more existed is remembered (``PageCap``), so a page that cannot be read is known to hold at most that many.

Known limit: one-entry pages only tell whether the newest entry below a cursor is readable, so where two unreadable
entries lie close together with readable ones between them, the search may land on the older one and step over
the readable ones too; the jobs among them are then reported unreadable rather than never found.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from providers.core.errors import DecodeError
from providers.midjourney.models import FindPage, Job

log = logging.getLogger(__name__)

#: the calls one walk may spend beyond its pages, getting past unreadable entries: enough for a few such entries
#: and a gap of days to the neighbour of one (2·log2 of the gap in ms each), so a service answering nothing but
#: garbage cannot make a poll endless
MAX_EXTRA_FINDS = 64
#: where the walk starts looking for an unreadable newest job: how far past the bot's clock the service's may run
#: is unknown, so the first guess is now and the distance doubles from this many milliseconds
_AHEAD_STEP_MS = 1024

#: how far an entry's timestamp may lie after the submit of its job, as the bot's clock saw it
SUBMIT_SLACK_MS = 5_000
#: a walk reads up to ``max_pages × page_size`` entries, in at most this many times ``max_pages`` pages: a service
#: answering a tenth of what is asked still lets a walk reach as far back, one answering less reaches less
CALLS_PER_PAGE = 10

#: ``/jobs/find`` with ``limit`` and ``timestamp_smaller_than``
FindCall = Callable[[int, int | None], Awaitable[FindPage]]


def next_cursor(timestamps: list[int]) -> int | None:
    """``timestamp_smaller_than`` for the page after one whose jobs have ``timestamps``.

    The cursor is strict ("smaller than"), so jobs sharing the oldest millisecond could fall between
    two pages; asking for ``oldest + 1`` fetches that millisecond again (the caller skips repeats).
    When a whole page shares one millisecond, stepping past it is the only way forward.
    """
    if not timestamps:
        return None
    oldest = min(timestamps)
    return oldest if max(timestamps) == oldest else oldest + 1


@dataclass
class UnreadableSpans:
    """Places in an account's job list holding one entry that cannot be read: ``(at, below, error)`` says that the
    only entry with a timestamp in ``[at, below)`` is the unreadable one at ``at``. Entries older than an existing
    one never change (a new job is newer than all), so what was learnt stays true; the newest ``limit`` are kept."""

    limit: int = 64
    spans: list[tuple[int, int, DecodeError]] = field(default_factory=list)
    #: how many entries the last walk that reached the newest of them read above it
    depth: int | None = None

    def below(self, cursor: int | None) -> tuple[int, DecodeError] | None:
        """The unreadable entry that is the newest below ``cursor``, when one is known."""
        if cursor is None:
            return None
        return next(((at, error) for at, below, error in self.spans if at < cursor <= below), None)

    def newest(self) -> tuple[int, DecodeError] | None:
        """The newest unreadable entry known."""
        return max(((at, error) for at, _, error in self.spans), key=lambda span: span[0], default=None)

    def newest_before(self, cursor: int) -> int | None:
        """The newest unreadable entry known below ``cursor``: the newest entry below its timestamp is readable."""
        return max((at for at, _, _ in self.spans if at < cursor), default=None)

    def add(self, at: int, below: int, error: DecodeError) -> None:
        self.spans = [span for span in self.spans if span[0] != at]
        self.spans.append((at, max(below, at + 1), error))
        del self.spans[: -self.limit]


def is_last_page(page: FindPage) -> bool:
    """Whether nothing lies below ``page``: it is empty, or it holds every entry ``total`` counts (the entries
    matching the query, the cursor included). A page shorter than asked is not the end by itself."""
    return not page.entries or (page.total is not None and len(page.entries) >= page.total)


def capped_page(asked: int, page: FindPage) -> int | None:
    """How many entries the service answered when it gave fewer than ``asked`` while ``total`` says more match: its
    page cap, as far as this page shows; None when the page shows none."""
    if page.entries and len(page.entries) < asked and page.total is not None and page.total > len(page.entries):
        return len(page.entries)
    return None


@dataclass
class PageCap:
    """The most entries one page of this account's service is known to answer, when it answers fewer than asked
    (None: no cap seen). Only bounds where an unreadable entry can be, so a wrong guess costs calls, never jobs."""

    cap: int | None = None

    def learn(self, asked: int, page: FindPage) -> None:
        count = len(page.entries)
        if (seen := capped_page(asked, page)) is not None:
            self.cap = max(self.cap or 0, seen)
        elif self.cap is not None and count > self.cap:  # it answers more than that now
            self.cap = None if count >= asked else count

    def bound(self, limit: int) -> int:
        """How many entries a page asked with ``limit`` holds at most."""
        return limit if self.cap is None else min(limit, self.cap)


@dataclass
class Found:
    """What a walk found: the wanted jobs listed (a malformed entry as its ``ValidationError``), the entries stepped
    over as unreadable (timestamp, why), and the error of an unreadable part the walk could not get past."""

    jobs: dict[str, Job | ValidationError] = field(default_factory=dict)
    unreadable: list[tuple[int, DecodeError]] = field(default_factory=list)
    stopped_at: DecodeError | None = None

    def unreadable_since(self, since_ms: int | None) -> DecodeError | None:
        """Why a job not found, listed no earlier than ``since_ms``, may have been unreadable; None: it is not
        listed (yet)."""
        if self.stopped_at is not None:
            return self.stopped_at
        return next((error for at, error in self.unreadable if since_ms is None or at >= since_ms), None)

    def unreadable_within(self, low_ms: int, high_ms: int) -> DecodeError | None:
        """Why a job not found, whose entry can only lie in ``[low_ms, high_ms]``, may have been unreadable: an
        entry stepped over there (``stopped_at`` aside); None: none was."""
        return next((error for at, error in self.unreadable if low_ms <= at <= high_ms), None)


class _OutOfCalls(Exception):
    """The walk spent its extra calls."""


@dataclass
class _Calls:
    find: FindCall
    extra_left: int

    async def page(self, limit: int, cursor: int | None, *, extra: bool) -> FindPage:
        if extra:
            if self.extra_left <= 0:
                raise _OutOfCalls
            self.extra_left -= 1
        return await self.find(limit, cursor)

    async def readable(self, cursor: int) -> bool:
        """Whether the newest entry below ``cursor`` (if any) can be read."""
        try:
            await self.page(1, cursor, extra=True)
        except DecodeError:
            return False
        return True


@dataclass
class FindWalk:
    """One search for ``wanted`` hashes: pages of ``page_size`` back from the newest, up to ``max_pages`` full pages'
    worth of entries (``CALLS_PER_PAGE`` × ``max_pages`` pages at most), stopping once every hash is found, at the
    last page (``is_last_page``), or once pages reach back before ``newer_than_ms``."""

    find: FindCall
    wanted: frozenset[str]
    page_size: int
    max_pages: int
    newer_than_ms: int | None
    spans: UnreadableSpans
    #: the newest submit among the wanted jobs (ms, the bot's clock), when known: an unreadable newest entry is taken
    #: for the one remembered only when no wanted job is newer than that one (else a newer one may hide them)
    newest_wanted_ms: int | None = None
    #: what this account's service answers per page, learnt by earlier walks too
    page_cap: PageCap = field(default_factory=PageCap)
    provider: str = "midjourney"
    max_extra: int = MAX_EXTRA_FINDS
    clock: Callable[[], float] = time.time
    found: Found = field(default_factory=Found)
    _seen: set[str] = field(default_factory=set)

    async def run(self) -> Found:
        calls = _Calls(self.find, self.max_extra)
        cursor: int | None = None
        #: an unreadable entry is among the next ``suspects`` entries below the cursor (None: none known)
        suspects: int | None = None
        #: the first page: as many entries as were above the newest unreadable one at the last walk, so that it is
        #: readable and ends just above that one
        hint = self.spans.depth if self.spans.depth and self.spans.depth < self.page_size else None
        pages = entries = 0
        if (newest := self._newest_remembered()) is not None:
            try:
                page = await calls.page(1, None, extra=True)
            except DecodeError:  # still the newest: stepped over without a search
                cursor = self._step_over(*newest)
                if self._before_oldest(cursor):
                    return self.found
            else:  # newer jobs came: walked as usual
                self._take(page)
        while self.wanted - self.found.jobs.keys():
            known = self.spans.below(cursor)
            if known is not None:  # the next entry is one known to be unreadable: stepped over without asking
                cursor, suspects = self._step_over(*known), None
                if self._before_oldest(cursor):
                    break
                continue
            if suspects is None and self._spent(pages, entries):
                break
            guessed, checking = hint is not None, suspects is not None
            limit = hint or (self.page_size if suspects is None else max(1, suspects // 2))
            hint = None
            try:
                page = await calls.page(limit, cursor, extra=checking)
            except _OutOfCalls:
                self._give_up(None)
                break
            except DecodeError as error:
                if not checking:
                    pages += 1
                if limit > 1:
                    suspects = self.page_cap.bound(limit)
                    continue
                try:
                    at = await self._locate(calls, cursor)
                except _OutOfCalls:
                    at = None
                if at is None:
                    self._give_up(error)
                    break
                try:
                    confirmed = not await calls.readable(at + 1)  # a passing fault in the search leaves no phantom
                except _OutOfCalls:
                    confirmed = False
                if not confirmed:
                    suspects = None  # the page is asked again; the walk's extra calls bound the retries
                    continue
                self.spans.add(at, cursor if cursor is not None else at + 1, error)
                cursor, suspects = self._step_over(at, error), None
                if self._before_oldest(cursor):
                    break
                continue
            self.page_cap.learn(limit, page)
            fresh = self._take(page)
            if not checking:
                pages, entries = pages + 1, entries + len(page.entries)
            stamps = page.timestamps()
            if is_last_page(page) or not stamps:
                break  # the last page (or jobs without timestamps, which cannot be paged through)
            if self.newer_than_ms is not None and min(stamps) < self.newer_than_ms:
                break
            cursor = next_cursor(stamps)
            if guessed:  # it is most likely just below, unless more jobs came since
                suspects = limit + 1
            elif suspects is not None:
                # counted off in full without meeting it: the unreadable reply was a passing fault
                suspects = suspects - fresh if suspects > fresh else None
        return self.found

    def _spent(self, pages: int, entries: int) -> bool:
        """Whether the walk has read as far back as it may: ``max_pages`` full pages' worth of entries (each page
        after the first holds the oldest millisecond of the one before again, see ``next_cursor``)."""
        return entries >= self.max_pages * self.page_size or pages >= self.max_pages * CALLS_PER_PAGE

    def _newest_remembered(self) -> tuple[int, DecodeError] | None:
        """The remembered unreadable entry, when the last walk that reached it found it the account's newest and no
        wanted job was submitted after it (a few seconds of slack for the clocks)."""
        newest = self.spans.newest()
        if self.spans.depth != 0 or newest is None:
            return None
        if self.newest_wanted_ms is not None and self.newest_wanted_ms > newest[0] + SUBMIT_SLACK_MS:
            return None
        return newest

    def _take(self, page: FindPage) -> int:
        """Keep the wanted jobs of ``page``; how many of its entries this walk had not seen yet."""
        for job_hash, job in page.by_hash().items():
            if job_hash in self.wanted and job_hash not in self.found.jobs:
                self.found.jobs[job_hash] = job
        fresh = 0
        for entry in page.entries:
            job_hash = entry.get("hash") if isinstance(entry, dict) else None
            if not isinstance(job_hash, str) or job_hash not in self._seen:
                fresh += 1
            if isinstance(job_hash, str):
                self._seen.add(job_hash)
        return fresh

    def _step_over(self, at: int, error: DecodeError) -> int:
        log.info("midjourney: stepping over an unreadable /jobs/find entry at %d (%s)", at, error)
        if not self.found.unreadable:  # the newest unreadable entry: how deep it is, for the next walk's first page
            self.spans.depth = len(self._seen)
        self.found.unreadable.append((at, error))
        return at

    def _give_up(self, error: DecodeError | None) -> None:
        """Jobs not found yet may be behind an unreadable part this walk could not get past."""
        log.info("midjourney: /jobs/find could not be read past an unreadable entry (%s)", error)
        message = "The service's list of jobs could not be read past an entry the bot cannot read."
        self.found.stopped_at = error or DecodeError(message, provider=self.provider)

    def _before_oldest(self, cursor: int) -> bool:
        return self.newer_than_ms is not None and cursor < self.newer_than_ms

    async def _locate(self, calls: _Calls, cursor: int | None) -> int | None:
        """The timestamp of the newest entry below ``cursor``, whose one-entry page cannot be read; None when even
        the newest entry below ``newer_than_ms`` cannot be read (it may be older than every job wanted, or nothing
        the service lists can be read: the two look alike)."""
        high = cursor  # the newest entry below ``high`` is the unreadable one
        if high is None:  # it is the newest job of all: start from now, later while the service's clock runs ahead
            high, step = int(self.clock() * 1000), _AHEAD_STEP_MS
            while await calls.readable(high):
                high, step = high + step, step * 2
        lowest = max(self.newer_than_ms or 0, 0)
        known = self.spans.newest_before(high)
        if known is not None and known >= lowest:
            # most likely it is the one found before (the newest below it is readable): halving the gap finds it
            low = known
        elif not await calls.readable(lowest):  # asked first: a service answering only garbage costs one call here
            return None
        else:
            low = await self._readable_below(calls, high, lowest)
        while high - low > 1:  # readable below ``low``, unreadable below ``high``: it sits at ``high - 1``
            middle = (low + high) // 2
            if await calls.readable(middle):
                low = middle
            else:
                high = middle
        return low

    @staticmethod
    async def _readable_below(calls: _Calls, high: int, lowest: int) -> int:
        """A cursor below ``high`` whose newest entry is readable, back from ``high`` in doubling steps (so about
        log2 of the distance to the unreadable entry); ``lowest``'s is known to be."""
        step = 1
        while True:
            low = high - step
            if low <= lowest:
                return lowest
            if await calls.readable(low):
                return low
            high, step = low, step * 2
