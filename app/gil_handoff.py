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
loop busy in 0.5 ms slices; docs/performance.md, "Judges first, round two"): as it comes, single calls
took from seconds to minutes; with `os.sched_yield()` at every slice boundary (what the hub did while a
command was being handled) p50 0.15–1 s; with a ~60 µs sleep at every slice boundary, which takes the
loop off the CPU long enough for the thread to take the GIL, p50 1.2 ms.

So the store's writes (a judge's or the host's command, a vote batch, a transaction) are counted while
they wait for the SQLite thread (`waiting_for_a_write`), and the loops that slice background work
(`Hub.yield_to_commands`: the audience fan-outs, the deferred rankings, the vote acks) call
`hand_over()` at each slice boundary: a sleep of ~60 µs on Linux (HANDOFF_SECONDS plus the timer
slack) while a write waits, nothing otherwise. Reads (exports, the audit page, a backup) are not
counted: nothing on stage waits for them, and a long one would slow every fan-out while it runs.
The count is process-wide like the GIL it is about, and only the event loop's thread touches it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

HANDOFF_SECONDS = 10e-6  # asked for; Linux adds its timer slack (50 µs): ~60 µs measured on this machine

_waiting = 0  # the store's writes waiting for the SQLite thread now


def waiting() -> int:
    return _waiting


@contextlib.contextmanager
def waiting_for_a_write() -> Iterator[None]:
    """Around a write's trip to the SQLite thread (app/store.py)."""
    global _waiting
    _waiting += 1
    try:
        yield
    finally:
        _waiting -= 1


def hand_over() -> None:
    """At a slice boundary of background work on the event loop: while a write waits for the SQLite
    thread, sleep for an instant so that the thread can take the GIL; otherwise return at once."""
    if _waiting:
        time.sleep(HANDOFF_SECONDS)
