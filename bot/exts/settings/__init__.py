"""``/settings`` (a member's own preferences) and ``/server-settings`` (a server's rules, Manage Server)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.settings._cog import SettingsCog

if TYPE_CHECKING:
    from bot.app import GridBot


async def setup(bot: GridBot) -> None:
    await bot.add_cog(SettingsCog(bot))
