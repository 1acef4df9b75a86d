"""Where a judge's command spent its time inside the benchmark server (bench/roadshow_server.py's
`instrument()`): the wait for the event loop after its bytes arrived, the whole time up to its ack,
the durable append in it, the vote batches' trips to the SQLite thread, the event loop's lags, and the
slowest commands with what overlapped them. Used by bench/votes.py and bench/fanout.py."""

from __future__ import annotations

import math
from typing import Any


def ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def pct(q: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2) if ordered else math.nan

    top = round(1000 * ordered[-1], 2) if ordered else math.nan
    return {"p50": pct(0.5), "p99": pct(0.99), "max": top, "n": len(values)}


def between(entries: list[list[float]], since: float, until: float) -> list[list[float]]:
    return [e for e in entries if since <= e[0] < until]


def server_side(timings: dict[str, Any], since: float, until: float) -> dict[str, Any]:
    """Where the judges' commands spent their time inside the server between `since` and `until`
    (monotonic): waiting for the event loop after their bytes arrived, and in total up to the ack
    written; the durable append in them, the vote batches' trips to the SQLite thread, and the event
    loop's lags over 2 ms."""
    commands = between(timings["judge_commands"], since, until)
    lags = [lag for _, lag in between(timings["loop_lag"], since, until)]
    return {
        "judge_wait_ms": ms([handled - received for received, handled, _ in commands]),
        "judge_total_ms": ms([done - received for received, _, done in commands]),
        "judge_store_append_ms": ms([d for _, d in between(timings["store_append"], since, until)]),
        "vote_write_batch_ms": ms([d for _, d in between(timings["vote_write_batch"], since, until)]),
        "loop_lags_over_2ms": {"count": len(lags), "max_ms": round(1000 * max(lags, default=0.0), 1)},
        "slowest_judge_commands": [slow_command(timings, c) for c in sorted(commands, key=lambda c: c[2] - c[0])[-5:]],
    }


def slow_command(timings: dict[str, Any], command: list[float]) -> dict[str, Any]:
    """One judge command's time inside the server and what overlapped it (ms)."""
    received, handled, done = command

    def inside(name: str) -> list[float]:
        return [round(1000 * d, 2) for t, d in timings.get(name, []) if t < done and t + d > received]

    return {
        "wait": round(1000 * (handled - received), 2),
        "total": round(1000 * (done - received), 2),
        "live_execute": inside("live_execute"),
        "store_append": inside("store_append"),
        "vote_write_batch": inside("vote_write_batch"),
        "loop_lag": inside("loop_lag"),
        "gc_full": inside("gc_full"),
    }
