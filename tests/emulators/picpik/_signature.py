"""The Platform API signature, re-implemented from the document text (never imported from the client)."""

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


def _sign_text(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return _plain_number(value)
    if isinstance(value, dict):
        return "".join(key + _sign_text(value[key]) for key in sorted(value))
    if isinstance(value, list):
        return "".join(_sign_text(item) for item in value)
    return str(value)


def expected_signature(body: dict[str, Any], private_key: str) -> str:
    """The Platform API signature: SHA1 hex of sorted ``name + value`` pairs (minus Signature) + PrivateKey."""
    text = "".join(name + _sign_text(body[name]) for name in sorted(body) if name != "Signature")
    return hashlib.sha1((text + private_key).encode("utf-8")).hexdigest()
