"""Jumdata AI绘画 (聚美智数): text → 1–6 images, submit and query."""

from providers.jumdata.provider import JumdataProvider

__all__ = ["JumdataProvider"]
