"""Handing the GIL to the SQLite thread while the event loop is busy.

Every database call runs on aiosqlite's one thread, which needs the GIL to pick the call up, between
SQLite's steps, and to post the result back to the loop. CPython gives the GIL to a waiting thread
when the holder blocks, or when the holder has kept it for the switch interval (5 ms) *with no switch
at all*. An event loop that is busy but well-behaved (a fan-out to 10,000 phones, sliced into 0.5 ms
pieces with `await asyncio.sleep(0)` in between) releases and retakes the GIL at every socket write
and every zero-timeout poll: each release resets that clock, the waiting thread wakes too late to take
the GIL before the loop retakes it, and it waits again (CPython's "convoy effect", bpo-7946). A
judge's score then waits for its commit for as long as the loop stays busy.

Measured on this 2-core machine by `python -m bench.gil_handoff` (one `SELECT 1` at a time against a
loop busy in 0.5 ms slices; docs/performance.md, "Judges first, round two"): as it comes, one call
took 17.9 s (asyncio's loop) and 46.7 s (uvloop); with `os.sched_yield()` at every slice boundary
(what the hub did while a command was being handled) p50 0.8–1.1 s; with a 50 µs sleep at every
slice boundary, which takes the loop off the CPU long enough for the thread to take the GIL, 1.3 ms.

So database calls are counted while they are in flight (`TrackedConnection`, the connection every
Store uses), and the loops that slice background work (`Hub.yield_to_commands`: the audience
fan-outs, the deferred rankings, the vote acks) call `hand_over()` at each slice boundary: a 50 µs
sleep while a call is in flight, nothing otherwise.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiosqlite

HANDOFF_SECONDS = 50e-6  # long enough for the waiting thread to wake and take the GIL (Linux's timer slack)

_in_flight = 0  # database calls submitted to a SQLite thread and not yet answered (every connection)


def in_flight() -> int:
    return _in_flight


def hand_over() -> None:
    """At a slice boundary of background work on the event loop: while a database call is in flight,
    sleep for an instant so that its thread can take the GIL; otherwise return at once."""
    if _in_flight:
        time.sleep(HANDOFF_SECONDS)


class TrackedConnection(aiosqlite.Connection):
    """aiosqlite's connection, counting its calls in flight. Every call of aiosqlite (its cursors'
    too) goes through `_execute`."""

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        global _in_flight
        _in_flight += 1
        try:
            return await super()._execute(fn, *args, **kwargs)
        finally:
            _in_flight -= 1


def connect(database: str | Path, **kwargs: Any) -> TrackedConnection:
    """As `aiosqlite.connect(database, **kwargs)`, with a TrackedConnection."""

    def connector() -> sqlite3.Connection:
        return sqlite3.connect(str(database), **kwargs)

    return TrackedConnection(connector, 64)
