"""The Discord side: commands, buttons, the poller. Knows Discord; asks ``providers`` and ``storage``."""
