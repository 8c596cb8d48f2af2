"""What a member asks ``/talk`` for, checked against the chosen service before anything is sent."""

from __future__ import annotations

from bot.attachments import AttachedImage, TalkJobRequest
from bot.i18n import t
from providers.core.models import TalkLimits

__all__ = ["TalkJobRequest", "TalkRefused", "checked_request"]


class TalkRefused(Exception):
    """The request cannot be sent; ``text(locale)`` says why in the member's language."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def text(self, locale: object) -> str:
        return t(self.key, locale, **self.values)


def checked_request(
    image: AttachedImage,
    text: str,
    voice: str | None,
    background: str | None,
    limits: TalkLimits,
    service: str,
) -> TalkJobRequest:
    """The request with the service's defaults filled in; ``TalkRefused`` when the service cannot take it."""
    words = text.strip()
    if not words:
        raise TalkRefused("talk.no_text")
    if len(words) > limits.text_max_chars:
        raise TalkRefused("talk.text_too_long", service=service, limit=limits.text_max_chars, length=len(words))
    voice = voice or limits.default_voice
    if voice not in limits.voices:
        raise TalkRefused("talk.unknown_voice", service=service, voice=voice, voices=", ".join(limits.voices))
    background = background or limits.default_background
    if background not in limits.backgrounds:
        raise TalkRefused(
            "talk.unknown_background",
            service=service,
            background=background,
            backgrounds=", ".join(limits.backgrounds),
        )
    return TalkJobRequest(image=image, prompt=words, voice=voice, background=background)
