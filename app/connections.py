"""Bounds on TCP connections before any request is read: uvicorn's HTTP protocol, guarded.

uvicorn (0.55, httptools) has no timeout for a connection that never finishes its request headers:
its keep-alive timer starts only after a response and any byte cancels it, so a slowloris client
holds a file descriptor forever by sending a header byte now and then. `GuardedHttpProtocol` adds:

- a header deadline: a request's headers must be complete within HEADER_TIMEOUT of its first byte
  (or of the connection opening), and be at most MAX_HEADER_BYTES, else 408 / 431 and the connection
  is closed;
- a body deadline: a request's body must be complete within BODY_TIMEOUT of its headers, else the
  connection is closed (408 if no response has started) -- a client trickling a body byte by byte
  would otherwise hold a busy connection, which the per-address limit cannot reclaim, forever;
- MAX_HTTP_PER_ADDRESS plain-HTTP connections per client address: one more closes that address's
  oldest connection that is not in the middle of a request (the newcomer gets in: a judge on the
  same network address as an attacker can still load a page), or is refused when all are busy;
- a process-wide cap that keeps CONNECTION_FD_RESERVE file descriptors free for the database, the
  log and backups: above it new connections are answered 503 and closed.

A connection leaves this accounting when it becomes a websocket: public sockets are then counted by
app/admission.py, judge and host sockets are bounded by their tokens. Trusted reverse proxies
(--trusted-proxy) are exempt from the per-address limit, since every client arrives from them.
Numbers: docs/security.md, "Connections, sessions and rate limits".
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .admission import open_files_limit

HEADER_TIMEOUT = 10.0  # seconds for a request's headers to arrive in full
MAX_HEADER_BYTES = 16 * 1024  # request line + headers
# The largest body (a 5 MB import) at 100 KB/s, slow venue Wi-Fi, takes 50 s.
BODY_TIMEOUT = 60.0  # seconds for a request's body to arrive in full after its headers
MAX_HTTP_PER_ADDRESS = 32  # plain-HTTP connections open at once from one client address
CONNECTION_FD_RESERVE = 64  # file descriptors never used for connections
KEEP_ALIVE_TIMEOUT = 5  # seconds an idle keep-alive connection stays open (uvicorn's timeout_keep_alive)

_REFUSED = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
_TOO_LARGE = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


class ConnectionGuard:
    """The per-address table of open plain-HTTP connections, shared by every protocol instance."""

    def __init__(self) -> None:
        # ROADSHOW_HEADER_TIMEOUT: tests shorten it to watch a slowloris connection being closed.
        self.header_timeout = _env_float("ROADSHOW_HEADER_TIMEOUT", HEADER_TIMEOUT)
        self.body_timeout = _env_float("ROADSHOW_BODY_TIMEOUT", BODY_TIMEOUT)
        self.per_address = int(_env_float("ROADSHOW_HTTP_PER_ADDRESS", MAX_HTTP_PER_ADDRESS))
        self.trusted: frozenset[str] = frozenset()
        self.by_address: dict[str, dict[GuardedHttpProtocol, None]] = {}
        self.refused = 0  # connections closed by this guard (for tests and the benchmark)

    def max_connections(self) -> int:
        return max(16, open_files_limit() - CONNECTION_FD_RESERVE)

    def admit(self, protocol: GuardedHttpProtocol, open_connections: int) -> bool:
        if open_connections > self.max_connections():
            return False
        address = protocol.address
        if address in self.trusted:
            return True
        mine = self.by_address.setdefault(address, {})
        if len(mine) >= self.per_address:
            oldest_idle = next((p for p in mine if not p.busy()), None)
            if oldest_idle is None:
                return False
            self.release(oldest_idle)
            # An idle keep-alive connection is closed silently, as servers close idle connections: a
            # browser retries a request on a reused connection that closed before any byte came back,
            # but shows a 408 as an error (20 phones behind one NAT saw module loads fail).
            oldest_idle.close_with(_TIMEOUT if oldest_idle.request_begun() else b"")
        mine[protocol] = None
        return True

    def release(self, protocol: GuardedHttpProtocol) -> None:
        mine = self.by_address.get(protocol.address)
        if mine is not None and mine.pop(protocol, 0) is None and not mine:
            del self.by_address[protocol.address]


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the guard above (passed to uvicorn as `http=`)."""

    guard: ClassVar[ConnectionGuard] = ConnectionGuard()

    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.address = self.client[0] if self.client else ""
        self._deadline: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        self._awaiting_headers = True
        if not self.guard.admit(self, len(self.connections)):
            self.guard.refused += 1
            self.close_with(_REFUSED)
            return
        self._arm()

    def request_begun(self) -> bool:
        """Some bytes of a request's headers have arrived (a keep-alive connection idle since its last
        response has none)."""
        return self._header_bytes > 0

    def busy(self) -> bool:
        """In the middle of a request (headers in, response not finished)."""
        return not self._awaiting_headers and self.cycle is not None and not self.cycle.response_complete

    def close_with(self, response: bytes) -> None:
        self._disarm()
        if not self.transport.is_closing():
            if response:
                self.transport.write(response)
            self.transport.close()

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.guard.header_timeout, self._headers_too_slow)

    def _arm_body(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.guard.body_timeout, self._body_too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _headers_too_slow(self) -> None:
        self._deadline = None
        self.guard.refused += 1
        self.guard.release(self)
        self.close_with(_TIMEOUT)

    def _body_too_slow(self) -> None:
        self._deadline = None
        self.guard.refused += 1
        self.guard.release(self)
        if self.cycle is not None and self.cycle.response_started:
            self.transport.close()  # a response is under way: no second status line
        else:
            self.close_with(_TIMEOUT)

    def data_received(self, data: bytes) -> None:
        if self._awaiting_headers:
            self._header_bytes += len(data)
        super().data_received(data)
        if self._awaiting_headers and self._header_bytes > MAX_HEADER_BYTES and not self.transport.is_closing():
            self.guard.refused += 1
            self.guard.release(self)
            self.close_with(_TOO_LARGE)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._awaiting_headers = True
        self._arm()

    def on_headers_complete(self) -> None:
        self._awaiting_headers = False
        self._header_bytes = 0
        self._arm_body()  # disarmed by on_message_complete, at once for a request without a body
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def handle_websocket_upgrade(self) -> None:
        self._disarm()
        self.guard.release(self)
        super().handle_websocket_upgrade()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self.guard.release(self)
        super().connection_lost(exc)


def trust_proxies(addresses: tuple[str, ...]) -> None:
    GuardedHttpProtocol.guard.trusted = frozenset(addresses)
