"""What a person does in the Discord client, turned into INTERACTION_CREATE events on the gateway."""

from __future__ import annotations

from typing import Any

from tests.fake_discord.gateway import Gateway
from tests.fake_discord.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    CommandOptions,
    InteractionRecord,
    ModalShown,
    interaction_payload,
    modal_submit_components,
)
from tests.fake_discord.messages import StoredMessage
from tests.fake_discord.state import FakeState
from tests.fake_discord.world import FakeChannel, FakeGuild, FakeUser

BUTTON = 2


class UserActions:
    def __init__(self, state: FakeState, gateway: Gateway) -> None:
        self.state = state
        self.gateway = gateway

    def require_listener(self) -> None:
        if not self.gateway.live_sessions():
            raise RuntimeError("no bot is connected to the fake gateway: the interaction would go nowhere")

    def find_command(self, name: str, guild: FakeGuild | None) -> tuple[dict[str, Any], int | None]:
        """The synced chat-input command a user would see: the guild's own first, then the global one."""
        scopes: list[int | None] = [guild.id, None] if guild is not None else [None]
        for scope in scopes:
            for command in self.state.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command, scope
        synced = {scope: [c["name"] for c in commands] for scope, commands in self.state.commands.items()}
        raise LookupError(f"/{name} was never synced, so no user can run it; synced commands: {synced}")

    async def command(
        self,
        kind: int,
        name: str,
        options: dict[str, Any],
        *,
        user: FakeUser,
        guild: FakeGuild | None,
        channel: FakeChannel,
        locale: str,
        subcommand: str | None,
        focused: str | None = None,
    ) -> InteractionRecord:
        self.require_listener()
        schema, scope = self.find_command(name, guild)
        builder = CommandOptions(guild, self.state.upload_maker(channel.id))
        data: dict[str, Any] = {
            "id": schema["id"],
            "name": name,
            "type": 1,
            "options": builder.build(schema, options, subcommand, focused),
        }
        if builder.resolved:
            data["resolved"] = builder.resolved
        if scope is not None:
            data["guild_id"] = str(scope)
        return await self.dispatch(kind, data, user=user, guild=guild, channel=channel, locale=locale)

    async def slash_command(self, name: str, options: dict[str, Any], **context: Any) -> InteractionRecord:
        return await self.command(APPLICATION_COMMAND, name, options, **context)

    async def autocomplete(self, name: str, options: dict[str, Any], focused: str, **context: Any) -> InteractionRecord:
        return await self.command(AUTOCOMPLETE, name, options, focused=focused, **context)

    async def use_component(
        self, message: StoredMessage, custom_id: str, *, user: FakeUser, locale: str, values: list[str] | None = None
    ) -> InteractionRecord:
        if message.deleted:
            raise LookupError(f"message {message.id} was deleted")
        component = message.component(custom_id)
        if component is None:
            raise LookupError(f"message {message.id} has no component {custom_id!r}; it has {message.custom_ids}")
        if component.get("disabled"):
            raise ValueError(f"the component {custom_id!r} is disabled, a user cannot use it")
        if message.ephemeral and message.interaction_user is not None and message.interaction_user.id != user.id:
            raise ValueError(f"message {message.id} is ephemeral: only {message.interaction_user.username} sees it")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if component["type"] != BUTTON:
            data["values"] = list(values or [])
        guild = self.state.world.guilds.get(message.guild_id or 0)
        channel = self.state.world.channel(message.channel_id)
        assert channel is not None
        return await self.dispatch(
            MESSAGE_COMPONENT, data, user=user, guild=guild, channel=channel, locale=locale, message=message
        )

    def open_modal(self, custom_id: str | None, user: FakeUser | None) -> ModalShown:
        for shown in reversed(self.state.modals):
            wanted_user = user is None or shown.user.id == user.id
            if not shown.submitted and wanted_user and custom_id in (None, shown.custom_id):
                return shown
        open_ids = [m.custom_id for m in self.state.modals if not m.submitted]
        raise LookupError(f"no open modal {custom_id or ''} for that user; open modals: {open_ids}")

    async def submit_modal(
        self, custom_id: str | None, values: dict[str, Any], *, user: FakeUser | None, locale: str
    ) -> InteractionRecord:
        shown = self.open_modal(custom_id, user)
        data = {"custom_id": shown.custom_id, "components": modal_submit_components(shown.components, values)}
        opened_by = self.state.interactions[shown.interaction_id]
        shown.submitted = True
        source = self.state.messages.get(shown.source_message_id or 0)
        guild = self.state.world.guilds.get(opened_by.guild_id or 0)
        channel = self.state.world.channel(opened_by.channel_id)
        assert channel is not None
        return await self.dispatch(
            MODAL_SUBMIT, data, user=shown.user, guild=guild, channel=channel, locale=locale, message=source
        )

    async def dispatch(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user: FakeUser,
        guild: FakeGuild | None,
        channel: FakeChannel,
        locale: str,
        message: StoredMessage | None = None,
    ) -> InteractionRecord:
        self.require_listener()
        if guild is not None:
            guild.member(user)  # raises if the user is not in that server
        record_id, token = self.state.snowflakes.next(), self.state.new_interaction_token()
        payload = interaction_payload(
            record_id=record_id,
            token=token,
            kind=kind,
            application_id=self.state.application_id,
            user=user,
            guild=guild,
            channel=channel,
            locale=locale,
            attachment_size_limit=self.state.faults.upload_limit,
            data=data,
            message=message.payload() if message is not None else None,
        )
        record = InteractionRecord(
            id=record_id,
            token=token,
            type=kind,
            user=user,
            guild_id=guild.id if guild is not None else None,
            channel_id=channel.id,
            payload=payload,
            source_message_id=message.id if message is not None else None,
        )
        self.state.interactions[record_id] = record
        self.state.touch()
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record
