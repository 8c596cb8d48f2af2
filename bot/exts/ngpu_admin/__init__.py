"""``/ngpu …``: the server's NGPU workspace (tasks, nodes, one task in full) and the BRC20 check, for server
managers. Like ``/talk``, the command is there whichever services the bot offers, and says so when NGPU is not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.ngpu_admin._cog import NgpuAdminCog

if TYPE_CHECKING:
    from bot.app import GridBot


async def setup(bot: GridBot) -> None:
    await bot.add_cog(NgpuAdminCog(bot))
