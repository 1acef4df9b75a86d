"""A real `roadshow serve FOLDER` for tests: a subprocess on a free 127.0.0.1 port, with the folder
host's login key read from its banner, and helpers to log in and to run an event to its ceremony."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.server import ROOT, LiveClient, free_port, stop_process

BANNER_KEY = re.compile(r"/events/login\?key=([A-Za-z0-9_-]+)")


class SeasonServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = folder.parent / f"{folder.name}.server.log"
        self.login_key = ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> None:
        args = [sys.executable, "-m", "app", "serve", str(self.folder), "--host", "127.0.0.1"]
        args += ["--port", str(self.port), "--backup-every", "0"]
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the subprocess' lifetime
        start = self.log_path.stat().st_size
        self.proc = subprocess.Popen(args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"season server exited:\n{self.log_path.read_text()[-3000:]}")
            found = BANNER_KEY.search(self.log_path.read_bytes()[start:].decode("utf-8", "replace"))
            if found:
                self.login_key = found.group(1)
                return
            time.sleep(0.2)
        raise RuntimeError(f"season server did not start:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc:
            stop_process(self.proc)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"Origin": self.base}, follow_redirects=False, timeout=60)

    def folder_login(self, http: httpx.Client) -> None:
        answer = http.get(f"/events/login?key={self.login_key}")
        assert answer.status_code == 303 and answer.headers["location"] == "/events", answer.text

    def open_event(self, http: httpx.Client, slug: str) -> None:
        """Into an event's console from the event list (its own session cookie)."""
        hop = http.get(f"/events/open/{slug}")
        assert hop.status_code == 303, hop.text
        landed = http.get(hop.headers["location"])
        assert landed.status_code == 303 and landed.headers["location"] == f"/e/{slug}/host", landed.text

    def tokens(self, slug: str) -> dict[str, str]:
        with contextlib.closing(sqlite3.connect(self.folder / f"{slug}.db")) as conn:
            return dict(conn.execute("SELECT judge, token FROM judge_tokens").fetchall())


def cookie_header(http: httpx.Client) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in http.cookies.jar)}


def sheet(total: float) -> dict[str, float]:
    """The mini event's rubric (tests/data/mini_event.toml): impact 0-60, pitch 0-40."""
    return {"impact": min(60.0, total), "pitch": max(0.0, total - 60.0)}


async def run_to_ceremony(server: SeasonServer, http: httpx.Client, slug: str, totals: dict[str, float]) -> None:
    """Score `totals` (project -> every judge's total) in event `slug`, reveal, start the ceremony."""
    prefix = f"{server.ws_base}/e/{slug}"
    host = await LiveClient(f"{prefix}/ws/host", cookie_header(http)).connect()
    judges = [await LiveClient(f"{prefix}/ws/judge/{t}").connect() for t in server.tokens(slug).values()]
    for project, total in totals.items():
        await host.ok("start_project", {"project": project})
        await host.ok("open_scoring")
        for judge in judges:
            await judge.ok("submit_score", {"project": project, "scores": sheet(total)})
        await host.ok("close_scoring")
        await host.ok("reveal", {"project": project})
    await host.ok("start_ceremony", {"skip": True, "remaining": 1})
    await host.wait_for(lambda v: (v.get("final_lock") or {}).get("locked") is True)
    for client in (host, *judges):
        await client.close()
