"""A provider-layer error in the member's language.

The layers that raise ``InvalidInputError`` (``providers/``, ``bot/prompting``) know neither Discord nor locales:
an error names its message with a plain ``key`` and the ``values`` that fill it, and keeps its English text in
``user_message``. This module finds ``validation.<key>`` in the catalogs (``bot/i18n/catalogs/validation.py``).
"""

from __future__ import annotations

import logging
from typing import Final

from bot.i18n.catalog import DEFAULT_LOCALE, load_catalog, resolve_locale
from providers.core.errors import ProviderError

log = logging.getLogger(__name__)

#: the catalog namespace of the raising layers' message keys
KEY_PREFIX: Final = "validation."


def catalog_key(error: ProviderError) -> str | None:
    """The catalog key of ``error``'s message, or None when it carries none (a service's own words)."""
    return None if error.key is None else f"{KEY_PREFIX}{error.key}"


def error_text(error: ProviderError, locale: object) -> str:
    """``error``'s message in ``locale``: its catalog translation when there is one, else ``user_message``.

    English is always the error's own ``user_message``, so the catalog's English can never change what a member
    reads; a key or values the catalog cannot use fall back to it too, rather than failing the reply.
    """
    key = catalog_key(error)
    if key is None or resolve_locale(locale) == DEFAULT_LOCALE:
        return error.user_message
    catalog = load_catalog()
    if key not in catalog.texts[DEFAULT_LOCALE]:
        log.warning("no catalog text %r; showing the English message", key)
        return error.user_message
    try:
        return catalog.text(key, locale, **error.values)
    except (KeyError, IndexError, ValueError):
        log.warning("the values of %r do not fill its text; showing the English message", key, exc_info=True)
        return error.user_message
