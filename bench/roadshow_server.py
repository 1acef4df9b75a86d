"""The real Roadshow server for the benchmark: the real app, the real SQLite store, uvicorn with the
production options (app.cli.UVICORN_OPTIONS).

    python -m bench.roadshow_server DB PORT [--deflate] [--warm]

The event (bench/event.py) is created on first start; the host login key comes from
ROADSHOW_BENCH_LOGIN_KEY. Two benchmark-only routes are added, on 127.0.0.1 only:
- GET /_bench/stats: the hub's record of its last fan-outs (app/hub.py), the garbage collector's passes
  (app/gc_policy.py), the open-files limit and this process' pid;
- GET /_bench/publish?size=S&count=C: C board updates of S bytes of random text, one fan-out each, through
  the real hub (used to fill the buffers of viewers that stopped reading).
Like `roadshow serve`, the server raises its own open-files limit (app/admission.py) from whatever
it was started with, and keeps the production idle timeout (20 s: the benchmark's viewers send the
page's 10-second ping). `--warm` is the previous benchmark's condition: an idle timeout of an hour,
for viewers that do not ping. `instrument()` (also used by bench/vote_server.py) times, in the
benchmark server only, where a judge's score spends its time, so the report can tell the server's part
of a judge's ack from the clients' (they share the machine): LiveEvent.execute, Store.append,
Store.write_batch (a vote batch), LiveEvent.refresh and LiveEvent._later_step (two clock reads each);
`judge_commands`: (received, handled, done) per command, when its frame's bytes reached the websocket
protocol (data_received), when its handler started (the wait in between is the event loop's other
ready work), when the ack was written; `loop_lag`: (at, lag) whenever a 1 ms sleep of a probe task
overslept by more than 2 ms (bench/server_timings.py reads them).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import importlib
import os
import resource
import sys
import time
from collections import deque
from typing import Any

import orjson
import uvicorn
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from app import gc_policy
from app.admission import raise_open_files_limit
from app.cli import UVICORN_OPTIONS
from app.config import Settings
from app.connections import GuardedHttpProtocol
from app.live import LiveEvent
from app.routes import live as live_routes
from app.setup import prepare
from app.store import Store
from app.web import DOCUMENT_MODULES, create_app
from bench.event import bench_event_text
from bench.viewers import padding

# Where a score's time goes before its fan-out starts: the whole command (LiveEvent.execute), and in it
# the durable append (SQLite commit, fsync) and the recomputation of the sections it touched
# (LiveEvent.refresh); then each step of the deferred recomputation of the ranked sections, after the
# acknowledgement (LiveEvent._later_step). Timed here, in the benchmark server only.
TIMINGS: dict[str, deque[tuple[float, float]]] = {
    "live_execute": deque(maxlen=4096),
    "store_append": deque(maxlen=4096),
    "live_refresh": deque(maxlen=4096),
    "live_refresh_later": deque(maxlen=4096),
}
OPEN_FILES: dict[str, int] = {}
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


def instrument() -> None:
    """Time a judge's command inside the server (received, handled, acked), the durable appends, the
    vote batches and LiveEvent's steps (TIMINGS); the loop-lag probe starts with the first /_bench/stats."""
    WebSocketsSansIOProtocol.data_received = _stamp_received(WebSocketsSansIOProtocol.data_received)  # type: ignore[method-assign]
    live_routes._run_command = _timed_command(live_routes._run_command)  # type: ignore[attr-defined]
    LiveEvent.execute = _timed_async("live_execute", LiveEvent.execute)  # type: ignore[method-assign]
    Store.append = _timed_async("store_append", Store.append)  # type: ignore[method-assign]
    Store.write_batch = _timed_async("vote_write_batch", Store.write_batch)  # type: ignore[method-assign]
    LiveEvent.refresh = _timed("live_refresh", LiveEvent.refresh)  # type: ignore[method-assign]
    LiveEvent._later_step = _timed("live_refresh_later", LiveEvent._later_step)  # type: ignore[method-assign]




def _timed_async(name: str, func: Any) -> Any:
    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.monotonic()
        try:
            return await func(*args, **kwargs)
        finally:
            TIMINGS[name].append((t0, time.monotonic() - t0))

    return wrapper


def _timed(name: str, func: Any) -> Any:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.monotonic()
        try:
            return func(*args, **kwargs)
        finally:
            TIMINGS[name].append((t0, time.monotonic() - t0))

    return wrapper


