"""Every provider the bot knows, by name. Adding a service is one line here."""

from __future__ import annotations

from providers.core.base import Provider

PROVIDERS: dict[str, type[Provider]] = {}


def register(cls: type[Provider]) -> type[Provider]:
    PROVIDERS[cls.name] = cls
    return cls


def get_provider_class(name: str) -> type[Provider]:
    try:
        return PROVIDERS[name]
    except KeyError:
        known = ", ".join(sorted(PROVIDERS)) or "none"
        raise KeyError(f"unknown provider {name!r}; known: {known}") from None
