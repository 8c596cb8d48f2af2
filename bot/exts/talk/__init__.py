"""``/talk``: a photo that says a member's text, delivered as a video through the usual job poller."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.talk._cog import TalkCog

if TYPE_CHECKING:
    from bot.app import GridBot


async def setup(bot: GridBot) -> None:
    await bot.add_cog(TalkCog(bot))
