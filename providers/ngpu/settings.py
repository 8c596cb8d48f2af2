"""NGPU settings (env prefix ``NGPU_``): where NGPU is, and how the A1111 image inside the workspace is reached."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from providers.core.base import ServiceSettings
from providers.ngpu.credentials import NgpuCredentials
from providers.ngpu.forms import BRC20_PATHS, AuthForm, Brc20Path, DataForm


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
    #: ``Authorization`` form tried first: ``bearer`` (the seed: ``Bearer <id>``) or ``bare`` (NGPU's own bot: the id
    #: alone); on an auth refusal the other is tried once and the one that works is kept for the workspace
    auth_form: AuthForm = AuthForm.BEARER
    #: ``data`` form sent first in a pass-through: ``object`` (NGPU's own bot: the JSON object) or ``string`` (the
    #: seed's table: its JSON text); when NGPU refuses it as malformed the other is sent once and kept
    data_form: DataForm = DataForm.OBJECT
    #: the BRC-20 check's path tried first (NGPU's own bot's); the seed's ``brc20/checkAddress`` when it does not exist
    brc20_path: Brc20Path = BRC20_PATHS[0]
    #: a synchronous pass-through waits for the whole job, so it gets a longer timeout than other calls
    sync_timeout_seconds: float = 300.0

    def default_credentials(self) -> NgpuCredentials | None:
        if self.workspace_id is None or not self.workspace_id.get_secret_value().strip():
            return None
        return NgpuCredentials(workspace_id=self.workspace_id, btc_address=self.btc_address)
