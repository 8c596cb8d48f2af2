"""Feature packages: one package per feature, each with a thin ``__init__`` (``setup()`` only).

``bot.app.discover_extensions`` finds and loads every package here; nothing lists them by hand.
"""
