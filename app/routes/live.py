"""Websocket endpoints: authenticate, send the snapshot, then read commands until the socket ends.

The role comes from the URL token (judges) or the signed session cookie (host), never from a message.

The board socket (public and read-only, open on thousands of audience phones) is served by
`board_socket` straight from the app's `__call__` (app/web.py), below the middleware and routing
stack: an idle viewer then keeps no session, routing or middleware frames alive (docs/performance.md).
Connections that stop talking are closed by one task for the whole server (`close_idle`), not by a
timer per connection.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from typing import Any

import orjson
from starlette.requests import HTTPConnection
from starlette.routing import WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from .. import i18n
from ..admission import Admission, log_bucket
from ..domain.errors import DomainError
from ..hub import TOO_SLOW, WRITTEN, DirectSocket, Hub, binary_frame
from ..live import LiveEvent
from ..protocol import Command, Ping, Presence, ProtocolError, Resync, Vote, decode
from ..ratelimit import Rate, TokenBucket
from ..security import log_text, origin_allowed
from .common import choose_language, client_address, is_host

log = logging.getLogger("roadshow.ws")

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN_ORIGIN = 4403
CLOSE_TRY_LATER = 1013  # a full pool: public sockets, or a judge link's sockets (refused before the handshake)
MESSAGES_PER_CONNECTION = Rate(20.0, 60.0)  # any frame: 20 a second sustained, bursts of 60
FLOOD_STRIKES = 50  # rate-limited messages before the connection is closed
IDLE_SWEEP_SECONDS = 5.0  # longest pause between two looks for idle connections (close_idle)
BOARD_PATH = "/ws/board"

_connection_ids = itertools.count(1)


class Connection:
    """One websocket as a hub subscriber. Until the snapshot has been sent, updates from the hub are
    held back, so the page always sees the snapshot first and then updates in order.

    Under uvicorn's websockets-sansio protocol every frame is written straight to the socket
    (`DirectSocket`), synchronously: the hub's pre-framed broadcast, and the snapshots, acks and pongs
    of `send_now`. Elsewhere (other servers, test clients) the ordinary awaited ASGI send is used.

    Thousands of these live as long as their viewers: slots only, and nothing allocated per connection
    that a board viewer does not use (the id string is built when it is logged or journalled; the
    message bucket is one small object, since every page pings; the log budget only on a warning)."""

    __slots__ = (
        "_direct",
        "_held",
        "_log_budget",
        "_number",
        "_rate",
        "address",
        "judge",
        "last_seen",
        "role",
        "strikes",
        "websocket",
    )

    CLOSE_TIMEOUT = 5.0  # a close frame that cannot be written within this long: cut the connection
    MAX_UNSENT = 4 * 1024 * 1024  # send_now on a socket with more than this unsent: it stopped reading

    def __init__(self, websocket: WebSocket, role: str, judge: str | None, address: str = "") -> None:
        self.websocket = websocket
        self.address = address  # the client address (board sockets: the audience vote's per-address cap)
        self.role = role
        self.judge = judge
        self._number = next(_connection_ids)
        self._held: list[bytes] | None = []
        self._direct = DirectSocket.for_websocket(websocket)
        self._rate = TokenBucket(MESSAGES_PER_CONNECTION)
        self._log_budget: TokenBucket | None = None  # made on the first warning this connection causes
        self.strikes = 0
        self.last_seen = time.monotonic()  # when the last message arrived (close_idle)

    @property
    def number(self) -> int:
        """Increases with every connection: orders a judge's sockets from oldest to newest."""
        return self._number

    def may_log(self) -> bool:
        """Whether this connection may add one more warning to the server's log (LOG_LINES_PER_CONNECTION):
        a client that provokes warnings in a loop cannot flood the host's terminal."""
        if self._log_budget is None:
            self._log_budget = log_bucket()
        return self._log_budget.take(time.monotonic())

    @property
    def id(self) -> str:
        """Names the connection in the log and the journal, e.g. "c12:judge:j3"."""
        return f"c{self._number}:{self.role}{':' + self.judge if self.judge else ''}"

    def connected(self) -> bool:
        """Neither closed by us nor known to be gone."""
        return self.websocket.application_state == WebSocketState.CONNECTED

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
        if not self.connected():
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
        """One more frame within MESSAGES_PER_CONNECTION?"""
        return self._rate.take(time.monotonic())


