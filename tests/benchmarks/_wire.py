"""How the load benchmark's child processes talk to it: one JSON object per line on stdout, after a prefix (so
that anything else a library prints there is ignored)."""

from __future__ import annotations

import json
import sys
from typing import Any

PREFIX = "@@bench "


def say(payload: dict[str, Any]) -> None:
    sys.stdout.write(PREFIX + json.dumps(payload) + "\n")
    sys.stdout.flush()
