"""Picpik's contract case: the provider against tests/emulators/picpik (its default reading and every variant).

Variants an operator names in a setting: ``strict_batches`` (PICPIK_TASK_IDS_PER_CALL=20) and ``app_host``
(PICPIK_APP_BASE_URL=/app-actions, a path under the base URL, so the value does not depend on the emulator's port).
The Status-word variants have no setting: the bot decides on ErrorCode and results.
"""

from __future__ import annotations

from pydantic import SecretStr

from providers.core.errors import (
    AuthenticationError,
    DecodeError,
    ModerationError,
    ProviderTimeoutError,
    QuotaError,
    RateLimitedError,
    ServerError,
    SubmitOutcomeUnknownError,
)
from providers.core.models import ImagineRequest
from providers.picpik.credentials import PicpikCredentials
from providers.picpik.provider import PicpikProvider
from providers.picpik.settings import PicpikSettings
from tests.emulators.picpik import (
    APP_ACTIONS_PATH,
    STRICT_MAX_TASKS,
    TEST_PRIVATE_KEY,
    TEST_PUBLIC_KEY,
    VARIANTS,
    make_app,
)
from tests.providers.contract import FaultCase, ProviderCase, fast_settings


def make_settings(base_url: str) -> PicpikSettings:
    return fast_settings(PicpikSettings, base_url)


CASE = ProviderCase(
    name="picpik",
    provider_class=PicpikProvider,
    make_emulator=make_app,
    make_settings=make_settings,
    credentials=PicpikCredentials(public_key=TEST_PUBLIC_KEY, private_key=SecretStr(TEST_PRIVATE_KEY)),
    bad_credentials=PicpikCredentials(public_key=TEST_PUBLIC_KEY, private_key=SecretStr("not-the-private-key")),
    imagine_request=ImagineRequest(prompt="a cat on a sofa, watercolor", aspect_ratio="3:2"),
    imagine_images=4,
    faults=(
        FaultCase("server_error", "submit", ServerError),
        FaultCase("server_error", "poll", ServerError),
        FaultCase("malformed_json", "submit", DecodeError),
        FaultCase("malformed_json", "poll", DecodeError),
        FaultCase("hang", "submit", SubmitOutcomeUnknownError),
        FaultCase("hang", "poll", ProviderTimeoutError),
        FaultCase("http_rate_limit", "submit", RateLimitedError),
        FaultCase("rate_limit", "submit", RateLimitedError),
        FaultCase("rate_limit", "poll", RateLimitedError),
        FaultCase("moderation", "submit", ModerationError),
        FaultCase("quota", "submit", QuotaError),
        FaultCase("auth_failure", "submit", AuthenticationError),
        FaultCase("auth_failure", "poll", AuthenticationError),
    ),
    job_failure_fault="task_fails",
    variants=VARIANTS,
    variant_settings={
        "strict_batches": {"task_ids_per_call": STRICT_MAX_TASKS},
        "app_host": {"app_base_url": APP_ACTIONS_PATH},
    },
)
