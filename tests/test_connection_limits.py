"""Connections under attack (issue 12): public socket pools, per-token sockets and commands, judge ids
that are not reused, slowloris and oversized headers, and pages that must not be cached."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
import websockets

from app.admission import COMMANDS_PER_ACTOR, PUBLIC_SOCKETS_PER_ADDRESS, SOCKETS_PER_JUDGE
from app.connections import MAX_HEADER_BYTES
from tests.conftest import MINI_EVENT, cookie_header, host_client, judge_client
from tests.server import HTTP_TIMEOUT, LiveClient, RunningServer


@pytest.fixture
def guarded_server(tmp_path: Path) -> Iterator[RunningServer]:
    """Short header and body deadlines and a small public pool, to watch them act."""
    env = {"ROADSHOW_HEADER_TIMEOUT": "1", "ROADSHOW_BODY_TIMEOUT": "2", "ROADSHOW_MAX_PUBLIC_SOCKETS": "30"}
    server = RunningServer(tmp_path / "guarded.db", MINI_EVENT, extra_env=env)
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def open_boards(server: RunningServer, count: int, address: str) -> tuple[list[object], int]:
    """Try `count` board sockets from `address` at once: (the open ones, how many were refused)."""

    async def one() -> object | None:
        try:
            return await websockets.connect(f"{server.ws_base}/ws/board", local_addr=(address, 0), open_timeout=30)
        except (websockets.InvalidStatus, OSError, websockets.InvalidHandshake):
            return None

    results = await asyncio.gather(*(one() for _ in range(count)))
    return [r for r in results if r is not None], sum(r is None for r in results)


async def close_all(sockets: list[object]) -> None:
    await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)  # type: ignore[attr-defined]


async def test_one_address_cannot_take_the_public_pool_and_judges_still_connect(
    guarded_server: RunningServer,
) -> None:
    mine, refused = await open_boards(guarded_server, 200, "127.0.0.2")
    try:
        assert len(mine) == PUBLIC_SOCKETS_PER_ADDRESS and refused == 200 - PUBLIC_SOCKETS_PER_ADDRESS
        # other addresses share what is left of the pool (30 here), then are refused too
        more, refused_more = await open_boards(guarded_server, 15, "127.0.0.3")
        mine += more
        assert len(more) == 10 and refused_more == 5
        # the pool is full: judges, the host and /healthz are not part of it
        judge = await judge_client(guarded_server, "j1")
        host = await host_client(guarded_server)
        async with httpx.AsyncClient(base_url=guarded_server.base, timeout=HTTP_TIMEOUT) as http:
            assert (await http.get("/healthz")).status_code == 200
        await judge.close()
        await host.close()
    finally:
        await close_all(mine)


async def test_a_judge_link_holds_at_most_three_sockets(mini_server: RunningServer) -> None:
    token = mini_server.judge_tokens()["j1"]
    sockets = [await judge_client(mini_server, "j1") for _ in range(SOCKETS_PER_JUDGE)]
    with pytest.raises(websockets.InvalidStatus):  # the fourth is refused before the handshake
        await websockets.connect(f"{mini_server.ws_base}/ws/judge/{token}")
    for s in sockets:  # the two devices and a reload keep working
        ack = await s.command("presence_probe")
        assert ack["ok"] is False and ack["error"]["code"] != "rate_limited"
    await sockets[0].close()
    # one closed: there is room again
    again = await judge_client(mini_server, "j1")
    for s in [*sockets[1:], again]:
        await s.close()


async def test_commands_are_limited_per_token_across_its_sockets(mini_server: RunningServer) -> None:
    token = mini_server.judge_tokens()["j2"]
    sockets = [await LiveClient(f"{mini_server.ws_base}/ws/judge/{token}").connect() for _ in range(SOCKETS_PER_JUDGE)]
    try:
        # 3 sockets x 40 commands: each socket stays within its own 60-message burst
        acks = await asyncio.gather(*(s.command("no_such_command") for s in sockets for _ in range(40)))
        limited = sum(1 for a in acks if not a["ok"] and a["error"]["code"] == "rate_limited")
        assert limited >= 120 - COMMANDS_PER_ACTOR.burst - 20  # the token's burst plus what refills meanwhile
        # another judge's budget is untouched
        other = await judge_client(mini_server, "j3")
        ack = await other.command("no_such_command")
        assert ack["error"]["code"] != "rate_limited"
        await other.close()
    finally:
        for s in sockets:
            await s.close()


async def test_a_removed_judge_id_added_again_gets_a_new_link_and_pin(mini_server: RunningServer) -> None:
    old_token = mini_server.judge_tokens()["j6"]
    old_socket = await judge_client(mini_server, "j6")
    headers = cookie_header(mini_server) | {"Origin": mini_server.base}
    async with httpx.AsyncClient(base_url=mini_server.base, headers=headers, timeout=30) as http:
        state = (await http.get("/host/setup/event.json")).json()
        definition = state["definition"]
        removed = definition["judges"].pop()
        assert removed["id"] == "j6"
        saved = await http.post("/host/setup/save", json={"definition": definition, "base": state["base"]})
        assert saved.json()["ok"] is True, saved.text
        await old_socket.wait_for(lambda view: old_socket._reader is not None and old_socket._reader.done())
        assert old_socket.closed_code == 4401
        definition = saved.json()["definition"]
        definition["judges"].append(removed)
        again = await http.post("/host/setup/save", json={"definition": definition, "base": saved.json()["base"]})
        assert again.json()["ok"] is True, again.text
        new_token = mini_server.judge_tokens()["j6"]
        assert new_token != old_token
        assert (await http.get(f"/judge/{old_token}")).status_code == 404
        assert (await http.get(f"/judge/{new_token}")).status_code == 200
    with pytest.raises(AssertionError):  # closed with 4401 before any snapshot
        stale = await LiveClient(f"{mini_server.ws_base}/ws/judge/{old_token}").connect()
        await stale.close()


def _raw(server: RunningServer, address: str = "127.0.0.1") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=15, source_address=(address, 0))
    return sock


def _read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    with contextlib.suppress(OSError):
        while chunk := sock.recv(4096):
            data += chunk
    return data


async def test_slowloris_connections_are_closed(guarded_server: RunningServer) -> None:
    def slow_client() -> bytes:
        with _raw(guarded_server, "127.0.0.5") as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            for _ in range(20):  # a header line every 0.2 s: never finished
                try:
                    sock.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    break
                time.sleep(0.2)
            return _read_until_closed(sock)

    def silent_client() -> bytes:
        with _raw(guarded_server, "127.0.0.6") as sock:
            return _read_until_closed(sock)

    slow, silent = await asyncio.gather(asyncio.to_thread(slow_client), asyncio.to_thread(silent_client))
    assert slow.startswith(b"HTTP/1.1 408")
    assert silent.startswith(b"HTTP/1.1 408")


async def test_a_body_trickled_byte_by_byte_is_cut_off_and_a_prompt_one_is_served(
    guarded_server: RunningServer,
) -> None:
    def post(pause: float) -> bytes:
        body = b"judge=1&pin=000000"
        host = f"127.0.0.1:{guarded_server.port}".encode()
        head = b"POST /j HTTP/1.1\r\nHost: %s\r\nOrigin: http://%s\r\n" % (host, host)
        head += b"Content-Type: application/x-www-form-urlencoded\r\n"
        with _raw(guarded_server, "127.0.0.8") as sock:
            sock.sendall(head + b"Content-Length: %d\r\n\r\n" % len(body))
            for byte in body:  # one byte every `pause` seconds
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    break
                time.sleep(pause)
            return _read_until_closed(sock)

    # 18 bytes at 0.3 s each: over the 2-s body deadline (tests' value; 60 s by default)
    assert (await asyncio.to_thread(post, 0.3)).startswith(b"HTTP/1.1 408")
    # the same body sent at once is read and answered (a wrong PIN: 401), the deadline disarmed
    assert (await asyncio.to_thread(post, 0.0)).startswith(b"HTTP/1.1 401")


async def test_one_address_holds_a_bounded_number_of_idle_connections(guarded_server: RunningServer) -> None:
    idle = [_raw(guarded_server, "127.0.0.7") for _ in range(40)]
    try:
        # the kernel completes a connection before the server accepts it: wait until the server has taken
        # all 40 (the 33rd to the 40th each closed the oldest) before the newcomer comes, or a late one
        # could arrive after the newcomer left and find room
        closed: set[int] = set()
        assert await _wait_closed(idle, closed, 40 - 32) == 40 - 32
        # a newcomer from the same address still gets its page, and one more of the oldest is closed
        async with httpx.AsyncClient(
            base_url=guarded_server.base,
            transport=httpx.AsyncHTTPTransport(local_address="127.0.0.7"),
            timeout=HTTP_TIMEOUT,
        ) as http:
            assert (await http.get("/healthz")).status_code == 200
        # closed silently, as an idle keep-alive connection is (a browser retries on it), not with a 408
        assert await _wait_closed(idle, closed, 40 - 32 + 1) == 40 - 32 + 1
        assert min(closed) == 0 and max(closed) == 40 - 32, "the oldest are the ones closed"
    finally:
        for sock in idle:
            sock.close()


async def _wait_closed(socks: list[socket.socket], closed: set[int], count: int, timeout: float = 30) -> int:
    """How many of `socks` the server has closed without a word, once `count` are (or at `timeout`);
    `closed` collects their indexes across calls (end of file is read once)."""
    deadline = time.monotonic() + timeout
    while len(closed) < count and time.monotonic() < deadline:
        for index, sock in enumerate(socks):
            if index not in closed and _closed_now(sock):
                closed.add(index)
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # and no more than that: one that closes too many shows up here
    closed.update(index for index, sock in enumerate(socks) if index not in closed and _closed_now(sock))
    return len(closed)


def _closed_now(sock: socket.socket) -> bool:
    """Whether the server has closed `sock` without a word (end of file; a 408 or any byte is not that)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


