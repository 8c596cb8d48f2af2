"""Which message builders the property tests in this package cover (``covers``), for the meta-test that lists
every builder (``test_every_builder_is_covered``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: ``module.qualname`` of every builder a property test exercises
COVERED: set[str] = set()


def name_of(builder: Callable[..., Any]) -> str:
    return f"{builder.__module__}.{builder.__qualname__}"


def covers(*builders: Callable[..., Any]) -> Callable[[F], F]:
    """Marks a property test as exercising ``builders`` (called by it, directly or through the message it builds)."""

    def mark(test: F) -> F:
        COVERED.update(name_of(builder) for builder in builders)
        return test

    return mark
