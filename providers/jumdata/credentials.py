"""The keys a Jumdata account is given (the Discord keys modal is built from these fields)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class JumdataCredentials(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    app_id: str = Field(
        min_length=1,
        title="App ID",
        description="The appId Jumdata (聚美智数) assigned to your account.",
    )
    app_secret: SecretStr = Field(
        min_length=1,
        title="App secret",
        description="The appSecret that goes with the App ID; it is only used to sign requests.",
    )