def _dumps(message: dict[str, Any]) -> bytes:
    return orjson.dumps(message)


async def _serve(websocket: WebSocket, role: str, judge: str | None, language: str, address: str = "") -> None:
    """Subscribe, send the snapshot, then read frames until the socket ends. An idle connection is
    closed by `close_idle`: the receive below then returns the disconnect and the loop ends."""
    live: LiveEvent = websocket.app.state.live
    conn = Connection(websocket, role, judge, address)
    topic = live.topic_for(role, judge)
    live.hub.add(topic, conn)
    try:
        await conn.send_now(live.snapshot(role, judge))
        await conn.release()
        if judge:
            live.judge_connected(judge, conn)
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                conn.last_seen = time.monotonic()
                live.hub.frames += 1
                frame = message.get("text") if message.get("text") is not None else message.get("bytes")
                if frame is None:
                    continue
                await _handle_frame(live, conn, frame, language)
        finally:
            if judge:
                live.judge_disconnected(judge, conn)
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
        error = _error(language, exc.code, exc.message)
        if exc.message_id is not None:  # a vote: its page waits for this id's ack
            await conn.send_now(_dumps({"type": "ack", "id": exc.message_id, "ok": False, "error": error}))
        else:
            await conn.send_now(_dumps({"type": "error", "error": error}))
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
    elif isinstance(message, Vote):
        await _run_vote(live, conn, message, language)


async def _run_vote(live: LiveEvent, conn: Connection, vote: Vote, language: str) -> None:
    """An audience vote: only on the board socket, acknowledged after it is committed (app/live_votes.py)."""
    voter = conn.websocket.app.state.voter_ids.voter(vote.voter) if conn.role == "board" else None
    error: dict[str, Any] | None = None
    try:
        if conn.role != "board":
            raise DomainError("forbidden", "You are not allowed to do that.")
        if voter is None or live.votes is None:
            raise DomainError("bad_voter", "This phone has no valid voter id; reload the page.")
        reply = {"type": "ack", "id": vote.id} | await live.votes.cast(voter, conn.address, vote)
    except DomainError as exc:
        error = i18n.translate_error(language, exc.as_dict())
    except Exception:
        log.exception("a vote from %s failed", conn.id)
        error = _error(language, "internal", "The server could not save this; please try again.")
    if error is not None:
        reply = {"type": "ack", "id": vote.id, "ok": False, "error": error}
    await conn.send_now(_dumps(reply))


async def _run_command(live: LiveEvent, conn: Connection, command: Command, language: str) -> None:
    if conn.role == "board":
        reply = {
            "type": "ack",
            "id": command.id,
            "ok": False,
            "error": _error(language, "forbidden", "You are not allowed to do that."),
        }
        if conn.may_log():
            log.warning("refused %s from a board connection %s", log_text(command.name), conn.id)
    elif not _admission(conn.websocket).command_allowed(_actor(conn)):
        reply = {
            "type": "ack",
            "id": command.id,
            "ok": False,
            "error": _error(language, "rate_limited", "Too many messages; slow down."),
        }
    else:
        try:
            result = await live.execute(conn.role, conn.judge, command, conn.id)
            reply = {"type": "ack", "id": command.id} | result
        except DomainError as exc:
            if exc.code == "forbidden" and conn.may_log():
                log.warning("refused %s from %s", log_text(command.name), conn.id)
            reply = {
                "type": "ack",
                "id": command.id,
                "ok": False,
                "error": i18n.translate_error(language, exc.as_dict()),
            }
        except Exception:
            log.exception("command %s from %s failed", log_text(command.name), conn.id)
            reply = {
                "type": "ack",
                "id": command.id,
                "ok": False,
                "error": _error(language, "internal", "The server could not save this; please try again."),
            }
    await conn.send_now(_dumps(reply))


def _actor(conn: Connection) -> str:
    """Whose command budget a connection spends: its judge token's, or the host's."""
    return f"judge:{conn.judge}" if conn.role == "judge" else conn.role


def _admission(conn: HTTPConnection) -> Admission:
    return conn.app.state.admission


def _error(language: str, code: str, message: str) -> dict[str, Any]:
    return i18n.translate_error(language, {"code": code, "message": message})


