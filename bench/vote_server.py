"""The vote burst's server (bench/votes.py): the test server's real app with the production uvicorn
options (tests/serve_for_tests.py), plus the benchmark-only GET /_bench/stats of bench/roadshow_server.py
(the garbage collector's passes, the hub's fan-outs), on 127.0.0.1 only.

    python -m bench.vote_server DB PORT PASSWORD EVENT_FILE

It also times, in this benchmark server only, where a judge's score spends its time inside the server,
so the report can tell the server's part of a judge's ack from the clients' (they share the machine):
- `judge_commands`: (received, handled, done) per command, monotonic seconds: when the frame's bytes
  reached the websocket protocol (data_received), when its handler started (the wait in between is the
  event loop's other ready work), when the ack was written to the socket;
- `live_execute` / `store_append` (bench/roadshow_server.py's TIMINGS) and `vote_write_batch`: a vote
  batch's trip to the SQLite thread;
- `loop_lag`: (at, lag) whenever a 1 ms sleep of a probe task overslept by more than 2 ms.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from app import gc_policy
from app.live import LiveEvent
from app.routes import live as live_routes
from app.store import Store
from bench.roadshow_server import TIMINGS, _timed_async, stats
from tests.serve_for_tests import app_from_argv, serve

TIMINGS["vote_write_batch"] = deque(maxlen=4096)
TIMINGS["judge_commands"] = deque(maxlen=4096)
TIMINGS["loop_lag"] = deque(maxlen=4096)
LAG_PROBE_SECONDS = 0.001
LAG_REPORTED = 0.002


def _stamp_received(original: Any) -> Any:
    def data_received(self: Any, data: bytes) -> None:
        self.bench_received = time.monotonic()
        original(self, data)

    return data_received


def _timed_command(original: Any) -> Any:
    async def run_command(live: Any, conn: Any, command: Any, language: str) -> None:
        handled = time.monotonic()
        protocol = getattr(conn._direct, "protocol", None)
        received = getattr(protocol, "bench_received", handled)
        await original(live, conn, command, language)
        TIMINGS["judge_commands"].append((received, handled, time.monotonic()))

    return run_command


async def lag_probe() -> None:
    while True:
        t0 = time.monotonic()
        await asyncio.sleep(LAG_PROBE_SECONDS)
        lag = time.monotonic() - t0 - LAG_PROBE_SECONDS
        if lag > LAG_REPORTED:
            TIMINGS["loop_lag"].append((t0, lag))


PROBES: set[asyncio.Task[None]] = set()


async def stats_then_reset(request: Request) -> Response:
    """bench/roadshow_server.py's statistics; with ?reset_longest=1 the collector's longest passes start
    again from zero after this answer (so the next answer's are those of the phase in between)."""
    if not PROBES:
        PROBES.add(asyncio.get_running_loop().create_task(lag_probe()))
    answer = await stats(request)
    if request.query_params.get("reset_longest"):
        for longest in (gc_policy.STATS.longest, gc_policy.STATS.longest_cpu):
            longest[:] = [0.0, 0.0, 0.0]
    return answer


def main() -> None:
    WebSocketsSansIOProtocol.data_received = _stamp_received(WebSocketsSansIOProtocol.data_received)  # type: ignore[method-assign]
    live_routes._run_command = _timed_command(live_routes._run_command)  # type: ignore[attr-defined]
    LiveEvent.execute = _timed_async("live_execute", LiveEvent.execute)  # type: ignore[method-assign]
    Store.append = _timed_async("store_append", Store.append)  # type: ignore[method-assign]
    Store.write_batch = _timed_async("vote_write_batch", Store.write_batch)  # type: ignore[method-assign]
    app, port = app_from_argv()
    app.router.routes[:0] = [Route("/_bench/stats", stats_then_reset)]
    serve(app, port)


if __name__ == "__main__":
    main()
