"""``/imagine`` and the U1–U4 / V1–V4 / 🔄 buttons under its grids."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.imagine._cog import ImagineCog

if TYPE_CHECKING:
    from bot.app import GridBot


async def setup(bot: GridBot) -> None:
    await bot.add_cog(ImagineCog(bot))
