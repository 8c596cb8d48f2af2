"""Jumdata AI绘画 in the shared contract suite."""

from __future__ import annotations

from pydantic import SecretStr

from providers.core.errors import (
    AccountError,
    AuthenticationError,
    DecodeError,
    ModerationError,
    ProviderTimeoutError,
    RateLimitedError,
    ServerError,
    SubmitOutcomeUnknownError,
)
from providers.core.models import ImagineRequest
from providers.jumdata.credentials import JumdataCredentials
from providers.jumdata.provider import JumdataProvider
from providers.jumdata.settings import JumdataSettings
from tests.emulators import jumdata as emulator
from tests.providers.contract import FaultCase, ProviderCase, fast_settings


def make_settings(base_url: str) -> JumdataSettings:
    return fast_settings(JumdataSettings, base_url)


CREDENTIALS = JumdataCredentials(app_id=emulator.TEST_APP_ID, app_secret=SecretStr(emulator.TEST_APP_SECRET))

CASE = ProviderCase(
    name="jumdata",
    provider_class=JumdataProvider,
    make_emulator=emulator.make_app,
    make_settings=make_settings,
    credentials=CREDENTIALS,
    bad_credentials=JumdataCredentials(app_id=emulator.TEST_APP_ID, app_secret=SecretStr("not-the-secret")),
    imagine_request=ImagineRequest(prompt="一只在月光下弹琴的猫 a cat playing piano", aspect_ratio="1:1", count=4),
    imagine_images=4,
    faults=(
        FaultCase("server_error", "submit", ServerError),
        FaultCase("server_error", "poll", ServerError),
        FaultCase("malformed_json", "submit", DecodeError),
        FaultCase("malformed_json", "poll", DecodeError),
        FaultCase("hang", "submit", SubmitOutcomeUnknownError),
        FaultCase("hang", "poll", ProviderTimeoutError),
        FaultCase("http_rate_limit", "submit", RateLimitedError),
        FaultCase("too_frequent", "submit", RateLimitedError),
        FaultCase("too_frequent", "poll", RateLimitedError),
        FaultCase("quota", "submit", RateLimitedError),
        FaultCase("quota", "poll", RateLimitedError),
        FaultCase("maintenance", "submit", ServerError),
        FaultCase("maintenance", "poll", ServerError),
        FaultCase("moderation", "submit", ModerationError),
        FaultCase("bad_sign", "submit", AuthenticationError),
        FaultCase("bad_sign", "poll", AuthenticationError),
        FaultCase("not_enabled", "submit", AccountError),
        FaultCase("ip_not_whitelisted", "submit", AccountError),
        FaultCase("request_timeout", "submit", SubmitOutcomeUnknownError),
        FaultCase("unknown_code", "submit", ServerError),
        FaultCase("unknown_code", "poll", ServerError),
    ),
    job_failure_fault="task_fails",
    job_failure_kind="job_failed",
    variants=emulator.VARIANTS,
    # an operator whose service issues 32-hex taskIds names one of that form for the key check; good keys are
    # called good without it too (a refused id form is read as keys that passed)
    variant_settings={"strict_hex_task_id": {"key_check_task_id": "0" * 32}},
)
