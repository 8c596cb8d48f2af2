-- Members' own preferences (/settings) and each server's rules (/settings server …), one JSON object per row.
-- JSON rather than a column per setting: new settings need no migration, and an unknown or missing field
-- falls back to its default when read (storage.settings validates every row through its model).
CREATE TABLE IF NOT EXISTS member_settings (
    user_id INTEGER PRIMARY KEY,
    settings_json TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS server_settings (
    guild_id INTEGER PRIMARY KEY,
    settings_json TEXT NOT NULL,
    updated_at REAL NOT NULL,
    updated_by INTEGER
)
