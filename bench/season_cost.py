"""What each idle event of a season folder costs the server (`roadshow serve FOLDER`, app/season/).

    python -m bench.season_cost [--events 10]

Writes `--events` copies of the demo event into a temporary folder, starts the season's app in this
process (every event's lifespan: Store, Hub, journal replay, background tasks) and prints the
process's resident memory and open file descriptors before and after, per event, and the time to
start them all. Nothing listens on the network.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import tempfile
import time
from pathlib import Path

from app.config import Settings
from app.season.serve import create_season_app
from app.setup import demo_event_text


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def measure(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(count):
            (folder / f"event-{i:02d}.toml").write_text(demo_event_text(), encoding="utf-8")
        app = create_season_app(folder, Settings(db_path="", secret="bench", port=8000))
        before_mib, before_fds = rss_mib(), open_fds()
        started = time.perf_counter()
        await app.season.start()
        seconds = time.perf_counter() - started
        after_mib, after_fds = rss_mib(), open_fds()
        await app.season.stop()
    print(f"events: {count} (the demo: 18 projects, 7 judges; databases created at start)")
    print(f"start: {seconds:.2f} s ({seconds / count * 1000:.0f} ms per event)")
    print(f"memory: {before_mib:.1f} -> {after_mib:.1f} MiB ({(after_mib - before_mib) / count:.2f} MiB per event)")
    print(f"open files: {before_fds} -> {after_fds} ({(after_fds - before_fds) / count:.1f} per event)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(measure(max(1, args.events)))


if __name__ == "__main__":
    main()
