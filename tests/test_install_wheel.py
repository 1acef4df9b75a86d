"""Roadshow installed from its wheel serves the whole app (issue 10, "installs anywhere").

Builds the wheel from this checkout, installs it into a fresh virtual environment (dependencies from
PyPI, or pip's cache), runs `roadshow demo` from an unrelated directory on a free 127.0.0.1 port and
fetches, through the links it prints, the host console, the board, a judge's page and static files.
Nothing may come from the checkout: the venv does not see it (no PYTHONPATH, cwd elsewhere).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import venv
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from app.assets import served_body
from tests.server import ROOT, free_port, stop_process, wait_until_serving

pytestmark = pytest.mark.slow

URL = re.compile(r"https?://\S+")
ASSET = re.compile(r'(?:src|href)="(/static/[^"?#]+)')


def _run(args: list[str], **kw: object) -> None:
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, **kw)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{args[:3]} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"


def _clean_env() -> dict[str, str]:
    """The environment minus anything that would let the venv import this checkout."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _printed_links(log: Path, timeout: float = 30) -> tuple[str, str]:
    """The host login and first judge link that the command printed (path and query: their host may be
    a LAN address). The banner may come just after the socket starts listening, so wait for it."""
    deadline = time.monotonic() + timeout
    while True:
        links = [_path_and_query(u) for u in URL.findall(log.read_text())]
        host = [link for link in links if link.startswith("/host/login?key=")]
        judges = [link for link in links if link.startswith("/judge/")]
        if host and judges:
            return host[0], judges[0]
        assert time.monotonic() < deadline, f"no host and judge links printed:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with Roadshow installed from a wheel built from this checkout; its bin/ folder."""
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    env = _clean_env()
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)], env=env)
    wheels = list(dist.glob("roadshow-*.whl"))
    assert len(wheels) == 1, wheels
    venv.EnvBuilder(with_pip=True).create(work / "venv")
    bin_dir = work / "venv" / "bin"
    pip = [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    _run([*pip, str(wheels[0])], env=env)
    return bin_dir


def test_wheel_installed_in_a_fresh_venv_serves_every_page(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    port = free_port()
    log = elsewhere / "roadshow.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(installed / "roadshow"), "demo", "--host", "127.0.0.1", "--port", str(port)],
            cwd=elsewhere,
            env=_clean_env() | {"PYTHONUNBUFFERED": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(proc, base, log)
        host_login, judge = _printed_links(log)
        assert (elsewhere / "roadshow-demo.db").exists()  # the database goes where the command runs

        with httpx.Client(base_url=base, timeout=10) as client:
            host = client.get(host_login, follow_redirects=True)
            assert host.status_code == 200 and urlsplit(str(host.url)).path == "/host", host.url
            pages = {"host": host, "board": client.get("/board"), "judge": client.get(judge)}
            for name, page in pages.items():
                assert page.status_code == 200, name
                # Each page's own script and stylesheets, as the page names them, come from the wheel.
                assets = ASSET.findall(page.text)
                assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets), name
                for asset in assets:
                    response = client.get(asset)
                    assert response.status_code == 200 and response.content, (name, asset)
            live_js = client.get("/static/live.js")
            # the checkout's file, as the server serves it (minified: app/assets.py)
            served = served_body("live.js", (ROOT / "static" / "live.js").read_bytes())
            assert live_js.status_code == 200 and live_js.content == served
    finally:
        stop_process(proc)
