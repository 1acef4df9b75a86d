"""A viewer worker process: holds thousands of board connections and timestamps every update.

The coordinator (bench/fanout.py) starts several of these (spawned processes, so the client is
never the bottleneck) and drives them over a multiprocessing pipe with (command, args) tuples; each
command is answered with one dict.

A viewer behaves like the page (static/live.js): snapshot first, then updates in `seq` order; a gap
sends `resync` and ignores updates until the snapshot; a connection that ends is reopened. It does not
decode JSON: the update's `seq` sits at a fixed place in the bytes the server serialises
(`{"type":"update","seq":N,...`), and its arrival time (time.monotonic(): CLOCK_MONOTONIC, the same
clock in every process of the machine) is all the benchmark needs.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import random
import resource
import threading
import time
from array import array
from multiprocessing.connection import Connection
from typing import Any

from bench.wsclient import WsClient, connect, quiet_client_gc

UPDATE_PREFIX = b'{"type":"update","seq":'
SNAPSHOT_PREFIX = b'{"type":"snapshot","seq":'
RESYNC = b'{"type":"resync"}'
SLOW_RCVBUF = 4096
PING_EVERY = 10.0  # static/live.js: PING_EVERY_MS, checked on a 1-second tick (its heartbeat interval)
PING_TICK = 1.0
PING_SLOTS = 50  # the pages' 1-second ticks, spread over the second in this many slots (20 ms)


def ping_frame() -> bytes:
    """The page's heartbeat: {"type":"ping","t":<ms since the epoch>} as a text frame."""
    return b'{"type":"ping","t":%d}' % int(time.time() * 1000)


