"""The gateway websocket: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, RESUME with replay, drops.

Plain JSON text frames (Discord would compress when asked to; discord.py also accepts text frames).
A session outlives its connection: events dispatched while the client is away are kept and replayed
when it resumes with the last sequence number it saw, as Discord does. During an outage (``go_down`` …
``come_back``) new connections wait, so a test can act while the client is certainly away.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fake_discord.state import FakeState

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 7, 9, 10, 11
DECODE_ERROR, AUTHENTICATION_FAILED = 4002, 4004
#: a close code discord.py treats as "reconnect and resume" (any code but 1000 and the fatal 4004, 401x)
RESUMABLE_CLOSE = 4000


@dataclass
class GatewaySession:
    id: str
    shard: list[int] | None = None
    #: the intents the client asked for in its IDENTIFY
    intents: int | None = None
    sequence: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    socket: web.WebSocketResponse | None = None
    #: the client closed with 1000/1001: Discord forgets such a session, it cannot be resumed
    ended: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class GatewayConnection:
    """One websocket connection a client opened (tests assert e.g. that a reconnect resumed)."""

    path: str
    query: dict[str, str]
    opcodes: list[int] = field(default_factory=list)
    session_id: str | None = None
    identified: bool = False
    resumed: bool = False
    #: events missed while away and sent again after the RESUME
    replayed: list[str] = field(default_factory=list)
    dropped: bool = False
    close_code: int | None = None


class Gateway:
    def __init__(self, state: FakeState, *, heartbeat_interval_ms: int = 41_250) -> None:
        self.state = state
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: list[GatewayConnection] = []
        #: cleared during an outage: new connections wait (as a client's connect attempt would hang)
        self._reachable = asyncio.Event()
        self._reachable.set()

    @property
    def identify_count(self) -> int:
        return sum(c.identified for c in self.connections)

    @property
    def resume_count(self) -> int:
        return sum(c.resumed for c in self.connections)

    def live_sessions(self) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if not s.ended]

    def connected(self) -> bool:
        return any(s.socket is not None for s in self.live_sessions())

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        await self._reachable.wait()
        socket = web.WebSocketResponse(max_msg_size=0, timeout=5.0)
        await socket.prepare(request)
        connection = GatewayConnection(request.path, dict(request.query))
        self.connections.append(connection)
        session: GatewaySession | None = None
        await self._send(socket, {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                continue
            try:
                frame = json.loads(message.data)
            except ValueError:
                await socket.close(code=DECODE_ERROR, message=b"Error while decoding payload.")
                break
            op, data = frame.get("op"), frame.get("d")
            connection.opcodes.append(op)
            if op == HEARTBEAT:
                await self._send(socket, {"op": HEARTBEAT_ACK})
            elif op == IDENTIFY:
                session = await self._identify(socket, connection, data)
            elif op == RESUME:
                session = await self._resume(socket, connection, data)
            self.state.touch()
        connection.close_code = socket.close_code
        if session is not None and session.socket is socket:
            session.socket = None
            session.ended = socket.close_code in (1000, 1001)
        self.state.touch()
        return socket

    async def _identify(
        self, socket: web.WebSocketResponse, connection: GatewayConnection, data: dict[str, Any]
    ) -> GatewaySession | None:
        if data.get("token") != self.state.bot_token:
            await socket.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return None
        session = GatewaySession(secrets.token_hex(16), shard=data.get("shard"), intents=data.get("intents"))
        self.sessions[session.id] = session
        connection.session_id, connection.identified = session.id, True
        async with session.lock:
            session.socket = socket
            await self._emit(session, "READY", self._ready_payload(session))
            for guild in self.state.world.guilds.values():
                await self._emit(session, "GUILD_CREATE", guild.payload())
        return session

    async def _resume(
        self, socket: web.WebSocketResponse, connection: GatewayConnection, data: dict[str, Any]
    ) -> GatewaySession | None:
        if data.get("token") != self.state.bot_token:
            await socket.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return None
        session = self.sessions.get(data.get("session_id") or "")
        if session is None or session.ended:
            await self._send(socket, {"op": INVALID_SESSION, "d": False})
            return None
        async with session.lock:
            previous, session.socket = session.socket, socket
            if previous is not None and previous is not socket:
                await previous.close(code=RESUMABLE_CLOSE)
            last_seen = data.get("seq") or 0
            for frame in session.events:
                if frame["s"] > last_seen:
                    connection.replayed.append(frame["t"])
                    await self._send(socket, frame)
            await self._emit(session, "RESUMED", {})
        connection.session_id, connection.resumed = session.id, True
        return session

    def _ready_payload(self, session: GatewaySession) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "v": 10,
            "user": {**self.state.world.bot_user.payload(), "verified": True, "mfa_enabled": False},
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.state.gateway_url + "resume",
            "guilds": [{"id": str(guild_id), "unavailable": True} for guild_id in self.state.world.guilds],
            "application": {"id": str(self.state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
        }
        if session.shard is not None:
            payload["shard"] = session.shard
        return payload

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send ``event`` to every session; a session whose client is away keeps it for the resume."""
        for session in self.live_sessions():
            async with session.lock:
                await self._emit(session, event, data)

    async def _emit(self, session: GatewaySession, event: str, data: dict[str, Any]) -> None:
        session.sequence += 1
        frame = {"op": DISPATCH, "t": event, "s": session.sequence, "d": data}
        session.events.append(frame)
        if session.socket is not None:
            await self._send(session.socket, frame)

    async def _send(self, socket: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        frame = {"s": None, "t": None, **frame}
        if socket.closed:
            return
        # the client may be gone already: the session log keeps the event for a resume
        with contextlib.suppress(ConnectionError, RuntimeError):
            await socket.send_str(json.dumps(frame, ensure_ascii=False))

    async def drop(self, code: int = RESUMABLE_CLOSE) -> int:
        """Close every live connection as a network failure would; returns how many were dropped."""
        dropped = 0
        for session in self.live_sessions():
            socket, session.socket = session.socket, None
            if socket is None:
                continue
            for connection in self.connections:
                if connection.session_id == session.id and connection.close_code is None:
                    connection.dropped = True
            await socket.close(code=code, message=b"dropped by the test")
            dropped += 1
        self.state.touch()
        return dropped

    def go_down(self) -> None:
        """Start an outage: connections opened from now on wait until ``come_back`` (sessions keep logging events)."""
        self._reachable.clear()

    def come_back(self) -> None:
        """End the outage: waiting connections go through and can resume."""
        self._reachable.set()

    async def request_reconnect(self) -> None:
        """Op 7: Discord asks clients to reconnect and resume (e.g. before a gateway restart)."""
        for session in self.live_sessions():
            if session.socket is not None:
                await self._send(session.socket, {"op": RECONNECT, "d": None})

    async def close_all(self) -> None:
        self.come_back()  # a connection held by an outage must not keep the server from shutting down
        for session in self.sessions.values():
            socket, session.socket = session.socket, None
            if socket is not None:
                await socket.close(code=1001, message=b"fake Discord is shutting down")