async def close_idle(hub: Hub, idle_timeout: float) -> None:
    """Runs for the server's lifetime: closes every connection (board, judge, host) that has sent
    nothing, not even the page's 10-second ping, for idle_timeout, with 1001 "idle". One task that
    looks every quarter of idle_timeout (at most IDLE_SWEEP_SECONDS) costs less than a timer per
    connection that is re-armed at every message; a connection goes between idle_timeout and
    idle_timeout + that interval after its last message."""
    interval = min(IDLE_SWEEP_SECONDS, idle_timeout / 4)
    closing: set[asyncio.Task[None]] = set()

    def closed(task: asyncio.Task[None]) -> None:
        closing.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.debug("closing an idle connection failed: %r", task.exception())  # it was going anyway

    while True:
        await asyncio.sleep(interval)
        cutoff = time.monotonic() - idle_timeout
        for i, subscriber in enumerate(hub.subscribers()):
            if i and not i % 1024:
                await asyncio.sleep(0)  # never hold the loop for a whole audience
            if isinstance(subscriber, Connection) and subscriber.last_seen <= cutoff and subscriber.connected():
                task = asyncio.create_task(subscriber.close(1001, "idle"))
                closing.add(task)
                task.add_done_callback(closed)


def _check_origin(conn: HTTPConnection) -> bool:
    settings = conn.app.state.settings
    return origin_allowed(conn.headers.get("origin"), conn.headers.get("host"), settings.allowed_origins)


async def board_socket(scope: Scope, receive: Receive, send: Send) -> None:
    """/ws/board as a bare ASGI app, called by the app's `__call__` (app/web.py) with scope["app"] set.

    The board socket is public and read-only: it needs no session, so it skips the middleware and
    the router, whose frames and `send` wrappers every idle viewer would otherwise keep alive (several
    KiB each, docs/performance.md). It still checks the Origin (docs/security.md) and picks the
    language of its error messages. `receive` stays uvicorn's own bound method, so the direct-write
    path (DirectSocket) applies."""
    request = HTTPConnection(scope)  # for the checks only: its parsed headers, query and cookies are not kept
    allowed = _check_origin(request)
    language = choose_language(request)
    address = client_address(request)
    admission = _admission(request)
    del request
    websocket: WebSocket = WebSocket(scope, receive, send)
    if not allowed:
        await websocket.close(CLOSE_FORBIDDEN_ORIGIN)
        return
    if not admission.admit_public(address):
        # Refused before the handshake (HTTP 403): the page retries with backoff. Judges and the
        # host are not counted here, so they still connect (app/admission.py).
        await websocket.close(CLOSE_TRY_LATER)
        return
    try:
        await websocket.accept()
        # Nothing reads the request headers after the checks above, and a phone's are ~1.7 KiB of
        # Python objects per viewer for the life of the connection.
        scope["headers"] = []
        await _serve(websocket, "board", None, language, address)
    finally:
        admission.release_public(address)


async def board_ws(websocket: WebSocket) -> None:
    """The board socket through Starlette's routing: only reached when `routes` are mounted in an
    app without create_app's fast path (app/web.py)."""
    await board_socket(websocket.scope, websocket._receive, websocket._send)


async def judge_ws(websocket: WebSocket) -> None:
    if not _check_origin(websocket):
        await websocket.close(CLOSE_FORBIDDEN_ORIGIN)
        return
    live: LiveEvent = websocket.app.state.live
    judge = live.judge_for_token(websocket.path_params["token"])
    admission = _admission(websocket)
    if judge is not None and not admission.admit_judge(judge):
        # this link already has its SOCKETS_PER_JUDGE: refused before the handshake (HTTP 403), the
        # page retries with backoff (app/admission.py)
        await websocket.close(CLOSE_TRY_LATER)
        return
    try:
        await websocket.accept()
        if judge is None:
            await websocket.close(CLOSE_UNAUTHORIZED, "unknown or revoked judge link")
            return
        await _serve(websocket, "judge", judge, choose_language(websocket))
    finally:
        if judge is not None:
            admission.release_judge(judge)


async def host_ws(websocket: WebSocket) -> None:
    if not _check_origin(websocket):
        await websocket.close(CLOSE_FORBIDDEN_ORIGIN)
        return
    await websocket.accept()
    if not is_host(websocket):
        await websocket.close(CLOSE_UNAUTHORIZED, "log in as host")
        return
    await _serve(websocket, "host", None, choose_language(websocket))


routes = [
    WebSocketRoute(BOARD_PATH, board_ws),
    WebSocketRoute("/ws/judge/{token}", judge_ws),
    WebSocketRoute("/ws/host", host_ws),
]
