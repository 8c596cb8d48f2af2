"""Images as Picpik takes them: plain base64 (``ImageAndMaskList``) or data URIs (``DescribeImages``)."""

from __future__ import annotations

import base64

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff_content_type(data: bytes, declared: str | None = None) -> str:
    """The image type from its first bytes (a declared type is only trusted when the bytes say nothing)."""
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if declared and declared.split(";")[0].strip().startswith("image/"):
        return declared.split(";")[0].strip()
    return "image/png"


def to_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def to_data_uri(data: bytes, content_type: str | None = None) -> str:
    return f"data:{sniff_content_type(data, content_type)};base64,{to_base64(data)}"
