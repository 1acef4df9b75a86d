"""The audience vote under a burst (issue 14): N voters connected to the real server, all voting within
10 seconds, while three judges keep scoring.

    python -m bench.votes [--voters 1000 5000 10000] [--window 10] [--workers W] [--out bench/results/votes.json]

For each N, on a fresh database (the real app under uvicorn with the production options, a subprocess
on 127.0.0.1: bench/vote_server.py, which is tests/serve_for_tests.py plus the benchmark-only
/_bench/stats; the event is tests/data/vote_event.toml with two more judges):
1. N audience sockets connect to /ws/board, held by W voter worker processes (bench/voters.py; default
   one per 2,500 voters, at least 2); the host opens the vote and a project for scoring;
2. idle: each of the 3 judges submits a score every 150 ms for the length of the window (their ack
   latency: the baseline);
3. burst: every voter sends one vote at a random moment within the window while the judges keep
   scoring; reported: vote ack p50/p99/max (send to ack), votes acknowledged, the judges' ack p50/p99
   during the burst, the server's CPU seconds and memory (RSS, peak), and the server's garbage
   collections during the burst (passes per generation, the longest in the server thread's CPU time);
4. crash: the same burst again on a fresh database, and the server is killed with SIGKILL once half of
   the votes are acknowledged; the database is then opened (recovery) and every acknowledged vote
   looked up: `lost` must be 0, and the audit chain (with its vote batches) must verify.
Then, in this process, the same arrival pattern (N votes spread over the window) against the store
twice: the intake's group commit, and a naive loop that commits each vote in its own transaction
(one fsync per vote): what grouping buys.

Fair to the server: the voters' sockets are in worker processes, the judges in this one, and every
client process freezes its collector once its sockets are open and collects its oldest generations
rarely (bench/wsclient.py, quiet_client_gc): a client's own full collection would otherwise stall its
loop and be timed as the server's latency. The server keeps its shipped collector policy. As in
bench/fanout.py, the server (every thread of it) is pinned to the first CPU and the clients to the
others, the judges' process at a higher priority (nice -10) than the voters' workers (`--no-pin`: not
pinned; runs before 3 December 2026, 23:00 UTC were not).

Voter ids are signed with the event's secret read from the database, exactly as the audience page
signs them (app/voter_ids.py), instead of N page loads. The server's per-address socket limit is
raised for the run (every voter comes from 127.0.0.1); nothing else differs from production.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from app.domain.models import AudienceRules
from app.store import Store
from app.vote_intake import VoteIntake
from app.vote_store import VoteRow, VoteStore
from app.voter_ids import VoterIds
from bench.fanout import cpu_plan
from bench.server_timings import server_side
from bench.viewers import raise_nofile
from bench.voters import VoterWorkers
from bench.wsclient import quiet_client_gc
from tests.conftest import host_client, judge_client
from tests.server import RunningServer

EVENT = Path(__file__).resolve().parent.parent / "tests" / "data" / "vote_event.toml"
JUDGES = ("j1", "j2", "j3")
# Handshakes in flight at once, over all workers: one address may hold 32 plain-HTTP connections
# (app/connections.py), and every bench voter is 127.0.0.1.
HANDSHAKES_AT_ONCE = 30
JUDGE_EVERY = 0.15  # seconds between two of a judge's scores (within a judge link's 10 commands a second)
VOTERS_PER_WORKER = 2500
SETTLE = 3.0  # seconds after the host's commands (fan-outs to the whole hall) before the judges' idle phase


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(1000 * pct(values, 0.5), 2),
        "p99": round(1000 * pct(values, 0.99), 2),
        "max": round(1000 * max(values), 2) if values else float("nan"),
        "n": len(values),
    }


def proc_usage(pid: int) -> dict[str, float]:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {
        "cpu_s": (int(fields[11]) + int(fields[12])) / ticks,
        "rss_mb": int(status["VmRSS"].split()[0]) / 1024,
        "peak_mb": int(status["VmHWM"].split()[0]) / 1024,
    }


def bench_event(folder: Path) -> Path:
    """The vote test event with two more judges (three judges timed instead of one)."""
    extra = "".join(f'[[judges]]\nid = "{j}"\nname = "Judge {j}"\n\n' for j in JUDGES[1:])
    text = EVENT.read_text(encoding="utf-8").replace("[[projects]]", extra + "[[projects]]", 1)
    path = folder / "vote_bench_event.toml"
    path.write_text(text, encoding="utf-8")
    return path


class VoteServer(RunningServer):
    module = "bench.vote_server"

    def stats(self) -> dict[str, Any]:
        """The server's statistics (the collector's: app/gc_policy.py; the hub's fan-outs), and resets
        the collector's longest passes."""
        return dict(httpx.get(f"{self.base}/_bench/stats?reset_longest=1", timeout=10).json())


