"""The fan-out benchmark: thousands of live screens, 30 judges, Roadshow against two baselines.

    python -m bench.fanout                      # the full run (docs/performance.md)
    python -m bench.fanout --quick              # a few hundred viewers, seconds (CI: tests/test_bench_quick.py)
    python -m bench.fanout --sizes 1000 --compression off --servers roadshow

For every viewer count N and compression setting it starts each server in turn (the real Roadshow
server, then the baselines of bench/baselines.py), always fresh, pinned to CPU 0, and:

1. connects the control clients (projector, host, 30 judges); measures the judges' acknowledgement
   latency with no viewers (pairs of submissions: A, then B a random moment later);
2. connects N board viewers, spread over worker processes (bench/viewers.py) pinned to the other CPUs,
   and reads the server's RSS (/proc/PID/status) idle and after the first broadcast;
3. latency: isolated score submissions; for each, every viewer's arrival time minus the judge's send
   time (one clock: CLOCK_MONOTONIC), and the server's own send-loop end (its /_bench/stats);
4. judges under load: the A/B pairs again, B landing while A's fan-out is under way;
5. a network blip: every viewer's connection dies and all reconnect at once;
6. slow viewers: a few percent stop reading while C large updates go out; RSS sampled throughout.

Reach (received ÷ expected) is computed for every broadcast. Results go to a JSON file and a
Markdown summary on stdout.

Two conditions (--conditions): `hall`, as hard as a real hall (every viewer and control client sends
the page's ping every 10 s against the server's real 20-s idle timeout; the server starts with this
shell's open-files limit and raises it itself, as `roadshow serve` does; the first fan-outs right after
the viewers' connection storm and after the reconnect storm are measured, see bench/hall.py), and
`warm`, the earlier benchmark's (no pings, an idle timeout of an hour, measured after a warm-up).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import http.client
import itertools
import math
import multiprocessing
import os
import platform
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from bench.event import JUDGES, bench_event_text
from bench.hall import OPEN_FILES_AT_START, ping_controls, storm_summary, storm_ticks
from bench.hall import markdown as hall_markdown
from bench.server_timings import server_side
from bench.viewers import raise_nofile, worker_main
from bench.wsclient import WsClient, connect

ROOT = Path(__file__).resolve().parent.parent
SERVERS = ("roadshow", "websockets", "starlette")
CONDITIONS = {
    "hall": "a real hall (pings every 10 s, the 20-s idle timeout, the server's own open-files limit, "
    "measured right after the connection storms)",
    "warm": "warmed up (no pings, an idle timeout of an hour, measured after a warm-up), as in earlier runs",
}
LABELS = {
    "roadshow": "Roadshow",
    "websockets": "websockets.broadcast()",
    "starlette": "naive Starlette loop",
}


# ============================================================================ small helpers
def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 50) * 1e3,
        "p99": percentile(values, 99) * 1e3,
        "max": (max(values) * 1e3) if values else math.nan,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tcp_memory_kib() -> int:
    """Memory in every TCP socket buffer of the machine (kernel; /proc/net/sockstat counts pages)."""
    with open("/proc/net/sockstat") as f:
        for line in f:
            if line.startswith("TCP:"):
                fields = line.split()
                return int(fields[fields.index("mem") + 1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    return 0


def machine() -> dict[str, Any]:
    model = platform.processor() or ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with contextlib.suppress(OSError), open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    versions = {}
    for package in ("uvicorn", "websockets", "starlette", "uvloop", "httptools", "orjson", "aiosqlite"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "versions": versions,
        "somaxconn": Path("/proc/sys/net/core/somaxconn").read_text().strip(),
    }


# ============================================================================ servers
_running: set[subprocess.Popen[bytes]] = set()
GC_POLICY = ["roadshow"]  # --gc default: the Roadshow server keeps CPython's collector as it comes


@atexit.register
def _kill_leftovers() -> None:
    for proc in list(_running):
        if proc.poll() is None:
            proc.kill()


class Server:
    """One server process (Roadshow or a baseline) on a free 127.0.0.1 port, pinned to `cpus`."""

    def __init__(self, kind: str, deflate: bool, workdir: Path, cpus: set[int] | None, warm: bool = False) -> None:
        self.kind = kind
        self.deflate = deflate
        self.warm = warm
        self.workdir = workdir
        self.cpus = cpus
        self.port = free_port()
        self.db = workdir / f"{kind}-{self.port}.db"
        self.login_key = os.urandom(12).hex()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = workdir / f"{kind}-{self.port}.log"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        if self.kind == "roadshow":
            args = [sys.executable, "-m", "bench.roadshow_server", str(self.db), str(self.port)]
        else:
            args = [sys.executable, "-m", "bench.baselines", self.kind, str(self.port)]
        if self.deflate:
            args.append("--deflate")
        if self.warm and self.kind == "roadshow":
            args.append("--warm")
        env = os.environ | {"ROADSHOW_BENCH_LOGIN_KEY": self.login_key, "PYTHONUNBUFFERED": "1"}
        # This process raised its own open-files limit (for its control clients), which a child inherits:
        # the server starts with the limit this shell gave the benchmark, and raises it itself.
        env["ROADSHOW_BENCH_NOFILE"] = str(OPEN_FILES_AT_START)
        env["ROADSHOW_BENCH_GC"] = GC_POLICY[0]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        _running.add(self.proc)
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self.proc.pid, 0)  # not the coordinator's raised priority
            if self.cpus:
                os.sched_setaffinity(self.proc.pid, self.cpus)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                self.get("/_bench/stats")
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.kind} server did not start:\n{self.log.read_text()[-3000:]}")

    def request(self, path: str, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def get(self, path: str, timeout: float = 10.0) -> Any:
        status, _, body = self.request(path, timeout)
        if status != 200:
            raise http.client.HTTPException(f"{path}: {status}")
        return orjson.loads(body)

    def host_cookie(self) -> str:
        status, headers, _ = self.request(f"/host/login?key={self.login_key}")
        assert status == 303, status
        return headers["set-cookie"].split(";", 1)[0]

    def judge_tokens(self) -> dict[str, str]:
        with contextlib.closing(sqlite3.connect(self.db)) as conn:
            return dict(conn.execute("SELECT judge, token FROM judge_tokens").fetchall())

    def rss(self) -> int:
        return rss_kib(self.pid)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        _running.discard(self.proc)  # type: ignore[arg-type]


# ============================================================================ control clients
class Control:
    """A protocol client in the coordinator (projector, host, judge, echo): decodes every frame."""

    def __init__(self, name: str, record_updates: bool = False) -> None:
        self.name = name
        self.record_updates = record_updates
        self.client: WsClient | None = None
        self.waiting: dict[str, asyncio.Future[tuple[float, dict[str, Any]]]] = {}
        self.updates: list[tuple[float, int, dict[str, Any]]] = []
        self.snapshot: dict[str, Any] | None = None
        self._snapshot_future: asyncio.Future[None] | None = None
        self._next: asyncio.Future[float] | None = None
        self._ids = 0
        self.first_showing: dict[tuple[Any, int], int] = {}  # (project, k) -> first update with submitted >= k
        self.shown: dict[Any, int] = {}  # project -> highest `submitted` seen

    async def open(self, port: int, path: str, headers: dict[str, str] | None = None, raw: bool = False) -> Control:
        loop = asyncio.get_running_loop()
        self._snapshot_future = loop.create_future()
        opened = loop.create_future()
        self.client = await connect(
            loop,
            port,
            path,
            self.on_message,
            headers=headers,
            on_open=lambda c: opened.done() or opened.set_result(None),
            on_lost=lambda c, why: opened.done() or opened.set_exception(ConnectionError(why)),
        )
        async with asyncio.timeout(30):
            await opened
            if not raw:
                await self._snapshot_future
        return self

    def on_message(self, client: WsClient, payload: bytes, t: float) -> None:
        if self._next is not None and not self._next.done():
            self._next.set_result(t)
            return
        message = orjson.loads(payload)
        kind = message.get("type")
        if kind == "ack":
            future = self.waiting.pop(message.get("id"), None)
            if future is not None and not future.done():
                future.set_result((t, message))
        elif kind == "update":
            if self.record_updates:
                self.updates.append((t, message["seq"], message["sections"]))
                progress = message["sections"].get("progress")
                if progress and progress.get("project") is not None:
                    project, submitted = progress["project"], int(progress.get("submitted", 0))
                    for k in range(self.shown.get(project, 0) + 1, submitted + 1):
                        self.first_showing[(project, k)] = message["seq"]
                    self.shown[project] = max(self.shown.get(project, 0), submitted)
        elif kind == "snapshot":
            self.snapshot = message
            if self._snapshot_future is not None and not self._snapshot_future.done():
                self._snapshot_future.set_result(None)

    async def command(self, cmd: str, args: dict[str, Any]) -> tuple[float, float, dict[str, Any]]:
        """Send one command; returns (sent, acknowledged, ack) with monotonic times."""
        assert self.client is not None
        self._ids += 1
        cid = f"{self.name}-{self._ids}-{os.urandom(3).hex()}"
        future = asyncio.get_running_loop().create_future()
        self.waiting[cid] = future
        payload = orjson.dumps({"type": "cmd", "id": cid, "cmd": cmd, "args": args})
        sent = time.monotonic()
        self.client.send(payload)
        async with asyncio.timeout(60):
            acked, ack = await future
        return sent, acked, ack

    async def echo(self, payload: bytes) -> float:
        assert self.client is not None
        self._next = asyncio.get_running_loop().create_future()
        sent = time.monotonic()
        self.client.send(payload, 0x2)
        async with asyncio.timeout(10):
            received = await self._next
        self._next = None
        return received - sent

    def close(self) -> None:
        if self.client is not None:
            self.client.abort()


# ============================================================================ viewer workers
class Workers:
    """The viewer worker processes, driven over pipes."""

    def __init__(self, count: int, cpus: list[int] | None) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.pipes = []
        self.procs = []
        for i in range(count):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=worker_main, args=(child, i, cpus), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)
        for pipe in self.pipes:
            assert pipe.recv().get("ready")
        self.lock = threading.Lock()

    def _call_all(self, name: str, args: list[dict[str, Any]]) -> list[dict[str, Any]]:
        with self.lock:
            for pipe, a in zip(self.pipes, args, strict=True):
                pipe.send((name, a))
            results = [pipe.recv() for pipe in self.pipes]
        for r in results:
            if "error" in r:
                raise RuntimeError(f"viewer worker: {name}: {r['error']}")
        return results

    async def call(self, name: str, args: dict[str, Any] | list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        per = args if isinstance(args, list) else [dict(args or {}) for _ in self.pipes]
        return await asyncio.get_running_loop().run_in_executor(None, self._call_all, name, per)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._call_all("close", [{} for _ in self.pipes])
        for proc in self.procs:
            proc.join(5)
            if proc.is_alive():
                proc.kill()


# ============================================================================ one configuration
@dataclass
class Plan:
    viewers: int
    deflate: bool
    workers: int
    latency_ticks: int
    ack_ticks: int
    stuck_fraction: float
    stuck_payload: int
    stuck_count: int
    slow_with_compression: bool = False
    blip: bool = True
    hall: bool = False  # the real hall's conditions (see the module docstring)
    storm_ticks: int = 10  # fan-outs measured right after each connection storm (hall only)


@dataclass
class Submission:
    phase: str
    label: str
    judge: int
    project: Any
    sent: float
    acked: float
    ack_seq: int
    k: int = 0  # the k-th accepted submission on its project: the board shows progress.submitted == k
    update_seq: int | None = None


@dataclass
class Run:
    kind: str
    plan: Plan
    server: Server
    workers: Workers | None = None
    projector: Control | None = None
    host: Control | None = None
    judges: list[Control] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    recv: dict[int, array[float]] = field(default_factory=dict)  # update seq -> every viewer's arrival time
    results: dict[str, Any] = field(default_factory=dict)
    projects: list[Any] = field(default_factory=list)
    project_index: int = -1
    scored: set[int] = field(default_factory=set)
    unable: set[tuple[Any, int]] = field(default_factory=set)
    scores: dict[str, float] = field(default_factory=dict)
    expected: int = 0  # viewers that must receive each broadcast (0 until they are connected)
    worker_cpu: float = 0.0  # CPU seconds of the viewer workers, read before they exit
    by_project: dict[Any, list[Submission]] = field(default_factory=dict)
    pinger: asyncio.Task[None] | None = None  # the control clients' ping (hall condition)

    # ---------------------------------------------------------------- scoring rounds
    @property
    def project(self) -> Any:
        return self.projects[self.project_index] if self.kind == "roadshow" else "p01"

    async def ensure_free(self, need: int) -> None:
        """Roadshow: move to the next project (host: start, open scoring) when too few judges are left."""
        if self.kind != "roadshow":
            return
        free = [j for j in range(len(self.judges)) if j not in self.scored and (self.project, j) not in self.unable]
        if self.project_index >= 0 and len(free) >= need:
            return
        assert self.host is not None
        steps: list[tuple[str, dict[str, Any]]] = [("close_scoring", {})] if self.project_index >= 0 else []
        self.project_index += 1
        if self.project_index >= len(self.projects):
            raise RuntimeError("the benchmark ran out of projects to score")
        steps += [("start_project", {"project": self.project}), ("open_scoring", {})]
        for cmd, args in steps:
            _, _, ack = await self.host.command(cmd, args)
            assert ack["ok"], ack
        self.scored = set()
        await self.settle()

    async def settle(self) -> None:
        """Wait until the board is quiet again (e.g. after a project change, which is several updates):
        every viewer has the last update the projector has seen, and no other followed it."""
        assert self.projector is not None
        while True:
            await asyncio.sleep(0.05)
            if not self.projector.updates:
                return
            last = self.projector.updates[-1][1]
            if self.expected:
                await self.wait_all_received(last, self.expected, timeout=60)
            await asyncio.sleep(0.05)
            if self.projector.updates[-1][1] == last:
                return

    def pick(self) -> int:
        if self.kind != "roadshow":
            return random.randrange(len(self.judges))
        free = [j for j in range(len(self.judges)) if j not in self.scored and (self.project, j) not in self.unable]
        judge = random.choice(free)
        self.scored.add(judge)
        return judge

    async def submit(self, judge: int, phase: str, label: str) -> Submission | None:
        project = self.project
        sent, acked, ack = await self.judges[judge].command(
            "submit_score", {"project": project, "scores": self.scores, "comment": "benchmark"}
        )
        if not ack.get("ok"):
            self.unable.add((project, judge))
            return None
        sub = Submission(phase, label, judge, project, sent, acked, int(ack.get("seq") or 0))
        self.submissions.append(sub)
        self.by_project.setdefault(project, []).append(sub)
        return sub

    # ---------------------------------------------------------------- waiting for the viewers
    async def wait_all_received(self, seq: int, expected: int, timeout: float = 20.0) -> float:
        """Poll the workers until `expected` viewers have update `seq`; returns when that was seen."""
        deadline = time.monotonic() + timeout
        assert self.workers is not None
        got = 0
        while time.monotonic() < deadline:
            got = sum(r["count"] for r in await self.workers.call("count", {"seq": seq}))
            if got >= expected:
                return time.monotonic()
            await asyncio.sleep(0.02)  # not too often: every poll costs the viewer workers a little
        status = await self.workers.call("status")
        counters = _merge([r["counters"] for r in status])
        phase = self.submissions[-1].phase if self.submissions else "-"
        raise TimeoutError(
            f"only {got} of {expected} viewers received seq {seq} within {timeout}s (phase {phase}; "
            f"open {sum(r['open'] for r in status)}, synced {sum(r['synced'] for r in status)}; {counters})"
        )

    async def update_seq_of(self, sub: Submission, timeout: float = 20.0) -> int:
        """Wait until the projector has the update that carries `sub`; return its seq. Cheap on purpose:
        this process timestamps the projector's and the judges' frames, so it must not keep its CPU busy
        while a fan-out is arriving."""
        assert self.projector is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # k: the submission's rank in the server's commit order (ack seq) among its project's
            k = 1 + sum(1 for s in self.by_project.get(sub.project, ()) if s.ack_seq < sub.ack_seq)
            seq = self.projector.first_showing.get((sub.project, k))
            if seq is not None:
                return seq
            await asyncio.sleep(0.002)
        raise TimeoutError(f"the projector never showed submission {sub}")

    def number_submissions(self) -> None:
        """Give every submission its k and the seq of the update that first showed it."""
        assert self.projector is not None
        for subs in self.by_project.values():
            for k, sub in enumerate(sorted(subs, key=lambda s: s.ack_seq), start=1):
                sub.k = k
                sub.update_seq = self.projector.first_showing.get((sub.project, k))

    async def collect(self) -> None:
        assert self.workers is not None
        for result in await self.workers.call("collect", {"reset": True}):
            for seq, raw in result["recv"].items():
                times = array("d")
                times.frombytes(raw)
                self.recv.setdefault(seq, array("d")).extend(times)


def machine_busy_seconds() -> float:
    """CPU seconds spent by the whole machine (all CPUs, everything but idle and iowait)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += cpu_seconds(pid)
    return total


