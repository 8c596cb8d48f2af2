"""``/jobs`` (a member's own recent jobs, with links) and ``/job id`` (one of them in full, with its follow-ups)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.jobs._cog import JobsCog

if TYPE_CHECKING:
    from bot.app import GridBot


async def setup(bot: GridBot) -> None:
    await bot.add_cog(JobsCog(bot))
