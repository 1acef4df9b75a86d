"""The board socket's lean path (served below the middleware, app/web.py) and the idle sweeper.

/ws/board skips the session middleware and the router; it must still check the Origin, choose the
language of its error messages, answer bad frames without falling over, rate-limit and close a flood.
One task closes idle connections of every role (`close_idle` in app/routes/live.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import orjson
import pytest
import websockets

from app.config import Settings
from app.web import create_app
from tests.conftest import MINI_EVENT, board_client, cookie_header, host_client
from tests.server import LiveClient, RunningServer


async def _call(path: str, headers: list[tuple[bytes, bytes]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One websocket connection attempt straight into the ASGI app (no server, no lifespan)."""
    app = create_app(Settings(db_path=":memory:", secret="test-secret"))
    scope: dict[str, Any] = {
        "type": "websocket",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "scheme": "ws",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "subprotocols": [],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return scope, sent


async def test_board_socket_skips_the_session_but_still_refuses_a_foreign_origin() -> None:
    headers = [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://evil.example")]
    scope, sent = await _call("/ws/board", headers)
    assert [(m["type"], m.get("code")) for m in sent] == [("websocket.close", 4403)]  # before any accept
    assert "session" not in scope  # the session middleware never saw it
    # every other socket still goes through the middleware and the router
    scope, sent = await _call("/ws/host", headers)
    assert [(m["type"], m.get("code")) for m in sent] == [("websocket.close", 4403)]
    assert "session" in scope


async def test_board_origin_checks_and_language_over_the_real_server(tmp_path: Path) -> None:
    server = RunningServer(
        tmp_path / "origins.db", MINI_EVENT, extra_env={"ROADSHOW_ALLOWED_ORIGINS": "https://screens.example"}
    )
    server.start()
    try:
        url = f"{server.ws_base}/ws/board"
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(url, origin="http://evil.example")
        assert refused.value.response.status_code == 403
        for origin in ("https://screens.example", f"http://127.0.0.1:{server.port}", None):
            ws = await websockets.connect(url, origin=origin)  # type: ignore[arg-type]
            assert orjson.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "snapshot"
            await ws.close()
        # ?lang= picks the language of the board's error messages, as on every other socket
        board = await LiveClient(f"{url}?lang=zh").connect()
        ack = await board.command("start_project", {"project": "p1"})
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
        assert "无权" in ack["error"]["message"]
        await board.close()
    finally:
        server.stop()


async def test_bad_frames_on_the_board_get_an_error_and_it_carries_on(mini_server: RunningServer) -> None:
    board = await board_client(mini_server)
    for frame in ("not json", "[1, 2]", '{"type": "nonsense"}', b"\xff\xfe\x00binary junk"):
        errors = len(board.errors)
        await board.send_raw(frame)
        await board.wait_for(lambda v, n=errors: len(board.errors) > n, timeout=5)
        assert board.errors[-1]["error"]["code"] == "bad_message"
    ack = await board.command("submit_score", {"project": "p1", "scores": {"impact": 50, "pitch": 30}})
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    # it still follows the event, and a resync still answers with a snapshot
    host = await host_client(mini_server)
    await host.ok("start_project", {"project": "p1"})
    await board.wait_for(lambda v: v["current"]["project"] == "p1")
    board.seq = None
    await board.send_raw(orjson.dumps({"type": "resync"}).decode())
    await board.wait_for(lambda v: board.seq is not None, timeout=5)
    assert board.view["current"]["project"] == "p1"
    await host.close()
    await board.close()


async def test_a_flooding_board_is_rate_limited_then_closed_alone(mini_server: RunningServer) -> None:
    flooder = await board_client(mini_server)
    other = await board_client(mini_server)
    ping = orjson.dumps({"type": "ping", "t": 1}).decode()
    with contextlib.suppress(websockets.ConnectionClosed):
        for _ in range(400):  # far beyond the burst of 60 and the 50 strikes
            await flooder.send_raw(ping)
    await flooder.wait_for(lambda v: flooder._reader is not None and flooder._reader.done(), timeout=10)
    assert flooder.ws.close_code == 1008 and flooder.ws.close_reason == "flood"
    assert any(e["error"]["code"] == "rate_limited" for e in flooder.errors)
    host = await host_client(mini_server)
    await host.ok("start_project", {"project": "p1"})
    await other.wait_for(lambda v: v["current"]["project"] == "p1")
    await host.close()
    await other.close()


async def test_one_sweeper_closes_idle_sockets_of_every_role(tmp_path: Path) -> None:
    # 3 s: the talker's 0.2 s pings keep a wide margin even when a loaded machine stalls this process
    server = RunningServer(tmp_path / "idle.db", MINI_EVENT, extra_env={"ROADSHOW_IDLE_TIMEOUT": "3"})
    server.start()
    try:
        talker = await board_client(server)

        async def keep_talking() -> None:
            with contextlib.suppress(Exception):
                while True:
                    await talker.send_raw(orjson.dumps({"type": "ping", "t": 1}).decode())
                    await asyncio.sleep(0.2)

        pinger = asyncio.create_task(keep_talking())
        tokens = server.judge_tokens()
        silent = [  # no heartbeat: these say nothing after connecting
            await LiveClient(f"{server.ws_base}/ws/host", cookie_header(server), heartbeat=False).connect(),
            await LiveClient(f"{server.ws_base}/ws/judge/{tokens['j1']}", heartbeat=False).connect(),
            await LiveClient(f"{server.ws_base}/ws/board", heartbeat=False).connect(),
        ]
        for client in silent:
            await client.wait_for(lambda v, c=client: c._reader is not None and c._reader.done(), timeout=30)
            assert client.ws.close_code == 1001 and client.ws.close_reason == "idle"
        # the board that kept talking is still there and still answered
        assert talker._reader is not None and not talker._reader.done()
        talker.seq = None
        await talker.send_raw(orjson.dumps({"type": "resync"}).decode())
        await talker.wait_for(lambda v: talker.seq is not None, timeout=5)
        pinger.cancel()
        await talker.close()
    finally:
        server.stop()
