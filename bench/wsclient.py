"""A minimal websocket client as an asyncio Protocol: cheap enough that thousands fit in one process.

The handshake is written by hand, server frames are parsed in place (they are never masked and our
servers never fragment), and client frames use the all-zero mask key (legal: RFC 6455 only asks the
key to be unpredictable, and no server checks it), so sending costs no XOR. With `deflate=True` the
client offers permessage-deflate and inflates compressed messages with one context per connection.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import os
import socket
import struct
import time
import zlib
from collections.abc import Callable
from typing import Any

ZERO_MASK = b"\x00\x00\x00\x00"
# The client processes' own collector (stated in docs/performance.md): what is alive once the sockets
# are open is frozen and the older generations are collected rarely, so that a full pass over
# thousands of client sockets never stalls a client's loop and is timed as the server's latency. The
# server keeps its shipped policy (app/gc_policy.py).
CLIENT_GC_THRESHOLDS = (50_000, 50, 1000)
_monotonic = time.monotonic


def client_frame(payload: bytes, opcode: int = 0x1) -> bytes:
    n = len(payload)
    if n < 126:
        return bytes((0x80 | opcode, 0x80 | n)) + ZERO_MASK + payload
    if n < 65536:
        return struct.pack("!BBH", 0x80 | opcode, 0xFE, n) + ZERO_MASK + payload
    return struct.pack("!BBQ", 0x80 | opcode, 0xFF, n) + ZERO_MASK + payload


def handshake_request(path: str, host: str, deflate: bool, headers: dict[str, str] | None = None) -> bytes:
    # What a phone's browser sends (Chrome on Android), so the server holds as much per connection as
    # it would in the hall. Browsers always offer permessage-deflate; `deflate` decides whether the
    # client can take compressed frames (the server only compresses if it is configured to).
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}",
        "Connection: Upgrade",
        "Pragma: no-cache",
        "Cache-Control: no-cache",
        "User-Agent: Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36",
        "Upgrade: websocket",
        f"Origin: http://{host}",
        "Sec-WebSocket-Version: 13",
        "Accept-Encoding: gzip, deflate",
        "Accept-Language: zh-CN,zh;q=0.9,en;q=0.8",
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
    ]
    if deflate:
        lines.append("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def quiet_client_gc() -> None:
    """For a benchmark client process, once its sockets are open (CLIENT_GC_THRESHOLDS)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*CLIENT_GC_THRESHOLDS)


class WsClient(asyncio.Protocol):
    """Calls on_message(client, payload, t_received) for every text/binary message; on_open(client)
    after the 101; on_lost(client, reason) once when the connection ends (or the handshake fails)."""

    def __init__(
        self,
        request: bytes,
        on_message: Callable[[WsClient, bytes, float], None],
        on_open: Callable[[WsClient], None] | None = None,
        on_lost: Callable[[WsClient, str], None] | None = None,
    ) -> None:
        self.request = request
        self.on_message = on_message
        self.on_open = on_open
        self.on_lost = on_lost
        self.transport: asyncio.Transport | None = None
        self.open = False
        self.buf = b""
        self.inflater: Any = None
        self.close_code: int | None = None
        self.ended = False
        self.state: Any = None  # free for the owner (e.g. the viewer's last seq)

    # ---------------------------------------------------------------- asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        # Fast path: exactly one whole, uncompressed, small text/binary frame (almost every update).
        if self.open and not self.buf and len(data) >= 2 and data[0] in (0x81, 0x82):
            length = data[1]
            if length < 126 and len(data) == length + 2:
                self.on_message(self, data[2:], _monotonic())
                return
            if length == 126 and len(data) >= 4 and len(data) == ((data[2] << 8) | data[3]) + 4:
                self.on_message(self, data[4:], _monotonic())
                return
        if not self.open:
            data = self.buf + data
            end = data.find(b"\r\n\r\n")
            if end < 0:
                self.buf = data
                return
            head = data[:end]
            if not head.startswith(b"HTTP/1.1 101"):
                status = head.split(b"\r\n", 1)[0].decode(errors="replace")
                self._end(f"handshake: {status}")
                assert self.transport is not None
                self.transport.abort()
                return
            if b"permessage-deflate" in head.lower():
                self.inflater = zlib.decompressobj(wbits=-15)
            self.open = True
            self.buf = b""
            if self.on_open is not None:
                self.on_open(self)
            data = data[end + 4 :]
            if not data:
                return
        self._frames(data)

    def _frames(self, data: bytes) -> None:
        if self.buf:
            data = self.buf + data
            self.buf = b""
        pos, n = 0, len(data)
        while n - pos >= 2:
            b0, length = data[pos], data[pos + 1] & 0x7F
            head = 2
            if length == 126:
                if n - pos < 4:
                    break
                length = (data[pos + 2] << 8) | data[pos + 3]
                head = 4
            elif length == 127:
                if n - pos < 10:
                    break
                length = int.from_bytes(data[pos + 2 : pos + 10], "big")
                head = 10
            end = pos + head + length
            if end > n:
                break
            payload = data[pos + head : end]
            pos = end
            opcode = b0 & 0x0F
            if b0 & 0x40:
                payload = self.inflater.decompress(payload + b"\x00\x00\xff\xff")
            if opcode == 0x1 or opcode == 0x2:
                self.on_message(self, payload, _monotonic())
            elif opcode == 0x8:
                self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
                if self.transport is not None and not self.transport.is_closing():
                    self.transport.write(client_frame(payload[:2], 0x8))
                    self.transport.close()
                return
            elif opcode == 0x9:
                self.send(payload, 0xA)
        if pos < n:
            self.buf = data[pos:]

    def connection_lost(self, exc: Exception | None) -> None:
        self._end("lost" if self.open else f"handshake: {type(exc).__name__ if exc else 'closed'}")

    def _end(self, reason: str) -> None:
        if not self.ended:
            self.ended = True
            self.open_was = self.open
            self.open = False
            if self.on_lost is not None:
                self.on_lost(self, reason)

    # ---------------------------------------------------------------- use
    def send(self, payload: bytes, opcode: int = 0x1) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(client_frame(payload, opcode))

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()


async def connect(
    loop: asyncio.AbstractEventLoop,
    port: int,
    path: str,
    on_message: Callable[[WsClient, bytes, float], None],
    *,
    deflate: bool = False,
    headers: dict[str, str] | None = None,
    on_open: Callable[[WsClient], None] | None = None,
    on_lost: Callable[[WsClient, str], None] | None = None,
    rcvbuf: int | None = None,
    timeout: float = 30.0,
    state: Any = None,
) -> WsClient:
    """Open the TCP connection and send the upgrade request (the 101 arrives later: see on_open)."""
    host = f"127.0.0.1:{port}"
    request = handshake_request(path, host, deflate, headers)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    try:
        async with asyncio.timeout(timeout):
            await loop.sock_connect(sock, ("127.0.0.1", port))
            _, protocol = await loop.create_connection(
                lambda: _client(request, on_message, on_open, on_lost, state), sock=sock
            )
    except BaseException:
        sock.close()
        raise
    return protocol


def _client(request: bytes, on_message: Any, on_open: Any, on_lost: Any, state: Any) -> WsClient:
    client = WsClient(request, on_message, on_open, on_lost)
    client.state = state
    return client
