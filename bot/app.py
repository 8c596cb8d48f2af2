"""``GridBot``: the discord.py client that owns the store, the HTTP session, the services and the poller.

``setup_hook`` (after login, before the gateway) opens the SQLite store, builds one ``aiohttp.ClientSession``
and one provider per configured service, loads every feature package under ``bot.exts`` (each registers its
commands and its restart-proof ``DynamicItem`` buttons), syncs the commands and starts the poller.
``close()`` undoes it all in the opposite order.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Mapping
from typing import Any

import aiohttp
import aiosqlite
import discord
import discord.gateway
import discord.http
import yarl
from discord.ext import commands

from bot.config import FrontEndSettings
from bot.credentials import ProviderPool
from bot.gc_settle import freeze_startup_objects
from bot.i18n import CatalogTranslator
from bot.member_images import MemberImages
from bot.poller import JobFollower, Poller
from bot.replies import apologise
from bot.server_rules import admit_interaction, channel_gated
from bot.settings import Settings
from providers.core.base import Provider
from providers.core.models import JobKind
from providers.registry import PROVIDERS
from storage.crypto import SecretBox, load_secret_box
from storage.database import open_database
from storage.jobs import JobStore
from storage.keys import KeyStore, SealedTokenStore
from storage.settings import SettingsStore

log = logging.getLogger(__name__)

EXTENSIONS_PACKAGE = "bot.exts"


def discover_extensions(package: str = EXTENSIONS_PACKAGE) -> list[str]:
    """Every feature package under ``package`` (one package per feature; ``_private`` ones are skipped)."""
    root = importlib.import_module(package)
    return sorted(
        f"{package}.{info.name}"
        for info in pkgutil.iter_modules(root.__path__)
        if info.ispkg and not info.name.startswith("_")
    )


class GridBot(commands.Bot):
    """The bot. ``services`` chooses the provider classes on offer (default: the whole registry); only those
    with credentials in the settings are built."""

    store: JobStore
    poller: Poller
    #: the provider for a member's job: their keys, their server's or the settings' (``bot.credentials``)
    pool: ProviderPool
    #: seals what is stored secret: members' keys (``key_store``), login tokens, interaction tokens
    secret_box: SecretBox
    key_store: KeyStore
    token_store: SealedTokenStore
    #: members' preferences and servers' rules (``/settings``)
    settings_store: SettingsStore
    #: members' images: checked before they are sent, held while their job waits (``bot.member_images``)
    member_images: MemberImages

    def __init__(
        self,
        settings: Settings,
        *,
        services: Mapping[str, type[Provider]] | None = None,
        front_end: FrontEndSettings | None = None,
    ) -> None:
        self.settings = settings
        self.front_end = front_end or FrontEndSettings()
        self.service_classes: dict[str, type[Provider]] = dict(services if services is not None else PROVIDERS)
        #: the configured services, in registry order (the first is /imagine's default)
        self.providers: dict[str, Provider] = {}
        #: job kinds the poller follows in their own way, registered by the features that start them
        self.job_followers: dict[JobKind, JobFollower] = {}
        self.session: aiohttp.ClientSession | None = None
        self.db: aiosqlite.Connection | None = None
        self._saved_endpoints: tuple[str, yarl.URL] | None = None
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            # everything arrives as interactions: no message events (a busy server's every message and edit,
            # the bot's own included), no member lists; the guilds intent keeps servers and channels known
            intents=discord.Intents(guilds=True),
            max_messages=None,
            # prompts are member text: never let one ping @everyone or a role
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=self.front_end.guild_ready_timeout,
        )

    # --- start ----------------------------------------------------------------------------------------

    async def login(self, token: str) -> None:
        self._point_at_discord()
        await super().login(token)

    def _point_at_discord(self) -> None:
        """Use the configured REST base and gateway (real Discord by default; a fake or a proxy when set)."""
        if self._saved_endpoints is None:
            self._saved_endpoints = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
        discord.http.Route.BASE = self.settings.discord.api_base.rstrip("/")
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.settings.discord.gateway_url)

    async def setup_hook(self) -> None:
        secrets = self.settings.secrets
        master_key = None if secrets.master_key is None else secrets.master_key.get_secret_value()
        # before the database opens: a refused key file stops the bot before anything is written
        self.secret_box = load_secret_box(master_key, secrets.key_file_for(self.settings.database.path))
        self.db = await open_database(self.settings.database.path)
        self.store = JobStore(self.db, box=self.secret_box)
        self.key_store = KeyStore(self.db, self.secret_box)
        self.token_store = SealedTokenStore(self.db, self.secret_box)
        self.settings_store = SettingsStore(self.db)
        resealed = await self.key_store.reseal_stale()
        if resealed:
            log.info("sealed %d stored keys again with the current key", resealed)
        dropped = await self.token_store.drop_stale()
        if dropped:
            log.info("deleted %d cached login tokens sealed with an old key or whose keys are gone", dropped)
        self.session = aiohttp.ClientSession()
        self.member_images = MemberImages.build(self, self.session, self.settings.fetch.policy(), self.db)
        self.providers = self._build_providers(self.session)
        self.pool = ProviderPool(
            session=self.session,
            service_classes=self.service_classes,
            service_settings=self.settings.services,
            settings_providers=self.providers,
            key_store=self.key_store,
            token_store=self.token_store,
            settings_store=self.settings_store,
        )
        await self.tree.set_translator(CatalogTranslator())
        self.tree.on_error = apologise  # type: ignore[method-assign]
        # a server's channel list holds for every command (and, in add_dynamic_items, every button), not only jobs
        self.tree.interaction_check = admit_interaction  # type: ignore[method-assign]
        for extension in discover_extensions():
            await self.load_extension(extension)
        if self.front_end.sync_commands:
            await self._sync_commands()
        self.poller = Poller(self, self.store, self.pool, self.front_end, followers=self.job_followers)
        freeze_startup_objects()
        self.poller.start()

    def add_dynamic_items(self, *items: type[discord.ui.DynamicItem[Any]]) -> None:
        """Register restart-proof buttons and menus, each behind the server's channel check (``server_rules``)."""
        super().add_dynamic_items(*(channel_gated(item) for item in items))

    def remove_dynamic_items(self, *items: type[discord.ui.DynamicItem[Any]]) -> None:
        super().remove_dynamic_items(*(channel_gated(item) for item in items))

    def _build_providers(self, session: aiohttp.ClientSession) -> dict[str, Provider]:
        built: dict[str, Provider] = {}
        for name, cls in self.service_classes.items():
            service_settings = self.settings.services.get(name)
            default_credentials = getattr(service_settings, "default_credentials", None)
            credentials = default_credentials() if callable(default_credentials) else None
            if service_settings is None or credentials is None:
                log.info("%s has no keys in the settings; members need their own (/keys set)", cls.display_name)
                continue
            built[name] = cls(session, service_settings, credentials, token_store=self.token_store)
        if not built:
            log.warning("no image service has keys in the settings: only members' own keys (/keys set) work")
        return built

    async def _sync_commands(self) -> None:
        guild_id = self.settings.discord.dev_guild_id
        if guild_id is None:
            await self.tree.sync()
            return
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)

    # --- stop -----------------------------------------------------------------------------------------

    async def close(self) -> None:
        poller: Poller | None = getattr(self, "poller", None)
        if poller is not None:
            await poller.stop()
        if self.session is not None:
            await self.session.close()
            self.session = None
        if self.db is not None:
            await self.db.close()
            self.db = None
        try:
            await super().close()
        finally:
            if self._saved_endpoints is not None:
                discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved_endpoints
                self._saved_endpoints = None
