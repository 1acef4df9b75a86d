"""Listening: bind the socket before anything is created, and announce the links only once uvicorn
serves on it.

`listen()` runs first in `roadshow serve|demo`, so a port already in use is one line of error and
no database, lock, password or link has been made. uvicorn is then handed the bound socket, and
`on_ready` (the banner) runs after its start-up: the lifespan opened the event and the socket
accepts, so every link printed already works.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from typing import Any

from .cli_files import CliError


def listen(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket on host:port (port 0: the system picks one); CliError if not."""
    bare = host.strip("[]")
    family = socket.AF_INET6 if ":" in bare else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # As uvicorn does: a restart right after a stop must not wait for TIME_WAIT sockets. On Linux
        # this still refuses a port that another process is listening on.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((bare, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise CliError(_listen_error(host, port, exc)) from None
    except OverflowError:  # a port outside 0..65535
        sock.close()
        raise CliError(f"port {port} is not a valid port (0-65535)") from None
    sock.set_inheritable(True)
    return sock


def _listen_error(host: str, port: int, exc: OSError) -> str:
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} is already in use on {host}: stop whatever uses it, or pass --port with another port"
    if exc.errno == errno.EACCES:
        return f"not allowed to listen on {where} (ports below 1024 need privileges): pass --port 8000"
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return f"cannot listen on {where}: {host} is not an address of this machine (leave out --host)"
    return f"cannot listen on {where}: {exc.strerror or exc}"


def run(app: Any, sock: socket.socket, on_ready: Callable[[], None], **uvicorn_options: Any) -> None:
    """Serve `app` on the bound socket; call `on_ready` once it is serving."""
    import uvicorn

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and not self.should_exit:
                on_ready()

    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(app, host=host, port=port, **uvicorn_options)
    AnnouncingServer(config).run(sockets=[sock])
