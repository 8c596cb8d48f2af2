"""Async clients for the image services, behind one provider-neutral interface.

Nothing in this package knows about Discord or SQL.
"""
