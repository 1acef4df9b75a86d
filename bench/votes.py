"""The audience vote under a burst (issue 14): N voters connected to the real server, all voting within
10 seconds, while a judge keeps scoring.

    python -m bench.votes [--voters 1000 5000 10000] [--window 10] [--out bench/results/votes.json]

For each N, on a fresh database (the real app under uvicorn with the production options, a subprocess
on 127.0.0.1, tests/serve_for_tests.py; the event is tests/data/vote_event.toml):
1. N audience sockets connect to /ws/board; the host opens the vote and a project for scoring;
2. idle: the judge submits a score every 150 ms for 3 s (its ack latency: the baseline);
3. burst: every voter sends one vote at a random moment within the window, the judge keeps scoring;
   reported: vote ack p50/p99/max (send to ack), votes acknowledged, the judge's ack p50/p99 during
   the burst, the server's CPU seconds and memory (RSS, peak);
4. crash: the same burst again on a fresh database, and the server is killed with SIGKILL once half of
   the votes are acknowledged; the database is then opened (recovery) and every acknowledged vote
   looked up: `lost` must be 0, and the audit chain (with its vote batches) must verify.
Then, in this process, the same arrival pattern (N votes spread over the window) against the store
twice: the intake's group commit, and a naive loop that commits each vote in its own transaction
(one fsync per vote): what grouping buys.

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
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson

from app.domain.models import AudienceRules
from app.store import Store
from app.vote_intake import VoteIntake
from app.vote_store import VoteRow, VoteStore
from app.voter_ids import VoterIds
from bench.viewers import raise_nofile
from bench.wsclient import WsClient, connect
from tests.conftest import host_client, judge_client
from tests.server import RunningServer

EVENT = Path(__file__).resolve().parent.parent / "tests" / "data" / "vote_event.toml"
# Handshakes in flight at once: one address may hold 32 plain-HTTP connections (app/connections.py),
# and every bench voter is 127.0.0.1.
HANDSHAKES_AT_ONCE = 30
JUDGE_EVERY = 0.15  # seconds between two of the judge's scores (within a judge link's 10 commands a second)


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


class Voters:
    """N board sockets, one vote each; the ack time of every vote."""

    def __init__(self, count: int, secret: str) -> None:
        ids = VoterIds(secret)
        self.voters = [ids.new() for _ in range(count)]
        self.clients: list[WsClient] = []
        self.sent: dict[str, float] = {}
        self.acked: dict[str, float] = {}
        self.refused: dict[str, int] = {}
        self.opened = 0
        self.failed: list[str] = []

    def on_message(self, client: WsClient, payload: bytes, t: float) -> None:
        if b'"ack"' not in payload[:24]:
            return
        message = orjson.loads(payload)
        if message.get("ok"):
            self.acked[message["id"]] = t
        else:
            code = message.get("error", {}).get("code", "?")
            self.refused[code] = self.refused.get(code, 0) + 1

    def on_open(self, client: WsClient) -> None:
        self.opened += 1

    def on_lost(self, client: WsClient, reason: str) -> None:
        if not client.open:  # the handshake failed: say why rather than wait for it
            self.failed.append(reason)

    async def connect(self, port: int) -> None:
        loop = asyncio.get_running_loop()
        for start in range(0, len(self.voters), HANDSHAKES_AT_ONCE):
            batch = range(start, min(start + HANDSHAKES_AT_ONCE, len(self.voters)))
            self.clients += await asyncio.gather(
                *(
                    connect(loop, port, "/ws/board", self.on_message, on_open=self.on_open, on_lost=self.on_lost)
                    for _ in batch
                )
            )
            while self.opened < len(self.clients):
                if self.failed:
                    raise RuntimeError(f"{len(self.failed)} sockets refused: {self.failed[0]}")
                await asyncio.sleep(0.01)

    def burst(self, window: float, choices: tuple[str, ...] = ("p1", "p2", "p3")) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        for i, (client, voter) in enumerate(zip(self.clients, self.voters, strict=True)):
            vid = f"b{i}"
            frame = orjson.dumps({"type": "vote", "id": vid, "voter": voter, "choice": choices[i % len(choices)]})
            loop.call_at(start + random.uniform(0, window), self._send, client, vid, frame)

    def _send(self, client: WsClient, vid: str, frame: bytes) -> None:
        self.sent[vid] = time.monotonic()  # the clock WsClient stamps messages with
        client.send(frame)

    def latencies(self) -> list[float]:
        return [self.acked[v] - self.sent[v] for v in self.acked if v in self.sent]

    def close(self) -> None:
        for client in self.clients:
            client.abort()


async def judge_loop(judge: Any, until: float, out: list[float]) -> None:
    value = 50
    while time.perf_counter() < until:
        value = 101 - value  # 50, 51, 50 ...: every score changes the sheet, so it is journalled
        t0 = time.perf_counter()
        await judge.ok("submit_score", {"project": "p1", "scores": {"overall": value}})
        out.append(time.perf_counter() - t0)
        await asyncio.sleep(JUDGE_EVERY)


def start_server(folder: Path, n: int, label: str) -> tuple[RunningServer, str]:
    env = {"ROADSHOW_PUBLIC_SOCKETS_PER_ADDRESS": str(n + 100), "ROADSHOW_IDLE_TIMEOUT": "3600"}
    server = RunningServer(folder / f"votes-{label}-{n}.db", EVENT, extra_env=env)
    server.start()
    with contextlib.closing(sqlite3.connect(server.db_path)) as conn:
        secret = conn.execute("SELECT value FROM meta WHERE key = 'session_secret'").fetchone()[0]
    return server, secret


async def prepare(server: RunningServer) -> Any:
    host = await host_client(server)
    await host.ok("vote_open")
    await host.ok("start_project", {"project": "p1"})
    await host.ok("open_scoring")
    await host.close()
    return await judge_client(server, "j1")


@contextlib.asynccontextmanager
async def hall(folder: Path, n: int, label: str) -> AsyncIterator[tuple[RunningServer, Voters, Any]]:
    """A fresh server with N voters connected, the vote open and the judge's project open for scoring."""
    server, secret = start_server(folder, n, label)
    voters = Voters(n, secret)
    try:
        await voters.connect(server.port)
        judge = await prepare(server)
        try:
            yield server, voters, judge
        finally:
            with contextlib.suppress(Exception):
                await judge.close()
    finally:
        voters.close()
        server.stop()


