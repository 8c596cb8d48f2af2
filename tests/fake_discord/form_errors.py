"""Discord's "Invalid Form Body" answer: ``400 {"code": 50035, "message": "Invalid Form Body", "errors": …}``
where ``errors`` nests like the body (array indices as strings) and ends in ``{"_errors": [{code, message}]}``:

    {"embeds": {"0": {"description": {"_errors": [
        {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 4096 or fewer in length."}]}}}}

discord.py flattens that tree into its exception text ("In embeds.0.description: Must be …").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.fake_discord.messages import ApiError

INVALID_FORM_BODY = 50035
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldError:
    """One refused field: where it is in the body, Discord's error code word, and a readable message."""

    path: Path
    code: str
    message: str

    @property
    def where(self) -> str:
        return ".".join(str(step) for step in self.path) or "(body)"

    def __str__(self) -> str:
        return f"{self.where}: {self.message} [{self.code}]"


@dataclass
class FormErrors:
    """Collects every problem of one body (Discord reports them all at once), then raises them together."""

    at: Path = ()
    found: list[FieldError] = field(default_factory=list)

    def add(self, path: Path, code: str, message: str) -> None:
        error = FieldError((*self.at, *path), code, message)
        if error not in self.found:
            self.found.append(error)

    def extend(self, errors: Iterable[FieldError]) -> None:
        for error in errors:
            if error not in self.found:
                self.found.append(error)

    def raise_if_any(self) -> None:
        if self.found:
            raise invalid_form(self.found)


def error_tree(errors: Iterable[FieldError]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for error in errors:
        node = tree
        for step in error.path:
            node = node.setdefault(str(step), {})
        node.setdefault("_errors", []).append({"code": error.code, "message": error.message})
    return tree


def flatten(tree: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """``"embeds.0.description: Must be 4096 or fewer in length."`` lines, as discord.py prints them."""
    for key, value in tree.items():
        if key == "_errors":
            for entry in value:
                yield f"{prefix or '(body)'}: {entry['message']}"
        else:
            yield from flatten(value, f"{prefix}.{key}" if prefix else key)


def invalid_form(errors: Iterable[FieldError]) -> ApiError:
    return ApiError(400, INVALID_FORM_BODY, "Invalid Form Body", errors=error_tree(errors))


def invalid(where: str, problem: str, code: str = "BASE_TYPE_INVALID") -> ApiError:
    """A single refused field at the dotted path ``where`` (``"data.components.0"``; ``""`` for the body)."""
    path = tuple(int(step) if step.isdigit() else step for step in where.split(".") if step)
    return invalid_form([FieldError(path, code, problem)])
