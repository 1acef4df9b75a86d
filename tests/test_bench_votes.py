"""The vote-burst benchmark (bench/votes.py, docs/performance.md "Audience vote burst") runs at a small
size: every vote is acknowledged, none refused, the judge keeps scoring, nothing acknowledged before the
SIGKILL is lost and the chain verifies. Nothing here is about time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_small_vote_burst_loses_nothing(tmp_path: Path) -> None:
    out = tmp_path / "votes.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.votes", "--voters", "60", "--window", "2", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    [run] = json.loads(out.read_text())["runs"]
    assert run["burst"]["acked"] == 60 and run["burst"]["refused"] == {}
    assert run["crash"]["lost"] == 0 and run["crash"]["chain_ok"]
    assert run["crash"]["acked_before_kill"] >= 30
    assert run["storage_group_commit"]["votes"] == run["storage_naive"]["commits"] == 60
    assert run["storage_group_commit"]["commits"] <= 60
