"""``/imagine``, the buttons under its results (U1–U4, V1–V4, 🔄, remix, vary), ``/upscale`` and ``/variation``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.imagine._cog import ImagineCog
from bot.exts.imagine._commands import FollowUpCommands
from bot.exts.imagine._remix import RemixListener

if TYPE_CHECKING:
    from bot.app import GridBot


async def setup(bot: GridBot) -> None:
    await bot.add_cog(ImagineCog(bot))
    await bot.add_cog(FollowUpCommands(bot))
    await bot.add_cog(RemixListener(bot))
