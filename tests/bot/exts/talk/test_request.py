"""``/talk``'s checks before anything is sent, and its choices built from what the services declare."""

from __future__ import annotations

import pytest

from bot.attachments import AttachedImage
from bot.exts.talk._choices import background_choices, talk_limits, voice_choices
from bot.exts.talk._request import TalkRefused, checked_request
from providers.core.models import TalkLimits
from providers.registry import PROVIDERS

IMAGE = AttachedImage(url="https://cdn.example/attachments/1/2/face.png", filename="face.png")
LIMITS = TalkLimits(voices=("a", "b"), backgrounds=("x",), default_voice="b", default_background="x", text_max_chars=5)


def test_defaults_are_filled_in_and_the_words_trimmed() -> None:
    request = checked_request(IMAGE, "  hi  ", None, None, LIMITS, "NGPU")
    assert (request.prompt, request.voice, request.background) == ("hi", "b", "x")
    sent = request.for_service()
    assert (sent.image.url, sent.text, sent.voice, sent.background) == (IMAGE.url, "hi", "b", "x")


@pytest.mark.parametrize(
    ("text", "voice", "background", "english"),
    [
        (" ", None, None, "Give the words the photo should say."),
        ("hello!", None, None, "NGPU speaks at most 5 characters; your text has 6."),
        ("hi", "c", None, "NGPU has no voice “c”. Voices: a, b."),
        ("hi", None, "y", "NGPU has no background “y”. Backgrounds: x."),
    ],
)
def test_what_the_service_cannot_take_is_refused(text: str, voice: str | None, background: str | None,
                                                 english: str) -> None:
    with pytest.raises(TalkRefused) as refused:
        checked_request(IMAGE, text, voice, background, LIMITS, "NGPU")
    assert refused.value.text("en-US") == english
    assert refused.value.text("zh-CN") != english


def test_choices_come_from_the_services_that_can_talk_once_each() -> None:
    other = TalkLimits(voices=("fable", "zed"), backgrounds=("laba",), default_voice="zed", default_background="laba",
                       text_max_chars=10)
    limits = [*talk_limits(PROVIDERS), other]
    assert [c.value for c in voice_choices(limits)] == ["alloy", "echo", "fable", "onyx", "nova", "shimmer", "zed"]
    assert [c.name for c in voice_choices(limits)][-2:] == ["Shimmer", "zed"]  # unnamed values shown as they are
    assert [(c.name, c.value) for c in background_choices(limits)] == [("Laba festival", "laba")]
    assert talk_limits({"jumdata": PROVIDERS["jumdata"]}) == []
