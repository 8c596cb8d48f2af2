"""``FindWalk`` over an account's job list held in memory, where chosen entries make any page holding them
unreadable (as a reply over the size cap does): the readable jobs around them are all found, the unreadable ones
are stepped over and remembered, and the extra calls stay within their bounds. Pages end the walk only when empty or
when they hold all ``total`` counts, so a service answering shorter pages than asked hides no job."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from providers.core.errors import DecodeError
from providers.midjourney.find_walk import CALLS_PER_PAGE, MAX_EXTRA_FINDS, FindWalk, PageCap, UnreadableSpans
from providers.midjourney.models import FindPage

TOO_LARGE = "The service sent a reply larger than 33554432 bytes."
NOW_MS = 1_700_000_000_000


@dataclass
class Account:
    """Jobs by timestamp (distinct), the unreadable ones named; every call to ``find`` is recorded. ``total`` counts
    the jobs below the cursor (the emulator's reading); ``cap`` limits every page; ``totals`` "all" counts every job
    whatever the cursor, "none" leaves ``total`` out."""

    stamps: list[int]
    unreadable: set[int] = field(default_factory=set)
    calls: list[tuple[int, int | None]] = field(default_factory=list)
    cap: int | None = None
    totals: str = "below_cursor"

    async def find(self, limit: int, cursor: int | None) -> FindPage:
        self.calls.append((limit, cursor))
        below = sorted((s for s in self.stamps if cursor is None or s < cursor), reverse=True)
        page = below[: min(limit, self.cap or limit)]
        if self.unreadable & set(page):
            raise DecodeError(TOO_LARGE, provider="midjourney")
        total = {"below_cursor": len(below), "all": len(self.stamps), "none": None}[self.totals]
        return FindPage.model_validate({"res": [_entry(s) for s in page], "total": total})

    def readable(self) -> frozenset[str]:
        return frozenset(_hash(s) for s in self.stamps if s not in self.unreadable)


def _hash(stamp: int) -> str:
    return f"{stamp:064x}"


def _entry(stamp: int) -> dict[str, object]:
    return {"hash": _hash(stamp), "timestamp": str(stamp), "status": 2000}


def _walk(account: Account, wanted: frozenset[str], spans: UnreadableSpans, **options: object) -> FindWalk:
    values: dict[str, object] = {"page_size": 10, "max_pages": 5, "newer_than_ms": None, **options}
    return FindWalk(account.find, wanted, spans=spans, clock=lambda: NOW_MS / 1000, **values)  # type: ignore[arg-type]


async def test_nothing_unreadable_costs_no_extra_call() -> None:
    account = Account([NOW_MS - 1000 * n for n in range(25)])
    found = await _walk(account, account.readable(), UnreadableSpans()).run()
    assert found.jobs.keys() == account.readable() and not found.unreadable and found.stopped_at is None
    assert [limit for limit, _ in account.calls] == [10, 10, 10]  # 10 + 10 + 5, full pages only


@pytest.mark.parametrize("position", [0, 1, 4, 9, 12])
async def test_one_unreadable_entry_is_stepped_over_and_every_other_job_found(position: int) -> None:
    stamps = [NOW_MS - 700 * n - n * n for n in range(20)]
    account = Account(stamps, {stamps[position]})
    spans = UnreadableSpans()
    found = await _walk(account, account.readable() | {_hash(stamps[position])}, spans).run()

    assert found.jobs.keys() == account.readable()
    assert [at for at, _ in found.unreadable] == [stamps[position]]
    assert found.unreadable[0][1].user_message == TOO_LARGE
    # halving the page (log2 10) and finding its timestamp (2·log2 of the gap to its neighbour, or from now)
    assert len(account.calls) <= 4 + 2 + 2 * math.ceil(math.log2(5000)) + 2

    # the next walk steps over it from memory: no search for where it sits (but for the newest job of all: a newer
    # unreadable one may have come since, and only a search can tell)
    account.calls.clear()
    again = await _walk(account, account.readable(), spans).run()
    assert again.jobs.keys() == account.readable()
    if position:
        assert len(account.calls) <= 4 + 2 + math.ceil(math.log2(10)) + 1
        assert all(limit > 1 or cursor is None or cursor > stamps[position] for limit, cursor in account.calls)


async def test_an_unreadable_entry_newer_than_every_job_wanted_is_passed_even_when_it_is_the_newest() -> None:
    stamps = [NOW_MS + 30_000, NOW_MS - 5_000, NOW_MS - 9_000]  # the service's clock is ahead of the bot's
    account = Account(stamps, {stamps[0]})
    found = await _walk(account, account.readable(), UnreadableSpans()).run()
    assert found.jobs.keys() == account.readable()
    assert [at for at, _ in found.unreadable] == [stamps[0]]


async def test_an_unreadable_entry_older_than_the_oldest_submit_ends_the_walk_there() -> None:
    stamps = [NOW_MS - 1_000, NOW_MS - 2_000, NOW_MS - 90_000, NOW_MS - 95_000]
    account = Account(stamps, {stamps[2]})
    wanted = frozenset({_hash(stamps[0]), _hash(stamps[1]), "f" * 64})
    found = await _walk(account, wanted, UnreadableSpans(), newer_than_ms=NOW_MS - 60_000).run()
    assert found.jobs.keys() == {_hash(stamps[0]), _hash(stamps[1])}
    # nothing is asked below the oldest submit; a job not found may be the unreadable one (or all could be garbage)
    assert all(cursor is None or cursor >= NOW_MS - 60_000 for _, cursor in account.calls)
    assert found.unreadable_since(NOW_MS - 60_000) is found.stopped_at is not None


async def test_a_service_answering_nothing_readable_costs_a_bounded_number_of_calls() -> None:
    stamps = [NOW_MS - 1000 * n for n in range(30)]
    account = Account(stamps, set(stamps))
    wanted = account.readable() | {_hash(stamps[3])}
    found = await _walk(account, wanted, UnreadableSpans(), newer_than_ms=NOW_MS - 3_600_000).run()
    assert not found.jobs and found.unreadable_since(None) is not None  # the job wanted is told it was unreadable
    assert len(account.calls) <= 1 + MAX_EXTRA_FINDS


async def test_a_service_answering_garbage_to_every_call_is_given_up_on_at_once() -> None:
    calls: list[tuple[int, int | None]] = []

    async def garbage(limit: int, cursor: int | None) -> FindPage:
        calls.append((limit, cursor))
        raise DecodeError("The service sent a reply that is not JSON.", provider="midjourney")

    walk = FindWalk(
        garbage,
        frozenset({"a" * 64}),
        page_size=10,
        max_pages=5,
        newer_than_ms=NOW_MS - 3_600_000,
        spans=UnreadableSpans(),
        clock=lambda: NOW_MS / 1000,
    )
    found = await walk.run()
    assert found.unreadable_since(None) is found.stopped_at is not None
    assert len(calls) <= 1 + math.ceil(math.log2(10)) + 2  # halving the page, then now and the oldest submit


async def test_the_extra_calls_of_a_walk_are_capped() -> None:
    stamps = [NOW_MS - 1000 * n for n in range(12)]
    account = Account(stamps, {stamps[6]})
    found = await _walk(account, account.readable(), UnreadableSpans(), max_extra=3).run()
    assert len(account.calls) == 1 + 3  # the first page, then the extra calls allowed
    assert found.stopped_at is not None and found.unreadable_since(None) is found.stopped_at


async def test_a_passing_fault_is_read_past_without_a_search() -> None:
    stamps = [NOW_MS - 1000 * n for n in range(8)]
    account = Account(stamps)
    failed_once = False
    real_find = account.find

    async def garbled_once(limit: int, cursor: int | None) -> FindPage:
        nonlocal failed_once
        if not failed_once:
            failed_once = True
            account.calls.append((limit, cursor))
            raise DecodeError("The service sent a reply that is not JSON.", provider="midjourney")
        return await real_find(limit, cursor)

    account.find = garbled_once  # type: ignore[method-assign]
    found = await _walk(account, account.readable(), UnreadableSpans()).run()
    assert found.jobs.keys() == account.readable() and not found.unreadable and found.stopped_at is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    gaps=st.lists(st.integers(min_value=1, max_value=200_000), min_size=1, max_size=40),
    broken=st.integers(min_value=0, max_value=39),
    page_size=st.integers(min_value=1, max_value=12),
    cap=st.one_of(st.none(), st.integers(min_value=1, max_value=12)),
)
async def test_whatever_the_list_one_unreadable_entry_hides_no_other(
    gaps: list[int], broken: int, page_size: int, cap: int | None
) -> None:
    stamps = [NOW_MS - sum(gaps[: n + 1]) for n in range(len(gaps))]
    account = Account(stamps, {stamps[broken % len(stamps)]}, cap=cap)
    spans = UnreadableSpans()
    found = await _walk(account, account.readable(), spans, page_size=page_size, max_pages=50).run()
    assert found.jobs.keys() == account.readable()
    assert found.stopped_at is None


async def test_a_remembered_newest_unreadable_entry_is_stepped_over_after_one_check() -> None:
    stamps = [NOW_MS - 3_600_000 - 1000 * n for n in range(30)]  # the newest, an hour old, cannot be read
    account = Account(stamps, {stamps[0]})
    spans = UnreadableSpans()
    wanted = frozenset(_hash(s) for s in stamps[1:6])
    for walk in range(4):
        account.calls.clear()
        found = await _walk(account, wanted, spans, page_size=50, newer_than_ms=NOW_MS - 4 * 3_600_000).run()
        assert found.jobs.keys() == wanted and [at for at, _ in found.unreadable] == [stamps[0]]
        if walk:  # a one-entry page from the top, then the page below it
            assert account.calls == [(1, None), (50, stamps[0])]


async def test_a_remembered_newest_unreadable_entry_is_searched_past_when_a_wanted_job_is_newer() -> None:
    stamps = [NOW_MS - 60_000 - 1000 * n for n in range(10)]
    account = Account(stamps, {stamps[0]})
    spans = UnreadableSpans()
    await _walk(account, account.readable(), spans).run()
    # a newer job came, then a newer unreadable one: the newest entry is no longer the one remembered, and taking it
    # for that one would step over the new job
    account.stamps = [NOW_MS - 2_000, NOW_MS - 40_000, *stamps]
    account.unreadable.add(NOW_MS - 2_000)
    wanted = account.readable()
    found = await _walk(account, wanted, spans, newest_wanted_ms=NOW_MS - 40_000).run()
    assert found.jobs.keys() == wanted
    assert [at for at, _ in found.unreadable] == [NOW_MS - 2_000, stamps[0]]


async def test_a_passing_fault_during_the_search_leaves_no_phantom_entry() -> None:
    stamps = [NOW_MS - 1000 - 1000 * n for n in range(8)]
    account = Account(stamps)
    real_find = account.find
    faults = 5  # the first page, its halves down to one entry, the first one-entry page of the search

    async def garbled_at_first(limit: int, cursor: int | None) -> FindPage:
        nonlocal faults
        if faults:
            faults -= 1
            account.calls.append((limit, cursor))
            raise DecodeError("The service sent a reply that is not JSON.", provider="midjourney")
        return await real_find(limit, cursor)

    account.find = garbled_at_first  # type: ignore[method-assign]
    spans = UnreadableSpans()
    found = await _walk(account, account.readable(), spans, newer_than_ms=NOW_MS - 60_000).run()
    assert found.jobs.keys() == account.readable() and not found.unreadable and found.stopped_at is None
    assert not spans.spans


# --- pages shorter than asked ------------------------------------------------------------------------------------


@pytest.mark.parametrize("cap", [3, 7, 10])
async def test_a_service_capping_its_pages_hides_no_job_and_the_end_is_total(cap: int) -> None:
    account = Account([NOW_MS - 1000 * n for n in range(25)], cap=cap)
    found = await _walk(account, account.readable() | {"f" * 64}, UnreadableSpans(), max_pages=5).run()
    assert found.jobs.keys() == account.readable()
    # each page after the first asks again for the oldest millisecond of the one before (ties), so it brings cap - 1
    # new jobs; the page holding all `total` counts ends the walk, with no empty page after it
    assert len(account.calls) == 1 + math.ceil((25 - cap) / (cap - 1))
    assert {limit for limit, _ in account.calls} == {10}  # the size asked stays the setting's


@pytest.mark.parametrize("totals", ["all", "none"])
async def test_without_a_total_for_what_is_left_an_empty_page_ends_the_walk(totals: str) -> None:
    account = Account([NOW_MS - 1000 * n for n in range(12)], cap=5, totals=totals)
    found = await _walk(account, account.readable() | {"f" * 64}, UnreadableSpans()).run()
    assert found.jobs.keys() == account.readable()
    # 5 + 4 + 3 new jobs, the oldest one again (alone on its page, so the cursor then steps past it), an empty page
    assert len(account.calls) == 5


async def test_the_reach_is_counted_in_entries_so_short_pages_reach_as_far_back() -> None:
    stamps = [NOW_MS - 1000 * n for n in range(100)]
    account = Account(stamps, cap=5)
    wanted = frozenset({_hash(stamps[16]), _hash(stamps[40])})
    found = await _walk(account, wanted, UnreadableSpans(), page_size=10, max_pages=2).run()
    # 2 pages × 10 entries, in 4 short pages of 5 (each after the first repeats one): the 17 newest jobs
    assert found.jobs.keys() == {_hash(stamps[16])}
    assert len(account.calls) == 4

    tiny = Account(stamps, cap=1)
    await _walk(tiny, wanted, UnreadableSpans(), page_size=20, max_pages=1).run()
    assert len(tiny.calls) == CALLS_PER_PAGE  # a service answering far less than asked: the calls are bounded


@pytest.mark.parametrize("position", [0, 2, 6, 13])
async def test_an_unreadable_entry_in_capped_pages_is_stepped_over_and_the_cap_learnt(position: int) -> None:
    stamps = [NOW_MS - 700 * n - n * n for n in range(30)]
    account = Account(stamps, {stamps[position]}, cap=4)
    cap = PageCap()
    found = await _walk(account, account.readable(), UnreadableSpans(), page_cap=cap, max_pages=10).run()
    assert found.jobs.keys() == account.readable()
    assert [at for at, _ in found.unreadable] == [stamps[position]]
    assert cap.cap == 4


async def test_a_known_cap_bounds_where_an_unreadable_entry_can_be() -> None:
    stamps = [NOW_MS - 700 * n - n * n for n in range(30)]
    costs = []
    for known in (None, 4):
        account = Account(stamps, {stamps[1]}, cap=4)
        await _walk(account, account.readable(), UnreadableSpans(), page_size=64, page_cap=PageCap(known)).run()
        costs.append(len(account.calls))
    assert costs[1] < costs[0]  # no halving of pages the service never answers in full


def test_page_cap_learns_from_short_pages_with_more_to_come_only() -> None:
    cap = PageCap()

    def page(count: int, total: int | None) -> FindPage:
        return FindPage.model_validate({"res": [_entry(NOW_MS - n) for n in range(count)], "total": total})

    cap.learn(100, page(30, 30))  # the whole list: no cap shows
    assert cap.cap is None
    cap.learn(100, page(20, 500))
    assert cap.cap == 20 and cap.bound(100) == 20 and cap.bound(8) == 8
    cap.learn(100, page(100, 480))  # a full page: it no longer caps
    assert cap.cap is None
