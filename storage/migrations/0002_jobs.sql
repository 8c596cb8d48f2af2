-- Every job is a row, written before the service is called, so that a restart loses nothing.
-- Times are REAL seconds since the epoch. Discord ids are 64-bit snowflakes (fit an INTEGER).
-- The interaction token has its own column so a later migration can store it encrypted.
-- No semicolons inside this file except between statements (the migration runner splits on them).
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('imagine', 'upscale', 'variation', 'remix', 'reroll', 'blend', 'describe')),
    state TEXT NOT NULL CHECK (
        state IN ('pending', 'submitted', 'running', 'unknown', 'delivering', 'failing', 'delivered', 'failed')
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
    parent_job_id INTEGER REFERENCES jobs (id),
    grid_index INTEGER CHECK (grid_index IS NULL OR grid_index >= 1),
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    submitted_at REAL,
    next_poll_at REAL,
    poll_errors INTEGER NOT NULL DEFAULT 0,
    delivered_at REAL,
    -- an open job is always due at some time, or the poller would never see it again
    CHECK (state IN ('delivered', 'failed') OR next_poll_at IS NOT NULL)
);

-- The poller's queue: open jobs by due time. The IN list must stay identical (same order) to the one
-- storage/jobs.py puts in its queries, or SQLite cannot prove the query may use this partial index.
CREATE INDEX IF NOT EXISTS jobs_open_by_due ON jobs (next_poll_at)
    WHERE state IN ('pending', 'submitted', 'running', 'unknown', 'delivering', 'failing');

-- /jobs: a member's recent jobs.
CREATE INDEX IF NOT EXISTS jobs_by_owner ON jobs (owner_id, created_at);

-- Finding our row from a service's job id.
CREATE INDEX IF NOT EXISTS jobs_by_provider_job ON jobs (provider, provider_job_id)
    WHERE provider_job_id IS NOT NULL;

-- Follow-ups (U/V/🔄) of a job, and the foreign key's own lookups.
CREATE INDEX IF NOT EXISTS jobs_by_parent ON jobs (parent_job_id) WHERE parent_job_id IS NOT NULL
