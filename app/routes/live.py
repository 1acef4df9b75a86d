"""Websocket endpoints: authenticate, send the snapshot, then read commands until the socket ends.

The role comes from the URL token (judges) or the signed session cookie (host), never from a message.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from typing import Any

import orjson
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from .. import i18n
from ..domain.errors import DomainError
from ..hub import TOO_SLOW, WRITTEN, DirectSocket, binary_frame
from ..live import LiveEvent
from ..protocol import Command, Ping, Presence, ProtocolError, Resync, decode
from ..security import origin_allowed
from .common import choose_language, is_host

log = logging.getLogger("roadshow.ws")

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN_ORIGIN = 4403
RATE_PER_SECOND = 20.0  # sustained messages per second per connection
RATE_BURST = 60.0
FLOOD_STRIKES = 50  # rate-limited messages before the connection is closed

_connection_ids = itertools.count(1)


class Connection:
    """One websocket as a hub subscriber. Until the snapshot has been sent, updates from the hub are
    held back, so the page always sees the snapshot first and then updates in order.

    Under uvicorn's websockets-sansio protocol every frame is written straight to the socket
    (`DirectSocket`), synchronously: the hub's pre-framed broadcast, and the snapshots, acks and pongs
    of `send_now`. Elsewhere (other servers, test clients) the ordinary awaited ASGI send is used."""

    __slots__ = ("_direct", "_held", "_last_refill", "_tokens", "id", "judge", "role", "strikes", "websocket")

    CLOSE_TIMEOUT = 5.0  # a close frame that cannot be written within this long: cut the connection
    MAX_UNSENT = 4 * 1024 * 1024  # send_now on a socket with more than this unsent: it stopped reading

    def __init__(self, websocket: WebSocket, role: str, judge: str | None) -> None:
        self.websocket = websocket
        self.role = role
        self.judge = judge
        self.id = f"c{next(_connection_ids)}:{role}{':' + judge if judge else ''}"
        self._held: list[bytes] | None = []
        self._direct = DirectSocket.for_websocket(websocket)
        self._tokens = RATE_BURST
        self._last_refill = time.monotonic()
        self.strikes = 0

    def offer(self, frame: bytes, data: bytes, max_buffer: int) -> int | None:
        """The hub's fast path: write a pre-framed update without awaiting (see app/hub.py)."""
        if self._held is not None:
            self._held.append(data)
            return WRITTEN
        direct = self._direct
        if direct is None:
            return None
        if not direct.open():
            return WRITTEN  # already going away; its receive loop ends and unsubscribes it
        if direct.buffered() > max_buffer:
            return TOO_SLOW
        direct.write(frame, data)
        return WRITTEN

    async def send(self, data: bytes) -> None:
        if self._held is not None:
            self._held.append(data)
            return
        await self.send_now(data)

    async def send_now(self, data: bytes) -> None:
        """Bypasses the hold: snapshots, acks and pongs go straight to this socket."""
        direct = self._direct
        if direct is None:
            await self.websocket.send_bytes(data)
        elif direct.open():
            if direct.buffered() > self.MAX_UNSENT:
                direct.abort()  # e.g. a client asking for snapshots without reading them
                return
            direct.write(binary_frame(data), data)

    async def release(self) -> None:
        """Send what was held back (in order), then stop holding. Updates that arrive while an awaited
        send is under way are held too, and go out in the next round."""
        while self._held:
            held, self._held = self._held, []
            for data in held:
                await self.send_now(data)
        self._held = None

    async def close(self, code: int = 1000, reason: str = "") -> None:
        if self.websocket.application_state != WebSocketState.CONNECTED:
            return
        direct = self._direct
        if direct is not None and direct.open() and direct.buffered() > direct.transport.get_write_buffer_limits()[1]:
            direct.abort()  # it stopped reading: a close frame would never get through
            return
        try:
            async with asyncio.timeout(self.CLOSE_TIMEOUT):
                await self.websocket.close(code, reason)
        except TimeoutError:
            if direct is not None:
                direct.abort()

    def allow(self) -> bool:
        """Token bucket: RATE_PER_SECOND sustained, RATE_BURST at once."""
        now = time.monotonic()
        self._tokens = min(RATE_BURST, self._tokens + (now - self._last_refill) * RATE_PER_SECOND)
        self._last_refill = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False


def _dumps(message: dict[str, Any]) -> bytes:
    return orjson.dumps(message)


