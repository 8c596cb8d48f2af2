"""Where Jumdata is and the default keys the bot uses until members bring their own."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from providers.core.base import ServiceSettings
from providers.jumdata.credentials import JumdataCredentials


class JumdataSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="JUMDATA_", env_file=".env", extra="ignore")

    base_url: str = "https://api-hw.jumdata.com"
    #: Inference: the document gives no typical duration; a few images take tens of seconds on such services
    job_timeout_seconds: float = 10 * 60
    app_id: str | None = None
    app_secret: SecretStr | None = None

    def default_credentials(self) -> JumdataCredentials | None:
        if not self.app_id or self.app_secret is None or not self.app_secret.get_secret_value():
            return None
        return JumdataCredentials(app_id=self.app_id, app_secret=self.app_secret)
