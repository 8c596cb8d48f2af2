"""Picpik: image generation and app instances through the Picpik Platform API."""

from providers.picpik.provider import PicpikProvider

__all__ = ["PicpikProvider"]
