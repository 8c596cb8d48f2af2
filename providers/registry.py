"""Every provider the bot knows, by name. Adding a service is one line here."""

from __future__ import annotations

from providers.core.base import Provider
from providers.jumdata import JumdataProvider
from providers.midjourney import MidjourneyProvider
from providers.ngpu import NgpuProvider
from providers.picpik import PicpikProvider

PROVIDERS: dict[str, type[Provider]] = {
    cls.name: cls
    for cls in (
        PicpikProvider,
        MidjourneyProvider,
        JumdataProvider,
        NgpuProvider,
    )
}


def get_provider_class(name: str) -> type[Provider]:
    try:
        return PROVIDERS[name]
    except KeyError:
        known = ", ".join(sorted(PROVIDERS))
        raise KeyError(f"unknown provider {name!r}; known: {known}") from None
