"""A bare gateway websocket client: enough of a bot for tests that need the fake to have a listener."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp


class RawGatewayClient:
    """A bare websocket client: enough of a bot for REST tests that need an interaction to answer."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session, self.url = session, url
        self.frames: list[dict[str, Any]] = []
        self.socket: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self, token: str) -> dict[str, Any]:
        """Connect and IDENTIFY; returns the HELLO frame."""
        self.socket = await self.session.ws_connect(self.url + "?v=10&encoding=json")
        hello = await self.socket.receive_json(timeout=2)
        await self.socket.send_json({"op": 2, "d": {"token": token, "intents": 0, "properties": {}}})
        self._reader = asyncio.create_task(self._read())
        return hello

    async def _read(self) -> None:
        assert self.socket is not None
        async for message in self.socket:
            if message.type is aiohttp.WSMsgType.TEXT:
                self.frames.append(json.loads(message.data))

    def events(self, name: str) -> list[dict[str, Any]]:
        return [frame["d"] for frame in self.frames if frame.get("t") == name]

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self._reader is not None:
            await self._reader
