"""Whose keys run a member's job, and the provider instance built with them.

The order is the member's own keys (``/keys set``), then their server's (``/keys set … scope:server``, when the
server lets members use them), then the keys in the bot's settings. A job remembers which of these it used as a
*credential reference* (``user:<id>``, ``guild:<id>`` or ``settings`` — never the keys themselves), so the poller
follows it with the same account after a restart, and a button is always charged to the member who presses it.

Provider instances are cached by service and reference, so following a job costs no database read or decryption;
the key store tells the pool when a key is set or removed, so a changed key builds a new instance for the jobs
that follow and a removed one no longer resolves (its jobs end with a clear reason). A provider built with stored
keys caches its login token under their owner (deleted with the keys); one built to check keys before they are
saved keeps its login in memory. The log filter redacts the keys of every provider while it lives.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import aiohttp

from bot.i18n import t
from bot.logs import hold_secrets
from providers.core.base import MemoryTokenStore, Provider, ServiceSettings, TokenStore
from providers.core.errors import ErrorKind, InvalidInputError
from storage.keys import KeyScope, SealedTokenStore, token_owner

if TYPE_CHECKING:
    from storage.keys import KeyStore
    from storage.settings import SettingsStore

log = logging.getLogger(__name__)

#: the reference of the keys in the bot's settings (also what rows written before references existed mean)
SETTINGS_REF: Final = "settings"
#: provider instances (and "no keys stored") kept for reuse, one per member or server and service asked about
MAX_CACHED_PROVIDERS: Final = 4096
#: failure kinds that say the keys themselves do not work (the rest say nothing about them)
KEY_FAILURE_KINDS: Final = frozenset({ErrorKind.AUTH.value, ErrorKind.ACCOUNT.value, ErrorKind.QUOTA.value})


@dataclass(frozen=True, slots=True)
class Resolved:
    """The provider to use and whose keys it carries (the job's ``credential_ref``)."""

    provider: Provider
    ref: str


@dataclass(frozen=True, slots=True)
class NoKeys:
    """Neither the member, nor their server, nor the bot's settings have usable keys for ``service``."""

    service: str
    display_name: str


def user_ref(user_id: int) -> str:
    return f"{KeyScope.USER.value}:{user_id}"


def guild_ref(guild_id: int) -> str:
    return f"{KeyScope.GUILD.value}:{guild_id}"


def parse_ref(ref: str) -> tuple[KeyScope, int] | None:
    """``(scope, owner id)`` of a member's or server's reference; None for the settings' keys.
    Raises ``ValueError`` for anything else."""
    if ref == SETTINGS_REF:
        return None
    scope, _, owner = ref.partition(":")
    return KeyScope(scope), int(owner)


def no_keys_text(no_keys: NoKeys, locale: object) -> str:
    """The private answer to a member with no usable keys: which service, and how to add theirs."""
    return t("keys.none_to_use", locale, service=no_keys.display_name)


def keys_worked(failure_kind: str | None) -> bool:
    """Whether an outcome of this kind (None: success) says the keys work."""
    return failure_kind is None or str(failure_kind) not in KEY_FAILURE_KINDS


class ProviderPool:
    """Gives the provider instance for a member (``for_member``) or for a job's reference (``for_ref``)."""

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession,
        service_classes: Mapping[str, type[Provider]],
        service_settings: Mapping[str, ServiceSettings],
        settings_providers: Mapping[str, Provider],
        key_store: KeyStore,
        token_store: TokenStore | None = None,
        settings_store: SettingsStore | None = None,
        max_cached: int = MAX_CACHED_PROVIDERS,
    ) -> None:
        self._session = session
        self._classes = service_classes
        self._settings = service_settings
        #: the instances built from the bot's settings (``GridBot.providers``)
        self._settings_providers = settings_providers
        self._keys = key_store
        self._token_store = token_store
        #: servers' rules (whether members may use the server-wide keys); None: always allowed
        self._settings_store = settings_store
        self._max_cached = max_cached
        #: (service, reference) → the provider built with the keys stored for it, or None: no keys stored (most
        #: members have none, and every command asks; ``forget`` clears either when keys are set or removed)
        self._cache: OrderedDict[tuple[str, str], Provider | None] = OrderedDict()
        key_store.on_change(self.forget)

    # --- the server's say ------------------------------------------------------------------------------

    async def server_keys_allowed(self, guild_id: int, user_id: int) -> bool:
        """Whether the server's admin lets its members use the server-wide keys (``/server-settings switches``);
        always when the pool was built without the settings."""
        if self._settings_store is None:
            return True
        return (await self._settings_store.server(guild_id)).server_keys_allowed

    # --- resolving --------------------------------------------------------------------------------------

    async def for_member(self, service: str, user_id: int, guild_id: int | None) -> Resolved | NoKeys:
        """The member's own keys, else their server's (when allowed), else the bot's settings."""
        cls = self._classes.get(service)
        if cls is None:
            return NoKeys(service, service)
        candidates = [user_ref(user_id)]
        if guild_id is not None and await self.server_keys_allowed(guild_id, user_id):
            candidates.append(guild_ref(guild_id))
        candidates.append(SETTINGS_REF)
        for ref in candidates:
            provider = await self.for_ref(service, ref)
            if provider is not None:
                return Resolved(provider, ref)
        return NoKeys(service, cls.display_name)

    async def first_for_member(self, services: Iterable[str], user_id: int, guild_id: int | None) -> Resolved | NoKeys:
        """The first of ``services`` (in order) the member has usable keys for; ``NoKeys`` of the first one
        when there is none."""
        first: NoKeys | None = None
        for service in services:
            found = await self.for_member(service, user_id, guild_id)
            if isinstance(found, Resolved):
                return found
            first = first or found
        return first or NoKeys("", "")

    async def for_ref(self, service: str, ref: str) -> Provider | None:
        """The provider for a job's reference, with the keys stored *now*; None when they are gone (removed,
        unreadable, the service no longer offered)."""
        if service not in self._classes:
            return None
        try:
            owner = parse_ref(ref)
        except ValueError:
            log.warning("a job names credentials %r that the bot does not understand", ref)
            return None
        if owner is None:
            return self._settings_providers.get(service)
        key = (service, ref)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        fields = await self._keys.get(owner[0], owner[1], service)  # None too when it can no longer be opened
        provider: Provider | None = None
        if fields is not None:
            try:
                provider = self.build(service, fields, ref=ref)
            except InvalidInputError:
                log.warning("the stored %s keys of %s do not fit the service's fields", service, ref)
        self._cache[key] = provider
        while len(self._cache) > self._max_cached:
            self._cache.popitem(last=False)
        return provider

    def forget(self, scope: KeyScope, owner_id: int, service: str) -> None:
        """A key was set or removed: the next job builds its provider from what is stored now."""
        ref = user_ref(owner_id) if scope is KeyScope.USER else guild_ref(owner_id)
        self._cache.pop((service, ref), None)

    def build(self, service: str, fields: Mapping[str, str], *, ref: str | None = None) -> Provider:
        """A new, uncached provider with these keys: ``ref`` names whose stored keys they are; None for keys being
        checked before they are saved (nothing of theirs is stored). Raises ``InvalidInputError`` when the fields
        do not fit the service's credentials."""
        cls = self._classes[service]
        settings = self._settings.get(service)
        if settings is None:
            raise InvalidInputError(f"{cls.display_name} has no settings on this bot.", provider=service)
        hold = hold_secrets(fields.values())  # before anything can log them (the key check's errors included)
        try:
            credentials = cls._accept_credentials(dict(fields))
            provider = cls(self._session, settings, credentials, token_store=self._tokens_for(service, ref))
        except BaseException:
            hold.release()
            raise
        hold.tie_to(provider)
        return provider

    def _tokens_for(self, service: str, ref: str | None) -> TokenStore | None:
        """Where a provider's login tokens are cached: with its stored keys' owner, or in memory for a check."""
        if ref is None:
            return MemoryTokenStore()
        owner = parse_ref(ref)
        if owner is not None and isinstance(self._token_store, SealedTokenStore):
            return self._token_store.for_owner(token_owner(owner[0], owner[1], service))
        return self._token_store

    # --- bookkeeping ------------------------------------------------------------------------------------

    async def record_use(self, service: str, ref: str | None, *, failure: ErrorKind | str | None = None) -> None:
        """Note on a member's or server's key when it was last used and the outcome of that call (``/keys list``):
        ``failure`` is the kind of the call's failure, None when it worked. Never raises: bookkeeping must not
        stop a job."""
        try:
            owner = parse_ref(ref or SETTINGS_REF)
            if owner is not None:
                kind = None if failure is None else str(failure)  # an ErrorKind is a StrEnum: its value
                await self._keys.record_use(owner[0], owner[1], service, failure=kind)
        except Exception:
            log.warning("could not note the use of the %s keys of %s", service, ref, exc_info=True)
