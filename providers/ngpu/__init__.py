"""NGPU: a GPU scheduler in front of the member's own Docker image (AUTOMATIC1111 by default)."""

from providers.ngpu.provider import NgpuProvider

__all__ = ["NgpuProvider"]
