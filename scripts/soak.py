#!/usr/bin/env python3
"""Soak test: the SIGKILL test of tests/test_faults.py, for minutes instead of seconds (not run in CI).

Each run starts the real server on a fresh database, lets simulated judges (and the host) send
commands through live.js-style outboxes, SIGKILLs the server at random moments and restarts it on the
same database, then checks the journal, the state, the standings and the file (tests/faultsim.py).
Runs repeat until --duration seconds have passed or --kills kills were made, whichever comes first.

    python scripts/soak.py --duration 600 --judges 6
    python scripts/soak.py --kills 60 --kills-per-run 20 --seed 7

Exit status 0 when nothing was lost or doubled and every check passed; 1 otherwise (the problems are
printed and the databases kept).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faultsim import Figures, run_once  # noqa: E402


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {model}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds to keep starting runs (default 300)")
    parser.add_argument("--kills", type=int, default=0, help="stop after this many kills in all (default: no limit)")
    parser.add_argument("--kills-per-run", type=int, default=15, help="kills on each fresh database (default 15)")
    parser.add_argument("--judges", type=int, default=6, help="simulated judges (default 6; more are added)")
    parser.add_argument("--no-host", action="store_true", help="no simulated host sending timer commands")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first run; run n uses seed + n")
    parser.add_argument("--workdir", type=Path, help="where the databases go (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the databases even when every check passed")
    parser.add_argument("-v", "--verbose", action="store_true", help="print a line per kill")
    args = parser.parse_args()
    if args.judges < 1 or args.kills_per_run < 1:
        parser.error("--judges and --kills-per-run must be at least 1")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="roadshow-soak-"))
    print(f"command   python scripts/soak.py {shlex.join(sys.argv[1:])}")
    print(f"machine   {machine()}")
    print(f"workdir   {workdir}")
    total = Figures()
    started = time.monotonic()
    run = 0
    while time.monotonic() - started < args.duration and (not args.kills or total.kills < args.kills):
        kills = args.kills_per_run if not args.kills else min(args.kills_per_run, args.kills - total.kills)
        run_started = time.monotonic()
        figures = asyncio.run(
            run_once(
                workdir / f"run{run:03d}",
                seed=args.seed + run,
                kills=kills,
                judges=args.judges,
                with_host=not args.no_host,
                log=print if args.verbose else None,
            )
        )
        total.add(figures)
        verdict = "ok" if not figures.problems else f"{len(figures.problems)} PROBLEMS"
        print(
            f"run {run:3d}: {figures.kills} kills, {figures.sent} sent, {figures.retried} retried,"
            f" {figures.acknowledged_duplicate} acked as duplicates, {time.monotonic() - run_started:.0f} s: {verdict}",
            flush=True,
        )
        for problem in figures.problems[:20]:
            print(f"    {problem}")
        run += 1
    print(f"elapsed   {time.monotonic() - started:.0f} s")
    print("\n".join(total.lines()))
    if total.problems or total.lost or total.duplicated or not total.standings_match:
        print(f"FAILED: databases kept in {workdir}")
        return 1
    if not args.keep and not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
