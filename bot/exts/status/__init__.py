"""``/bot-status`` (Manage Server): services set up, open jobs per service, and whether the poller keeps up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.status._cog import StatusCog

if TYPE_CHECKING:
    from bot.app import GridBot


async def setup(bot: GridBot) -> None:
    await bot.add_cog(StatusCog(bot))
