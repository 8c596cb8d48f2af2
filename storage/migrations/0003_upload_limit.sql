-- The largest attachment (bytes per file) the member's interaction allowed: Discord sends it with every
-- interaction (boosted servers allow more than the 10 MiB default), and the poller fits the result to it
-- long after the interaction is gone. NULL for rows written before this column, and when none was given.
ALTER TABLE jobs ADD COLUMN upload_limit INTEGER CHECK (upload_limit IS NULL OR upload_limit > 0)
