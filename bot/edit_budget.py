"""How many progress edits the bot sends per second, all jobs together.

A progress edit is a courtesy; the final message is the job. Each message is already edited at most every
``progress_edit_interval_seconds``, but with thousands of jobs open that alone still means hundreds of edits a
second: Discord's traffic, and most of the bot's own work. ``EditBudget`` is a token bucket over all of them:
within it every edit goes out, beyond it an edit is skipped and the next poll's news is shown instead. Final
messages never ask it.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class EditBudget:
    """A token bucket: ``per_second`` on average, up to ``burst`` at once."""

    def __init__(self, per_second: float, burst: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if not per_second > 0 or not burst >= 1:
            raise ValueError("an edit budget needs a positive rate and room for at least one edit")
        self._rate = per_second
        self._burst = burst
        self._clock = clock
        self._tokens = burst
        self._filled_at = clock()

    def take(self) -> bool:
        """Whether one more edit fits now (and it is counted)."""
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._filled_at) * self._rate)
        self._filled_at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True
