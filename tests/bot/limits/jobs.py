"""Job rows with adversarial prompts, failure words and ids, for the property tests of the job messages."""

from __future__ import annotations

import dataclasses
import json

from hypothesis import strategies as st

from bot import rendering
from providers.core.errors import ErrorKind
from providers.core.models import JobKind, JobState, JobStatus
from providers.registry import PROVIDERS
from storage.jobs import JobRecord
from storage.lifecycle import LifecycleState
from tests.bot.limits.strategies import ADVERSARIAL, JOB_ID, LOCALE, SNOWFLAKE

#: every failure kind a row can hold: the services', the bot's own, and one this version does not know
FAILURE_KINDS = [
    None,
    *(kind.value for kind in ErrorKind),
    rendering.NOT_CONFIGURED,
    rendering.UNDELIVERABLE,
    rendering.IMAGE_UNUSABLE,
    rendering.KEYS_REMOVED,
    rendering.IMAGE_REFUSED,
    "cannot_resend",
    "something_new",
]
#: the registry's services, and one the bot lost (its row still names it)
PROVIDER_NAMES = [*PROVIDERS, "a-service-no-longer-offered"]


def job_record(
    *,
    id: int,
    kind: JobKind,
    owner_id: int,
    prompt: str | None,
    locale: str,
    provider: str,
    failure_kind: str | None,
    failure_message: str | None,
    grid_index: int | None,
    video_url: str | None = None,
) -> JobRecord:
    request = None if prompt is None else json.dumps({"prompt": prompt})
    result = JobState(status=JobStatus.SUCCEEDED, video_url=video_url).model_dump_json() if video_url else None
    return JobRecord(
        id=id, kind=kind, state=LifecycleState.DELIVERING if failure_kind is None else LifecycleState.FAILING,
        owner_id=owner_id, guild_id=1, channel_id=2, message_id=3, interaction_token="token", token_expires_at=None,
        locale=locale, provider=provider, provider_job_id="task", handle_json=None, request_json=request,
        result_json=result, progress=None, failure_kind=failure_kind, failure_message=failure_message,
        parent_job_id=None, grid_index=grid_index, created_at=0.0, updated_at=0.0, submitted_at=None,
        next_poll_at=1.0, poll_errors=0, delivered_at=None,
    )


JOBS = st.builds(
    job_record,
    id=JOB_ID,
    kind=st.sampled_from(list(JobKind)),
    owner_id=SNOWFLAKE,
    prompt=st.one_of(st.none(), ADVERSARIAL),
    locale=LOCALE,
    provider=st.sampled_from(PROVIDER_NAMES),
    failure_kind=st.sampled_from(FAILURE_KINDS),
    failure_message=st.one_of(st.none(), ADVERSARIAL),
    grid_index=st.one_of(st.none(), st.integers(1, 4)),
)
SERVICE = st.one_of(st.sampled_from([cls.display_name for cls in PROVIDERS.values()]), st.just("NGPU"))


def delivered(record: JobRecord) -> JobRecord:
    return dataclasses.replace(record, state=LifecycleState.DELIVERED, failure_kind=None, failure_message=None)
