"""The two baselines, speaking just enough of the Roadshow protocol for the benchmark's clients.

    python -m bench.baselines websockets PORT [--deflate]   # websockets' own broadcast(): the practical limit
    python -m bench.baselines starlette PORT [--deflate]    # Starlette under uvicorn, awaiting send_text per viewer

Both behave alike: `/ws/board` sends a ~10 KB snapshot and then every update; a judge's `submit_score`
on `/ws/judge/<anything>` bumps a counter, broadcasts the same `update` bytes Roadshow sends for a
score (the `progress` section, serialised once with orjson), then acknowledges. No database: they are
the cost of the fan-out alone. `/echo` (websockets only) echoes, for the bare round trip. Both expose
/_bench/stats and /_bench/publish like bench/roadshow_server.py. Both run on uvloop, as uvicorn does.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections import deque
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

from bench.event import JUDGES
from bench.viewers import padding, raise_nofile

SNAPSHOT_SECTIONS = {"padding": "x" * 10_000}


class Broadcaster:
    """The state both baselines share: seq, the submitted counter and the record of fan-outs."""

    def __init__(self) -> None:
        self.seq = 0
        self.submitted = 0
        self.fanouts: deque[tuple[Any, ...]] = deque(maxlen=4096)

    def snapshot(self) -> bytes:
        return orjson.dumps(
            {"type": "snapshot", "seq": self.seq, "server_now": time.time(), "sections": SNAPSHOT_SECTIONS}
        )

    def update(self, sections: dict[str, Any]) -> bytes:
        self.seq += 1
        return orjson.dumps({"type": "update", "seq": self.seq, "server_now": time.time(), "sections": sections})

    def score_update(self, project: Any) -> bytes:
        self.submitted += 1
        return self.update({"progress": {"project": project, "submitted": self.submitted, "expected": JUDGES}})

    def record(self, started: float, recipients: int, size: int) -> None:
        self.fanouts.append(("board", self.seq, started, time.monotonic(), recipients, recipients, 0, 0, size))

    def stats(self) -> bytes:
        return orjson.dumps({"fanouts": list(self.fanouts), "dropped": 0})

    @staticmethod
    def ack(message: dict[str, Any], seq: int) -> bytes:
        return orjson.dumps({"type": "ack", "id": message.get("id"), "ok": True, "duplicate": False, "seq": seq})


# ---------------------------------------------------------------------------------------- websockets
def reply_to_viewer(frame: str | bytes, state: Broadcaster) -> bytes:
    """A pong for the page's ping (as Roadshow answers it), a snapshot for anything else (resync)."""
    raw = frame.encode() if isinstance(frame, str) else frame
    if raw.startswith(b'{"type":"ping"'):
        return orjson.dumps({"type": "pong", "t": orjson.loads(raw).get("t"), "server_now": time.time()})
    return state.snapshot()


