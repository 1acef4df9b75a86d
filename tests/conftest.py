"""Shared fixtures: a real Roadshow server (subprocess, free port on 127.0.0.1) and protocol clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server import LiveClient, RunningServer

DATA = Path(__file__).parent / "data"
MINI_EVENT = DATA / "mini_event.toml"


@pytest.fixture
def mini_server(tmp_path: Path) -> Iterator[RunningServer]:
    server = RunningServer(tmp_path / "mini.db", MINI_EVENT)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[RunningServer]:
    server = RunningServer(tmp_path / "demo.db")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Fast tests first, real-browser tests last (a failure shows up sooner, and the browser
    modules' sync Playwright never shares the thread with asyncio tests)."""
    items.sort(key=lambda item: "/browser/" in str(item.fspath))


def cookie_header(server: RunningServer) -> dict[str, str]:
    cookies = server.host_cookies()
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}


async def host_client(server: RunningServer) -> LiveClient:
    return await LiveClient(f"{server.ws_base}/ws/host", cookie_header(server)).connect()


async def judge_client(server: RunningServer, judge: str) -> LiveClient:
    return await LiveClient(f"{server.ws_base}/ws/judge/{server.judge_tokens()[judge]}").connect()


async def board_client(server: RunningServer) -> LiveClient:
    return await LiveClient(f"{server.ws_base}/ws/board").connect()
