"""NGPU's photo-to-video (sadTalker) as a bot job: what it accepts, and how one reading becomes a ``JobState``.

The seed shows one request (``pronouncer: "fable"``, ``backGroundName: "laba"``) and no list of either.
Inference: ``pronouncer`` takes the names of OpenAI's text-to-speech voices ("fable" is one of them), and
"laba" (the Laba festival) is the only background known to exist, so it is the only one offered.
"""

from __future__ import annotations

from typing import Final

from providers.core.base import failed
from providers.core.models import JobState, JobStatus, TalkLimits
from providers.ngpu.models import SadTalkerResult

#: ``JobHandle.meta["profile"]`` of a sadTalker job (the image jobs carry the A1111 profile)
TALK_PROFILE: Final = "sadTalker"

TALK_LIMITS: Final = TalkLimits(
    voices=("alloy", "echo", "fable", "onyx", "nova", "shimmer"),
    backgrounds=("laba",),
    default_voice="fable",
    default_background="laba",
    # Inference: nothing documents a limit; about half a minute of speech keeps a job within minutes
    text_max_chars=500,
)


def talk_state(result: SadTalkerResult) -> JobState:
    """One reading of a sadTalker task as the bot sees jobs: running (with progress), failed (NGPU's reason) or
    finished with the video's link."""
    raw = "no code" if result.result_code is None else str(result.result_code)
    if result.failed:
        return failed("job_failed", result.message or "The video task failed.", code=result.result_code, raw=raw)
    if result.finished:
        return JobState(status=JobStatus.SUCCEEDED, progress=100.0, video_url=result.result_url, raw_status=raw)
    return JobState(status=JobStatus.RUNNING, progress=result.progress, raw_status=raw)
