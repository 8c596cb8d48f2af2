"""The garbage collector in a long-running bot: what start-up left behind is kept out of its sight.

A full (generation 2) collection walks every object that is tracked, and most of them come from start-up: the
imported modules, the command tree, the service clients. Under load those walks were the event loop's longest
stalls (up to 67 ms on the load benchmark, longer than Discord's answer is allowed to take there). Freezing what
is alive once the bot is set up moves it to the permanent generation, so collections look only at what the bot
made since. Nothing frozen is freed, which costs nothing here: start-up's objects live as long as the process.
"""

from __future__ import annotations

import gc

_frozen = False


def freeze_startup_objects() -> None:
    """Collect once, then freeze every object alive. Once per process (a second bot in the same process, as in
    tests, leaves the first freeze alone)."""
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.collect()
    gc.freeze()
