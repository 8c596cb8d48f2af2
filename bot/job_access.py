"""Who may start something from a job, and where: the one rule behind every job button, form and job number.

A job's owner may use it anywhere, their DMs and other servers included: the job, its pictures and its prompt
are theirs, and what it starts runs on the keys and under the rules of the place where they use it. Anyone else
may use it only inside the job's own channel, and only while its server lets anyone press a job's buttons
(``/server-settings switches others_may_press``): never from a DM, another server or another channel of the same
server. A channel may be private to a role, so a member who cannot see it must not fetch its job's picture and
prompt by typing the number somewhere else; a thread and its parent count as different channels (we cannot see
who may read which from here, so the rule stays strict). A button or form is on a job's own message, so it is in
that job's channel; only one under an upscale made in another channel than its grid is refused to others.
Whoever starts something is charged to their own keys either way (``bot.credentials``).

Job numbers are sequential and easy to guess, so a job someone may not use is answered like one that does not
exist (``Access.HIDDEN``), except for a button or form in the job's own server: that member sees the job's message
anyway and is told whose job it is (``Access.NOT_OWNER``).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Final

import discord

from bot.server_rules import others_may_press

if TYPE_CHECKING:
    from bot.app import GridBot
    from storage.jobs import JobRecord

#: interactions that come from a job's own message (its buttons, and the forms they open), not a typed number
_FROM_THE_MESSAGE: Final = frozenset({discord.InteractionType.component, discord.InteractionType.modal_submit})


class Access(enum.Enum):
    ALLOWED = "allowed"
    #: someone else's job, pressed on its own message in its own server: the refusal may name the owner
    NOT_OWNER = "not_owner"
    #: answered exactly as a job that does not exist
    HIDDEN = "hidden"


async def may_use(
    bot: GridBot, job: JobRecord, user_id: int, guild_id: int | None, channel_id: int | None
) -> bool:
    """Whether member ``user_id``, in channel ``channel_id`` of server ``guild_id`` (None: a DM), may start
    something from ``job``."""
    if user_id == job.owner_id:
        return True
    if job.guild_id is None or job.guild_id != guild_id or channel_id is None or job.channel_id != channel_id:
        return False
    return await others_may_press(bot, job)


async def access(bot: GridBot, job: JobRecord, interaction: discord.Interaction[GridBot]) -> Access:
    """What this interaction may do with ``job``, and how a refusal may be worded."""
    if await may_use(bot, job, interaction.user.id, interaction.guild_id, interaction.channel_id):
        return Access.ALLOWED
    if interaction.type in _FROM_THE_MESSAGE and job.guild_id is not None and job.guild_id == interaction.guild_id:
        return Access.NOT_OWNER
    return Access.HIDDEN
