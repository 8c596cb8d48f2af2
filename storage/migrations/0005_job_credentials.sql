-- Whose keys a job runs on, so the poller follows it (and its follow-ups are charged) with the same account
-- after a restart: 'user:<discord user id>', 'guild:<discord server id>' or 'settings' (the bot's own keys).
-- A reference only, never the keys themselves. NULL for rows written before this column: the settings' keys.
ALTER TABLE jobs ADD COLUMN credential_ref TEXT