def run_websockets(port: int, deflate: bool) -> None:
    from websockets.asyncio.server import ServerConnection, broadcast, serve
    from websockets.exceptions import ConnectionClosed
    from websockets.http11 import Request

    state = Broadcaster()
    viewers: set[ServerConnection] = set()

    async def handler(ws: ServerConnection) -> None:
        with contextlib.suppress(ConnectionClosed):  # a viewer going away is not an error worth a traceback
            await serve_one(ws)

    async def serve_one(ws: ServerConnection) -> None:
        path = ws.request.path if ws.request else ""
        if path.startswith("/ws/board"):
            await ws.send(state.snapshot())
            viewers.add(ws)
            try:
                async for frame in ws:  # a viewer sends the page's ping, or resync after a gap
                    await ws.send(reply_to_viewer(frame, state))
            finally:
                viewers.discard(ws)
        elif path.startswith("/ws/judge"):
            await ws.send(state.snapshot())
            async for frame in ws:
                message = orjson.loads(frame)
                if message.get("type") == "cmd":
                    data = state.score_update(message.get("args", {}).get("project"))
                    started = time.monotonic()
                    broadcast(viewers, data)
                    state.record(started, len(viewers), len(data))
                    await ws.send(state.ack(message, state.seq))
        elif path.startswith("/echo"):
            async for frame in ws:
                await ws.send(frame)

    async def publish(query: dict[str, list[str]]) -> bytes:
        size, count = int(query.get("size", ["1024"])[0]), int(query.get("count", ["1"])[0])
        seqs = []
        for i in range(count):
            data = state.update({"bench_padding": {"i": i, "pad": padding(size)}})
            started = time.monotonic()
            broadcast(viewers, data)
            state.record(started, len(viewers), len(data))
            seqs.append(state.seq)
            await asyncio.sleep(0)
        return orjson.dumps({"seqs": seqs})

    async def process_request(connection: Any, request: Request) -> Any:
        url = urlsplit(request.path)
        if url.path == "/_bench/stats":
            return connection.respond(HTTPStatus.OK, state.stats().decode())
        if url.path == "/_bench/publish":
            return connection.respond(HTTPStatus.OK, (await publish(parse_qs(url.query))).decode())
        return None

    async def main() -> None:
        # Nothing to keep: stop at once (a graceful close would wait for every closing handshake).
        for sig in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(sig, os._exit, 0)
        async with serve(
            handler,
            "127.0.0.1",
            port,
            compression="deflate" if deflate else None,
            process_request=process_request,
            ping_interval=None,
            max_size=64 * 1024,
            backlog=4096,
        ) as server:
            await server.serve_forever()

    _run(main())


# ---------------------------------------------------------------------------------------- Starlette
def run_starlette(port: int, deflate: bool) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocket

    from app.cli import UVICORN_OPTIONS

    state = Broadcaster()
    viewers: set[WebSocket] = set()

    async def send_to_all(data: bytes) -> None:
        """What most apps do: await each viewer's send in turn."""
        text = data.decode()
        started = time.monotonic()
        for ws in list(viewers):
            try:
                await ws.send_text(text)
            except Exception:
                viewers.discard(ws)
        state.record(started, len(viewers), len(data))

    async def board(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_bytes(state.snapshot())
        viewers.add(ws)
        try:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                await ws.send_bytes(reply_to_viewer(message.get("text") or message.get("bytes") or b"", state))
        finally:
            viewers.discard(ws)

    async def judge(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_bytes(state.snapshot())
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                break
            decoded = orjson.loads(message.get("text") or message.get("bytes") or b"{}")
            if decoded.get("type") == "cmd":
                await send_to_all(state.score_update(decoded.get("args", {}).get("project")))
                await ws.send_bytes(state.ack(decoded, state.seq))

    async def stats(request: Request) -> Response:
        return Response(state.stats(), media_type="application/json")

    async def publish(request: Request) -> Response:
        size, count = int(request.query_params.get("size", "1024")), int(request.query_params.get("count", "1"))
        seqs = []
        for i in range(count):
            await send_to_all(state.update({"bench_padding": {"i": i, "pad": padding(size)}}))
            seqs.append(state.seq)
        return Response(orjson.dumps({"seqs": seqs}), media_type="application/json")

    app = Starlette(
        routes=[
            Route("/_bench/stats", stats),
            Route("/_bench/publish", publish),
            WebSocketRoute("/ws/board", board),
            WebSocketRoute("/ws/judge/{token}", judge),
        ]
    )
    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="warning", **(UVICORN_OPTIONS | {"ws_per_message_deflate": deflate})
    )


def _run(coro: Any) -> None:
    try:
        import uvloop

        uvloop.run(coro)
    except ImportError:
        asyncio.run(coro)


def main() -> None:
    kind, port = sys.argv[1], int(sys.argv[2])
    deflate = "--deflate" in sys.argv[3:]
    raise_nofile()
    if kind == "websockets":
        run_websockets(port, deflate)
    elif kind == "starlette":
        run_starlette(port, deflate)
    else:
        raise SystemExit(f"unknown baseline {kind!r}")


if __name__ == "__main__":
    main()
