"""Settings of the Midjourney-style job API (env prefix ``MIDJOURNEY_``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from providers.core.base import ServiceSettings
from providers.midjourney.models import MidjourneyCredentials


class MidjourneySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MIDJOURNEY_", env_file=".env", extra="ignore")

    #: the host given in the seed document
    base_url: str = "http://164.90.147.104:8091"
    #: jobs asked for per ``/jobs/find`` page when following jobs (newest first)
    find_page_size: int = Field(default=100, ge=1, le=100)
    #: how far back a job is looked for before it counts as not listed (yet): ``find_max_pages × find_page_size``
    #: entries (20 × 100: 2,000), in at most ten times as many calls when the service answers shorter pages than
    #: asked. Paging also stops at the oldest open job's submit, so this only matters when that many newer jobs exist
    find_max_pages: int = Field(default=20, ge=1, le=50)
    #: the operator's service reads ``--ar W:H`` after the links of ``/jobs/blend`` (``MIDJOURNEY_BLEND_READS_AR``).
    #: The document says the content is the links alone, so by default the bot sends only the links, /blend offers
    #: no shape and the service picks it; ``python -m bot doctor`` cannot tell this without a billed blend
    blend_reads_ar: bool = False
    #: the account used until per-member keys exist
    username: str | None = None
    password: SecretStr | None = None

    def default_credentials(self) -> MidjourneyCredentials | None:
        if not self.username or self.password is None:
            return None
        return MidjourneyCredentials(username=self.username, password=self.password)
