"""Contract case: the Midjourney-style job API against its emulator."""

from __future__ import annotations

from pydantic import SecretStr

from providers.core.errors import (
    AuthenticationError,
    DecodeError,
    ProviderTimeoutError,
    QuotaError,
    RateLimitedError,
    ServerError,
    SubmitOutcomeUnknownError,
)
from providers.core.models import ImagineRequest
from providers.midjourney.models import MidjourneyCredentials
from providers.midjourney.provider import MidjourneyProvider
from providers.midjourney.settings import MidjourneySettings
from tests.emulators import midjourney as emulator
from tests.providers.contract import FaultCase, ProviderCase, fast_settings


def make_settings(base_url: str) -> MidjourneySettings:
    return fast_settings(MidjourneySettings, base_url)


CASE = ProviderCase(
    name="midjourney",
    provider_class=MidjourneyProvider,
    make_emulator=emulator.make_app,
    make_settings=make_settings,
    credentials=MidjourneyCredentials(username=emulator.TEST_USERNAME, password=SecretStr(emulator.TEST_PASSWORD)),
    bad_credentials=MidjourneyCredentials(username=emulator.TEST_USERNAME, password=SecretStr("not-the-password")),
    imagine_request=ImagineRequest(prompt="a lighthouse on a cliff at dawn", aspect_ratio="3:2", seed=1234),
    imagine_images=1,
    # Order matters for one case only: a poll-stage case comes first, so the provider has logged in
    # before "hang on submit" (otherwise the login would hang, an honest ProviderTimeoutError).
    faults=(
        FaultCase("server_error", "poll", ServerError),
        FaultCase("server_error", "submit", ServerError),
        FaultCase("malformed_json", "submit", DecodeError),
        FaultCase("malformed_json", "poll", DecodeError),
        FaultCase("hang", "submit", SubmitOutcomeUnknownError),
        FaultCase("hang", "poll", ProviderTimeoutError),
        FaultCase("http_rate_limit", "submit", RateLimitedError),
        FaultCase("invalid_login", "submit", AuthenticationError),
        FaultCase("invalid_login", "poll", AuthenticationError),
        FaultCase("plan_required", "submit", QuotaError),
        FaultCase("general_error", "submit", ServerError),
        FaultCase("general_error", "poll", ServerError),
    ),
    job_failure_fault="job_fails",
    variants=emulator.VARIANTS,
    # the one reading an operator names in a setting: their service reads `--ar` after a blend's links
    variant_settings={"blend_reads_ar": {"blend_reads_ar": True}},
)
