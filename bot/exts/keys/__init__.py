"""``/keys``: members (and, for their server, admins) give the bot their own keys for the image services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.keys._cog import KeysCog

if TYPE_CHECKING:
    from bot.app import GridBot


async def setup(bot: GridBot) -> None:
    await bot.add_cog(KeysCog(bot))