async def measured_run(folder: Path, n: int, window: float) -> dict[str, Any]:
    async with hall(folder, n, "burst") as (server, voters, judge):
        idle: list[float] = []
        await judge_loop(judge, time.perf_counter() + 3.0, idle)
        pid = server.proc.pid  # type: ignore[union-attr]
        before = proc_usage(pid)
        during: list[float] = []
        started = time.perf_counter()
        voters.burst(window)
        await judge_loop(judge, started + window, during)
        deadline = time.perf_counter() + 30
        while len(voters.acked) + sum(voters.refused.values()) < n and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        after = proc_usage(pid)
    return {
        "voters": n,
        "acked": len(voters.acked),
        "refused": voters.refused,
        "vote_ack_ms": ms(voters.latencies()),
        "judge_idle_ms": ms(idle),
        "judge_burst_ms": ms(during),
        "server_cpu_s": round(after["cpu_s"] - before["cpu_s"], 2),
        "server_rss_mb": round(after["rss_mb"], 1),
        "server_peak_mb": round(after["peak_mb"], 1),
    }


async def crash_run(folder: Path, n: int, window: float) -> dict[str, Any]:
    async with hall(folder, n, "crash") as (server, voters, _):
        voters.burst(window)
        while len(voters.acked) < n // 2:
            await asyncio.sleep(0.001)
        server.kill()
        acked = set(voters.acked)
    with contextlib.closing(sqlite3.connect(server.db_path)) as conn:
        stored = {vid for (vid,) in conn.execute("SELECT vote_id FROM votes")}
    async with Store.open(server.db_path) as store:
        verdict = await store.verify()
    return {"acked_before_kill": len(acked), "stored": len(stored), "lost": len(acked - stored), "chain_ok": verdict.ok}


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
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    raise_nofile()
    report: dict[str, Any] = {"window_s": args.window, "runs": []}
    with tempfile.TemporaryDirectory(prefix="roadshow-votes-") as tmp:
        folder = Path(tmp)
        for n in args.voters:
            run = {"burst": await measured_run(folder, n, args.window)}
            run["crash"] = await crash_run(folder, n, args.window)
            run["storage_group_commit"] = await storage_only(folder, n, args.window, grouped=True)
            run["storage_naive"] = await storage_only(folder, n, args.window, grouped=False)
            print(json.dumps(run, ensure_ascii=False), flush=True)
            report["runs"].append(run)
    report["cpu_count"] = os.cpu_count()
    if args.out:
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
