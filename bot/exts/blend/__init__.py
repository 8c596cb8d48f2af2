"""``/blend``: 2–5 attached images mixed into one new grid (U/V/🔄 work under it like under /imagine)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.blend._cog import BlendCog

if TYPE_CHECKING:
    from bot.app import GridBot


async def setup(bot: GridBot) -> None:
    await bot.add_cog(BlendCog(bot))
