"""Which delivered jobs get a copy by direct message, and what it says (the sending itself: the e2e tests)."""

from __future__ import annotations

import pytest

from bot import dm_copy
from bot.imaging import EncodedImage
from providers.core.models import JobKind
from storage.jobs import JobRecord
from storage.lifecycle import LifecycleState
from tests.bot.exts.jobs.test_render import record

IMAGE = EncodedImage(data=b"png", format="PNG", extension="png", width=2, height=2)


def delivering(**values: object) -> JobRecord:
    return record(state=LifecycleState.DELIVERING, **values)


def test_a_picture_delivered_in_a_server_gets_a_copy() -> None:
    assert dm_copy.wants_copy(delivering(), IMAGE)
    assert dm_copy.wants_copy(delivering(kind=JobKind.UPSCALE), IMAGE)


@pytest.mark.parametrize(
    ("job", "image"),
    [
        (delivering(), None),  # nothing to copy
        (delivering(kind=JobKind.DESCRIBE), IMAGE),  # prompts, not a picture
        (record(state=LifecycleState.FAILING), IMAGE),  # the failure notice
        (delivering(guild_id=None), IMAGE),  # started in a DM: the member has it there already
    ],
)
def test_no_copy_of_anything_else(job: JobRecord, image: EncodedImage | None) -> None:
    assert not dm_copy.wants_copy(job, image)


def test_the_copy_links_to_the_message_in_the_member_s_language() -> None:
    text = dm_copy.copy_text(delivering(), 99, with_file=True)
    assert "a cat" in text and text.endswith("https://discord.com/channels/10/20/99")

    chinese = dm_copy.copy_text(delivering(locale="zh-CN"), 99, with_file=False)
    assert "私信" in chinese and "https://discord.com/channels/10/20/99" in chinese


async def test_a_bare_client_sends_nothing() -> None:
    class Bare:
        pass

    assert await dm_copy.send_result_copy(Bare(), delivering(), 99, IMAGE, "grid_7.png") is False  # type: ignore[arg-type]
