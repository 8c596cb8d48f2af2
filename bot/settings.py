"""Typed settings from the environment / ``.env``, one class per concern, built once in ``__main__``.

Each service's settings live in its own package (``providers/<service>/settings.py``) and are gathered
here from the registry, so adding a service needs no change in this file.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from providers.core.base import ServiceSettings
from providers.core.url_policy import FetchSettings
from providers.registry import PROVIDERS


class DiscordSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DISCORD_", env_file=".env", extra="ignore")

    token: SecretStr | None = None
    #: REST base; point it at a fake Discord or a proxy for local runs
    api_base: str = "https://discord.com/api/v10"
    #: gateway URL used when the client is not sharded
    gateway_url: str = "wss://gateway.discord.gg/"
    #: a guild to sync commands to instantly while developing (global sync otherwise)
    dev_guild_id: int | None = None


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DATABASE_", env_file=".env", extra="ignore")

    path: Path = Path("data/bot.sqlite3")


class SecretSettings(BaseSettings):
    """Where the key that seals stored secrets (members' keys, login and interaction tokens) comes from."""

    model_config = SettingsConfigDict(env_prefix="SECRETS_", env_file=".env", extra="ignore")

    #: comma-separated Fernet keys: the first seals, all open (put a new key first to rotate)
    master_key: SecretStr | None = None
    #: used when no master key is set; generated on first run (default: ``secret.key`` next to the database)
    key_file: Path | None = None

    def key_file_for(self, database_path: Path) -> Path:
        return self.key_file if self.key_file is not None else database_path.with_name("secret.key")


def load_service_settings() -> dict[str, ServiceSettings]:
    """Every registered service's settings, read from its own environment prefix."""
    return {name: cls.settings_model() for name, cls in PROVIDERS.items()}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    secrets: SecretSettings = Field(default_factory=SecretSettings)
    services: dict[str, ServiceSettings] = Field(default_factory=load_service_settings)
    #: where members' images may be fetched from (``FETCH_ALLOWED_NETWORKS``, as for the services)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    log_level: str = "INFO"
