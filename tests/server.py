"""Run the real Roadshow server (uvicorn + the real app + SQLite) for tests.

`RunningServer` starts `python -m tests.serve_for_tests` as a subprocess on a free 127.0.0.1 port,
so a test can kill it (SIGKILL) and restart it on the same database. `LiveClient` is a websocket
client speaking the Roadshow protocol (docs/protocol.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import websockets

ROOT = Path(__file__).resolve().parent.parent


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


def free_port() -> int:
    """A free port of 127.0.0.1 for a test server, below the ephemeral range.

    A port the kernel picks (bind to port 0) comes from the ephemeral range, which every outgoing
    connection on the machine also draws from: between this check and the server's own bind a second
    or more later, another test's (or another suite's) client socket could take it, and the server
    would fail to start. Ports below that range are never handed out to outgoing connections.
    """
    low, _ = _ephemeral_range()
    start = max(1024, low - 12000)
    for _ in range(200):
        port = start + secrets.randbelow(low - start)  # not `random`: tests may seed it
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {start} and {low}")


# Seconds a test's HTTP client waits for an answer. httpx's default (5 s) is too short for an export or a
# printable page on a loaded 2-core machine running the suite in parallel (seen: a fixture's export timing out
# and erroring every test of its module).
HTTP_TIMEOUT = 60.0


def wait_until_serving(proc: subprocess.Popen[bytes], base: str, log_path: Path, timeout: float = 120) -> None:
    """Until the server at `base` answers /healthz; fails with the end of its log if it exits or never
    answers. The limit is generous: on a loaded 2-core machine starting Python alone can take seconds."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            answer = httpx.get(f"{base}/healthz", timeout=1)
            if answer.status_code == 200:
                return
            last = f"/healthz answered {answer.status_code}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.1)
    raise RuntimeError(f"server did not start within {timeout}s ({last}):\n{log_path.read_text()[-3000:]}")


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (a clean shutdown), then SIGKILL if it does not exit."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class RunningServer:
    module = "tests.serve_for_tests"  # what `python -m` runs (the vote benchmark's adds statistics)

    def __init__(
        self,
        db_path: Path,
        event_file: Path | None = None,
        password: str = "test-host-password",
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.db_path = db_path
        self.event_file = event_file
        self.password = password
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.login_key = ""
        self.extra_env = extra_env or {}
        self.log_path = db_path.with_suffix(".server.log")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.login_key = os.urandom(12).hex()
        env = (
            os.environ
            | {
                "ROADSHOW_TEST_LOGIN_KEY": self.login_key,
                "PYTHONUNBUFFERED": "1",
            }
            | self.extra_env
        )
        args = [sys.executable, "-m", self.module, str(self.db_path), str(self.port), self.password]
        if self.event_file:
            args.append(str(self.event_file))
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the subprocess' lifetime
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        try:
            wait_until_serving(self.proc, self.base, self.log_path)
        except BaseException:  # a server that started too late must not outlive its test (and hold its port)
            stop_process(self.proc)
            raise

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash or a pulled plug."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc:
            stop_process(self.proc)

    def restart(self, hard: bool = True) -> None:
        self.kill() if hard else self.stop()
        self.start()

    def host_cookies(self) -> httpx.Cookies:
        with httpx.Client(base_url=self.base, follow_redirects=False, timeout=HTTP_TIMEOUT) as client:
            response = client.get(f"/host/login?key={self.login_key}")
            assert response.status_code == 303, response.text
            return client.cookies

    def judge_tokens(self) -> dict[str, str]:
        import sqlite3

        with contextlib.closing(sqlite3.connect(self.db_path)) as conn:
            return dict(conn.execute("SELECT judge, token FROM judge_tokens").fetchall())


_ids = itertools.count(1)
PING_SECONDS = 10.0  # as static/live.js


class LiveClient:
    """A protocol client: keeps the view from snapshot + updates, sends commands, awaits acks."""

    def __init__(self, url: str, headers: dict[str, str] | None = None, heartbeat: bool = True) -> None:
        self.url = url
        self.headers = headers or {}
        # Like the real pages (static/live.js), ping every 10 s: the server closes a connection silent
        # for 20 s (docs/protocol.md), which a test on a loaded machine can outlast. Off for a test
        # that wants a silent client.
        self.heartbeat = heartbeat
        self._pinger: asyncio.Task[None] | None = None
        self.ws: Any = None
        self.view: dict[str, Any] = {}
        self.seq: int | None = None
        self.acks: dict[str, dict[str, Any]] = {}
        self.errors: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self.closed_code: int | None = None

    async def connect(self) -> LiveClient:
        self.ws = await websockets.connect(self.url, additional_headers=self.headers, max_size=2**24)
        self._reader = asyncio.create_task(self._read())
        if self.heartbeat:
            self._pinger = asyncio.create_task(self._ping_every(PING_SECONDS))
        await self.wait_for(lambda v: self.seq is not None, timeout=10)
        return self

    async def _ping_every(self, seconds: float) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                await asyncio.sleep(seconds)
                await self.ws.send(orjson.dumps({"type": "ping", "t": time.time()}).decode())

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                message = orjson.loads(frame)
                kind = message.get("type")
                if kind == "snapshot":
                    self.view = message["sections"]
                    self.seq = message["seq"]
                elif kind == "update":
                    self.updates.append(message)
                    if self.seq is not None and message["seq"] == self.seq + 1:
                        self.view.update(message["sections"])
                        self.seq = message["seq"]
                    elif self.seq is not None and message["seq"] > self.seq + 1:
                        self.seq = None
                        await self.ws.send(orjson.dumps({"type": "resync"}).decode())
                elif kind == "ack":
                    self.acks[message["id"]] = message
                elif kind == "error":
                    self.errors.append(message)
                self._changed.set()
        except websockets.ConnectionClosed as exc:
            self.closed_code = exc.rcvd.code if exc.rcvd else None
        finally:
            self._changed.set()

    async def wait_for(self, predicate, timeout: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate(self.view):
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"condition not met within {timeout}s; view keys {list(self.view)}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
            if self._reader and self._reader.done() and not predicate(self.view):
                raise AssertionError(f"connection closed (code {self.closed_code}) before the condition was met")

    async def wait_closed(self, timeout: float = 10.0) -> int | None:
        """Until the server has closed the connection; its close code."""
        assert self._reader is not None
        await asyncio.wait_for(asyncio.shield(self._reader), timeout)
        return self.closed_code

    async def section(self, name: str, until: Callable[[Any], bool] = bool, timeout: float = 10.0) -> Any:
        """The section `name` once `until(section)` holds (by default: once it is non-empty).

        Use it to read a section after an ack: the protocol sends a command's effect on each role's own
        sections (`me`, `my_scores`, `judges`) and on the rankings a moment after the ack
        (docs/protocol.md, "update"), so `view[name]` read right after the ack may still be the old one.
        """
        await self.wait_for(lambda v: name in v and until(v[name]), timeout=timeout)
        return self.view[name]

    async def command(
        self, cmd: str, args: dict[str, Any] | None = None, cid: str | None = None, timeout: float = 10.0
    ) -> dict[str, Any]:
        cid = cid or f"t{next(_ids)}-{os.urandom(4).hex()}"
        return await self.send_for_ack({"type": "cmd", "id": cid, "cmd": cmd, "args": args or {}}, timeout)

    async def send_for_ack(self, message: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Send a message with an `id` (a command, an audience vote) and wait for its ack."""
        cid, cmd = message["id"], message.get("cmd", message["type"])
        await self.ws.send(orjson.dumps(message).decode())
        deadline = asyncio.get_running_loop().time() + timeout
        while cid not in self.acks:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or (self._reader and self._reader.done()):
                raise AssertionError(f"no ack for {cmd} ({cid})")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return self.acks[cid]

    async def ok(self, cmd: str, args: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        ack = await self.command(cmd, args, **kw)
        assert ack["ok"], ack
        return ack

    async def send_raw(self, frame: str | bytes) -> None:
        await self.ws.send(frame)

    async def close(self) -> None:
        if self._pinger is not None:
            self._pinger.cancel()
        if self.ws is not None:
            await self.ws.close()
        if self._reader:
            with contextlib.suppress(Exception):
                await self._reader
