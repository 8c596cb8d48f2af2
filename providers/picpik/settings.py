"""Where Picpik is and how the bot uses it, from ``PICPIK_*`` environment variables or ``.env``."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from providers.core.base import ServiceSettings
from providers.picpik.credentials import PicpikCredentials

INTERNATIONAL_BASE_URL = "https://api.picpik.ai"
MAINLAND_BASE_URL = "https://api.picpikai.com"


class PicpikSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PICPIK_", env_file=".env", extra="ignore")

    #: the international host; set PICPIK_BASE_URL to MAINLAND_BASE_URL for mainland China accounts
    base_url: str = INTERNATIONAL_BASE_URL
    public_key: str | None = None
    private_key: SecretStr | None = None

    #: the MainModel ModelCode used when a request names none
    default_model: str = "PICPIK General"
    #: the longer side of an image made from an aspect ratio (both sides are multiples of 64)
    long_side: int = Field(default=1024, ge=64, le=2560)
    #: Image2Image ReferStrength (0–1) for V1–V4 and for remix: how closely the new images follow the chosen one
    variation_refer_strength: float = Field(default=0.6, ge=0, le=1)
    remix_refer_strength: float = Field(default=0.6, ge=0, le=1)
    #: the DescribeImages TranslateDescription language
    describe_language: str = "en"
    #: how many TaskUIDs one ListTasksDetails call carries
    poll_batch_size: int = Field(default=50, ge=1, le=500)

    def default_credentials(self) -> PicpikCredentials | None:
        """The bot-wide key pair from the settings, when both halves are set."""
        if not self.public_key or self.private_key is None or not self.private_key.get_secret_value():
            return None
        return PicpikCredentials(public_key=self.public_key, private_key=self.private_key)
