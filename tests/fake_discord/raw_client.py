"""Requests to the fake Discord without discord.py, for tests that need a body discord.py would never build."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from tests.fake_discord.interactions import InteractionRecord
from tests.fake_discord.server import FakeDiscord

JSON = "application/json"


def bot_headers(fake: FakeDiscord) -> dict[str, str]:
    return {"Authorization": f"Bot {fake.token}"}


def multipart(payload: dict[str, Any], *files: tuple[str, bytes]) -> aiohttp.FormData:
    form = aiohttp.FormData(quote_fields=False)
    form.add_field("payload_json", json.dumps(payload), content_type=JSON)
    for index, (filename, data) in enumerate(files):
        form.add_field(f"files[{index}]", data, filename=filename, content_type="application/octet-stream")
    return form


async def callback(http: aiohttp.ClientSession, fake: FakeDiscord, interaction: InteractionRecord, body: Any,
                   with_response: bool = True) -> aiohttp.ClientResponse:
    url = f"{fake.api_base}/interactions/{interaction.id}/{interaction.token}/callback"
    return await http.post(url, json=body, params={"with_response": "1"} if with_response else {})


def webhook(fake: FakeDiscord, interaction: InteractionRecord, suffix: str = "/messages/@original") -> str:
    return f"{fake.api_base}/webhooks/{fake.state.application_id}/{interaction.token}{suffix}"
