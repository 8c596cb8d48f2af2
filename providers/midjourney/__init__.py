"""The Midjourney-style job API (seed 002): login + Bearer token, jobs followed through ``/jobs/find``."""

from providers.midjourney.provider import MidjourneyProvider

__all__ = ["MidjourneyProvider"]
