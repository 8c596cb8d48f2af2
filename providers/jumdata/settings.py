"""Where Jumdata is and the default keys the bot uses until members bring their own."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from providers.core.base import ServiceSettings
from providers.jumdata.credentials import JumdataCredentials

#: Inference: seed 003 shows a taskId only as "xxxx"; the one id it writes out in full is the request number
#: ``taskNo``, 24 decimal digits ("043439882226367117195632"), so a made-up taskId of that form is what the key check
#: asks about. No task has it: the answer is "taskId不存在" (201) once the keys pass.
DEFAULT_KEY_CHECK_TASK_ID = "000000000000000000000000"


class JumdataSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="JUMDATA_", env_file=".env", extra="ignore")

    base_url: str = "https://api-hw.jumdata.com"
    #: Inference: the document gives no typical duration; a few images take tens of seconds on such services
    job_timeout_seconds: float = 10 * 60
    #: the taskId the key check (and ``python -m bot doctor``) asks about: free, and unknown to the service. A service
    #: that refuses ids not of its own form still calls good keys good; set a taskId your account was once given if
    #: ``doctor`` says the service refuses this one's form (``jumdata.task_id_shape``)
    key_check_task_id: str = Field(default=DEFAULT_KEY_CHECK_TASK_ID, min_length=1)
    app_id: str | None = None
    app_secret: SecretStr | None = None

    def default_credentials(self) -> JumdataCredentials | None:
        if not self.app_id or self.app_secret is None or not self.app_secret.get_secret_value():
            return None
        return JumdataCredentials(app_id=self.app_id, app_secret=self.app_secret)
