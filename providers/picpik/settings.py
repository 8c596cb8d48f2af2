"""Where Picpik is and how the bot uses it, from ``PICPIK_*`` environment variables or ``.env``."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
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
    #: how many TaskUIDs one ListTasksDetails call carries (PICPIK_TASK_IDS_PER_CALL). Inference: no document gives
    #: a maximum; a refusal that names one lowers it for the rest of the process (``batch_limit``)
    task_ids_per_call: int = Field(default=50, ge=1, le=500)
    #: where the app actions of seed 000 (bundles, app instances) are sent (PICPIK_APP_BASE_URL). No document names
    #: their host: unset, they go to ``base_url`` with the generation actions; a full URL sends them there; a value
    #: starting with "/" is a path under ``base_url`` (a gateway that serves them under a prefix)
    app_base_url: str | None = None

    @field_validator("app_base_url")
    @classmethod
    def _an_address_or_a_path(cls, value: str | None) -> str | None:
        text = (value or "").strip()
        if text and not text.startswith(("/", "http://", "https://")):
            raise ValueError("PICPIK_APP_BASE_URL takes an http(s) URL or a path starting with /")
        return text or None

    def app_actions_url(self) -> str:
        """The URL the app actions are posted to (see ``app_base_url``)."""
        configured = (self.app_base_url or "").strip()
        if not configured:
            return self.base_url
        if configured.startswith("/"):
            return self.base_url.rstrip("/") + configured
        return configured

    def default_credentials(self) -> PicpikCredentials | None:
        """The bot-wide key pair from the settings, when both halves are set."""
        if not self.public_key or self.private_key is None or not self.private_key.get_secret_value():
            return None
        return PicpikCredentials(public_key=self.public_key, private_key=self.private_key)
