"""The keys a member gives the bot for Picpik (the Platform API's key pair from the Picpik user centre)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class PicpikCredentials(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    public_key: str = Field(
        min_length=1,
        max_length=256,
        title="Public key",
        description="The PublicKey shown in the Picpik user centre (API keys).",
    )
    private_key: SecretStr = Field(
        min_length=1,
        max_length=256,
        title="Private key",
        description="The PrivateKey paired with the public key; it signs every request and is never sent.",
    )
