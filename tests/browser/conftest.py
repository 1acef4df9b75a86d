"""Real-browser fixtures: Debian's Chromium driven by Playwright (sync API, in its own modules).

The server is the real app in a subprocess on a free 127.0.0.1 port (tests/server.py). Screenshots
go to test-artifacts/screenshots/ (not committed).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.server import ROOT, RunningServer

CHROMIUM = os.environ.get("ROADSHOW_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}

pytestmark = pytest.mark.browser


def _have_chromium() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


@pytest.fixture(scope="module")
def browser():
    # Module scope, not session: sync Playwright runs an event loop in this thread while it is open,
    # and the asyncio tests that follow a browser module need the thread to themselves again.
    if not _have_chromium():
        pytest.skip("Debian chromium is not installed (scripts/test.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def shots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def demo_web(demo_server: RunningServer) -> RunningServer:
    """The demo event on a real server (tests/conftest.py), for a browser."""
    return demo_server


@pytest.fixture
def mini_web(mini_server: RunningServer) -> RunningServer:
    """The mini event (tests/data/mini_event.toml) on a real server, for a browser."""
    return mini_server


def _with_url(msg) -> str:
    """A console error's text, and the file it is about when it has one ("Failed to load resource: … @ URL")."""
    url = (msg.location or {}).get("url")
    return f"{msg.text} @ {url}" if url else msg.text


class ConsoleWatch:
    """Collects console errors and CSP violations of a page, so a test can assert there were none."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda msg: self.errors.append(_with_url(msg)) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))


def new_page(browser, server: RunningServer, options: dict, lang: str | None = None, host: bool = False):
    context = browser.new_context(**options, locale="zh-CN" if lang == "zh" else "en-US")
    if host:
        context.add_cookies([{"name": k, "value": v, "url": server.base} for k, v in server.host_cookies().items()])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page, ConsoleWatch(page)
