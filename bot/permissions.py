"""Admin-only commands: one decorator that sets what Discord shows *and* checks at run time.

``default_permissions`` alone is only a default that server admins can change in Server Settings →
Integrations (and Discord ignores it on subcommands), so every admin command also checks the member's
permissions when it runs, and refuses in direct messages. The tree's error handler (``bot.replies.apologise``)
turns those check failures into ``refusal_text`` instead of the generic apology.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from discord import app_commands

from bot.i18n import t

if TYPE_CHECKING:
    import discord

T = TypeVar("T")

#: the permission every admin command asks for (settings, server keys, status, later /picpik-app)
ADMIN_PERMISSION = "manage_guild"


def _in_a_server(interaction: discord.Interaction) -> bool:
    # in a DM ``interaction.permissions`` lacks Manage Server too; saying "not here" is the clearer answer
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return True


def require_admin(command: T) -> T:
    """Only the run-time checks: in a server, with Manage Server. For subcommands, whose group carries
    ``admin_only`` (Discord takes ``default_permissions`` from the top-level command only)."""
    # checks run in the order they are added: "not in a DM" before "missing a permission"
    command = app_commands.check(_in_a_server)(command)
    return app_commands.checks.has_permissions(**{ADMIN_PERMISSION: True})(command)


def admin_only(command: T) -> T:
    """For a top-level command (or the function under ``@app_commands.command``): hidden from members without
    Manage Server by default, not offered in DMs, and checked again whenever it runs."""
    command = require_admin(command)
    command = app_commands.guild_only()(command)
    return app_commands.default_permissions(**{ADMIN_PERMISSION: True})(command)


def refusal_text(error: Exception, locale: object) -> str | None:
    """The member's explanation for a failed permission check; None for any other error."""
    if isinstance(error, app_commands.NoPrivateMessage):
        return t("permissions.guild_only", locale)
    if isinstance(error, app_commands.MissingPermissions):
        names = ", ".join(_permission_name(name, locale) for name in error.missing_permissions)
        return t("permissions.missing", locale, permissions=names)
    return None


def _permission_name(flag: str, locale: object) -> str:
    try:
        return t(f"permissions.name.{flag}", locale)
    except KeyError:  # a permission the catalog has no name for: Discord's own words, near enough
        return flag.replace("_", " ").title()
