"""What a busy event loop does to a database call on aiosqlite's thread (app/gil_handoff.py).

    python -m bench.gil_handoff [--queries 20] [--loop asyncio|uvloop]

A background task keeps the loop busy the way an audience fan-out does: 0.5 ms of work, then
`await asyncio.sleep(0)`, over and over. Meanwhile `SELECT 1` runs on a Store-style connection
(aiosqlite), one after the other, each counted as a write waiting for the thread
(gil_handoff.waiting_for_a_write, as the store does), and each call's time is taken, and how many
slices the busy task got through meanwhile (what the handoff costs the fan-out it interrupts). Three ways of yielding
between the slices, in one process, one after the other:
- `as it comes`: only `await asyncio.sleep(0)`;
- `sched_yield`: `os.sched_yield()` first (what the hub did while a command was handled);
- `hand_over`: `gil_handoff.hand_over()` first (what the hub does now: a short sleep while a write
  waits for the thread).
A mode whose calls take too long stops after `--budget` seconds and says how many calls it made.
Prints one line per mode (p50 / p99 / max in ms; slices of the busy task per second).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Callable

import aiosqlite

from app import gil_handoff

SLICE_SECONDS = 0.0005


def _nothing() -> None:
    pass


MODES: dict[str, Callable[[], None]] = {
    "as it comes": _nothing,
    "sched_yield": getattr(os, "sched_yield", _nothing),
    "hand_over": gil_handoff.hand_over,
}


async def measure(before_yield: Callable[[], None], queries: int, budget: float) -> tuple[list[float], float]:
    """The calls' times, and the busy task's slices per second while they ran."""
    stop = asyncio.Event()
    slices = 0

    async def busy() -> None:
        nonlocal slices
        while not stop.is_set():
            started = time.perf_counter()
            while time.perf_counter() - started < SLICE_SECONDS:
                pass
            slices += 1
            before_yield()
            await asyncio.sleep(0)

    conn = await aiosqlite.connect(":memory:", isolation_level=None)
    worker = asyncio.create_task(busy())
    times: list[float] = []
    began = time.perf_counter()
    deadline = began + budget
    try:
        while len(times) < queries and time.perf_counter() < deadline:
            started = time.perf_counter()
            with gil_handoff.waiting_for_a_write():
                await conn.execute("SELECT 1")
            times.append(time.perf_counter() - started)
    finally:
        rate = slices / (time.perf_counter() - began)
        stop.set()
        await worker
        await conn.close()
    return times, rate


def line(name: str, times: list[float], queries: int, rate: float) -> str:
    ordered = sorted(times)
    if not ordered:
        return f"{name:12}  no call finished (busy task {rate:.0f} slices/s)"

    def at(q: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    done = "" if len(times) == queries else f"  (only {len(times)} of {queries} calls within the budget)"
    figures = f"p50 {at(0.5):9.2f} ms  p99 {at(0.99):9.2f} ms  max {1000 * ordered[-1]:9.2f} ms"
    return f"{name:12}  {figures}  busy task {rate:6.0f} slices/s{done}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per mode at most")
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), default="asyncio")
    args = parser.parse_args()
    run: Callable[..., object] = asyncio.run
    if args.loop == "uvloop":
        import uvloop

        run = uvloop.run
    busy = "a loop busy in 0.5 ms slices"
    print(f"{os.cpu_count()} CPUs, {args.loop} loop, {args.queries} calls of SELECT 1 against {busy}")
    for name, before_yield in MODES.items():
        times, rate = run(measure(before_yield, args.queries, args.budget))  # type: ignore[misc]
        print(line(name, times, args.queries, rate), flush=True)


if __name__ == "__main__":
    main()