def padding(size: int) -> str:
    """`size` characters of random text: compression cannot shrink it."""
    return base64.b64encode(os.urandom(size * 3 // 4 + 3)).decode()[:size]


def raise_nofile() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Viewer:
    __slots__ = ("client", "index", "last", "pinged", "reading", "snapshot", "stuck")

    def __init__(self, index: int) -> None:
        self.index = index
        self.client: WsClient | None = None
        self.last: int | None = None  # seq of the view; None while waiting for a snapshot
        self.snapshot: asyncio.Future[None] | None = None
        self.stuck = False
        self.reading = True
        self.pinged = 0.0  # when this viewer last sent the page's ping (0: at the next tick)


class Worker:
    def __init__(self, pipe: Connection, worker_id: int) -> None:
        self.pipe = pipe
        self.worker_id = worker_id
        self.loop = asyncio.get_running_loop()
        self.viewers: list[Viewer] = []
        self.recv: dict[int, array[float]] = {}
        self.port = 0
        self.path = "/ws/board"
        self.deflate = False
        self.reconnect = True
        self.counters: dict[str, int] = {}
        self.failures: dict[str, int] = {}
        self.done = asyncio.Event()
        self.slow = 0
        self.pings: asyncio.Task[None] | None = None

    def count(self, name: str, n: int = 1) -> None:
        self.counters[name] = self.counters.get(name, 0) + n

    # ------------------------------------------------------------------ per message
    def on_message(self, client: WsClient, payload: bytes, t: float) -> None:
        viewer: Viewer | None = client.state
        if viewer is None:
            return
        if payload.startswith(UPDATE_PREFIX):
            seq = int(payload[23 : payload.index(b",", 23)])
            times = self.recv.get(seq)
            if times is None:
                times = self.recv[seq] = array("d")
            times.append(t)
            last = viewer.last
            if last is None or seq <= last:
                return
            if seq == last + 1:
                viewer.last = seq
            else:
                self.count("gaps")
                viewer.last = None
                client.send(RESYNC)
        elif payload.startswith(SNAPSHOT_PREFIX):
            viewer.last = int(payload[25 : payload.index(b",", 25)])
            self.count("snapshots")
            if viewer.snapshot is not None and not viewer.snapshot.done():
                viewer.snapshot.set_result(None)

    def on_lost(self, client: WsClient, reason: str) -> None:
        viewer: Viewer | None = client.state
        if viewer is None or viewer.client not in (client, None):
            return  # a connection we abandoned on purpose, or an old one
        viewer.client = None
        viewer.last = None
        if viewer.snapshot is not None and not viewer.snapshot.done():
            viewer.snapshot.set_exception(ConnectionError(reason))
        elif self.reconnect:
            self.count("lost")
            self.loop.create_task(self.open(viewer, retry=True, count_as="reconnects", rcvbuf=self.rcvbuf(viewer)))

    # ------------------------------------------------------------------ connecting
    async def open(self, viewer: Viewer, retry: bool, count_as: str = "connects", rcvbuf: int | None = None) -> bool:
        """Connect one viewer and wait for its snapshot; with retry, until it works (failures counted)."""
        while True:
            viewer.snapshot = self.loop.create_future()
            try:
                client = await connect(
                    self.loop,
                    self.port,
                    self.path,
                    self.on_message,
                    on_lost=self.on_lost,
                    deflate=self.deflate,
                    rcvbuf=rcvbuf,
                    timeout=30,
                    state=viewer,
                )
                viewer.client = client
                if client.ended and not viewer.snapshot.done():  # lost before we could attach it to the viewer
                    raise ConnectionError("closed during the handshake")
                async with asyncio.timeout(30):
                    await viewer.snapshot
                self.count(count_as)
                return True
            except (OSError, TimeoutError, ConnectionError) as exc:
                name = type(exc).__name__ if not isinstance(exc, ConnectionError) or not exc.args else str(exc.args[0])
                self.failures[name] = self.failures.get(name, 0) + 1
                self.abandon(viewer)
                if not retry:
                    return False
                await asyncio.sleep(0.2 + random.random() * 0.3)

    async def ping_like_the_page(self) -> None:
        """Each open viewer whose last ping is PING_EVERY old sends one, as static/live.js does: the
        page checks on a 1-second tick of its own (a timer started when it connected), sends the first
        ping at its first tick, then one every 10 s, so the server's idle timeout (20 s) applies to the
        benchmark's viewers as it does to phones. The pages' ticks are spread over the second by when
        they connected; here viewer i ticks in slot i % PING_SLOTS of the second (until 3 December
        2026 every viewer of a worker ticked at the same instant, which sent its ~250 due pings of
        the second in one burst). A viewer that stopped reading (a phone asleep, a frozen tab) sends
        nothing."""
        slot_seconds = PING_TICK / PING_SLOTS
        slot = 0
        while True:
            await asyncio.sleep(slot_seconds)
            now = time.monotonic()
            for viewer in self.viewers[slot::PING_SLOTS]:
                client = viewer.client
                if client is not None and client.open and viewer.reading and now - viewer.pinged >= PING_EVERY:
                    viewer.pinged = now
                    client.send(ping_frame())
            slot = (slot + 1) % PING_SLOTS

    def rcvbuf(self, viewer: Viewer) -> int | None:
        return SLOW_RCVBUF if viewer.index < self.slow else None

    @staticmethod
    def abandon(viewer: Viewer) -> None:
        client, viewer.client = viewer.client, None
        if client is not None:
            client.state = None
            client.abort()

    async def cmd_connect(self, args: dict[str, Any]) -> dict[str, Any]:
        self.port, self.path, self.deflate = args["port"], args.get("path", "/ws/board"), args.get("deflate", False)
        if args.get("ping") and self.pings is None:
            self.pings = self.loop.create_task(self.ping_like_the_page())
        count, parallel = args["count"], args.get("parallel", 200)
        start = len(self.viewers)
        new = [Viewer(start + i) for i in range(count)]
        # The first `slow_fraction` viewers are phones on a poor link: a small receive buffer (set before
        # connecting, so the TCP window stays small). They read normally until told to stop.
        self.slow = round(count * args.get("slow_fraction", 0.0))
        self.viewers.extend(new)
        gate = asyncio.Semaphore(parallel)

        async def one(viewer: Viewer) -> bool:
            async with gate:
                return await self.open(viewer, retry=True, rcvbuf=self.rcvbuf(viewer))

        t0 = time.monotonic()
        results = await asyncio.gather(*(one(v) for v in new))
        quiet_client_gc()  # this worker's sockets out of its own collector's way (bench/wsclient.py)
        return {"connected": sum(results), "elapsed": time.monotonic() - t0, "failures": dict(self.failures)}

    async def cmd_blip(self, args: dict[str, Any]) -> dict[str, Any]:
        """A network blip: every connection dies at once, and every viewer reconnects at once."""
        t0 = args.get("t0") or time.monotonic()
        self.failures = {}
        for viewer in self.viewers:
            self.abandon(viewer)
        firsts: list[float] = []

        async def one(viewer: Viewer) -> None:
            await self.open(viewer, retry=True, count_as="blip_reconnects", rcvbuf=self.rcvbuf(viewer))
            firsts.append(time.monotonic())

        await asyncio.gather(*(one(v) for v in self.viewers))
        return {
            "elapsed": (max(firsts) - t0) if firsts else 0.0,
            "p50": (sorted(firsts)[len(firsts) // 2] - t0) if firsts else 0.0,
            "failures": dict(self.failures),
            "failed": sum(self.failures.values()),
            "viewers": len(self.viewers),
        }

    # ------------------------------------------------------------------ slow viewers
    def cmd_stop_reading(self, args: dict[str, Any]) -> dict[str, Any]:
        """The slow viewers (see cmd_connect) stop reading: a phone asleep, a browser tab frozen."""
        stopped = 0
        for viewer in self.viewers[: self.slow]:
            client = viewer.client
            if client is None or client.transport is None:
                continue
            client.transport.pause_reading()
            viewer.stuck = True
            viewer.reading = False
            stopped += 1
        return {"stopped": stopped}

    async def cmd_resume_reading(self, args: dict[str, Any]) -> dict[str, Any]:
        """Stuck viewers read again: those the server dropped notice it, reconnect and resync."""
        before = self.counters.get("reconnects", 0)
        stuck = [v for v in self.viewers if v.stuck]
        for viewer in stuck:
            viewer.reading = True
            viewer.stuck = False
            if viewer.client is not None and viewer.client.transport is not None:
                viewer.client.transport.resume_reading()
        # A dropped connection is only noticed once the client reads again: give them a moment first.
        started = time.monotonic()
        deadline = started + args.get("timeout", 20)
        while time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            settled = all(v.client is not None and v.client.open and v.last is not None for v in self.viewers)
            if settled and time.monotonic() - started >= args.get("settle", 2.0):
                break
        return {
            "stuck": len(stuck),
            "reconnected": self.counters.get("reconnects", 0) - before,
            "all_open": all(v.client is not None and v.client.open for v in self.viewers),
        }

    # ------------------------------------------------------------------ results
    def cmd_collect(self, args: dict[str, Any]) -> dict[str, Any]:
        recv = {seq: times.tobytes() for seq, times in self.recv.items()}
        if args.get("reset", True):
            self.recv = {}
        return {"recv": recv, "counters": dict(self.counters), "viewers": len(self.viewers)}

    def cmd_status(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "viewers": len(self.viewers),
            "open": sum(1 for v in self.viewers if v.client is not None and v.client.open),
            "synced": sum(1 for v in self.viewers if v.last is not None),
            "last_seqs": sorted({v.last for v in self.viewers if v.last is not None})[-3:],
            "counters": dict(self.counters),
        }

    def cmd_count(self, args: dict[str, Any]) -> dict[str, Any]:
        seq = args["seq"]
        times = self.recv.get(seq)
        return {"count": len(times) if times is not None else 0}

    def cmd_close(self, args: dict[str, Any]) -> dict[str, Any]:
        self.reconnect = False
        if self.pings is not None:
            self.pings.cancel()
        for viewer in self.viewers:
            self.abandon(viewer)
        self.viewers = []
        self.done.set()
        return {"closed": True}

    # ------------------------------------------------------------------ the command loop
    def read_pipe(self) -> None:
        """A thread blocks on the pipe (the event loop would make its socket non-blocking)."""
        while True:
            try:
                name, args = self.pipe.recv()
            except (EOFError, OSError):
                self.loop.call_soon_threadsafe(self.done.set)
                return
            self.loop.call_soon_threadsafe(lambda n=name, a=args: self.loop.create_task(self.run(n, a)))
            if name == "close":
                return

    async def run(self, name: str, args: dict[str, Any]) -> None:
        try:
            result = getattr(self, f"cmd_{name}")(args)
            if asyncio.iscoroutine(result):
                result = await result
        except Exception as exc:
            result = {"error": f"{type(exc).__name__}: {exc}"}
        self.pipe.send(result)


async def _main(pipe: Connection, worker_id: int) -> None:
    worker = Worker(pipe, worker_id)
    threading.Thread(target=worker.read_pipe, daemon=True).start()
    pipe.send({"ready": True})
    await worker.done.wait()
    await asyncio.sleep(0.05)


def worker_main(pipe: Connection, worker_id: int, cpus: list[int] | None = None) -> None:
    raise_nofile()
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, 0, 0)  # not the coordinator's raised priority
        if cpus:
            os.sched_setaffinity(0, cpus)
    try:
        import uvloop

        uvloop.run(_main(pipe, worker_id))
    except ImportError:
        asyncio.run(_main(pipe, worker_id))
