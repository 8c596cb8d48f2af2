"""The garbage collector in a long-running bot: what start-up left behind is kept out of its sight.

A full (generation 2) collection walks every object that is tracked, and most of them come from start-up: the
imported modules, the command tree, the service clients. Under load those walks were the event loop's longest
stalls (up to 67 ms on the load benchmark, longer than Discord's answer is allowed to take there). Freezing what
is alive once the bot is set up moves it to the permanent generation, so collections look only at what the bot
made since. Nothing frozen is freed, which costs nothing here: start-up's objects live as long as the process.
The youngest generation is collected less often than Python's default (``COLLECTION_THRESHOLDS``).
"""

from __future__ import annotations

import gc
from typing import Final

#: collect the youngest generation after this many new objects (Python's default: 700), the older ones after
#: 10 of the younger's collections. A poll round makes thousands of short-lived objects: with the default they
#: were collected more than 2,000 times a minute with the load benchmark's 2,000 open jobs, about 1.5 s of CPU;
#: with this one, most of those objects are gone before a collection comes, and collections are rare
COLLECTION_THRESHOLDS: Final = (10_000, 10, 10)

_frozen = False


def freeze_startup_objects() -> None:
    """Collect once, freeze every object alive, and set the collection thresholds. Once per process (a second bot
    in the same process, as in tests, leaves the first one's settings alone)."""
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTION_THRESHOLDS)
