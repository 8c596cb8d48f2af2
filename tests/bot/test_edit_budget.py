"""The token bucket over all progress edits."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.edit_budget import EditBudget


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_goes_out_then_the_rate_holds() -> None:
    clock = Clock()
    budget = EditBudget(10, burst=5, clock=clock)
    assert [budget.take() for _ in range(7)] == [True] * 5 + [False] * 2
    clock.now += 0.25  # two and a half edits' worth
    assert [budget.take() for _ in range(3)] == [True, True, False]
    clock.now += 60  # a quiet minute saves no more than the burst
    assert sum(budget.take() for _ in range(20)) == 5


@given(
    rate=st.floats(min_value=0.5, max_value=200),
    burst=st.floats(min_value=1, max_value=50),
    gaps=st.lists(st.floats(min_value=0, max_value=0.5), min_size=1, max_size=300),
)
def test_never_more_than_the_burst_plus_the_rate_over_any_stretch(rate: float, burst: float, gaps: list[float]) -> None:
    clock = Clock()
    budget = EditBudget(rate, burst=burst, clock=clock)
    began = clock.now
    taken = 0
    for gap in gaps:
        clock.now += gap
        taken += budget.take()
    assert taken <= burst + (clock.now - began) * rate + 1e-9


@pytest.mark.parametrize(("rate", "burst"), [(0, 5), (-1, 5), (5, 0.5)])
def test_a_budget_that_allows_nothing_is_refused(rate: float, burst: float) -> None:
    with pytest.raises(ValueError, match="budget"):
        EditBudget(rate, burst=burst)
