"""The common fields every Jumdata call carries: ``appId``, ``timestamp`` (ms) and ``sign``.

Seed 003: ``sign = sha256(appId + appSecret + timestamp)``, the three strings concatenated in that order.
"""

from __future__ import annotations

import hashlib
import time

from providers.jumdata.credentials import JumdataCredentials


def now_ms() -> int:
    return int(time.time() * 1000)


def sign(app_id: str, app_secret: str, timestamp: int | str) -> str:
    """Lower-case hex SHA-256 of ``appId + appSecret + timestamp`` (UTF-8).

    Inference: the document says only "sha256"; lower-case hex is what Java's usual helpers
    (``DigestUtils.sha256Hex``) produce.
    """
    return hashlib.sha256(f"{app_id}{app_secret}{timestamp}".encode()).hexdigest()


def signed_fields(credentials: JumdataCredentials, timestamp_ms: int) -> dict[str, str]:
    """The common request fields for one attempt (a retry signs again with a fresh timestamp)."""
    return {
        "appId": credentials.app_id,
        "timestamp": str(timestamp_ms),
        "sign": sign(credentials.app_id, credentials.app_secret.get_secret_value(), timestamp_ms),
    }
