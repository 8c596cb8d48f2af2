"""Picpik request signatures, exactly as the Picpik documents describe them.

Both API families sign the same way: every parameter except the signature itself, names sorted
ascending (byte order), ``name + encode(value)`` concatenated, the secret appended, then hashed:

* Platform API: SHA1 with the account's ``PrivateKey``, sent as ``Signature``;
* Service API (an app node): SHA1 with the node's ``ApiKey``, sent as ``signature``; there every string
  value is cut to its first 128 characters (characters, not bytes) before it is encoded. Picpik's own signer
  (``picpik-ai/signature-tool``) moved the Service API from MD5 to SHA1 in March 2025; the MD5 rule is gone, and
  the published vector (``bb4c6070…``) is the SHA1 one.

Lists are NOT flattened UCloud-style (``Key.0``, ``Key.1``): their encoded elements are concatenated.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

#: parameters that are never part of the signed string
SIGNATURE_FIELDS = frozenset({"Signature", "signature"})

#: the Service API cuts string values to this many characters before signing
SERVICE_STRING_LIMIT = 128


def encode_value(value: Any, *, max_string_chars: int | None = None) -> str:
    """One parameter value as it appears in the signed string.

    ``max_string_chars`` cuts strings (Service API). Inference: the cut applies to strings at any depth
    (inside lists and maps too); the documents say "a string value" without restricting it to the top level.
    """
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: bool is an int subclass
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _encode_float(value)
    if isinstance(value, Decimal):
        return _encode_float(float(value))
    if isinstance(value, str):
        return value if max_string_chars is None else value[:max_string_chars]
    if isinstance(value, Mapping):
        return "".join(
            f"{key}{encode_value(item, max_string_chars=max_string_chars)}" for key, item in _sorted_items(value)
        )
    if isinstance(value, list | tuple):
        return "".join(encode_value(item, max_string_chars=max_string_chars) for item in value)
    raise TypeError(f"cannot sign a parameter value of type {type(value).__name__}")


def _encode_float(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError("cannot sign a NaN or infinite number")
    if value.is_integer():
        return str(int(value))
    # repr gives the shortest text that round-trips; Decimal's "f" format spells out any exponent
    return format(Decimal(repr(value)), "f")


def _sorted_items(params: Mapping[Any, Any]) -> list[tuple[str, Any]]:
    # Python compares str by code point, which for UTF-8 is the same order as comparing the bytes
    return sorted(((str(key), value) for key, value in params.items()), key=lambda item: item[0])


def signing_string(params: Mapping[str, Any], secret: str, *, max_string_chars: int | None = None) -> str:
    """The exact text that is hashed (exposed for tests and diagnostics; it contains the secret)."""
    parts = [
        f"{name}{encode_value(value, max_string_chars=max_string_chars)}"
        for name, value in _sorted_items(params)
        if name not in SIGNATURE_FIELDS
    ]
    return "".join(parts) + secret


def platform_signature(params: Mapping[str, Any], private_key: str) -> str:
    """``Signature`` of a Platform API request: lower-case hex SHA1."""
    return hashlib.sha1(signing_string(params, private_key).encode("utf-8")).hexdigest()


def service_signature(params: Mapping[str, Any], api_key: str) -> str:
    """``signature`` of a Service API request (an app node): lower-case hex SHA1, strings cut to 128 characters."""
    text = signing_string(params, api_key, max_string_chars=SERVICE_STRING_LIMIT)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
