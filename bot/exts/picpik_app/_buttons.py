"""The console's buttons, answered whatever their age (``DynamicItem``; registered by the cog).

Each rebuilds what it needs from its ``custom_id`` alone (no read at all in ``from_custom_id``) and checks again,
when pressed, that the presser may manage the server's apps; a confirmation also checks that the presser is the
admin who asked for it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Self

import discord

from bot.exts.picpik_app import _views
from bot.replies import apologise

if TYPE_CHECKING:
    from bot.app import GridBot
    from bot.exts.picpik_app._console import Console


def _console(interaction: discord.Interaction[GridBot]) -> Console:
    from bot.exts.picpik_app._cog import PicpikAppCog  # the cog owns the console (and its lists)

    cog = interaction.client.get_cog(PicpikAppCog.__cog_name__)
    assert isinstance(cog, PicpikAppCog)
    return cog.console


class _ConsoleButton(discord.ui.DynamicItem[discord.ui.Button], template=r"(?!)"):
    """A console button; subclasses set the template and what a press does."""

    async def callback(self, interaction: discord.Interaction[GridBot]) -> None:  # type: ignore[override]
        try:
            await self.pressed(interaction, _console(interaction))
        except Exception as error:  # a press must never end in "This interaction failed"
            await apologise(interaction, error)

    async def pressed(self, interaction: discord.Interaction[GridBot], console: Console) -> None:
        raise NotImplementedError


class PageButton(_ConsoleButton, template=_views.PAGE_TEMPLATE):
    """◀ / ▶ under ``list`` and ``bundles``: that page, read again from Picpik."""

    def __init__(self, what: str, page: int) -> None:
        super().__init__(discord.ui.Button(custom_id=_views.page_custom_id(what, page)))
        self.what, self.page = what, page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[GridBot], item: discord.ui.Button, match: re.Match[str]
    ) -> Self:
        return cls(match["what"], int(match["page"]))

    async def pressed(self, interaction: discord.Interaction[GridBot], console: Console) -> None:
        await console.show_page(interaction, "apps" if self.what == "apps" else "bundles", self.page, from_button=True)


class KeyButton(_ConsoleButton, template=_views.KEY_TEMPLATE):
    """🔑 under ``info``: the app's API key, privately."""

    def __init__(self, app_id: str) -> None:
        super().__init__(discord.ui.Button(custom_id=_views.key_custom_id(app_id)))
        self.app_id = app_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[GridBot], item: discord.ui.Button, match: re.Match[str]
    ) -> Self:
        return cls(match["app"])

    async def pressed(self, interaction: discord.Interaction[GridBot], console: Console) -> None:
        await console.reveal_key(interaction, self.app_id)


class ConfirmButton(_ConsoleButton, template=_views.CONFIRM_TEMPLATE):
    """🗑️ Delete, or ⏹️ Stop it first, under a delete confirmation; 🗑️ Delete now under the message of a stop asked
    for on the way to a delete."""

    def __init__(self, op: str, app_id: str, owner_id: int) -> None:
        super().__init__(discord.ui.Button(custom_id=_views.confirm_custom_id(op, app_id, owner_id)))
        self.op, self.app_id, self.owner_id = op, app_id, owner_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[GridBot], item: discord.ui.Button, match: re.Match[str]
    ) -> Self:
        return cls(match["op"], match["app"], int(match["owner"]))

    async def pressed(self, interaction: discord.Interaction[GridBot], console: Console) -> None:
        await console.confirm(interaction, self.op, self.app_id, self.owner_id)


class CancelButton(_ConsoleButton, template=_views.CANCEL_TEMPLATE):
    """Cancel under a delete confirmation."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(discord.ui.Button(custom_id=_views.cancel_custom_id(owner_id)))
        self.owner_id = owner_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[GridBot], item: discord.ui.Button, match: re.Match[str]
    ) -> Self:
        return cls(int(match["owner"]))

    async def pressed(self, interaction: discord.Interaction[GridBot], console: Console) -> None:
        await console.cancel(interaction, self.owner_id)


BUTTONS = (PageButton, KeyButton, ConfirmButton, CancelButton)
