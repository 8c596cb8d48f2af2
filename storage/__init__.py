"""SQLite persistence. All SQL lives in this package; nothing here knows Discord or the services."""
