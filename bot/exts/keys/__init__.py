"""``/keys``: members (and, for their server, admins) give the bot their own keys for the image services.

``server_keys_group`` is the ``keys`` group ``/server-settings`` carries (the same commands, for the server's keys).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.keys._cog import KeysCog
from bot.exts.keys._groups import server_keys_group

if TYPE_CHECKING:
    from bot.app import GridBot

__all__ = ["server_keys_group", "setup"]


async def setup(bot: GridBot) -> None:
    await bot.add_cog(KeysCog(bot))
