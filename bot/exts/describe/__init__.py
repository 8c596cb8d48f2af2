"""``/describe``: prompts that describe an attached image, and buttons 1…N that ``/imagine`` each one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.describe._cog import DescribeCog

if TYPE_CHECKING:
    from bot.app import GridBot


async def setup(bot: GridBot) -> None:
    await bot.add_cog(DescribeCog(bot))
