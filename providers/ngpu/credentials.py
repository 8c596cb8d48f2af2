"""What a member gives the bot to use NGPU: their workspace id and, optionally, a BTC address."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_core import PydanticCustomError

# Loose on purpose: NGPU's own examples show bech32 (bc1p…) and odd placeholder addresses
# ("0000…GFg7xJaNVN2"), so only the character set and a plausible length are checked.
_BTC_ADDRESS = re.compile(r"^[A-Za-z0-9]{14,100}$")


class NgpuCredentials(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    workspace_id: SecretStr = Field(
        title="Workspace ID",
        description="The id of your NGPU workspace (the Docker image NGPU runs for you); sent as the Bearer token.",
    )
    btc_address: str | None = Field(
        default=None,
        title="BTC address (optional)",
        description="When set, NGPU checks that this address holds the AINN inscription before running a task.",
    )

    @field_validator("workspace_id")
    @classmethod
    def _workspace_not_blank(cls, value: SecretStr) -> SecretStr:
        stripped = value.get_secret_value().strip()
        if not stripped:
            raise ValueError("the workspace id is empty")
        return SecretStr(stripped)

    @field_validator("btc_address")
    @classmethod
    def _plausible_address(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not _BTC_ADDRESS.match(value):
            # its type is the message's key (``providers.core.credentials``): the member reads it in their language
            raise PydanticCustomError(
                "btc_address_invalid", "A BTC address is 14 to 100 letters and digits, like bc1p…; check the one given."
            )
        return value
