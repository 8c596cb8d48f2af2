"""The keys form (a Discord modal) and what its submit does: check the keys with the service, then save them.

The form is sent *stopped*, like the remix form, and its submit is answered by ``KeysCog``'s listener matching the
``custom_id`` (which names the service and the scope), so a form opened before a restart is still answered.
Discord cannot mask a text input: the answer is ephemeral and never repeats, logs or stores a key in the clear.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import discord

from bot.credentials import keys_worked
from bot.exts.keys._fields import PLACEHOLDER_LIMIT, edge_spaced, entered_fields, field_words, key_fields, masked_hint
from bot.exts.keys._list import kind_text
from bot.i18n import t
from bot.i18n.catalog import DEFAULT_LOCALE, load_catalog, resolve_locale
from bot.i18n.errors import catalog_key, error_text
from bot.modal_values import submitted_values
from bot.rendering import without_addresses
from bot.replies import refuse
from providers.core.base import Provider
from providers.core.errors import InvalidInputError, ProviderError
from storage.keys import KeyScope

if TYPE_CHECKING:
    from bot.app import GridBot

#: Discord's longest form title
TITLE_LIMIT: Final = 45
FORM_TEMPLATE: Final = r"keys:set:(?P<service>[a-z0-9_]{1,40}):(?P<scope>user|guild)"
FORM: Final = re.compile(FORM_TEMPLATE)


def form_custom_id(service: str, scope: KeyScope) -> str:
    return f"keys:set:{service}:{scope.value}"


def keys_form(service: type[Provider], scope: KeyScope, locale: object) -> discord.ui.Modal:
    """One text input per credential field, labelled and explained in the member's language; the title says whose
    keys these are (the member's own, or the server's)."""
    title = "keys.modal_title_user" if scope is KeyScope.USER else "keys.modal_title_guild"
    modal = discord.ui.Modal(
        title=t(title, locale, service=service.display_name)[:TITLE_LIMIT],
        custom_id=form_custom_id(service.name, scope),
        timeout=None,
    )
    for field in key_fields(service):
        label, help_text = field_words(service, field, locale)
        text_input = discord.ui.TextInput(
            custom_id=field.name,
            style=discord.TextStyle.short,
            required=field.required,
            max_length=field.max_length,
            placeholder=None if field.required else t("keys.optional_placeholder", locale)[:PLACEHOLDER_LIMIT],
        )
        modal.add_item(discord.ui.Label(text=label, description=help_text or None, component=text_input))
    # stopped: not kept by discord.py; KeysCog answers the submit by its custom_id
    modal.stop()
    return modal


def scope_refusal(interaction: discord.Interaction[GridBot], scope: KeyScope) -> str | None:
    """Why this member may not manage keys of ``scope`` here, or None. Server keys: in that server, and only with
    Manage Server (checked at run time: a command's default permissions are only a default admins can change)."""
    if scope is KeyScope.USER:
        return None
    if interaction.guild_id is None:
        return t("keys.server_only_in_a_server", interaction.locale)
    if not interaction.permissions.manage_guild:
        return t("keys.server_needs_manage_server", interaction.locale)
    return None


def owner_of(interaction: discord.Interaction[GridBot], scope: KeyScope) -> int:
    """Whose keys: the member's, or the server's (``scope_refusal`` has checked there is one)."""
    return interaction.user.id if scope is KeyScope.USER else interaction.guild_id or 0


async def submit_keys_form(interaction: discord.Interaction[GridBot], match: re.Match[str]) -> None:
    """Check the submitted keys with one cheap call to the service; save them only when they work."""
    bot, locale = interaction.client, interaction.locale
    scope = KeyScope(match["scope"])
    service = bot.service_classes.get(match["service"])
    if service is None:
        await refuse(interaction, t("keys.unknown_service", locale, service=match["service"]))
        return
    refusal = scope_refusal(interaction, scope)  # again: the form may have been opened before a role changed
    if refusal is not None:
        await refuse(interaction, refusal)
        return
    data: Mapping[str, Any] = interaction.data or {}  # type: ignore[assignment]
    fields = entered_fields(service, submitted_values(data.get("components", [])))
    name = service.display_name
    try:
        provider = bot.pool.build(service.name, fields)
    except InvalidInputError as error:  # not logged: the member's input is what is wrong
        reason = reason_text(_with_form_label(service, error, locale), locale)
        await refuse(interaction, t("keys.not_valid", locale, service=name, reason=reason))
        return
    # the check may take a few seconds (retries, a slow service): well past Discord's 3 s for a first answer
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        await provider.check_credentials()
    except ProviderError as error:
        key = "keys.unchecked" if keys_worked(error.kind) else "keys.rejected"
        text = t(key, locale, service=name, reason=reason_text(error, locale))
        spaced = None if keys_worked(error.kind) else edge_spaced(service, fields)
        if spaced is not None:
            text += "\n" + t("keys.edge_spaces", locale, field=field_words(service, spaced, locale)[0])
        await interaction.edit_original_response(content=text)
        return
    await bot.key_store.set(scope, owner_of(interaction, scope), service.name, fields, masked_hint(service, fields))
    await interaction.edit_original_response(content=t(await _saved_text(interaction, scope), locale, service=name))


def reason_text(error: ProviderError, locale: object) -> str:
    """Why the keys were not saved, wholly in the reader's language: a message the catalog does not know (a
    service's own words) is English, so other readers get the kind of failure instead."""
    key = catalog_key(error)
    if resolve_locale(locale) == DEFAULT_LOCALE or (key is not None and key in load_catalog().texts[DEFAULT_LOCALE]):
        # a service's own words may quote where it runs: no address it may not show reaches the member
        return without_addresses(error_text(error, locale))
    return t("keys.reason_kind", locale, kind=kind_text(error.kind, locale))


def _with_form_label(service: type[Provider], error: InvalidInputError, locale: object) -> InvalidInputError:
    """``error`` naming the field at fault as the form labels it in ``locale`` (the model's title is English)."""
    field = next((f for f in key_fields(service) if f.name == error.values.get("credential")), None)
    if field is None or "field" not in error.values:
        return error
    label = field_words(service, field, locale)[0]
    return InvalidInputError(
        error.user_message, field=error.field, provider=error.provider, key=error.key,
        values={**error.values, "field": label},
    )


async def _saved_text(interaction: discord.Interaction[GridBot], scope: KeyScope) -> str:
    """Whose jobs the saved keys now serve: the member's; or the server's members, only when the server's switch
    lets members use the server's keys."""
    if scope is KeyScope.USER:
        return "keys.saved_user"
    shared = await interaction.client.pool.server_keys_allowed(owner_of(interaction, scope), interaction.user.id)
    return "keys.saved_guild_shared" if shared else "keys.saved_guild_not_shared"
