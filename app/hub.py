"""Pub/sub fan-out of view sections to connected sockets.

Each topic ("board", "host", "judge:<id>") has one pump task. Publishing merges sections into the
topic's pending update (latest wins per section), so a burst of changes costs one fan-out. The pump
gives the update the topic's next `seq`, serialises it once (orjson) and runs a plain send loop over
the topic's subscribers. A subscriber whose send does not finish within `send_timeout` (it stopped
reading) is dropped; its page reconnects and resyncs from a snapshot. Acknowledgements never go
through the hub: they are written straight to the judge's own socket, so they never wait behind an
audience fan-out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any, Protocol

import orjson

log = logging.getLogger("roadshow.hub")


class Subscriber(Protocol):
    async def send(self, data: bytes) -> None: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...


class _Topic:
    __slots__ = ("name", "pending", "pump", "seq", "subscribers", "wake")

    def __init__(self, name: str) -> None:
        self.name = name
        self.subscribers: dict[Subscriber, None] = {}  # insertion-ordered set
        self.seq = 0
        self.pending: dict[str, Any] = {}
        self.wake = asyncio.Event()
        self.pump: asyncio.Task[None] | None = None


class Hub:
    def __init__(self, send_timeout: float = 10.0) -> None:
        self.send_timeout = send_timeout
        self._topics: dict[str, _Topic] = {}
        self._closed = False
        self.dropped = 0  # subscribers dropped for not reading (exposed for tests and metrics)

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

    def add(self, name: str, subscriber: Subscriber) -> None:
        self._topic(name).subscribers[subscriber] = None

    def remove(self, name: str, subscriber: Subscriber) -> None:
        topic = self._topics.get(name)
        if topic is not None:
            topic.subscribers.pop(subscriber, None)

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
            await self._send_all(topic, data)

    async def _send_all(self, topic: _Topic, data: bytes) -> None:
        for subscriber in list(topic.subscribers):
            try:
                async with asyncio.timeout(self.send_timeout):
                    await subscriber.send(data)
            except Exception as exc:  # a dead or stuck socket must never stop the loop
                topic.subscribers.pop(subscriber, None)
                self.dropped += 1
                log.info("dropped a %s subscriber: %s", topic.name, type(exc).__name__)
                with contextlib.suppress(Exception):
                    await subscriber.close(1013, "too slow; reconnect")

    async def close(self) -> None:
        self._closed = True
        pumps = [t.pump for t in self._topics.values() if t.pump is not None]
        for pump in pumps:
            pump.cancel()
        for pump in pumps:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pump