async def stats(request: Request) -> Response:
    hub = request.app.state.hub
    if not PROBES:  # the event loop's lags from now on
        PROBES.add(asyncio.get_running_loop().create_task(lag_probe()))
    timings = {name: list(values) for name, values in TIMINGS.items()}
    timings["gc_full"] = list(gc_policy.STATS.full)  # the garbage collector's full (generation 2) passes
    collector = gc_policy.STATS.as_dict()
    if request.query_params.get("objects"):  # walks the heap: only between measurements
        collector["tracked_objects"] = len(gc.get_objects()) + gc.get_freeze_count()
    extra = {"pid": os.getpid(), "timings": timings, "gc": collector, "open_files": OPEN_FILES}
    return Response(orjson.dumps(hub.stats() | extra), media_type="application/json")


async def publish(request: Request) -> Response:
    hub = request.app.state.hub
    size = int(request.query_params.get("size", "1024"))
    count = int(request.query_params.get("count", "1"))
    seqs = []
    for i in range(count):
        hub.publish("board", {"bench_padding": {"i": i, "pad": padding(size)}})
        target = hub.seq("board") + 1
        while not any(f[0] == "board" and f[1] >= target for f in list(hub.fanouts)[-16:]):
            await asyncio.sleep(0.001)
        seqs.append(target)
    return Response(orjson.dumps({"seqs": seqs}), media_type="application/json")


async def _never(*args: Any) -> None:
    await asyncio.Event().wait()


class _NoFreezer:
    """In place of gc_policy.StormFreezer for `--gc default`: never freezes, never collects."""

    def __init__(self, *args: Any) -> None:
        pass

    def on_arrival(self) -> None:
        pass

    async def run(self) -> None:
        await _never()


def start_with_the_shells_open_files_limit() -> None:
    """The coordinator raised its own limit, which this process inherited: go back to the limit of the
    shell that started the benchmark (ROADSHOW_BENCH_NOFILE), so the server's own raise is what counts."""
    wanted = os.environ.get("ROADSHOW_BENCH_NOFILE", "")
    if wanted.isdigit():
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(int(wanted), hard), hard))


def main() -> None:
    db, port = sys.argv[1], int(sys.argv[2])
    deflate = "--deflate" in sys.argv[3:]
    warm = "--warm" in sys.argv[3:]
    start_with_the_shells_open_files_limit()
    before, after = raise_open_files_limit()  # as `roadshow serve` does (app/cli.py)
    OPEN_FILES.update(started_with=before, serving_with=after)
    print(f"open-files limit: {after} (soft limit was {before})", flush=True)
    prepared = asyncio.run(prepare(db, bench_event_text(), host_password="bench-host-password"))
    settings = Settings(
        db_path=db,
        secret=prepared.secret,
        host_login_key=os.environ["ROADSHOW_BENCH_LOGIN_KEY"],
        **({"idle_timeout": 3600.0} if warm else {}),
    )
    instrument()
    if os.environ.get("ROADSHOW_BENCH_GC") == "default":  # for comparison: CPython's collector as it comes
        gc_policy.install = lambda: gc.callbacks.append(gc_policy.STATS.callback)  # statistics only
        gc_policy.StormFreezer = _NoFreezer  # type: ignore[assignment,misc]
        gc_policy.freeze = lambda: None  # nor after the document modules are warmed (app/web.py)
    # The document modules (openpyxl, numpy) are imported by the server soon after start-up, once
    # connections stop arriving (app/web.py); here before it, so the memory measured per viewer is the
    # viewers' and not those modules'.
    for name in DOCUMENT_MODULES:
        importlib.import_module(name)
    app = create_app(settings)
    # Every benchmark viewer connects from 127.0.0.1: lift the per-address limits meant for a hall
    # of phones (app/admission.py, app/connections.py), and nothing else.
    app.state.admission.per_address = 1_000_000
    GuardedHttpProtocol.guard.per_address = 1_000_000
    app.router.routes[:0] = [Route("/_bench/stats", stats), Route("/_bench/publish", publish)]
    profile = os.environ.get("ROADSHOW_BENCH_PROFILE")  # a file: profile the whole server run (cProfile)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    try:
        uvicorn.run(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            **(UVICORN_OPTIONS | {"ws_per_message_deflate": deflate}),
        )
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)


if __name__ == "__main__":
    main()
