"""Pub/sub fan-out of view sections to connected sockets.

Each topic ("board", "host", "judge:<id>") has one pump task. Publishing merges sections into the
topic's pending update (latest wins per section), so a burst of changes costs one fan-out. The pump
gives the update the topic's next `seq`, serialises it once (orjson), frames it once as a websocket
binary frame, and offers that frame to every subscriber:

- A subscriber that can write it straight to its socket (`offer` returns WRITTEN: a uvicorn
  websockets-sansio connection, see `DirectSocket`) costs one `transport.write()`: no task switch,
  no per-client serialisation or framing.
- A subscriber that has more than `max_buffer` bytes still unsent (it stopped reading) answers
  TOO_SLOW: it is cut off at once, so it can neither hold the others nor grow memory; its page
  reconnects and resyncs from a snapshot.
- Any other subscriber (another server, a test double) answers None and gets the ordinary awaited
  `send()`, with `send_timeout`, after the direct pass.

The direct pass yields every `slice_seconds` (0.5 ms) to the event loop's other tasks, and while one
of the store's writes waits for the SQLite thread to that thread too (app/gil_handoff.py), so a
judge's command, its commit and its acknowledgement never wait for a whole audience fan-out.
Acknowledgements never go through the hub: they are written straight to the judge's own socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Protocol

import orjson

from . import gil_handoff

log = logging.getLogger("roadshow.hub")

PRIORITY_PAUSE = 0.05  # longest pause of a fan-out for a command (Hub.priority) before one more slice
SEND_BUFFER = 64 * 1024  # SO_SNDBUF for each websocket (Linux doubles it: 128 KiB of kernel buffer)

# What Subscriber.offer() answers.
WRITTEN = 1  # on its way (written to the socket, held until the snapshot is out, or the socket is already gone)
TOO_SLOW = 2  # more than max_buffer bytes still unsent: drop it


class Subscriber(Protocol):
    async def send(self, data: bytes) -> None: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...

    # Optional: `def offer(self, frame: bytes, data: bytes, max_buffer: int) -> int | None` writes the
    # pre-framed message without awaiting (see module docstring).


def binary_frame(data: bytes) -> bytes:
    """One unfragmented, unmasked (server-to-client) websocket binary frame holding `data`."""
    n = len(data)
    if n < 126:
        header = bytes((0x82, n))
    elif n < 65536:
        header = struct.pack("!BBH", 0x82, 126, n)
    else:
        header = struct.pack("!BBQ", 0x82, 127, n)
    return header + data


_sansio_class: Any = None


def _sansio_protocol_class() -> Any:
    global _sansio_class
    if _sansio_class is None:
        try:
            from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
        except Exception:  # uvicorn missing or reorganised: everything takes the ordinary path
            _sansio_class = False
        else:
            _sansio_class = WebSocketsSansIOProtocol
    return _sansio_class


class DirectSocket:
    """Writes whole websocket frames straight to the transport of a uvicorn websockets-sansio connection.

    That protocol writes every message as one complete frame in one synchronous `transport.write()`
    (its `send()` only awaits back-pressure), so no other frame can ever be half-written when we write
    ours. The ASGI `receive` callable that Starlette's WebSocket keeps is a bound method of the protocol
    object (middleware wraps `send`, never `receive`); any other server, or a protocol with an
    unexpected shape, gets None and the caller uses the ordinary ASGI path.
    """

    __slots__ = ("deflate", "protocol", "transport")

    def __init__(self, protocol: Any) -> None:
        self.protocol = protocol
        self.transport = protocol.transport
        # permessage-deflate keeps one compression context per connection: such a socket cannot take
        # the shared frame, so each message is compressed and framed by the connection's own protocol.
        self.deflate = bool(protocol.conn.extensions)
        # Cap the kernel's send buffer (Linux autotunes it up to tcp_wmem's 4 MiB for a peer that stops
        # reading): a stuck viewer then costs at most SEND_BUFFER in the kernel plus the hub's max_buffer
        # in this process before it is dropped. Every Roadshow message, snapshots included, fits easily.
        with contextlib.suppress(AttributeError, OSError):
            self.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        # The parsed upgrade request and our 101 response stay referenced for the connection's lifetime
        # (by uvicorn's protocol, and the request also by the websockets parser's generator) although
        # nothing reads them once the handshake is complete; their header objects are ~4 KiB of every
        # idle viewer (docs/performance.md). The ASGI scope keeps its own copy of the request headers.
        for message in (getattr(protocol, "request", None), getattr(protocol, "response", None)):
            with contextlib.suppress(AttributeError, TypeError):
                message.headers.clear()
        protocol.request = protocol.response = None

    @classmethod
    def for_websocket(cls, websocket: Any) -> DirectSocket | None:
        protocol = getattr(getattr(websocket, "_receive", None), "__self__", None)
        sansio = _sansio_protocol_class()
        if protocol is None or not sansio or type(protocol) is not sansio:
            return None
        if not protocol.handshake_complete or getattr(protocol, "transport", None) is None:
            return None
        return cls(protocol)

    def open(self) -> bool:
        p = self.protocol
        return not (p.close_sent or p.disconnected or p.initial_response is not None or self.transport.is_closing())

    def buffered(self) -> int:
        return self.transport.get_write_buffer_size()

    def write(self, frame: bytes, data: bytes) -> None:
        """Write one message (`frame` = binary_frame(data)); the caller has checked open()."""
        if self.deflate:
            conn = self.protocol.conn
            conn.send_binary(data)
            self.transport.write(b"".join(conn.data_to_send()))
        else:
            self.transport.write(frame)

    def abort(self) -> None:
        """Cut the connection now, discarding what is buffered (a close frame could not get through)."""
        self.transport.abort()


class _Topic:
    __slots__ = ("name", "pending", "pump", "send_seconds", "seq", "sizes", "subscribers", "wake")

    def __init__(self, name: str) -> None:
        self.name = name
        self.subscribers: dict[Subscriber, None] = {}  # insertion-ordered set
        self.seq = 0
        self.pending: dict[str, Any] = {}
        self.wake = asyncio.Event()
        self.pump: asyncio.Task[None] | None = None
        self.sizes: deque[int] = deque(maxlen=8)  # the sizes of the last frames sent
        self.send_seconds = 0.0  # how long the last fan-out took, yields to commands included


class Hub:
    def __init__(
        self,
        send_timeout: float = 10.0,
        max_buffer: int = 128 * 1024,
        slice_seconds: float = 0.0005,
        history: int = 2048,
    ) -> None:
        self.send_timeout = send_timeout  # for subscribers without a direct path
        self.max_buffer = max_buffer  # unsent bytes after which a subscriber is dropped
        self.slice_seconds = slice_seconds  # longest stretch of direct writes between two yields to the loop
        self._topics: dict[str, _Topic] = {}
        self._closed = False
        self._priority = 0  # commands being handled (see priority())
        self._no_priority = asyncio.Event()
        self._no_priority.set()
        self.dropped = 0  # subscribers dropped for not reading (exposed for tests and metrics)
        self.arrivals = 0  # subscribers ever added: a reconnect storm counts in full (app/gc_policy.py)
        self.frames = 0  # frames received from subscribers (app/routes/live.py; app/gc_policy.py counts them too)
        # Called after each subscriber is added, inside the storm (app/gc_policy.py, StormFreezer.on_arrival)
        self.on_arrival: Callable[[], None] | None = None
        # The last fan-outs to more than one subscriber (the audience), for metrics and the benchmark:
        # (topic, seq, started, finished, recipients, direct, awaited, dropped, bytes), monotonic seconds.
        self.fanouts: deque[tuple[str, int, float, float, int, int, int, int, int]] = deque(maxlen=history)

    def _topic(self, name: str) -> _Topic:
        topic = self._topics.get(name)
        if topic is None:
            topic = self._topics[name] = _Topic(name)
        return topic

    def seq(self, name: str) -> int:
        """The seq of the last update sent on the topic: a snapshot taken now is at this version."""
        return self._topic(name).seq

    def subscriber_count(self, name: str) -> int:
        topic = self._topics.get(name)
        return len(topic.subscribers) if topic else 0

    def send_seconds(self, name: str) -> float:
        """How long the topic's last fan-out took, start to finish (0.0 before the first)."""
        topic = self._topics.get(name)
        return topic.send_seconds if topic else 0.0

    def subscribers(self) -> list[Subscriber]:
        """Every subscriber of every topic (a copy: safe to iterate across awaits)."""
        return [s for topic in self._topics.values() for s in topic.subscribers]

    def subscribers_of(self, name: str) -> list[Subscriber]:
        """The subscribers of one topic (a copy)."""
        topic = self._topics.get(name)
        return list(topic.subscribers) if topic else []

    def connected(self) -> int:
        """Subscribers of every topic now."""
        return sum(len(topic.subscribers) for topic in self._topics.values())

    def add(self, name: str, subscriber: Subscriber) -> None:
        self._topic(name).subscribers[subscriber] = None
        self.arrivals += 1
        if self.on_arrival is not None:
            self.on_arrival()

    def remove(self, name: str, subscriber: Subscriber) -> None:
        topic = self._topics.get(name)
        if topic is not None:
            topic.subscribers.pop(subscriber, None)

    @contextlib.contextmanager
    def priority(self) -> Iterator[None]:
        """While inside, fan-outs pause at their next slice boundary (within slice_seconds), for at most
        PRIORITY_PAUSE at a time: wrap the handling of a judge's or the host's command, up to its
        acknowledgement, and it runs about as fast as with no audience at all (docs/performance.md)."""
        self._priority += 1
        self._no_priority.clear()
        try:
            yield
        finally:
            self._priority -= 1
            if not self._priority:
                self._no_priority.set()

    async def yield_to_commands(self) -> None:
        """Called between slices of background work (a fan-out, the deferred rankings, a vote batch's
        acks): let the SQLite thread take the GIL while one of the store's writes waits for it
        (app/gil_handoff.py: a busy loop would otherwise keep it from the thread committing a judge's
        score), and the other tasks of the event loop run; while a command is being handled
        (priority()), then wait for it, at most PRIORITY_PAUSE."""
        gil_handoff.hand_over()
        await asyncio.sleep(0)
        if self._priority:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(PRIORITY_PAUSE):
                    await self._no_priority.wait()

    @contextlib.asynccontextmanager
    async def subscribe(self, name: str, subscriber: Subscriber) -> AsyncIterator[None]:
        self.add(name, subscriber)
        try:
            yield
        finally:
            self.remove(name, subscriber)

    def publish(self, name: str, sections: dict[str, Any]) -> None:
        """Queue changed sections for the topic; the pump sends them as one `update`."""
        if not sections or self._closed:
            return
        topic = self._topic(name)
        topic.pending.update(sections)
        if topic.pump is None or topic.pump.done():
            topic.pump = asyncio.get_running_loop().create_task(self._run_pump(topic), name=f"pump:{name}")
        topic.wake.set()

    async def _run_pump(self, topic: _Topic) -> None:
        while not self._closed:
            await topic.wake.wait()
            topic.wake.clear()
            if not topic.pending:
                continue
            sections, topic.pending = topic.pending, {}
            topic.seq += 1
            data = orjson.dumps({"type": "update", "seq": topic.seq, "server_now": time.time(), "sections": sections})
            try:
                await self._send_all(topic, topic.seq, data)
            except Exception:  # never let one bad fan-out stop the topic
                log.exception("fan-out of %s seq %d failed", topic.name, topic.seq)

    async def _send_all(self, topic: _Topic, seq: int, data: bytes) -> None:
        started = time.monotonic()
        frame = binary_frame(data)
        # A socket is too slow once more than max_buffer is still unsent or, while this topic carries very
        # large updates, more than four of them (a page that reads may well be an update or two behind,
        # the last large one still draining).
        topic.sizes.append(len(frame))
        max_buffer = max(self.max_buffer, 4 * max(topic.sizes))
        slice_seconds, clock = self.slice_seconds, time.perf_counter
        subscribers = list(topic.subscribers)
        awaited: list[Subscriber] = []
        dropped = 0  # of the direct pass
        deadline = clock() + slice_seconds
        for i, subscriber in enumerate(subscribers):
            if not i & 15 and clock() >= deadline:
                await self.yield_to_commands()
                deadline = clock() + slice_seconds
            offer = getattr(subscriber, "offer", None)
            try:
                result = offer(frame, data, max_buffer) if offer is not None else None
            except Exception as exc:  # one broken socket must never stop the fan-out
                dropped += 1
                self._drop(topic, subscriber, type(exc).__name__)
                continue
            if result is None:
                awaited.append(subscriber)
            elif result == TOO_SLOW:
                dropped += 1
                self._drop(topic, subscriber, "buffer full")
        direct = len(subscribers) - len(awaited) - dropped
        if awaited:
            results = await asyncio.gather(*(self._send_awaited(s, data) for s in awaited))
            for subscriber, error in zip(awaited, results, strict=True):
                if error is not None:
                    dropped += 1
                    self._drop(topic, subscriber, error)
        finished = time.monotonic()
        topic.send_seconds = finished - started
        if len(subscribers) > 1:
            self.fanouts.append(
                (topic.name, seq, started, finished, len(subscribers), direct, len(awaited), dropped, len(frame))
            )

    async def _send_awaited(self, subscriber: Subscriber, data: bytes) -> str | None:
        try:
            async with asyncio.timeout(self.send_timeout):
                await subscriber.send(data)
        except Exception as exc:  # a dead or stuck socket must never stop the fan-out
            return type(exc).__name__
        return None

    def _drop(self, topic: _Topic, subscriber: Subscriber, why: str) -> None:
        if subscriber in topic.subscribers:
            del topic.subscribers[subscriber]
            self.dropped += 1
            log.info("dropped a %s subscriber: %s", topic.name, why)
        # close() of a stuck socket aborts it (a close frame could not get through); never awaited here
        task = asyncio.get_running_loop().create_task(subscriber.close(1013, "too slow; reconnect"))
        task.add_done_callback(_ignore_result)

    def stats(self) -> dict[str, Any]:
        return {
            "dropped": self.dropped,
            "topics": {name: {"seq": t.seq, "subscribers": len(t.subscribers)} for name, t in self._topics.items()},
            "fanouts": list(self.fanouts),
        }

    async def close(self) -> None:
        self._closed = True
        pumps = [t.pump for t in self._topics.values() if t.pump is not None]
        for pump in pumps:
            pump.cancel()
        for pump in pumps:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pump


def _ignore_result(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()
