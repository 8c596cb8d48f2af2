"""The models and styles each service offers: /imagine's ``model`` autocomplete and its check of a chosen model.

A service that lists its models (Picpik ``ListModels``) is asked in the background at start-up, and again once
its list is older than ``FrontEndSettings.model_list_ttl_seconds``. Discord drops an autocomplete that is not
answered within 3 s, so the autocomplete answers from the last list loaded (renewing a stale one behind it);
before the first load ends it waits at most ``answer_within`` seconds, then offers the declared styles.
/imagine never waits for a service: it checks a model only against a list that is already known.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.choices import MAX_CHOICE_CHARS, MAX_CHOICES
from bot.i18n import t
from bot.text_fit import clipped
from providers.core.base import Provider
from providers.core.errors import InvalidInputError, ProviderError
from providers.core.models import ImagineRequest, ModelOption

log = logging.getLogger(__name__)

#: well inside Discord's 3 s, leaving time for the answer itself to travel
ANSWER_WITHIN_SECONDS = 1.5
#: after a failed load, ask the service again no sooner than this (a member typing must not hammer it)
RETRY_AFTER_FAILURE_SECONDS = 30.0
#: how many valid models an "unknown model" reply names
EXAMPLES_IN_REFUSAL = 5


@dataclass
class _Entry:
    """One service's list: the last one loaded (None until a load succeeds) and the load in flight."""

    options: list[ModelOption] | None = None
    loaded_at: float = -math.inf
    failed_at: float = -math.inf
    loading: asyncio.Task[None] | None = None


class ModelCatalog:
    """The model lists of the configured services, cached per service for ``ttl_seconds``."""

    def __init__(
        self,
        providers: Mapping[str, Provider],
        *,
        ttl_seconds: float,
        answer_within: float = ANSWER_WITHIN_SECONDS,
        retry_after_failure: float = RETRY_AFTER_FAILURE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._providers = providers
        self._ttl = ttl_seconds
        self._answer_within = answer_within
        self._retry_after_failure = retry_after_failure
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._closed = False

    def start(self) -> None:
        """Load every service's list in the background (the declared styles take no request)."""
        for name in self._providers:
            self._refresh_if_due(name)

    async def close(self) -> None:
        """Stop the loads in flight (a hung service must not keep the bot from closing)."""
        self._closed = True
        tasks = [entry.loading for entry in self._entries.values() if entry.loading is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # --- reading -------------------------------------------------------------------------------------

    def known(self, provider_name: str, member_provider: Provider | None = None) -> list[ModelOption] | None:
        """The list last loaded from the service, or None when none has been; never waits (a stale list is
        still returned, and a new load is started behind it). ``member_provider``: the service on a member's or
        server's keys, used to load the list when the bot's settings have no keys for it."""
        self._refresh_if_due(provider_name, member_provider)
        entry = self._entries.get(provider_name)
        return entry.options if entry is not None else None

    async def options(self, provider_name: str, member_provider: Provider | None = None) -> list[ModelOption]:
        """The list to offer now: the last one loaded (a stale one is renewed behind it); before the first load,
        that load if it ends within ``answer_within`` seconds; else the service's declared styles."""
        provider = self._providers.get(provider_name) or member_provider
        if provider is None:
            return []
        known = self.known(provider_name, provider)
        entry = self._entries.get(provider_name)
        if known is None and entry is not None and entry.loading is not None:
            # wait, but never cancel: a slow load still fills the cache for the next keystroke
            await asyncio.wait({entry.loading}, timeout=self._answer_within)
            known = entry.options
        return known if known is not None else _declared(provider)

    async def choices(
        self, provider_name: str, typed: str, member_provider: Provider | None = None
    ) -> list[ModelOption]:
        """What the autocomplete offers for ``typed``: matches on value or label (ignoring case), those that
        start with it first; at most 25, each short enough for Discord."""
        wanted = typed.strip().casefold()
        offered = [
            o for o in await self.options(provider_name, member_provider) if len(o.value) <= MAX_CHOICE_CHARS
        ]
        matching = [o for o in offered if any(wanted in text.casefold() for text in (o.value, o.label))]
        matching.sort(key=lambda o: not any(text.casefold().startswith(wanted) for text in (o.value, o.label)))
        return [_fitted(o) for o in matching[:MAX_CHOICES]]

    def with_known_model(self, provider: Provider, request: ImagineRequest, locale: object) -> ImagineRequest:
        """``request`` with its model spelled as the service lists it (a label or another case is accepted).

        Raises ``InvalidInputError`` naming a few valid models when the service's list is known and lacks the
        model; when no list is known yet the request passes unchanged (the service itself will judge it).
        """
        if request.model is None:
            return request
        options = self.known(provider.name, provider)
        if not options:
            return request
        chosen = _find(options, request.model)
        if chosen is None:
            examples = ", ".join(o.value for o in _suggestions(options, request.model))
            text = t("models.unknown", locale, service=provider.display_name, model=request.model, examples=examples)
            raise InvalidInputError(text, field="model", provider=provider.name)
        return request if chosen.value == request.model else request.model_copy(update={"model": chosen.value})

    # --- loading -------------------------------------------------------------------------------------

    def _refresh_if_due(self, provider_name: str, member_provider: Provider | None = None) -> asyncio.Task[None] | None:
        """The load in flight for this service, starting one when the list is missing or too old (with the
        settings' keys, else a member's: Inference — a service lists the same models to every account)."""
        provider = self._providers.get(provider_name) or member_provider
        if provider is None or self._closed:
            return None
        entry = self._entries.setdefault(provider_name, _Entry())
        if entry.loading is not None:
            return entry.loading
        now = self._clock()
        if now - entry.loaded_at < self._ttl or now - entry.failed_at < self._retry_after_failure:
            return None
        entry.loading = asyncio.create_task(self._load(provider, entry), name=f"model list of {provider_name}")
        return entry.loading

    async def _load(self, provider: Provider, entry: _Entry) -> None:
        try:
            entry.options = await provider.model_options()
            entry.loaded_at = self._clock()
        except ProviderError as error:
            entry.failed_at = self._clock()
            log.warning("%s: could not list its models: %s", provider.name, error)
        except Exception:  # a background task has no caller to tell: log it, keep the last list
            entry.failed_at = self._clock()
            log.exception("%s: listing its models failed unexpectedly", provider.name)
        finally:
            entry.loading = None


def _declared(provider: Provider) -> list[ModelOption]:
    return [ModelOption(value=style, label=style) for style in provider.limits.styles]


def _fitted(option: ModelOption) -> ModelOption:
    label = clipped(option.label.strip() or option.value, MAX_CHOICE_CHARS)
    return option if label == option.label else ModelOption(value=option.value, label=label)


def _find(options: list[ModelOption], model: str) -> ModelOption | None:
    """The option ``model`` names: its exact value first, then its value or label in any case."""
    exact = next((o for o in options if o.value == model), None)
    if exact is not None:
        return exact
    wanted = model.strip().casefold()
    return next((o for o in options if wanted in (o.value.casefold(), o.label.casefold())), None)


def _suggestions(options: list[ModelOption], model: str) -> list[ModelOption]:
    """A few valid options, those spelled most like ``model`` first."""
    by_key = {o.value.casefold(): o for o in options}
    close = difflib.get_close_matches(model.casefold(), list(by_key), n=EXAMPLES_IN_REFUSAL, cutoff=0.5)
    picked = [by_key[key] for key in close]
    picked += [o for o in options if o not in picked]
    return picked[:EXAMPLES_IN_REFUSAL]