def fanouts_between(after: dict[str, Any], since: float) -> dict[str, Any]:
    """The audience fan-outs (to more than one socket) that started since `since` (monotonic)."""
    board = [f for f in after["fanouts"] if f[0] == "board" and f[2] >= since]
    return {"count": len(board), "send_loop_ms": ms([f[3] - f[2] for f in board])}


def collections_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        "passes": [b - a for a, b in zip(before["passes"], after["passes"], strict=True)],
        "longest_cpu_ms": [round(1000 * s, 1) for s in after["longest_cpu_seconds"]],
        "longest_wall_ms": [round(1000 * s, 1) for s in after["longest_seconds"]],
        "freezes": after["freezes"] - before["freezes"],
        "frozen_objects": after["frozen_objects"],
    }


async def judge_loop(judge: Any, until: float, out: list[float]) -> None:
    value = 50
    while time.perf_counter() < until:
        value = 101 - value  # 50, 51, 50 ...: every score changes the sheet, so it is journalled
        t0 = time.perf_counter()
        await judge.ok("submit_score", {"project": "p1", "scores": {"overall": value}})
        out.append(time.perf_counter() - t0)
        await asyncio.sleep(JUDGE_EVERY)


async def judges_score(judges: list[Any], seconds: float) -> list[float]:
    out: list[float] = []
    until = time.perf_counter() + seconds
    await asyncio.gather(*(judge_loop(j, until, out) for j in judges))
    return out


SERVER_CPUS: set[int] | None = None  # main() pins the server here (bench/fanout.py's cpu_plan), or not at all


def place(pid: int, cpus: set[int] | None) -> None:
    """Every thread of process `pid` (its SQLite thread too) on `cpus`, at the ordinary priority (it
    inherited the coordinator's raised one); threads it starts later inherit both."""
    for tid in (int(t) for t in os.listdir(f"/proc/{pid}/task")):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, tid, 0)
            if cpus:
                os.sched_setaffinity(tid, cpus)


def start_server(folder: Path, n: int, label: str) -> tuple[VoteServer, str]:
    env = {"ROADSHOW_PUBLIC_SOCKETS_PER_ADDRESS": str(n + 100), "ROADSHOW_IDLE_TIMEOUT": "3600"}
    server = VoteServer(folder / f"votes-{label}-{n}.db", bench_event(folder), extra_env=env)
    server.start()
    place(server.proc.pid, SERVER_CPUS)  # type: ignore[union-attr]
    with contextlib.closing(sqlite3.connect(server.db_path)) as conn:
        secret = conn.execute("SELECT value FROM meta WHERE key = 'session_secret'").fetchone()[0]
    return server, secret


async def prepare(server: RunningServer) -> list[Any]:
    host = await host_client(server)
    await host.ok("vote_open")
    await host.ok("start_project", {"project": "p1"})
    await host.ok("open_scoring")
    await host.close()
    return [await judge_client(server, j) for j in JUDGES]