async def run_config(kind: str, plan: Plan, workdir: Path, cpus: dict[str, Any], scores: dict[str, float]) -> dict:
    server = Server(kind, plan.deflate, workdir, cpus["server"], warm=not plan.hall)
    server.start()
    run = Run(kind, plan, server, scores=scores)
    out: dict[str, Any] = {"server": kind, "viewers": plan.viewers, "compression": plan.deflate}
    out["condition"] = "hall" if plan.hall else "warm"
    # Other work on the machine during this configuration: everything the CPUs did that was not this
    # benchmark's processes (the server, the viewer workers, this coordinator).
    busy0, t0 = machine_busy_seconds(), time.monotonic()
    ours0 = tree_cpu_seconds([os.getpid(), server.pid])
    try:
        await _run_phases(run, out, cpus)
        ours = tree_cpu_seconds([os.getpid(), server.pid]) - ours0 + run.worker_cpu
        elapsed = time.monotonic() - t0
        out["other_load"] = {
            "seconds": elapsed,
            "other_cpu_s": max(0.0, machine_busy_seconds() - busy0 - ours),
            "other_cpu_share": max(0.0, machine_busy_seconds() - busy0 - ours) / (elapsed * (os.cpu_count() or 1)),
        }
    finally:
        if run.pinger is not None:
            run.pinger.cancel()
        for control in [run.projector, run.host, *run.judges]:
            if control is not None:
                control.close()
        if run.workers is not None:
            run.workers.close()
        server.stop()
    return out