async def test_oversized_request_headers_are_refused(mini_server: RunningServer) -> None:
    def big() -> bytes:
        with _raw(mini_server) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (MAX_HEADER_BYTES + 10))
            return _read_until_closed(sock)

    assert (await asyncio.to_thread(big)).startswith(b"HTTP/1.1 431")


async def test_pages_with_secrets_are_not_cached(mini_server: RunningServer) -> None:
    token = mini_server.judge_tokens()["j1"]
    async with httpx.AsyncClient(
        base_url=mini_server.base, headers=cookie_header(mini_server), timeout=HTTP_TIMEOUT
    ) as http:
        for path in ("/host", "/host/links", "/host/audit", "/host/audit.csv", f"/judge/{token}"):
            response = await http.get(path)
            assert response.status_code == 200, path
            assert response.headers.get("cache-control") == "no-store", path
        assert "no-store" not in (await http.get("/board")).headers.get("cache-control", "")


async def test_board_socket_text_in_logs_is_escaped(mini_server: RunningServer) -> None:
    board = await LiveClient(f"{mini_server.ws_base}/ws/board").connect()
    try:
        forged = "x\r\n2026-01-01 INFO roadshow: host logged in\x1b[2J"
        for i in range(30):
            await board.send_raw(orjson.dumps({"type": "cmd", "id": f"f{i}", "cmd": forged}).decode())
        await board.command("still_here")
    finally:
        await board.close()
    log = mini_server.log_path.read_text(encoding="utf-8", errors="replace")
    assert "\x1b" not in log and "\nx\r" not in log and "\n2026-01-01 INFO roadshow: host logged in" not in log
    assert log.count("refused") <= 6  # 5 at once, then 1 a second
