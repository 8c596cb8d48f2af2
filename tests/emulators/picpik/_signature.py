"""The Picpik signatures, re-implemented from the document text (never imported from the client).

Both families hash ``name + value`` pairs sorted by name, minus the signature, with the secret appended, as
lower-case hex SHA1: the Platform API with the PrivateKey (``Signature``), the Service API of an app node with its
ApiKey (``signature``), where each string is first cut to 128 characters. (The Service API used MD5 before March
2025; a node checks SHA1 now, so this emulator knows no MD5.)
"""

from __future__ import annotations

import hashlib
from typing import Any


def _plain_number(number: float) -> str:
    """A float as text: integral → integer digits; otherwise the shortest digits, never an exponent."""
    if number == int(number):
        return str(int(number))
    text = repr(number)
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    sign = "-" if mantissa.startswith("-") else ""
    whole, _, fraction = mantissa.lstrip("-").partition(".")
    digits = whole + fraction
    point = len(whole) + int(exponent)
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _sign_text(value: Any, cut: int | None = None) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return _plain_number(value)
    if isinstance(value, dict):
        return "".join(key + _sign_text(value[key], cut) for key in sorted(value))
    if isinstance(value, list):
        return "".join(_sign_text(item, cut) for item in value)
    if isinstance(value, str) and cut is not None:
        return value[:cut]
    return str(value)


def expected_signature(body: dict[str, Any], private_key: str) -> str:
    """The Platform API signature: SHA1 hex of sorted ``name + value`` pairs (minus Signature) + PrivateKey."""
    text = "".join(name + _sign_text(body[name]) for name in sorted(body) if name != "Signature")
    return hashlib.sha1((text + private_key).encode("utf-8")).hexdigest()


#: a Service API node cuts every string to this many characters (not bytes) before signing
SERVICE_STRING_CHARS = 128


def expected_service_signature(body: dict[str, Any], api_key: str) -> str:
    """The Service API signature of an app node: as the Platform one, strings cut first, with the node's ApiKey."""
    text = "".join(
        name + _sign_text(body[name], SERVICE_STRING_CHARS) for name in sorted(body) if name != "signature"
    )
    return hashlib.sha1((text + api_key).encode("utf-8")).hexdigest()
