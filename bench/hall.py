"""The benchmark's `hall` condition (bench/fanout.py --conditions hall): as hard as a real hall.

- Every viewer (bench/viewers.py) and every control client (projector, host, judges) sends the page's
  ping every 10 s (static/live.js), and the server keeps its real idle timeout (20 s), so the sweeper
  and the pongs are part of the load and a client that the benchmark forgets to keep alive is closed,
  as a phone would be.
- The server is started with the open-files limit this benchmark was started with (its own raised
  limit is not inherited) and raises it itself, as `roadshow serve` does (app/admission.py).
- The first fan-outs right after a connection storm are measured: right after the N viewers have
  connected (no pause, no warm-up), and right after all of them reconnected at once (the blip). That
  is when the collector has the most new objects to look at (app/gc_policy.py).

This module holds the pieces of that condition: the control clients' ping, the storm phases and
their summary (with the collector's passes during them), and their table in the report.
"""

from __future__ import annotations

import asyncio
import math
import resource
from typing import TYPE_CHECKING, Any

from bench.server_timings import server_side
from bench.viewers import PING_EVERY, ping_frame

if TYPE_CHECKING:
    from bench.fanout import Control, Run

# Before the coordinator raises its own limit (bench.viewers.raise_nofile): what a server started from
# this shell would get.
OPEN_FILES_AT_START = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
STORM_PHASES = ("after_storm", "after_blip")


async def ping_controls(controls: list[Control | None]) -> None:
    """The page's heartbeat for the coordinator's clients: one ping each, then every PING_EVERY."""
    await asyncio.sleep(1.0)
    while True:
        for control in controls:
            if control is not None and control.client is not None and control.client.open:
                control.client.send(ping_frame())
        await asyncio.sleep(PING_EVERY)


async def storm_ticks(run: Run, phase: str, count: int) -> None:
    """`count` isolated score submissions, the first at once: each waits until every viewer has it."""
    for _ in range(count):
        await run.ensure_free(1)
        sub = await run.submit(run.pick(), phase, "A")
        if sub is not None:
            await run.wait_all_received(await run.update_seq_of(sub), run.expected, timeout=60)
        await asyncio.sleep(0.02)


def storm_summary(run: Run, timings: dict[str, Any]) -> dict[str, Any]:
    """Per storm phase: the last viewer's latency (the first fan-out alone, and p50/p99/max), the judges'
    acknowledgements (each, in order, and inside the server: bench/server_timings.py), and the
    collector's full passes that started during the phase."""
    from bench.fanout import summary_ms

    gc_full = timings.get("gc_full", [])

    run.number_submissions()
    out: dict[str, Any] = {}
    for phase in STORM_PHASES:
        subs = [s for s in run.submissions if s.phase == phase]
        if not subs:
            continue
        last = []
        for sub in subs:
            times = run.recv.get(sub.update_seq) if sub.update_seq is not None else None
            if times is not None and len(times):
                last.append(max(times) - sub.sent)
        start, end = min(s.sent for s in subs), max(s.sent for s in subs) + max(last, default=0.0)
        during = [d for t, d in gc_full if start <= t <= end]
        out[phase] = {
            "submissions": len(subs),
            "first_last_viewer_ms": last[0] * 1e3 if last else math.nan,
            "last_viewer_ms": summary_ms(last),
            "ack_ms": summary_ms([s.acked - s.sent for s in subs]),
            "acks_in_order_ms": [round((s.acked - s.sent) * 1e3, 2) for s in subs],
            "in_server": server_side(timings, start, end) if "judge_commands" in timings else None,
            "gc_full_passes": len(during),
            "gc_full_longest_ms": max(during, default=0.0) * 1e3,
        }
    return out


def _f(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def markdown(configs: list[dict[str, Any]]) -> list[str]:
    """The storm phases and the collector, for the Roadshow configurations that have them."""
    rows = [c for c in configs if c.get("storms") or c.get("gc")]
    if not rows:
        return []
    lines = [
        "",
        "**Right after a connection storm, and the garbage collector** (Roadshow; ms; *first*: the first "
        "fan-out after the storm alone; GC: the server's passes over the whole configuration, per generation "
        "0/1/2: count, longest, and longest in the server thread's CPU time (what a pass costs without the waits "
        "of a busy machine); *objects/viewer*: objects the collector tracks per connected viewer; "
        "*frozen*: objects in the collector's permanent generation at the end; "
        "*lost*: viewer connections that ended without the benchmark closing them):",
        "",
        "| N | condition | after connect: first | p50 | p99 | max | ack p99 | after reconnect: first | p50 | p99 "
        "| max | ack p99 | full GC in storms | GC passes 0/1/2 | longest 0/1/2 | CPU 0/1/2 | objects/viewer | frozen "
        "| open files | lost |",
        "|" + "---|" * 20,
    ]
    for c in rows:
        cells = [f"{c['viewers']:,}", c.get("condition", "warm")]
        for phase in STORM_PHASES:
            p = c.get("storms", {}).get(phase)
            if p is None:
                cells += ["–"] * 5
                continue
            lv = p["last_viewer_ms"]
            cells += [
                _f(p["first_last_viewer_ms"]),
                _f(lv["p50"]),
                _f(lv["p99"]),
                _f(lv["max"]),
                _f(p["ack_ms"]["p99"], 2),
            ]
        storms = c.get("storms", {})
        in_storms = sum(p["gc_full_passes"] for p in storms.values())
        longest = max((p["gc_full_longest_ms"] for p in storms.values()), default=0.0)
        cells.append(f"{in_storms}, {_f(longest, 0)} ms" if storms else "–")
        gc = c.get("gc") or {}
        cells.append("/".join(str(n) for n in gc.get("passes", [])) or "–")
        cells.append("/".join(_f(s * 1e3, 1) for s in gc.get("longest_seconds", [])) or "–")
        cells.append("/".join(_f(s * 1e3, 1) for s in gc.get("longest_cpu_seconds", [])) or "–")
        cells.append(_f(c.get("memory", {}).get("tracked_objects_per_viewer"), 0))
        cells.append(f"{gc.get('frozen_objects', 0):,}" if gc else "–")
        files = c.get("open_files") or {}
        cells.append(f"{files.get('started_with', '–')} → {files.get('serving_with', '–')}")
        cells.append(str(c.get("viewers_lost", "–")))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return lines
