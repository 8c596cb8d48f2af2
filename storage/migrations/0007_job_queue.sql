-- The queue (bot/queueing.py): a job over its server's limits is accepted as 'waiting' and sent when its turn
-- comes, so 'waiting' joins the states and the open states. SQLite cannot change a CHECK constraint in place,
-- so the table is rebuilt: a copy with the new constraint, every row copied with its id, the old table dropped
-- and the copy renamed (which also renames its reference to itself). Its indexes are made again after it.
-- New column sent_at: when the job was handed to its service's submit (written with the row, or when a waiting
-- job is released). NULL while it waits. The daily allowance on a server's keys counts jobs by it.
-- No semicolons inside this file except between statements (the migration runner splits on them).
CREATE TABLE jobs_rebuilt (
    id INTEGER PRIMARY KEY,
    -- no list of kinds here (0002 had one): storage.jobs writes and reads every kind through JobKind, and a
    -- list would need another rebuild of this table for every kind a feature adds
    kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (
        state IN (
            'waiting', 'pending', 'submitted', 'running', 'unknown', 'delivering', 'failing', 'delivered', 'failed'
        )
    ),
    owner_id INTEGER NOT NULL,
    guild_id INTEGER,
    channel_id INTEGER NOT NULL,
    message_id INTEGER,
    interaction_token TEXT,
    token_expires_at REAL,
    locale TEXT,
    provider TEXT NOT NULL,
    provider_job_id TEXT,
    handle_json TEXT,
    request_json TEXT,
    result_json TEXT,
    progress REAL,
    failure_kind TEXT,
    failure_message TEXT,
    parent_job_id INTEGER REFERENCES jobs_rebuilt (id),
    grid_index INTEGER CHECK (grid_index IS NULL OR grid_index >= 1),
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    submitted_at REAL,
    next_poll_at REAL,
    poll_errors INTEGER NOT NULL DEFAULT 0,
    delivered_at REAL,
    upload_limit INTEGER CHECK (upload_limit IS NULL OR upload_limit > 0),
    credential_ref TEXT,
    sent_at REAL,
    -- an open job is always due at some time, or the poller would never see it again
    CHECK (state IN ('delivered', 'failed') OR next_poll_at IS NOT NULL)
);

-- every job written before the queue was sent when it was written
INSERT INTO jobs_rebuilt (
    id, kind, state, owner_id, guild_id, channel_id, message_id, interaction_token, token_expires_at, locale,
    provider, provider_job_id, handle_json, request_json, result_json, progress, failure_kind, failure_message,
    parent_job_id, grid_index, created_at, updated_at, submitted_at, next_poll_at, poll_errors, delivered_at,
    upload_limit, credential_ref, sent_at
)
SELECT
    id, kind, state, owner_id, guild_id, channel_id, message_id, interaction_token, token_expires_at, locale,
    provider, provider_job_id, handle_json, request_json, result_json, progress, failure_kind, failure_message,
    parent_job_id, grid_index, created_at, updated_at, submitted_at, next_poll_at, poll_errors, delivered_at,
    upload_limit, credential_ref, created_at
FROM jobs;

DROP TABLE jobs;

ALTER TABLE jobs_rebuilt RENAME TO jobs;

-- The poller's queue: open jobs by due time. The IN list must stay identical (same order) to the one
-- storage/jobs.py puts in its queries (storage.lifecycle.OPEN_STATES), or SQLite cannot use this index.
CREATE INDEX jobs_open_by_due ON jobs (next_poll_at)
    WHERE state IN ('waiting', 'pending', 'submitted', 'running', 'unknown', 'delivering', 'failing');

-- The open jobs of one server: its waiting line, and each member's running jobs (the same IN list), with the
-- kind so that counting only member jobs (storage.jobs.UNMETERED_KINDS) needs no table read.
CREATE INDEX jobs_open_by_guild ON jobs (guild_id, state, owner_id, kind)
    WHERE state IN ('waiting', 'pending', 'submitted', 'running', 'unknown', 'delivering', 'failing');

-- The jobs sent on one set of keys since a time (a server's daily allowance).
CREATE INDEX jobs_sent_by_credentials ON jobs (credential_ref, sent_at, kind) WHERE credential_ref IS NOT NULL;

-- As in 0002_jobs.sql: /jobs, a service's job id, follow-ups.
CREATE INDEX jobs_by_owner ON jobs (owner_id, created_at);

CREATE INDEX jobs_by_provider_job ON jobs (provider, provider_job_id)
    WHERE provider_job_id IS NOT NULL;

CREATE INDEX jobs_by_parent ON jobs (parent_job_id) WHERE parent_job_id IS NOT NULL
