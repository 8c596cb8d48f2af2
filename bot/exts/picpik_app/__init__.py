"""``/picpik-app`` (Manage Server): the server's Picpik app instances — bundles with prices, create, list, info
(the API key on request), remark, start, stop, restart and delete — each action followed in its message until the
apps settle, through the same durable poller as picture jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.picpik_app._cog import PicpikAppCog

if TYPE_CHECKING:
    from bot.app import GridBot


async def setup(bot: GridBot) -> None:
    await bot.add_cog(PicpikAppCog(bot))
