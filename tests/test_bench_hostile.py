"""The hostile benchmark's quick mode (bench/hostile.py, docs/performance.md "Under attack") runs,
and each attack is held to its limits while the judges keep scoring. Nothing here is about time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.admission import PUBLIC_SOCKETS_PER_ADDRESS

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_quick_hostile_benchmark_holds_every_attack_to_its_limits(tmp_path: Path) -> None:
    out = tmp_path / "hostile.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.hostile", "--quick", "--phase-seconds", "5", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["server_alive"]
    phases = {p["phase"]: p for p in report["phases"]}
    for name, p in phases.items():
        assert p["acks"] > 0 and p["acks_failed"] == 0, (name, p["failures"])
        assert p["probes"]["healthz_failed"] == 0 and p["probes"]["judge_refused"] == 0, (name, p["probes"])
    sockets = phases["sockets"]["attack"]
    # 100 tried from one address: never more than its share accepted (the attacker holds what it gets)
    assert 0 < sockets["board_sockets"].get("accepted", 0) <= PUBLIC_SOCKETS_PER_ADDRESS
    assert sockets["board_sockets"]["held_at_most"] <= PUBLIC_SOCKETS_PER_ADDRESS
    assert sockets["slowloris"].get("closed_by_server", 0) > 0
    login = phases["login burst"]["attack"]["login_bursts"]
    assert login.get("refused (429)", 0) > 0
    flood = phases["token flood"]["attack"]["token_flood"]
    assert flood.get("rate_limited", 0) > 0