async def _run_phases(run: Run, out: dict[str, Any], cpus: dict[str, Any]) -> None:
    plan, server, kind = run.plan, run.server, run.kind
    port = server.port
    phases: dict[str, float] = {}
    out["phase_seconds"] = phases
    clock = [time.monotonic()]

    def phase(name: str) -> None:
        now = time.monotonic()
        phases[name] = round(now - clock[0], 2)
        clock[0] = now

    # ---- control clients: the projector first (it is the first subscriber of the board topic)
    run.projector = await Control("projector", record_updates=True).open(port, "/ws/board")
    if kind == "roadshow":
        run.host = await Control("host").open(port, "/ws/host", headers={"Cookie": server.host_cookie()})
        tokens = server.judge_tokens()
        paths = [f"/ws/judge/{tokens[f'j{i}']}" for i in range(1, JUDGES + 1)]
        assert run.projector.snapshot is not None
        run.projects = [p["id"] for p in run.projector.snapshot["sections"]["projects"]]
    else:
        paths = [f"/ws/judge/j{i}" for i in range(1, JUDGES + 1)]
    run.judges = [await Control(f"judge{i + 1}").open(port, path) for i, path in enumerate(paths)]
    if plan.hall:  # the page's ping, from the projector, the host and every judge too
        run.pinger = asyncio.create_task(ping_controls([run.projector, run.host, *run.judges]))

    phase("controls")
    # ---- judges' acknowledgements with no viewers: A, then B once A has its answer (A's typical
    # acknowledgement time from 5 single submissions) plus up to 20 ms. Half now and half once the
    # viewers have gone (a command costs more as the event holds more scores: the views are recomputed
    # whole), so that on average they see the same event as the pairs measured during fan-outs.
    single = []
    for _ in range(5):
        await run.ensure_free(1)
        sub = await run.submit(run.pick(), "single", "A")
        if sub is not None:
            single.append(sub.acked - sub.sent)
        await asyncio.sleep(0.02)
    d0 = percentile(single, 50)
    await ack_pairs(run, "ack_idle", plan.ack_ticks // 2, (d0, d0 + 0.02), expected=0)

    phase("ack_idle")
    # ---- N viewers
    run.workers = Workers(plan.workers, cpus["clients"])
    rss0 = server.rss()
    objects0 = await asyncio.get_running_loop().run_in_executor(None, server.get, "/_bench/stats?objects=1")
    share = [plan.viewers // plan.workers + (1 if i < plan.viewers % plan.workers else 0) for i in range(plan.workers)]
    t0 = time.monotonic()
    connected = await run.workers.call(
        "connect",
        [
            {
                "port": port,
                "count": n,
                "deflate": plan.deflate,
                "parallel": 100,
                "slow_fraction": plan.stuck_fraction,
                "ping": plan.hall,
            }
            for n in share
        ],
    )
    connect_seconds = time.monotonic() - t0
    n_connected = sum(r["connected"] for r in connected)
    run.expected = n_connected
    objects = await asyncio.get_running_loop().run_in_executor(None, server.get, "/_bench/stats?objects=1")
    if plan.hall:  # right after the storm, before anything settles
        await storm_ticks(run, "after_storm", plan.storm_ticks)
    await asyncio.sleep(2.0)
    rss_idle = server.rss()
    out["connect"] = {
        "connected": n_connected,
        "seconds": connect_seconds,
        "failures": _merge([r["failures"] for r in connected]),
    }

    phase("connect")
    # ---- the first broadcast, then the memory again
    await run.ensure_free(1)
    first = await run.submit(run.pick(), "first", "A")
    assert first is not None
    await run.wait_all_received(await run.update_seq_of(first), n_connected)
    await asyncio.sleep(1.0)
    rss_first = server.rss()
    out["memory"] = {
        "rss_before_viewers_kib": rss0,
        "rss_idle_kib": rss_idle,
        "rss_after_first_broadcast_kib": rss_first,
        "per_idle_viewer_kib": (rss_idle - rss0) / max(1, n_connected),
        "per_viewer_after_first_broadcast_kib": (rss_first - rss0) / max(1, n_connected),
    }
    if "gc" in objects and "tracked_objects" in objects["gc"]:  # what the collector has to walk per viewer
        tracked = objects["gc"]["tracked_objects"] - objects0["gc"]["tracked_objects"]
        out["memory"]["tracked_objects_per_viewer"] = tracked / max(1, n_connected)

    phase("first_broadcast")
    # ---- warm-up: how long until every viewer has a score (sets the pace of the next phases)
    spans, acks = [], []
    for _ in range(5):
        await run.ensure_free(1)
        sub = await run.submit(run.pick(), "warmup", "A")
        assert sub is not None
        spans.append(await run.wait_all_received(await run.update_seq_of(sub), n_connected) - sub.sent)
        acks.append(sub.acked - sub.sent)
        await asyncio.sleep(0.05)
    # A judge's B submission is sent between A's acknowledgement and the moment every viewer has A's
    # score, i.e. while A's fan-out is under way.
    delays = (percentile(acks, 50), max(percentile(acks, 50) + 0.001, min(spans)))
    out["pace"] = {"warmup_all_received_s": spans, "warmup_ack_s": acks, "b_delay_s": delays}

    phase("warmup")
    # ---- latency: isolated submissions (each once every viewer has the one before)
    cpu0 = cpu_seconds(server.pid)
    for _ in range(plan.latency_ticks):
        await run.ensure_free(1)
        sub = await run.submit(run.pick(), "latency", "A")
        if sub is not None:
            await run.wait_all_received(await run.update_seq_of(sub), n_connected)
        await asyncio.sleep(0.02 + random.random() * 0.01)
    out["server_cpu_s_latency_phase"] = cpu_seconds(server.pid) - cpu0

    phase("latency")
    # ---- judges under load: B lands while A's fan-out is under way
    ack_load_started = time.monotonic()
    await ack_pairs(run, "ack_load", plan.ack_ticks, delays, expected=n_connected)
    await asyncio.sleep(0.2)
    await run.collect()
    run.number_submissions()
    stats = await asyncio.get_running_loop().run_in_executor(None, server.get, "/_bench/stats")
    out.update(analyse(run, stats, n_connected))
    if "timings" in stats:
        # (start, duration) of each call; split by whether it started during a fan-out to the viewers
        big = [(f[2], f[3]) for f in stats["fanouts"] if f[0] == "board" and f[4] >= max(2, n_connected * 0.9)]
        out["score_path_ms"] = {}
        out["server_side"] = server_side(stats["timings"], 0.0, math.inf)
        out["server_side_ack_load"] = server_side(stats["timings"], ack_load_started, math.inf)
        lags = [(round(t - ack_load_started, 3), round(1000 * d, 1)) for t, d in stats["timings"]["loop_lag"]]
        out["loop_lags_ack_load"] = sorted((x for x in lags if x[0] >= 0), key=lambda x: -x[1])[:20]
        for name, values in stats["timings"].items():
            if name in ("judge_commands", "loop_lag"):
                continue  # in server_side
            during = [d for t, d in values if any(a <= t < b for a, b in big)]
            out["score_path_ms"][name] = summary_ms([d for _, d in values])
            out["score_path_ms"][name + "_during_fanout"] = summary_ms(during)

    phase("ack_load")
    # ---- a network blip: all viewers reconnect at once
    if plan.blip:
        await asyncio.sleep(0.5)
        t0 = time.monotonic()
        blips = await run.workers.call("blip", {"t0": t0})
        if plan.hall:  # right after every viewer has reconnected at once
            await storm_ticks(run, "after_blip", plan.storm_ticks)
        await asyncio.sleep(0.5)
        status = await run.workers.call("status")
        out["reconnect"] = {
            "seconds": max(b["elapsed"] for b in blips),
            "median_s": percentile([b["p50"] for b in blips], 50),
            "failed_handshakes": sum(b["failed"] for b in blips),
            "failures": _merge([b["failures"] for b in blips]),
            "synced_after": sum(s["synced"] for s in status),
        }
        await run.collect()  # discard: the blip is not a broadcast

    phase("blip")
    # viewers whose connection ended without the benchmark closing it (idle timeout, error), before the
    # slow-viewer phase in which the server drops some on purpose
    out["viewers_lost"] = sum(s["counters"].get("lost", 0) for s in await run.workers.call("status"))
    # ---- slow viewers: a few percent stop reading
    if plan.deflate and not plan.slow_with_compression:
        out["slow_viewers"] = {"skipped": True}
    else:
        out["slow_viewers"] = await slow_viewers(run, n_connected)
    phase("slow_viewers")

    # ---- the other half of the judges' pairs with no viewers
    run.worker_cpu = tree_cpu_seconds([p.pid for p in run.workers.procs if p.pid])
    run.workers.close()
    run.workers, run.expected = None, 0
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        topics = (await asyncio.get_running_loop().run_in_executor(None, server.get, "/_bench/stats")).get("topics")
        if not topics or topics.get("board", {}).get("subscribers", 0) <= 1:
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)
    await ack_pairs(run, "ack_idle", plan.ack_ticks - plan.ack_ticks // 2, (d0, d0 + 0.02), expected=0)
    out["acks"] = ack_summary(run, stats, n_connected)
    final = await asyncio.get_running_loop().run_in_executor(None, server.get, "/_bench/stats")
    if "gc" in final:
        out["gc"], out["open_files"] = final["gc"], final.get("open_files")
        out["storms"] = storm_summary(run, final["timings"])
    phase("ack_idle_after")


async def ack_pairs(run: Run, phase: str, ticks: int, delays: tuple[float, float], expected: int) -> None:
    """Judge A submits; judge B submits a random moment later (uniform within `delays`, seconds); the
    next pair once every viewer has both."""
    for _ in range(ticks):
        await run.ensure_free(2)
        a, b = run.pick(), run.pick()
        task_a = asyncio.create_task(run.submit(a, phase, "A"))
        await asyncio.sleep(random.uniform(*delays))
        task_b = asyncio.create_task(run.submit(b, phase, "B"))
        subs = await asyncio.gather(task_a, task_b)
        if expected:
            for sub in subs:
                if sub is not None:
                    await run.wait_all_received(await run.update_seq_of(sub), expected)
        await asyncio.sleep(0.02 + random.random() * 0.01)


async def slow_viewers(run: Run, n_connected: int) -> dict[str, Any]:
    plan, server = run.plan, run.server
    assert run.workers is not None
    stats_before = await asyncio.get_running_loop().run_in_executor(None, server.get, "/_bench/stats")
    rss_before = server.rss()
    stopped = sum(r["stopped"] for r in await run.workers.call("stop_reading"))
    samples: list[int] = []
    kernel: list[int] = []
    kernel_before = tcp_memory_kib()
    stop_sampling = threading.Event()

    def sample() -> None:
        while not stop_sampling.is_set():
            with contextlib.suppress(OSError):
                samples.append(server.rss())
                kernel.append(tcp_memory_kib())
            stop_sampling.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.monotonic()
    path = f"/_bench/publish?size={plan.stuck_payload}&count={plan.stuck_count}"
    timeout = 30 + plan.stuck_count * plan.viewers * 40e-6
    try:
        published = await asyncio.get_running_loop().run_in_executor(None, server.get, path, timeout)
        seqs, stalled = published["seqs"], False
    except (TimeoutError, OSError):
        seqs, stalled = [], True
    elapsed = time.monotonic() - t0
    await asyncio.sleep(1.0)
    stop_sampling.set()
    sampler.join()
    rss_peak = max(samples, default=rss_before)
    rss_end = server.rss()
    # what the reading viewers received (the stuck ones cannot have read anything yet)
    counts: dict[int, int] = {}
    for result in await run.workers.call("collect", {"reset": True}):
        for seq, raw in result["recv"].items():
            counts[int(seq)] = counts.get(int(seq), 0) + len(raw) // 8
    reading = n_connected - stopped
    reach = [counts.get(seq, 0) / reading for seq in seqs] if reading else []
    stats_after = await asyncio.get_running_loop().run_in_executor(None, server.get, "/_bench/stats")
    resumed = await run.workers.call("resume_reading", {"timeout": 30})
    return {
        "stopped_reading": stopped,
        "broadcasts": plan.stuck_count,
        "payload_bytes": plan.stuck_payload,
        "published": len(seqs),
        "stalled": stalled,
        "seconds": elapsed,
        "reading_viewers_reach_min": min(reach) if reach else (0.0 if stalled else math.nan),
        "reading_viewers_reach_mean": (sum(reach) / len(reach)) if reach else math.nan,
        "rss_before_kib": rss_before,
        "rss_peak_kib": rss_peak,
        "rss_end_kib": rss_end,
        "rss_growth_peak_kib": rss_peak - rss_before,
        "kernel_tcp_growth_peak_kib": max(kernel, default=kernel_before) - kernel_before,
        "dropped_by_server": stats_after.get("dropped", 0) - stats_before.get("dropped", 0),
        "reconnected_after_resume": sum(r["reconnected"] for r in resumed),
        "all_open_after_resume": all(r["all_open"] for r in resumed),
    }


def analyse(run: Run, stats: dict[str, Any], n_viewers: int) -> dict[str, Any]:
    fanout_end = {f[1]: f[3] for f in stats["fanouts"] if f[0] == "board"}
    fanout_span = {f[1]: f[3] - f[2] for f in stats["fanouts"] if f[0] == "board"}
    fanout_start = {f[1]: f[2] for f in stats["fanouts"] if f[0] == "board"}
    projector_at = {}
    assert run.projector is not None
    for t, seq, _ in run.projector.updates:
        projector_at.setdefault(seq, t)

    def latencies(subs: list[Submission]) -> dict[str, Any]:
        every: list[float] = []
        last: list[float] = []
        projector: list[float] = []
        lag: list[float] = []
        start: list[float] = []
        after_ack: list[float] = []
        for sub in subs:
            if sub.update_seq is None:
                continue
            times = run.recv.get(sub.update_seq)
            if times is None or not len(times):
                continue
            every.extend(t - sub.sent for t in times)
            last.append(max(times) - sub.sent)
            if sub.update_seq in projector_at:
                projector.append(projector_at[sub.update_seq] - sub.sent)
                after_ack.append(projector_at[sub.update_seq] - sub.acked)
            if sub.update_seq in fanout_end:
                lag.append(max(times) - fanout_end[sub.update_seq])
                start.append(fanout_start[sub.update_seq] - sub.sent)
        return {
            "submissions": len(subs),
            "every_viewer_ms": summary_ms(every),
            "last_viewer_ms": summary_ms(last),
            "projector_ms": summary_ms(projector),
            "projector_after_ack_ms": summary_ms(after_ack),
            "last_viewer_after_server_loop_ms": summary_ms(lag),
            "server_loop_start_after_submit_ms": summary_ms(start),
            "ack_ms": summary_ms([s.acked - s.sent for s in subs]),
        }

    phase = {p: [s for s in run.submissions if s.phase == p] for p in ("latency", "ack_load")}
    spans = [fanout_span[s.update_seq] for s in phase["latency"] if s.update_seq in fanout_span]
    # reach: every update of the board topic seen by the projector, received by how many viewers
    reach = []
    for seq in sorted(projector_at):
        if seq in run.recv:
            reach.append(len(run.recv[seq]) / n_viewers)
        elif seq > min(run.recv, default=seq + 1):  # sent after the viewers connected yet nobody got it
            reach.append(0.0)
    return {
        "latency": latencies(phase["latency"]),
        "queued_behind_fanout": latencies([s for s in phase["ack_load"] if s.label == "B"]),
        "server_send_loop_ms": summary_ms(spans),
        "reach": {
            "broadcasts": len(reach),
            "min": min(reach, default=math.nan),
            "mean": (sum(reach) / len(reach)) if reach else math.nan,
            "all_complete": bool(reach) and all(r >= 1.0 for r in reach),
        },
    }


def ack_summary(run: Run, stats: dict[str, Any], n_viewers: int) -> dict[str, Any]:
    """Submit -> ack of the A/B pairs, with no viewers and during fan-outs (`stats`: after ack_load)."""
    by_phase = {p: [s for s in run.submissions if s.phase == p] for p in ("ack_idle", "ack_load")}
    acks = {
        name: {
            "A_ms": summary_ms([s.acked - s.sent for s in subs if s.label == "A"]),
            "B_ms": summary_ms([s.acked - s.sent for s in subs if s.label == "B"]),
            "all_ms": summary_ms([s.acked - s.sent for s in subs]),
        }
        for name, subs in (("idle", by_phase["ack_idle"]), ("under_fanout", by_phase["ack_load"]))
    }
    # which B acknowledgements overlapped a fan-out to (nearly) every viewer
    big = [(f[2], f[3]) for f in stats["fanouts"] if f[0] == "board" and f[4] >= max(1, n_viewers * 0.9)]
    overlapped = [
        s.acked - s.sent
        for s in by_phase["ack_load"]
        if s.label == "B" and any(start < s.acked and s.sent < end for start, end in big)
    ]
    acks["under_fanout"]["B_overlapping_fanout_ms"] = summary_ms(overlapped)
    return acks


def _merge(dicts: list[dict[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for d in dicts:
        for k, v in d.items():
            out[k] = out.get(k, 0) + v
    return out


# ============================================================================ echo
async def echo_round_trip(workdir: Path, cpus: dict[str, Any], count: int) -> dict[str, Any]:
    """A bare websocket echo (websockets server, same client), for the score -> projector target."""
    server = Server("websockets", False, workdir, cpus["server"])
    server.start()
    try:
        client = await Control("echo").open(server.port, "/echo", raw=True)
        payload = b"x" * 200
        for _ in range(50):
            await client.echo(payload)
        rtts = [await client.echo(payload) for _ in range(count)]
        client.close()
    finally:
        server.stop()
    return summary_ms(rtts)


def fsync_latency(workdir: Path, count: int) -> dict[str, float]:
    """fsync() of a 4 KiB append where the databases live: the floor under a durable SQLite commit."""
    path = workdir / "fsync-probe"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    times = []
    try:
        for _ in range(count):
            os.write(fd, os.urandom(4096))
            t0 = time.perf_counter()
            os.fsync(fd)
            times.append(time.perf_counter() - t0)
    finally:
        os.close(fd)
        path.unlink()
    return summary_ms(times)


# ============================================================================ the whole run
def cpu_plan(pin: bool) -> dict[str, Any]:
    cpus = sorted(os.sched_getaffinity(0))
    if not pin or len(cpus) < 2:
        return {"server": None, "clients": None, "note": "not pinned"}
    note = f"server pinned to CPU {cpus[0]}; viewer workers and the coordinator (nice -10) to CPUs {cpus[1:]}"
    return {"server": {cpus[0]}, "clients": cpus[1:], "note": note}


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    raise_nofile()
    cpus = cpu_plan(not args.no_pin)
    if cpus["clients"]:
        # This process (the projector, the host, the 30 judges) shares the clients' CPUs with the viewer
        # workers; a higher priority keeps the judges' timings from waiting behind a busy worker.
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, cpus["clients"])
            os.setpriority(os.PRIO_PROCESS, 0, -10)
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="roadshow-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    from app.eventfile import parse_event

    event = parse_event(bench_event_text())
    scores = {c.id: float(c.max) for c in event.criteria}
    report: dict[str, Any] = {
        "command": "python -m bench.fanout " + " ".join(sys.argv[1:]),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": machine(),
        "pinning": cpus["note"],
        "configs": [],
    }
    t_start = time.monotonic()
    report["fsync_ms"] = fsync_latency(workdir, 200)
    report["echo_round_trip_ms"] = await echo_round_trip(workdir, cpus, args.echo_count)
    print(f"echo round trip: {report['echo_round_trip_ms']}", flush=True)
    try:
        for condition, n, deflate, kind in itertools.product(
            args.conditions, args.sizes, args.compression, args.servers
        ):
            plan = Plan(
                viewers=n,
                deflate=deflate,
                workers=args.workers or max(2, min(8, math.ceil(n / 2500))),
                latency_ticks=args.ticks,
                ack_ticks=args.ack_ticks,
                stuck_fraction=args.stuck_fraction,
                stuck_payload=args.stuck_payload,
                stuck_count=args.stuck_count,
                slow_with_compression=args.slow_with_compression,
                hall=condition == "hall",
                storm_ticks=args.storm_ticks,
            )
            t0 = time.monotonic()
            print(f"-- {condition}: {kind} N={n} compression={'on' if deflate else 'off'}", flush=True)
            try:
                result = await run_config(kind, plan, workdir, cpus, scores)
            except Exception as exc:  # report it and go on with the other configurations
                result = {"server": kind, "viewers": n, "compression": deflate, "condition": condition}
                result["error"] = repr(exc)
                print(f"   FAILED: {exc!r}", flush=True)
            result["seconds"] = time.monotonic() - t0
            report["configs"].append(result)
            if "error" not in result:
                print(one_line(result), flush=True)
    finally:
        report["seconds"] = time.monotonic() - t_start
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return report


def one_line(r: dict[str, Any]) -> str:
    lat = r["latency"]
    return (
        f"   last viewer p50/p99 {lat['last_viewer_ms']['p50']:.1f}/{lat['last_viewer_ms']['p99']:.1f} ms, "
        f"every viewer p99 {lat['every_viewer_ms']['p99']:.1f} ms, send loop p50 {r['server_send_loop_ms']['p50']:.1f}"
        f" ms, client lag p99 {lat['last_viewer_after_server_loop_ms']['p99']:.2f} ms, "
        f"ack idle/load p99 {r['acks']['idle']['all_ms']['p99']:.1f}/{r['acks']['under_fanout']['all_ms']['p99']:.1f}"
        f" ms, {r['memory']['per_idle_viewer_kib']:.1f} KiB/viewer idle, "
        f"reach min {r['reach']['min']:.3f}, reconnect {r.get('reconnect', {}).get('seconds', math.nan):.2f} s "
        f"({r.get('reconnect', {}).get('failed_handshakes', '-')} failed), "
        f"slow: +{r['slow_viewers'].get('rss_growth_peak_kib', math.nan) / 1024:.1f} MiB, "
        f"dropped {r['slow_viewers'].get('dropped_by_server', '-')}, ({r['seconds']:.0f} s, "
        f"other load {r.get('other_load', {}).get('other_cpu_share', math.nan):.0%})"
    )


# ============================================================================ report
def _f(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _ratio(value: Any, base: Any) -> str:
    if not value or not base or math.isnan(value) or math.isnan(base):
        return "–"
    return f"{value / base:.2f}"


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    echo, fsync = report["echo_round_trip_ms"], report["fsync_ms"]
    lines = [
        f"Command: `{report['command']}` (started {report['started']}, {report['seconds'] / 60:.1f} min)",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['ram_gib']} GiB RAM, Linux {m['kernel']}, "
        f"Python {m['python']}; {versions}; somaxconn {m['somaxconn']}; {report['pinning']}.",
        "",
        f"Bare websocket echo round trip (same client, websockets server): p50 {echo['p50']:.3f} ms, "
        f"p99 {echo['p99']:.3f} ms. fsync() of a 4 KiB append on the databases' disk: p50 {fsync['p50']:.2f} ms, "
        f"p99 {fsync['p99']:.2f} ms, max {fsync['max']:.2f} ms.",
        "",
    ]
    for condition in ("hall", "warm"):
        configs = [c for c in report["configs"] if c.get("condition", "warm") == condition]
        if configs:
            lines += [f"### Condition: {CONDITIONS[condition]}", ""]
            lines += _tables(configs)
            lines += hall_markdown([c for c in configs if "error" not in c])
    return "\n".join(lines)


def _tables(configs: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    by = {(c["server"], c["viewers"], c["compression"]): c for c in configs if "error" not in c}
    sizes = sorted({c["viewers"] for c in configs})
    modes = sorted({c["compression"] for c in configs})
    for c in configs:
        if "error" in c:
            lines.append(f"FAILED: {LABELS[c['server']]} N={c['viewers']} compression={c['compression']}: {c['error']}")
            lines.append("")

    def rows() -> Any:
        for n in sizes:
            for deflate in modes:
                for kind in SERVERS:
                    c = by.get((kind, n, deflate))
                    if c is not None:
                        yield n, deflate, kind, c

    def head(cells: list[str]) -> None:
        lines.append("| " + " | ".join(cells) + " |")
        lines.append("|" + "---|" * len(cells))

    def row(cells: list[str]) -> None:
        lines.append("| " + " | ".join(cells) + " |")

    lines.append("**1. Score submitted by a judge → received by every viewer** (ms; isolated submissions):")
    lines.append("")
    head(
        [
            "N",
            "compr.",
            "server",
            "every viewer p50",
            "p99",
            "max",
            "last viewer p50",
            "p99",
            "max",
            "send loop p50",
            "p99",
            "last viewer after loop end p50",
            "p99",
            "projector p50",
            "p99",
        ]
    )
    for n, deflate, kind, c in rows():
        lat = c["latency"]
        ev, last, lag, proj = (
            lat["every_viewer_ms"],
            lat["last_viewer_ms"],
            lat["last_viewer_after_server_loop_ms"],
            lat["projector_ms"],
        )
        loop = c["server_send_loop_ms"]
        row(
            [
                f"{n:,}",
                "on" if deflate else "off",
                LABELS[kind],
                _f(ev["p50"]),
                _f(ev["p99"]),
                _f(ev["max"]),
                _f(last["p50"]),
                _f(last["p99"]),
                _f(last["max"]),
                _f(loop["p50"]),
                _f(loop["p99"]),
                _f(lag["p50"], 2),
                _f(lag["p99"], 2),
                _f(proj["p50"], 2),
                _f(proj["p99"], 2),
            ]
        )
    lines.append("")
    lines.append("**2. Judges' acknowledgements** (submit → ack, ms), without viewers and during a fan-out:")
    lines.append("")
    head(
        [
            "N",
            "compr.",
            "server",
            "no viewers p50",
            "p99",
            "during fan-out p50",
            "p99",
            "p99 ratio",
            "B in a fan-out: n, p99",
        ]
    )
    for n, deflate, kind, c in rows():
        idle, load = c["acks"]["idle"]["all_ms"], c["acks"]["under_fanout"]["all_ms"]
        over = c["acks"]["under_fanout"]["B_overlapping_fanout_ms"]
        row(
            [
                f"{n:,}",
                "on" if deflate else "off",
                LABELS[kind],
                _f(idle["p50"], 2),
                _f(idle["p99"], 2),
                _f(load["p50"], 2),
                _f(load["p99"], 2),
                _ratio(load["p99"], idle["p99"]),
                f"{over['n']}, {_f(over['p99'], 2)}",
            ]
        )
    lines.append("")
    lines.append(
        "**3–5. Memory, reconnection, reach, slow viewers** (RSS of the server process; kernel = every TCP buffer "
        "of the machine, /proc/net/sockstat; other load = CPU used by processes outside the benchmark):"
    )
    lines.append("")
    head(
        [
            "N",
            "compr.",
            "server",
            "KiB/idle viewer",
            "KiB/viewer after 1st broadcast",
            "reconnect all (s)",
            "failed handshakes",
            "reach min",
            "stopped reading",
            "RSS growth (MiB)",
            "kernel TCP growth (MiB)",
            "dropped",
            "reading viewers' reach",
            "other load",
        ]
    )
    for n, deflate, kind, c in rows():
        mem, rec, slow = c["memory"], c.get("reconnect", {}), c["slow_viewers"]
        if slow.get("skipped"):
            slow_cells = ["–"] * 5
        else:
            reading = "stalled" if slow["stalled"] else _f(slow["reading_viewers_reach_min"], 3)
            slow_cells = [
                str(slow["stopped_reading"]),
                _f(slow["rss_growth_peak_kib"] / 1024),
                _f(slow.get("kernel_tcp_growth_peak_kib", math.nan) / 1024),
                str(slow["dropped_by_server"]),
                reading,
            ]
        row(
            [
                f"{n:,}",
                "on" if deflate else "off",
                LABELS[kind],
                _f(mem["per_idle_viewer_kib"]),
                _f(mem["per_viewer_after_first_broadcast_kib"]),
                _f(rec.get("seconds", math.nan), 2),
                str(rec.get("failed_handshakes", "–")),
                _f(c["reach"]["min"], 3),
                *slow_cells,
                f"{c.get('other_load', {}).get('other_cpu_share', math.nan):.0%}",
            ]
        )
    lines.append("")
    lines.append("**Roadshow as a ratio to the baselines** (Roadshow ÷ websockets.broadcast() / ÷ naive loop):")
    lines.append("")
    metrics: list[tuple[str, Any]] = [
        ("every viewer p50", lambda c: c["latency"]["every_viewer_ms"]["p50"]),
        ("every viewer p99", lambda c: c["latency"]["every_viewer_ms"]["p99"]),
        ("last viewer p50", lambda c: c["latency"]["last_viewer_ms"]["p50"]),
        ("last viewer p99", lambda c: c["latency"]["last_viewer_ms"]["p99"]),
        ("projector p99", lambda c: c["latency"]["projector_ms"]["p99"]),
        ("ack under fan-out p99", lambda c: c["acks"]["under_fanout"]["all_ms"]["p99"]),
        ("KiB/idle viewer", lambda c: c["memory"]["per_idle_viewer_kib"]),
        ("reconnect all", lambda c: c.get("reconnect", {}).get("seconds", math.nan)),
    ]
    head(["N", "compr.", *[name for name, _ in metrics]])
    for n in sizes:
        for deflate in modes:
            ours, ws, naive = (by.get((k, n, deflate)) for k in SERVERS)
            if ours is None:
                continue
            cells = []
            for _, get in metrics:
                mine = get(ours)
                cells.append(f"{_ratio(mine, get(ws)) if ws else '–'} / {_ratio(mine, get(naive)) if naive else '–'}")
            row([f"{n:,}", "on" if deflate else "off", *cells])
    lines.append("")
    lines.append(
        "**Roadshow's score path** (ms): the judge's acknowledgement with no viewers; inside it the durable "
        "append (SQLite commit with fsync) and the recomputation of the sections the command touched "
        "(LiveEvent.refresh), over the whole run and for the calls made during a fan-out; the ranked sections "
        "(results, leaderboard, host standings), recomputed after the acknowledgement in short steps between which "
        "commands go first (LiveEvent._later_step, per step: the longest it holds the event loop); "
        "then how long after the judge's acknowledgement the projector had the update (both as seen by the "
        "coordinator, which also handles the two frames); and the garbage collector's full passes over the "
        "whole configuration (count, longest in ms) and how many started during a fan-out to the viewers:"
    )
    lines.append("")
    head(
        [
            "N",
            "compr.",
            "ack p50",
            "ack p99",
            "append p50",
            "p99",
            "during fan-out p50",
            "refresh p50",
            "p99",
            "during fan-out p50",
            "ranked step p50",
            "p99",
            "projector after ack p50",
            "p99",
            "full GC passes: n, max",
            "in a fan-out",
        ]
    )
    for n in sizes:
        for deflate in modes:
            c = by.get(("roadshow", n, deflate))
            if c is None or "score_path_ms" not in c:
                continue
            ack, path = c["acks"]["idle"]["all_ms"], c["score_path_ms"]
            after = c["latency"].get("projector_after_ack_ms", {})
            row(
                [
                    f"{n:,}",
                    "on" if deflate else "off",
                    _f(ack["p50"], 2),
                    _f(ack["p99"], 2),
                    _f(path["store_append"]["p50"], 2),
                    _f(path["store_append"]["p99"], 2),
                    _f(path.get("store_append_during_fanout", {}).get("p50"), 2),
                    _f(path["live_refresh"]["p50"], 2),
                    _f(path["live_refresh"]["p99"], 2),
                    _f(path.get("live_refresh_during_fanout", {}).get("p50"), 2),
                    _f(path.get("live_refresh_later", {}).get("p50"), 2),
                    _f(path.get("live_refresh_later", {}).get("p99"), 2),
                    _f(after.get("p50"), 2),
                    _f(after.get("p99"), 2),
                    f"{path.get('gc_full', {}).get('n', 0)}, {_f(path.get('gc_full', {}).get('max'), 0)}",
                    str(path.get("gc_full_during_fanout", {}).get("n", 0)),
                ]
            )
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a few hundred viewers, seconds (CI)")
    p.add_argument("--sizes", default="100,1000,5000,10000", help="viewer counts, comma-separated")
    p.add_argument("--compression", default="off,on", help="off, on or off,on")
    p.add_argument("--servers", default=",".join(SERVERS), help="roadshow,websockets,starlette")
    p.add_argument("--workers", type=int, default=0, help="viewer processes (default: one per 2,500, at least 2)")
    p.add_argument("--conditions", default="hall,warm", help="hall, warm or hall,warm (see the module docstring)")
    p.add_argument("--gc", default="roadshow", choices=("roadshow", "default"), help="the server's collector policy")
    p.add_argument("--storm-ticks", type=int, default=10, help="fan-outs measured right after each storm (hall)")
    p.add_argument("--ticks", type=int, default=100, help="isolated score submissions measured per configuration")
    p.add_argument("--ack-ticks", type=int, default=80, help="A/B submission pairs for the acknowledgement latency")
    p.add_argument("--echo-count", type=int, default=1000)
    p.add_argument("--stuck-fraction", type=float, default=0.03, help="viewers that stop reading")
    p.add_argument("--stuck-payload", type=int, default=16384, help="bytes of padding per slow-phase update")
    p.add_argument("--stuck-count", type=int, default=30, help="updates sent while viewers do not read")
    p.add_argument(
        "--slow-with-compression",
        action="store_true",
        help="also run the slow-viewer phase with compression on (slow: every viewer compresses the padding)",
    )
    p.add_argument("--no-pin", action="store_true", help="do not pin the server and the clients to CPUs")
    p.add_argument("--out", default="", help="write the JSON results here")
    p.add_argument("--markdown", default="", help="write the Markdown summary here")
    p.add_argument("--workdir", default="", help="databases and server logs (default: a temporary directory)")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.compression = "200", "off"
        args.ticks, args.ack_ticks, args.echo_count = 8, 6, 200
        args.stuck_count, args.stuck_payload = 6, 4096
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s]
    args.compression = [c.strip() == "on" for c in str(args.compression).split(",") if c.strip()]
    args.servers = [s.strip() for s in str(args.servers).split(",") if s.strip()]
    args.conditions = [c.strip() for c in str(args.conditions).split(",") if c.strip() in CONDITIONS]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    GC_POLICY[0] = args.gc
    report = asyncio.run(main_async(args))
    text = markdown(report)
    print("\n" + text)
    if args.out:
        Path(args.out).write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS))
    if args.markdown:
        Path(args.markdown).write_text(text + "\n", encoding="utf-8")
    return 1 if any("error" in c for c in report["configs"]) else 0


if __name__ == "__main__":
    raise SystemExit(main())
