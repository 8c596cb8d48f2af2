-- Secrets at rest. Everything secret is stored sealed (storage/crypto.py: Fernet with the master key or the
-- key file): a copy of this database file alone reveals no key, login token or interaction token.
-- No semicolons inside this file except between statements (the migration runner splits on them).

-- A member's (scope 'user') or a server's (scope 'guild') credentials for one service: the fields as one
-- sealed JSON object, plus a masked hint (e.g. '••••abcd') that /keys list may show without opening it.
CREATE TABLE IF NOT EXISTS service_keys (
    scope TEXT NOT NULL CHECK (scope IN ('user', 'guild')),
    owner_id INTEGER NOT NULL,
    service TEXT NOT NULL,
    sealed TEXT NOT NULL,
    masked TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    last_used_at REAL,
    last_ok INTEGER CHECK (last_ok IS NULL OR last_ok IN (0, 1)),
    last_error TEXT,
    PRIMARY KEY (scope, owner_id, service)
) WITHOUT ROWID;

-- Login tokens a service hands out (the Midjourney-style API), cached so a restart does not log in again.
CREATE TABLE IF NOT EXISTS login_tokens (
    cache_key TEXT PRIMARY KEY,
    sealed TEXT NOT NULL,
    updated_at REAL NOT NULL
);

-- Interaction tokens are sealed from now on. Those written before were plain: drop them (they expire within
-- 15 minutes anyway, and the poller falls back to editing the message with the bot token).
UPDATE jobs SET interaction_token = NULL WHERE interaction_token IS NOT NULL
