"""A voter worker process for the vote burst (bench/votes.py): holds its share of the hall's audience
sockets, sends one vote per voter at its moment of the window, and timestamps every ack.

The coordinator starts several of these (spawned processes, as bench/fanout.py does with its viewers),
so that ten thousand client sockets are not one Python process competing with the judges' clients and
timing them late. Each worker is driven over a multiprocessing pipe with (command, args) tuples and
answers each with one dict; while a burst runs it publishes how many of its votes are acknowledged in
its slot of a shared array (the crash run kills the server at half).

Times are time.monotonic() (CLOCK_MONOTONIC: the same clock in every process of the machine).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from multiprocessing.connection import Connection
from typing import Any

import orjson

from bench.viewers import raise_nofile
from bench.wsclient import WsClient, connect, quiet_client_gc


class VoterWorker:
    def __init__(self, pipe: Connection, acked_slot: Any, index: int) -> None:
        self.pipe = pipe
        self.acked_slot = acked_slot  # multiprocessing Array('i', workers), this worker's element
        self.index = index
        self.clients: list[WsClient] = []
        self.voters: list[str] = []
        self.opened = 0
        self.failed: list[str] = []
        self.ended = 0
        self.sent: dict[str, float] = {}
        self.acked: dict[str, float] = {}
        self.refused: dict[str, int] = {}

    # ------------------------------------------------------------------ sockets
    def on_message(self, client: WsClient, payload: bytes, t: float) -> None:
        if b'"ack"' not in payload[:24]:
            return
        message = orjson.loads(payload)
        if message.get("ok"):
            self.acked[message["id"]] = t
            self.acked_slot[self.index] = len(self.acked)
        else:
            code = message.get("error", {}).get("code", "?")
            self.refused[code] = self.refused.get(code, 0) + 1

    def on_open(self, client: WsClient) -> None:
        self.opened += 1

    def on_lost(self, client: WsClient, reason: str) -> None:
        self.ended += 1
        if not client.open_was:  # the handshake failed: say why rather than wait for it
            self.failed.append(reason)

    async def cmd_connect(self, args: dict[str, Any]) -> dict[str, Any]:
        """Open one board socket per voter, `at_once` handshakes at a time (one address may hold 32
        plain-HTTP connections, app/connections.py, and every bench voter is 127.0.0.1)."""
        loop = asyncio.get_running_loop()
        self.voters = args["voters"]
        at_once, port = args["at_once"], args["port"]
        for start in range(0, len(self.voters), at_once):
            batch = range(start, min(start + at_once, len(self.voters)))
            self.clients += await asyncio.gather(*(self._open(loop, port) for _ in batch))
            while self.opened < len(self.clients):
                if self.failed:
                    raise RuntimeError(f"{len(self.failed)} sockets refused: {self.failed[0]}")
                await asyncio.sleep(0.01)
        quiet_client_gc()
        return {"connected": self.opened}

    async def _open(self, loop: asyncio.AbstractEventLoop, port: int) -> WsClient:
        return await connect(loop, port, "/ws/board", self.on_message, on_open=self.on_open, on_lost=self.on_lost)

    async def cmd_burst(self, args: dict[str, Any]) -> dict[str, Any]:
        """Every voter votes once at a random moment of [start, start + window) (monotonic); returns
        when every vote is acknowledged or refused, every socket has ended (the server was killed),
        or `give_up` seconds after the window."""
        loop = asyncio.get_running_loop()
        rng = random.Random(args["seed"])
        offset = loop.time() - time.monotonic()  # loop.time() is monotonic too; keep to one clock
        choices = ("p1", "p2", "p3")
        # this worker holds voters first, first + stride, ...: vote ids are unique across workers
        first, stride = args["first"], args["stride"]
        for i, (client, voter) in enumerate(zip(self.clients, self.voters, strict=True)):
            number = first + i * stride
            vid = f"b{number}"
            frame = orjson.dumps({"type": "vote", "id": vid, "voter": voter, "choice": choices[number % 3]})
            when = args["start"] + rng.uniform(0, args["window"]) + offset
            loop.call_at(when, self._send, client, vid, frame)
        deadline = args["start"] + args["window"] + args["give_up"]
        n = len(self.clients)
        while time.monotonic() < deadline:
            if len(self.acked) + sum(self.refused.values()) >= n or self.ended >= n:
                break
            await asyncio.sleep(0.05)
        return {"sent": self.sent, "acked": self.acked, "refused": self.refused}

    def _send(self, client: WsClient, vid: str, frame: bytes) -> None:
        if client.open:
            self.sent[vid] = time.monotonic()  # the clock WsClient stamps messages with
            client.send(frame)

    async def cmd_disconnect(self, args: dict[str, Any]) -> dict[str, Any]:
        """Close every socket and forget the votes: ready for the next hall."""
        for client in self.clients:
            client.abort()
        await asyncio.sleep(0.1)
        self.__init__(self.pipe, self.acked_slot, self.index)  # type: ignore[misc]
        self.acked_slot[self.index] = 0
        return {"closed": True}

    async def cmd_close(self, args: dict[str, Any]) -> dict[str, Any]:
        return await self.cmd_disconnect(args)


async def _main(pipe: Connection, acked: Any, index: int) -> None:
    worker = VoterWorker(pipe, acked, index)
    loop = asyncio.get_running_loop()
    pipe.send({"ready": True})
    while True:
        try:
            name, args = await loop.run_in_executor(None, pipe.recv)
        except (EOFError, OSError):
            return
        try:
            result = await getattr(worker, f"cmd_{name}")(args)
        except Exception as exc:
            result = {"error": f"{type(exc).__name__}: {exc}"}
        pipe.send(result)
        if name == "close":
            return


def worker_main(pipe: Connection, acked: Any, index: int) -> None:
    raise_nofile()
    try:
        import uvloop

        uvloop.run(_main(pipe, acked, index))
    except ImportError:
        asyncio.run(_main(pipe, acked, index))


class VoterWorkers:
    """The worker processes, driven over pipes from the coordinator's event loop."""

    def __init__(self, count: int) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.acked = ctx.Array("i", count, lock=False)
        self.pipes: list[Connection] = []
        self.procs = []
        for i in range(count):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=worker_main, args=(child, self.acked, i), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)
        for pipe in self.pipes:
            assert pipe.recv().get("ready")

    def acked_so_far(self) -> int:
        return sum(self.acked)

    async def call(self, name: str, args: list[dict[str, Any]]) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        for pipe, a in zip(self.pipes, args, strict=True):
            pipe.send((name, a))
        results = [await loop.run_in_executor(None, pipe.recv) for pipe in self.pipes]
        for r in results:
            if "error" in r:
                raise RuntimeError(f"voter worker: {name}: {r['error']}")
        return results

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.call("close", [{} for _ in self.pipes])
        for proc in self.procs:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
