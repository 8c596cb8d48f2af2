"""NGPU in the shared contract suite: the A1111 profile through schedulingTask + queryTask."""

from __future__ import annotations

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
from providers.ngpu.credentials import NgpuCredentials
from providers.ngpu.forms import AuthForm, DataForm
from providers.ngpu.provider import NgpuProvider
from providers.ngpu.settings import NgpuSettings
from tests.emulators.ngpu import TEST_WORKSPACE_ID, VARIANTS, make_app
from tests.providers.contract import FaultCase, ProviderCase, fast_settings


def make_settings(base_url: str) -> NgpuSettings:
    return fast_settings(NgpuSettings, base_url, sync_timeout_seconds=2.0)


CASE = ProviderCase(
    name="ngpu",
    provider_class=NgpuProvider,
    make_emulator=make_app,
    make_settings=make_settings,
    credentials=NgpuCredentials(workspace_id=TEST_WORKSPACE_ID),
    bad_credentials=NgpuCredentials(workspace_id="not-a-workspace"),
    imagine_request=ImagineRequest(
        prompt="a lighthouse on a cliff at dusk, oil painting",
        negative_prompt="blurry, text",
        aspect_ratio="3:2",
        options={"steps": 20, "cfg_scale": 7.0},
    ),
    imagine_images=4,
    faults=(
        FaultCase("server_error", "submit", ServerError),
        FaultCase("server_error", "poll", ServerError),
        FaultCase("malformed_json", "submit", DecodeError),
        FaultCase("malformed_json", "poll", DecodeError),
        FaultCase("hang", "submit", SubmitOutcomeUnknownError),
        FaultCase("hang", "poll", ProviderTimeoutError),
        FaultCase("http_rate_limit", "submit", RateLimitedError),
        FaultCase("http_rate_limit", "poll", RateLimitedError),
        FaultCase("bad_workspace", "submit", AuthenticationError),
        FaultCase("no_ainn", "submit", QuotaError),
        FaultCase("no_node", "submit", ServerError),
    ),
    job_failure_fault="task_fails",
    variants=VARIANTS,
    # the readings an operator can name in a setting; the BRC-20 path and queryTask's top-level code need none
    # for delivery (the check is not part of imagine, and the code is not read)
    variant_settings={
        "data_string": {"data_form": DataForm.STRING},
        "auth_bearer": {"auth_form": AuthForm.BEARER},
        "brc20_seed_path": {"brc20_path": "brc20/checkAddress"},
    },
)
