"""Who and where: snowflakes, users, guilds with roles, channels and members — and their Discord payloads.

Payload shapes follow the Discord API documentation (user, guild member, role, channel and guild objects),
carrying the fields discord.py 2.7 reads without a default.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits from the Discord documentation ("Permissions" → bitwise permission flags).
ADMINISTRATOR = 1 << 3
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_EXTERNAL_EMOJIS = 1 << 18
USE_APPLICATION_COMMANDS = 1 << 31
#: what @everyone may do in a fresh server
MEMBER_PERMISSIONS = (
    ADD_REACTIONS | VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS | USE_APPLICATION_COMMANDS
)
#: Discord resolves an administrator's permissions to every flag; 51 bits covers every flag defined today
ALL_PERMISSIONS = (1 << 51) - 1

GUILD_TEXT = 0
DM = 1


class Snowflakes:
    """Real-looking, strictly increasing snowflakes (discord.py derives ``created_at`` from them)."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(candidate, self._last + 1)
        return self._last


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class FakeUser:
    id: int
    username: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.username.title(),
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int
    position: int = 0

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class FakeChannel:
    id: int
    name: str
    guild_id: int | None
    type: int = GUILD_TEXT
    position: int = 0
    #: the other person of a DM channel
    recipient_id: int | None = None

    def payload(self) -> dict[str, Any]:
        if self.type == DM:
            return {"id": str(self.id), "type": DM, "last_message_id": None, "recipients": [], "flags": 0}
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }


@dataclass
class FakeMember:
    user: FakeUser
    role_ids: list[int]
    joined_at: str = field(default_factory=iso_now)


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    roles: list[FakeRole] = field(default_factory=list)
    channels: list[FakeChannel] = field(default_factory=list)
    members: list[FakeMember] = field(default_factory=list)
    preferred_locale: str = "en-US"

    @property
    def everyone(self) -> FakeRole:
        return next(role for role in self.roles if role.id == self.id)

    def member(self, user: FakeUser) -> FakeMember:
        for member in self.members:
            if member.user.id == user.id:
                return member
        raise LookupError(f"{user.username} is not a member of {self.name}")

    def permissions_of(self, user: FakeUser) -> int:
        """Base permissions as Discord computes them (no channel overwrites in the fake)."""
        if user.id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.member(user)
        granted = self.everyone.permissions
        for role in self.roles:
            if role.id in member.role_ids:
                granted |= role.permissions
        return ALL_PERMISSIONS if granted & ADMINISTRATOR else granted

    def member_payload(self, user: FakeUser, *, with_permissions: bool = False) -> dict[str, Any]:
        member = self.member(user)
        payload: dict[str, Any] = {
            "user": user.payload(),
            "roles": [str(role_id) for role_id in member.role_ids],
            "joined_at": member.joined_at,
            "nick": None,
            "avatar": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "premium_since": None,
            "communication_disabled_until": None,
        }
        if with_permissions:
            payload["permissions"] = str(self.permissions_of(user))
        return payload

    def payload(self) -> dict[str, Any]:
        """The GUILD_CREATE body; ``member_count == len(members)`` tells discord.py no chunking is needed."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(self.owner_id),
            "unavailable": False,
            "large": False,
            "member_count": len(self.members),
            "roles": [role.payload() for role in self.roles],
            "channels": [channel.payload() for channel in self.channels],
            "members": [self.member_payload(member.user) for member in self.members],
            "threads": [],
            "emojis": [],
            "stickers": [],
            "features": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "preferred_locale": self.preferred_locale,
            "premium_tier": 0,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "system_channel_id": None,
            "joined_at": iso_now(),
        }


class World:
    """The bot user, the people and the servers the fake Discord knows."""

    def __init__(self, snowflakes: Snowflakes, *, bot_name: str = "GridBot") -> None:
        self.snowflakes = snowflakes
        self.bot_user = FakeUser(snowflakes.next(), bot_name, bot=True)
        self.users: dict[int, FakeUser] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[int, FakeGuild] = {}
        self.dm_channels: dict[int, FakeChannel] = {}

    def add_guild(
        self, name: str, *, owner: FakeUser | None = None, channel_names: tuple[str, ...] = ("general",)
    ) -> FakeGuild:
        guild_id = self.snowflakes.next()
        owner_id = owner.id if owner is not None else self.snowflakes.next()
        guild = FakeGuild(guild_id, name, owner_id)
        guild.roles.append(FakeRole(guild_id, "@everyone", MEMBER_PERMISSIONS))
        guild.roles.append(FakeRole(self.snowflakes.next(), "Admin", ADMINISTRATOR, position=1))
        for position, channel_name in enumerate(channel_names):
            guild.channels.append(FakeChannel(self.snowflakes.next(), channel_name, guild_id, position=position))
        guild.members.append(FakeMember(self.bot_user, []))
        self.guilds[guild_id] = guild
        return guild

    def add_user(self, username: str, *, guilds: list[FakeGuild] | None = None, admin: bool = False) -> FakeUser:
        user = FakeUser(self.snowflakes.next(), username)
        self.users[user.id] = user
        for guild in guilds if guilds is not None else list(self.guilds.values()):
            admin_roles = [role.id for role in guild.roles if role.permissions & ADMINISTRATOR]
            guild.members.append(FakeMember(user, admin_roles[:1] if admin else []))
        return user

    def channel(self, channel_id: int) -> FakeChannel | None:
        for guild in self.guilds.values():
            for channel in guild.channels:
                if channel.id == channel_id:
                    return channel
        return self.dm_channels.get(channel_id)

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        for channel in self.dm_channels.values():
            if channel.name == f"dm-{user.id}":
                return channel
        channel = FakeChannel(self.snowflakes.next(), f"dm-{user.id}", None, type=DM, recipient_id=user.id)
        self.dm_channels[channel.id] = channel
        return channel
