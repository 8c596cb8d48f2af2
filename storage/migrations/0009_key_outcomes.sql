-- Keys' bookkeeping and cached login tokens (storage/keys.py).
-- No semicolons inside this file except between statements (the migration runner splits on them).

-- /keys list shows the outcome of a key's last call in the reader's language, so the outcome is stored as a
-- kind: 'ok', or the failure's ErrorKind value ('auth', 'server', 'moderation', ...), never an English message.
-- Rows from before said only "worked" (which a service error also wrote) or "keys refused": the first becomes
-- unknown, the second a plain 'failed'. The old messages are dropped.
ALTER TABLE service_keys ADD COLUMN last_outcome TEXT;
UPDATE service_keys SET last_outcome = CASE last_ok WHEN 0 THEN 'failed' END, last_error = NULL;

-- The masked hint used to show the end of the secret field (a password's last characters, in the clear). The
-- hints are blanked here and made again from the keys' public part at start-up (KeyStore.refresh_hints, which
-- then rewrites the file so no old hint is left in its free space).
UPDATE service_keys SET masked = '';

-- A login token is cached per set of stored keys, named by its owner ('user:<id>:<service>'), so removing or
-- replacing those keys deletes it. Tokens cached before name no owner and cannot be told apart: they are dropped
-- (the service is simply logged in to again).
ALTER TABLE login_tokens ADD COLUMN owner TEXT;
DELETE FROM login_tokens;
CREATE INDEX IF NOT EXISTS login_tokens_by_owner ON login_tokens (owner) WHERE owner IS NOT NULL
