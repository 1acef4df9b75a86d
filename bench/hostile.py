"""The hostile benchmark: does the event carry on while someone attacks the server? (issue 12)

    python -m bench.hostile [--quick] [--phase-seconds S] [--server-root DIR] [--out FILE]

Starts the real server (`python -m app serve`, the production path: uvicorn options, open-files limit,
connection guard) from DIR (default: this checkout) on a free 127.0.0.1 port with the benchmark event
(30 judges), logs in as host, opens scoring, and keeps ten judges submitting scores (one command
every 50 ms, round robin; each a durable journal row). A judge's acknowledgement time (command sent
-> ack received) is measured with no attack (the baseline) and then while each attack runs
(bench/attacks.py): the import bombs, one client opening 1,000 board sockets plus 300 slowloris
connections, bursts of 60 wrong host passwords, and one judge token on 40 sockets flooding commands.
Prints p50/p99 and the ratio to the baseline per phase, and what each attack achieved; the target
is a judge's ack p99 under 50 ms on a 2-core machine (docs/performance.md, "Under attack").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from app.eventfile import parse_event
from bench.event import bench_event_text
from bench.fanout import Control, cpu_seconds, free_port, percentile, rss_kib

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "hostile-bench-password"
TARGET_P99_MS = 50.0
ACK_GIVE_UP = 15.0  # seconds: a judge's phone would have shown "not saved yet" long before


class Server:
    """`python -m app serve` in its own process, stopped with SIGINT (then SIGKILL)."""

    def __init__(self, root: Path, workdir: Path, event_text: str | None = None) -> None:
        self.root, self.workdir = root, workdir
        self.event_text = event_text  # None: the benchmark event
        self.port = free_port()
        self.db = workdir / "hostile.db"
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        event = self.workdir / "event.toml"
        event.write_text(self.event_text or bench_event_text(), encoding="utf-8")
        args = [sys.executable, "-m", "app", "serve", str(event), "--db", str(self.db), "--host", "127.0.0.1",
                "--port", str(self.port), "--password", PASSWORD, "--backup-every", "0"]  # fmt: skip
        env = os.environ | {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(self.root)}
        with open(self.workdir / "server.log", "ab") as log:
            self.proc = subprocess.Popen(args, cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError((self.workdir / "server.log").read_text()[-3000:])
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def tokens(self) -> dict[str, str]:
        with contextlib.closing(sqlite3.connect(self.db)) as conn:
            return dict(conn.execute("SELECT judge, token FROM judge_tokens").fetchall())

    def journal_rows(self, actor: str) -> int:
        with contextlib.closing(sqlite3.connect(self.db)) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM journal WHERE actor = ?", (actor,)).fetchone()[0])

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(2)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


async def measure_judges(judges: list[Control], project: str, scores: dict[str, float], stop: asyncio.Event) -> dict:
    """Judges take turns submitting scores until stop: every ack time, and the acks that were not ok."""
    times: list[float] = []
    failed: list[Any] = []
    i = 0
    while not stop.is_set():
        k = i % len(judges)
        i += 1
        judge = judges[k]
        try:
            async with asyncio.timeout(ACK_GIVE_UP):
                sent, acked, ack = await judge.command(
                    "submit_score", {"project": project, "scores": scores, "comment": "b"}
                )
        except TimeoutError:
            # counted as a failure at ACK_GIVE_UP (in the percentiles too), and the judge reconnects
            times.append(ACK_GIVE_UP)
            failed.append(f"{judge.name}: no ack within {ACK_GIVE_UP:.0f} s")
            judge.close()
            judges[k] = await Control(judge.name).open(judge.port, judge.path)
            continue
        times.append(acked - sent)
        if not ack.get("ok"):
            failed.append(ack.get("error"))
        await asyncio.sleep(0.05)
    return {"times": times, "failed": failed}


async def probes(base: str, port: int, token: str, stop: asyncio.Event) -> dict[str, Any]:
    """Every second: /healthz answers, and a judge can open a new socket (and gets a snapshot)."""
    health: list[int] = []
    joined = 0
    refused = 0
    async with httpx.AsyncClient(base_url=base) as http:
        while not stop.is_set():
            try:
                health.append((await http.get("/healthz", timeout=10)).status_code)
            except httpx.HTTPError:
                health.append(0)
            try:
                judge = await Control("probe").open(port, f"/ws/judge/{token}")
                judge.close()
                joined += 1
            except Exception:
                refused += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
    return {"healthz_ok": sum(h == 200 for h in health), "healthz_failed": sum(h != 200 for h in health),
            "judge_joined": joined, "judge_refused": refused}  # fmt: skip


async def attackers(specs: list[dict[str, Any]], stop: asyncio.Event) -> Any:
    """Each attack in its own process (bench/attacks.py), from when it is ready until stop."""
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.attacks", json.dumps(spec), cwd=ROOT, stdout=subprocess.PIPE
        )
        for spec in specs
    ]
    for proc in procs:
        assert proc.stdout is not None
        await proc.stdout.readline()  # "ready"
    await stop.wait()
    seen = {}
    for spec, proc in zip(specs, procs, strict=True):
        proc.terminate()
        out, _ = await proc.communicate()
        seen[spec["attack"]] = json.loads(out) if out.strip() else {"error": f"exit {proc.returncode}"}
    return seen


async def phase(name: str, seconds: float, ctx: dict[str, Any], specs: list[dict[str, Any]]) -> dict[str, Any]:
    stop = asyncio.Event()
    rss_before = rss_kib(ctx["server"].proc.pid)
    cpu_before, own_before = cpu_seconds(ctx["server"].proc.pid), time.process_time()
    attacking = asyncio.create_task(attackers(specs, stop)) if specs else None
    await asyncio.sleep(1.0 if specs else 0)  # the attack gets going before the measurement starts
    measured = asyncio.create_task(measure_judges(ctx["judges"], ctx["project"], ctx["scores"], stop))
    probe = asyncio.create_task(probes(ctx["server"].base, ctx["server"].port, ctx["probe_token"], stop))
    peak = rss_before
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        with contextlib.suppress(OSError):
            peak = max(peak, rss_kib(ctx["server"].proc.pid))
    stop.set()
    result = await measured
    seen = await attacking if attacking else None
    times = result["times"]
    report = {
        "phase": name,
        "acks": len(times),
        "acks_failed": len(result["failed"]),
        "failures": sorted({str(f) for f in result["failed"]})[:5],
        "p50_ms": round(percentile(times, 50) * 1e3, 2),
        "p99_ms": round(percentile(times, 99) * 1e3, 2),
        "max_ms": round(max(times) * 1e3, 2) if times else None,
        "server_rss_mib": [round(rss_before / 1024), round(peak / 1024)],
        # this machine's load (other processes compete for its cores) and the measuring process' CPU
        "load_average_1min": round(os.getloadavg()[0], 1),
        "server_cpu_s": round(cpu_seconds(ctx["server"].proc.pid) - cpu_before, 1),
        "benchmark_cpu_s": round(time.process_time() - own_before, 1),
        "probes": await probe,
        "attack": seen,
    }
    print(one_line(report, ctx.get("baseline_p99")), flush=True)
    return report


def one_line(r: dict[str, Any], baseline_p99: float | None) -> str:
    ratio = f"{r['p99_ms'] / baseline_p99:.2f}x" if baseline_p99 else "1.00x"
    return (f"{r['phase']:<14} judge ack p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms ({ratio} baseline)"
            f"  n={r['acks']} failed={r['acks_failed']}  rss {r['server_rss_mib'][0]}->{r['server_rss_mib'][1]} MiB"
            f"  load {r['load_average_1min']}  cpu server {r['server_cpu_s']} s, bench {r['benchmark_cpu_s']} s"
            f"  probes {r['probes']}\n    attack: {json.dumps(r['attack'], ensure_ascii=False)}")  # fmt: skip


async def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    server = Server(Path(args.server_root).resolve(), workdir)
    server.start()
    try:
        event = parse_event(bench_event_text())
        scores = {c.id: float(c.max) for c in event.criteria}
        project = event.projects[0].id
        tokens = server.tokens()
        async with httpx.AsyncClient(base_url=server.base, headers={"Origin": server.base}, timeout=120) as host_http:
            login = await host_http.post("/host/login", data={"password": PASSWORD})
            assert login.status_code == 303, login.status_code
            cookie = "; ".join(f"{k}={v}" for k, v in host_http.cookies.items())
            host = await Control("host").open(server.port, "/ws/host", {"Cookie": cookie})
            for cmd, cmd_args in (("start_project", {"project": project}), ("open_scoring", {})):
                _, _, ack = await host.command(cmd, cmd_args)
                assert ack["ok"], ack
            judges: list[Control] = []  # replaced in place when one reconnects (measure_judges)
            alive = asyncio.create_task(_keep_alive(host, judges))  # the page's heartbeat (idle timeout)
            for i in range(1, 11):
                judge = await Control(f"j{i}").open(server.port, f"/ws/judge/{tokens[f'j{i}']}")
                judge.port, judge.path = server.port, f"/ws/judge/{tokens[f'j{i}']}"
                judges.append(judge)
            ctx: dict[str, Any] = {"server": server, "judges": judges, "project": project, "scores": scores,
                                   "probe_token": tokens["j29"]}  # fmt: skip
            q = args.quick
            secs = args.phase_seconds
            port = server.port
            base = server.base
            plan: list[tuple[str, list[dict[str, Any]]]] = [
                ("baseline", []),
                ("import bombs", [{"attack": "import_bombs", "base": base, "cookie": cookie}]),
                ("sockets", [
                    {"attack": "board_sockets", "port": port, "count": 100 if q else 1000, "address": "127.0.0.2"},
                    {"attack": "slowloris", "port": port, "count": 40 if q else 300, "address": "127.0.0.3"}]),
                ("login burst", [{"attack": "login_bursts", "base": base, "size": 20 if q else 60,
                                  "addresses": ["127.0.0.4", "127.0.0.5", "127.0.0.6"]}]),
                ("token flood", [{"attack": "token_flood", "port": port, "token": tokens["j30"],
                                  "sockets": 6 if q else 40, "project": project, "scores": scores}]),
            ]  # fmt: skip
            phases = []
            for name, specs in plan:
                before = server.journal_rows("judge:j30")
                report = await phase(name, secs, ctx, specs)
                if name == "token flood":
                    rows = server.journal_rows("judge:j30") - before
                    report["attack"]["token_flood"]["journal_rows_per_s"] = round(rows / secs, 1)
                phases.append(report)
                if name == "baseline":
                    ctx["baseline_p99"] = report["p99_ms"]
            alive.cancel()
            for c in [host, *judges]:
                c.close()
        running = server.proc is not None and server.proc.poll() is None
        return {"server_root": str(server.root), "phase_seconds": secs, "phases": phases, "server_alive": running,
                "target_p99_ms": TARGET_P99_MS,
                "all_under_target": all(p["p99_ms"] < TARGET_P99_MS for p in phases)}  # fmt: skip
    finally:
        server.stop()


async def _keep_alive(host: Control, judges: list[Control]) -> None:
    while True:
        await asyncio.sleep(5.0)
        for c in [host, *judges]:
            if c.client is not None:
                c.client.send(b'{"type":"ping","t":0}')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.hostile", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="small attacks, short phases (the test suite's mode)")
    p.add_argument("--phase-seconds", type=float, default=None, help="length of each phase (default 20; quick 4)")
    p.add_argument("--server-root", default=str(ROOT), help="checkout whose `app` is served (default: this one)")
    p.add_argument("--out", help="write the report as JSON here")
    args = p.parse_args(argv)
    if args.phase_seconds is None:
        args.phase_seconds = 4.0 if args.quick else 20.0
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="roadshow-hostile-"))
    try:
        report = asyncio.run(run(args, workdir))
    except BaseException:
        print(f"failed; the server's log is in {workdir}", file=sys.stderr)
        raise
    shutil.rmtree(workdir, ignore_errors=True)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    verdict = "under" if report["all_under_target"] else "NOT under"
    print(f"judge ack p99 {verdict} {TARGET_P99_MS:.0f} ms in every phase; server alive: {report['server_alive']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
