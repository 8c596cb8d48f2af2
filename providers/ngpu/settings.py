"""NGPU settings (env prefix ``NGPU_``): where NGPU is, and how the A1111 image inside the workspace is reached."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from providers.core.base import ServiceSettings
from providers.ngpu.credentials import NgpuCredentials


class NgpuSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NGPU_", env_file=".env", extra="ignore")

    base_url: str = "https://ngpu.ai"
    #: default credentials, used until members bring their own
    workspace_id: SecretStr | None = None
    btc_address: str | None = None

    #: ``paramPort``: the port the workspace's Docker image maps for the AUTOMATIC1111 API
    a1111_port: int = 7860
    #: the A1111 API prefix inside the image; endpoints are ``<prefix>/<endpoint>``
    a1111_path_prefix: str = "sdapi/v1"
    #: ``taskMode`` sent with schedulingTask (NGPU's own bot sends "Async")
    task_mode: str = "Async"
    #: image side in pixels when the request gives no size (the longer side with an aspect ratio)
    default_size: int = 512
    upscaler: str = "R-ESRGAN 4x+"
    upscale_factor: float = 2.0
    #: img2img denoising strength for V1–V4 and remix (A1111's own default is 0.75)
    variation_strength: float = 0.75
    interrogate_model: str = "clip"
    #: the port NGPU's own bot uses for its sadTalker image
    sad_talker_port: int = 8075
    #: a synchronous pass-through waits for the whole job, so it gets a longer timeout than other calls
    sync_timeout_seconds: float = 300.0

    def default_credentials(self) -> NgpuCredentials | None:
        if self.workspace_id is None or not self.workspace_id.get_secret_value().strip():
            return None
        return NgpuCredentials(workspace_id=self.workspace_id, btc_address=self.btc_address)