@contextlib.asynccontextmanager
async def hall(folder: Path, n: int, label: str, workers: VoterWorkers) -> AsyncIterator[tuple[VoteServer, list[Any]]]:
    """A fresh server with N voters connected (in the workers), the vote open and the judges' project
    open for scoring."""
    server, secret = start_server(folder, n, label)
    ids = VoterIds(secret)
    voters = [ids.new() for _ in range(n)]
    w = len(workers.pipes)
    shares = [voters[i::w] for i in range(w)]
    at_once = max(1, HANDSHAKES_AT_ONCE // w)
    judges: list[Any] = []
    try:
        await workers.call("connect", [{"port": server.port, "voters": s, "at_once": at_once} for s in shares])
        judges = await prepare(server)
        server.stats()  # starts the server's loop-lag probe (bench/vote_server.py)
        quiet_client_gc()  # this process: the judges' clients
        await asyncio.sleep(SETTLE)  # the host's changes reach the whole hall before "idle" starts
        yield server, judges
    finally:
        for judge in judges:
            with contextlib.suppress(Exception):
                await judge.close()
        with contextlib.suppress(Exception):
            await workers.call("disconnect", [{} for _ in workers.pipes])
        server.stop()


def burst_args(workers: VoterWorkers, n: int, window: float, give_up: float = 30.0) -> list[dict[str, Any]]:
    w = len(workers.pipes)
    start = time.monotonic() + 0.2
    # voter number k is in worker k % w (hall() deals them out that way): its ids are b{k}
    return [
        {"start": start, "window": window, "seed": i, "first": i, "stride": w, "give_up": give_up} for i in range(w)
    ]


def merge(results: list[dict[str, Any]]) -> tuple[dict[str, float], dict[str, float], dict[str, int]]:
    sent: dict[str, float] = {}
    acked: dict[str, float] = {}
    refused: dict[str, int] = {}
    for r in results:
        sent |= r["sent"]
        acked |= r["acked"]
        for code, count in r["refused"].items():
            refused[code] = refused.get(code, 0) + count
    return sent, acked, refused


async def measured_run(folder: Path, n: int, window: float, workers: VoterWorkers) -> dict[str, Any]:
    async with hall(folder, n, "burst", workers) as (server, judges):
        idle_started = time.monotonic()
        idle = await judges_score(judges, window)
        idle_ended = time.monotonic()
        pid = server.proc.pid  # type: ignore[union-attr]
        before, stats_before = proc_usage(pid), server.stats()
        load_before, started = os.getloadavg()[0], time.monotonic()
        calls = asyncio.ensure_future(workers.call("burst", burst_args(workers, n, window)))
        during = await judges_score(judges, window + 0.2)
        burst_ended = time.monotonic()
        sent, acked, refused = merge(await calls)
        after, stats_after = proc_usage(pid), server.stats()
    timings = stats_after["timings"]
    return {
        "voters": n,
        "workers": len(workers.pipes),
        "acked": len(acked),
        "refused": refused,
        "vote_ack_ms": ms([acked[v] - sent[v] for v in acked if v in sent]),
        "judge_idle_ms": ms(idle),
        "judge_burst_ms": ms(during),
        "server_side_idle": server_side(timings, idle_started, idle_ended),
        "server_side_burst": server_side(timings, started, burst_ended),
        "server_cpu_s": round(after["cpu_s"] - before["cpu_s"], 2),
        "server_rss_mb": round(after["rss_mb"], 1),
        "server_peak_mb": round(after["peak_mb"], 1),
        "server_gc_burst": collections_between(stats_before["gc"], stats_after["gc"]),
        "audience_fanouts_burst": fanouts_between(stats_after, started),
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


async def crash_run(folder: Path, n: int, window: float, workers: VoterWorkers) -> dict[str, Any]:
    async with hall(folder, n, "crash", workers) as (server, _):
        calls = asyncio.ensure_future(workers.call("burst", burst_args(workers, n, window, give_up=10.0)))
        while workers.acked_so_far() < n // 2 and not calls.done():
            await asyncio.sleep(0.001)
        server.kill()
        _, acked, _ = merge(await calls)
    with contextlib.closing(sqlite3.connect(server.db_path)) as conn:
        stored = {vid for (vid,) in conn.execute("SELECT vote_id FROM votes")}
    async with Store.open(server.db_path) as store:
        verdict = await store.verify()
    return {
        "acked_before_kill": len(acked),
        "stored": len(stored),
        "lost": len(set(acked) - stored),
        "chain_ok": verdict.ok,
    }


async def storage_only(folder: Path, n: int, window: float, grouped: bool) -> dict[str, Any]:
    """The same arrival pattern straight into the store: the intake's group commit, or one transaction
    (and one fsync) per vote."""
    latencies: list[float] = []
    async with Store.open(folder / f"storage-{'group' if grouped else 'naive'}-{n}.db") as store:
        votes = VoteStore(store)
        await votes.load()

        async def nothing() -> None:
            await asyncio.sleep(0)

        intake = VoteIntake(votes, AudienceRules(enabled=True), lambda rows: 0, lambda row: True, nothing)
        queue: asyncio.Queue[tuple[VoteRow, float]] = asyncio.Queue()

        async def naive_writer() -> None:
            while True:
                row, sent = await queue.get()
                await votes.commit([row], time.time(), lambda r: True)
                latencies.append(time.perf_counter() - sent)
                queue.task_done()

        async def one(i: int, delay: float) -> None:
            await asyncio.sleep(delay)
            row = VoteRow(f"v{i}", f"id{i}", "event", "p1", None, f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", 0.0)
            sent = time.perf_counter()
            if grouped:
                await intake.accept(row)
                latencies.append(time.perf_counter() - sent)
            else:
                queue.put_nowait((row, sent))

        writer = asyncio.create_task(naive_writer())
        started = time.perf_counter()
        await asyncio.gather(*(one(i, random.uniform(0, window)) for i in range(n)))
        await queue.join()
        elapsed = time.perf_counter() - started
        writer.cancel()
        await intake.stop()
        batches = intake.batches if grouped else n
    return {"votes": n, "commits": batches, "all_stored_after_s": round(elapsed, 2), "ack_ms": ms(latencies)}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=0, help="voter processes (default: one per 2,500, at least 2)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--no-pin", action="store_true", help="leave the server and the clients on every CPU")
    args = parser.parse_args()
    raise_nofile()
    global SERVER_CPUS
    cpus = cpu_plan(not args.no_pin)
    if cpus["clients"]:
        # As bench/fanout.py: the server on its own CPU; the voters' workers and this process (the three
        # judges) on the others, this one at a higher priority so the judges' timings do not wait
        # behind a worker busy with its voters' acks.
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, cpus["clients"])
            os.setpriority(os.PRIO_PROCESS, 0, -10)
        SERVER_CPUS = cpus["server"]
    command = "python -m bench.votes " + " ".join(sys.argv[1:])
    report: dict[str, Any] = {"command": command, "window_s": args.window, "pinning": cpus["note"], "runs": []}
    with tempfile.TemporaryDirectory(prefix="roadshow-votes-") as tmp:
        folder = Path(tmp)
        for n in args.voters:
            workers = VoterWorkers(args.workers or max(2, -(-n // VOTERS_PER_WORKER)))
            for proc in workers.procs:
                place(proc.pid, None)  # the ordinary priority: only the judges' process is raised
            try:
                run = {"burst": await measured_run(folder, n, args.window, workers)}
                run["crash"] = await crash_run(folder, n, args.window, workers)
            finally:
                await workers.close()
            run["storage_group_commit"] = await storage_only(folder, n, args.window, grouped=True)
            run["storage_naive"] = await storage_only(folder, n, args.window, grouped=False)
            print(json.dumps(run, ensure_ascii=False), flush=True)
            report["runs"].append(run)
    report["cpu_count"] = os.cpu_count()
    if args.out:
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
