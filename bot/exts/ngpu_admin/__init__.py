"""``/ngpu …``: the server's NGPU workspace (tasks, nodes, one task in full) and the BRC20 check, for server
managers. Loaded only when the bot offers NGPU."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.ngpu_admin._cog import SERVICE, NgpuAdminCog

if TYPE_CHECKING:
    from bot.app import GridBot


async def setup(bot: GridBot) -> None:
    if SERVICE in bot.service_classes:
        await bot.add_cog(NgpuAdminCog(bot))
