"""The fan-out benchmark (bench/fanout.py, docs/performance.md) keeps working.

It runs the real Roadshow server and both baselines with a few dozen viewers. Nothing here is about
time: the assertions are that it completes and that every viewer received every broadcast.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_quick_benchmark_completes_and_every_viewer_gets_every_broadcast(tmp_path: Path) -> None:
    out = tmp_path / "quick.json"
    # Smaller still than `--quick` (what matters here is that every step runs and every viewer is
    # reached, not the figures), and unpinned: the other tests run on the same CPUs in parallel.
    small = ["--sizes", "60", "--compression", "off", "--ticks", "4", "--ack-ticks", "4", "--echo-count", "60"]
    small += ["--stuck-count", "4", "--stuck-payload", "4096", "--stuck-fraction", "0.05", "--no-pin"]
    # the real hall's conditions (bench/hall.py): pings, the real idle timeout, storms measured
    small += ["--conditions", "hall", "--storm-ticks", "3"]
    proc = subprocess.run(
        [sys.executable, "-m", "bench.fanout", *small, "--out", str(out), "--workdir", str(tmp_path / "work")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert {c["server"] for c in report["configs"]} == {"roadshow", "websockets", "starlette"}
    for config in report["configs"]:
        name = f"{config['server']} N={config['viewers']}"
        assert config["connect"]["connected"] == config["viewers"], name
        # every broadcast, to every viewer
        assert config["reach"]["broadcasts"] > 0, name
        assert config["reach"]["all_complete"], (name, config["reach"])
        latency = config["latency"]
        assert latency["every_viewer_ms"]["n"] == latency["submissions"] * config["viewers"], name
        # after the blip every viewer is back and in sync
        assert config["reconnect"]["synced_after"] == config["viewers"], (name, config["reconnect"])
        # while a few stop reading, the others still get everything
        slow = config["slow_viewers"]
        assert slow["stopped_reading"] > 0, name
        assert slow["published"] == slow["broadcasts"], (name, slow)
        assert slow["reading_viewers_reach_min"] == 1.0, (name, slow)
        assert config["condition"] == "hall"
        assert config["viewers_lost"] == 0, name  # the page's ping keeps every viewer past the idle timeout
    roadshow = next(c for c in report["configs"] if c["server"] == "roadshow")
    assert roadshow["slow_viewers"]["all_open_after_resume"], roadshow["slow_viewers"]
    # the fan-outs right after each storm are measured, and every viewer had them
    for phase in ("after_storm", "after_blip"):
        storm = roadshow["storms"][phase]
        assert storm["submissions"] == 3 and storm["last_viewer_ms"]["n"] == 3, (phase, storm)
    # the server's collector passes are reported per generation; the start-up heap is frozen
    gc = roadshow["gc"]
    assert len(gc["passes"]) == 3 and gc["freezes"] >= 1 and gc["frozen_objects"] > 0, gc
    # the server raised its own open-files limit from the one it was started with
    assert roadshow["open_files"]["serving_with"] >= roadshow["open_files"]["started_with"] > 0