async def _serve(websocket: WebSocket, role: str, judge: str | None) -> None:
    live: LiveEvent = websocket.app.state.live
    settings = websocket.app.state.settings
    language = choose_language(websocket)
    conn = Connection(websocket, role, judge)
    topic = live.topic_for(role, judge)
    live.hub.add(topic, conn)
    try:
        await conn.send_now(live.snapshot(role, judge))
        await conn.release()
        if judge:
            live.judge_connected(judge, conn)
        try:
            while True:
                async with asyncio.timeout(settings.idle_timeout):
                    message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                frame = message.get("text") if message.get("text") is not None else message.get("bytes")
                if frame is None:
                    continue
                await _handle_frame(live, conn, frame, language)
        finally:
            if judge:
                live.judge_disconnected(judge, conn)
    except TimeoutError:
        await conn.close(1001, "idle")
    except WebSocketDisconnect:
        pass
    finally:
        live.hub.remove(topic, conn)


async def _handle_frame(live: LiveEvent, conn: Connection, frame: str | bytes, language: str) -> None:
    if not conn.allow():
        conn.strikes += 1
        if conn.strikes >= FLOOD_STRIKES:
            await conn.close(1008, "flood")
            return
        await conn.send_now(
            _dumps({"type": "error", "error": _error(language, "rate_limited", "Too many messages; slow down.")})
        )
        return
    try:
        message = decode(frame)
    except ProtocolError as exc:
        await conn.send_now(_dumps({"type": "error", "error": _error(language, exc.code, exc.message)}))
        return
    if isinstance(message, Ping):
        await conn.send_now(_dumps({"type": "pong", "t": message.t, "server_now": time.time()}))
    elif isinstance(message, Resync):
        await conn.send_now(live.snapshot(conn.role, conn.judge))
    elif isinstance(message, Presence):
        if conn.role == "judge" and conn.judge:
            live.judge_activity(conn.judge, message.state)
    elif isinstance(message, Command):
        await _run_command(live, conn, message, language)


async def _run_command(live: LiveEvent, conn: Connection, command: Command, language: str) -> None:
    if conn.role == "board":
        reply = {
            "type": "ack",
            "id": command.id,
            "ok": False,
            "error": _error(language, "forbidden", "You are not allowed to do that."),
        }
        log.warning("refused %s from a board connection %s", command.name, conn.id)
    else:
        try:
            result = await live.execute(conn.role, conn.judge, command, conn.id)
            reply = {"type": "ack", "id": command.id} | result
        except DomainError as exc:
            if exc.code == "forbidden":
                log.warning("refused %s from %s", command.name, conn.id)
            reply = {
                "type": "ack",
                "id": command.id,
                "ok": False,
                "error": i18n.translate_error(language, exc.as_dict()),
            }
        except Exception:
            log.exception("command %s from %s failed", command.name, conn.id)
            reply = {
                "type": "ack",
                "id": command.id,
                "ok": False,
                "error": _error(language, "internal", "The server could not save this; please try again."),
            }
    await conn.send_now(_dumps(reply))


def _error(language: str, code: str, message: str) -> dict[str, Any]:
    return i18n.translate_error(language, {"code": code, "message": message})


def _check_origin(websocket: WebSocket) -> bool:
    settings = websocket.app.state.settings
    return origin_allowed(websocket.headers.get("origin"), websocket.headers.get("host"), settings.allowed_origins)


async def board_ws(websocket: WebSocket) -> None:
    if not _check_origin(websocket):
        await websocket.close(CLOSE_FORBIDDEN_ORIGIN)
        return
    await websocket.accept()
    await _serve(websocket, "board", None)


async def judge_ws(websocket: WebSocket) -> None:
    if not _check_origin(websocket):
        await websocket.close(CLOSE_FORBIDDEN_ORIGIN)
        return
    live: LiveEvent = websocket.app.state.live
    judge = live.judge_for_token(websocket.path_params["token"])
    await websocket.accept()
    if judge is None:
        await websocket.close(CLOSE_UNAUTHORIZED, "unknown or revoked judge link")
        return
    await _serve(websocket, "judge", judge)


async def host_ws(websocket: WebSocket) -> None:
    if not _check_origin(websocket):
        await websocket.close(CLOSE_FORBIDDEN_ORIGIN)
        return
    await websocket.accept()
    if not is_host(websocket):
        await websocket.close(CLOSE_UNAUTHORIZED, "log in as host")
        return
    await _serve(websocket, "host", None)


routes = [
    WebSocketRoute("/ws/board", board_ws),
    WebSocketRoute("/ws/judge/{token}", judge_ws),
    WebSocketRoute("/ws/host", host_ws),
]
