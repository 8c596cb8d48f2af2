"""Settings of the Discord front end: how the poller paces itself and how the bot meets Discord.

Separate from ``bot.settings`` (connection settings) because these are tuning knobs: production keeps the
defaults, tests shrink the intervals so that a whole imagine takes about a second against the emulators.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Discord's upload limit per file for every guild since 2025-01 (boosted guilds allow more, never less)
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024


class FrontEndSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRONTEND_", env_file=".env", extra="ignore")

    #: a progress edit of one message at most this often (Discord publishes no edit rate; a few seconds is safe)
    progress_edit_interval_seconds: float = Field(default=3.0, ge=0)
    #: progress edits per second over all jobs together (``bot.edit_budget``); beyond it a progress edit is skipped
    #: until the next poll. Final messages are never held back
    progress_edits_per_second: float = Field(default=20.0, gt=0)
    #: multiplies every poll delay from ``storage.lifecycle.next_poll_delay`` (tests run jobs in a second)
    poll_interval_scale: float = Field(default=1.0, gt=0)
    #: the longest a running job goes unasked where one request answers for all of a service's jobs (Picpik,
    #: the MJ-style API): the cost is per request, not per job, so finished jobs are noticed within a second
    follow_interval_seconds: float = Field(default=1.0, gt=0)
    #: the same for services asked one job per request (each poll costs a request per job)
    per_job_follow_interval_seconds: float = Field(default=1.5, gt=0)
    #: poll requests in flight to one service at a time
    provider_concurrency: int = Field(default=4, ge=1, le=64)
    #: image and video downloads from one service at a time (apart from polls, so deliveries never hold up polls)
    download_concurrency: int = Field(default=8, ge=1, le=64)
    #: jobs claimed per round of the poller
    claim_batch_size: int = Field(default=500, ge=1, le=5000)
    #: how long a claimed job is left alone before another round may take it (longer than one poll with retries)
    claim_lease_seconds: float = Field(default=180.0, gt=0)
    #: stop using an interaction token this long before Discord's 15 minutes are up, then edit with the bot token
    token_safety_margin_seconds: float = Field(default=60.0, ge=0)
    #: bytes per attachment when the interaction gave no ``attachment_size_limit`` (10 MiB: what every guild allows)
    upload_limit_bytes: int = Field(default=DEFAULT_UPLOAD_LIMIT, ge=64 * 1024)
    #: a service's list of models (Picpik ListModels) is asked again once it is this old
    model_list_ttl_seconds: float = Field(default=3600.0, gt=0)
    #: give up sending a finished job's message after this many failed attempts in a row
    max_delivery_attempts: int = Field(default=8, ge=1)
    #: how long a ``/picpik-app`` action (create, start, stop …) is followed before its message says it stopped
    #: following. Inference: the documents give no time for an app to come up; creating one provisions a GPU node,
    #: which can take far longer than a picture (whose ``PICPIK_JOB_TIMEOUT_SECONDS`` is 15 minutes)
    app_action_timeout_seconds: float = Field(default=3600.0, gt=0)
    #: how long after a ``/picpik-app`` action a stable state it did not ask for (or the one the app was already in,
    #: or an app missing from the list) is not yet believed: Picpik may not have begun the change. Inference: the
    #: documents do not say how soon a state changes after an action; a minute leaves a slow service time to show it
    app_settle_grace_seconds: float = Field(default=60.0, gt=0)
    #: discord.py waits this long for GUILD_CREATEs before READY (tests use a tiny value)
    guild_ready_timeout: float = Field(default=2.0, ge=0)
    #: push the slash commands to Discord at start-up
    sync_commands: bool = True
