"""Reading a submitted modal (a Discord form) from the interaction's raw data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def submitted_values(components: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """custom_id → value (text input) or values (select) of a modal submit's components, at any depth
    (inside labels or action rows)."""
    values: dict[str, Any] = {}
    for component in components:
        if "components" in component:
            values.update(submitted_values(component["components"]))
        elif "component" in component:
            values.update(submitted_values([component["component"]]))
        elif "custom_id" in component:
            values[component["custom_id"]] = component.get("values", component.get("value"))
    return values
