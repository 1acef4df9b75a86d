"""An XSS corpus in project names, team names, judge names and comments is rendered inert on every page.

Every payload tries to set window.__xss; the test drives a project through the whole cycle (so the
names reach the board's result, leaderboard and ceremony, and the comment reaches the host) and then
checks, on every page, that no payload ran, no injected element exists, and the text shows literally.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from tests.browser.conftest import DESKTOP, PHONE, PROJECTOR, new_page
from tests.server import ROOT, RunningServer

pytestmark = pytest.mark.browser

CORPUS = [
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload=window.__xss=1>',
    "</script><script>window.__xss=1</script>",
    "javascript:window.__xss=1",
    "<iframe src=javascript:window.__xss=1>",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    '<a href="javascript:window.__xss=1">click</a>',
]


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def corpus_event(path: Path) -> Path:
    source = (ROOT / "tests" / "data" / "mini_event.toml").read_text(encoding="utf-8")
    source = source.replace('title = "Elder Care Circle"', f"title = {toml_string(CORPUS[0] + ' Elder Care')}")
    source = source.replace('team = "Care Team"', f"team = {toml_string(CORPUS[1])}")
    source = source.replace('leader = "Kim"', f"leader = {toml_string(CORPUS[2])}")
    source = source.replace('summary = "Visiting elders"', f"summary = {toml_string(CORPUS[3] + CORPUS[4])}")
    source = source.replace('name = "Judge One"', f"name = {toml_string(CORPUS[5])}")
    source = source.replace('volunteers = ["Vol C"]', f"volunteers = [{toml_string(CORPUS[6])}]")
    path.write_text(source, encoding="utf-8")
    return path


async def drive(server: RunningServer) -> None:
    from tests.conftest import host_client, judge_client

    host = await host_client(server)
    await host.ok("start_project", {"project": "p2"})
    await host.ok("open_scoring")
    for j in ("j1", "j2", "j3"):
        judge = await judge_client(server, j)
        comment = " ".join(CORPUS)
        await judge.ok("submit_score", {"project": "p2", "scores": {"impact": 50, "pitch": 30}, "comment": comment})
        await judge.close()
    await host.ok("close_scoring")
    await host.ok("reveal", {"project": "p2"})
    await host.ok("start_ceremony", {"skip": True, "remaining": 2})  # p1, p3 never presented
    for _ in range(3):
        await host.ok("ceremony_step", {"direction": "next"})
    await host.close()


def run_in_thread(coroutine) -> None:
    """Sync Playwright owns this thread's event loop; the protocol client runs in its own thread."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if errors:
        raise errors[0]


def test_xss_corpus_is_inert_everywhere(browser, tmp_path: Path) -> None:
    server = RunningServer(tmp_path / "xss.db", corpus_event(tmp_path / "xss.toml"))
    server.start()
    try:
        token = server.judge_tokens()["j1"]
        pages = [
            ("/", DESKTOP, False),
            ("/board", PROJECTOR, False),
            ("/board?audience=1", PHONE, False),
            (f"/judge/{token}", PHONE, False),
            ("/host", DESKTOP, True),
            ("/host/links", DESKTOP, True),
            ("/host/audit", DESKTOP, True),
            ("/host/print/scoresheets", DESKTOP, True),
            ("/host/print/results", DESKTOP, True),
            ("/host/print/certificates", DESKTOP, True),
        ]
        opened = []
        for path, options, as_host in pages[:5]:  # live pages watch the whole cycle
            context, page, _ = new_page(browser, server, options, "en", host=as_host)
            page.goto(f"{server.base}{path}")
            page.wait_for_load_state("networkidle")
            opened.append((path, context, page))
        run_in_thread(drive(server))
        for path, options, as_host in pages[5:]:
            context, page, _ = new_page(browser, server, options, "en", host=as_host)
            page.goto(f"{server.base}{path}")
            opened.append((path, context, page))
        for path, context, page in opened:
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
            assert page.evaluate("() => window.__xss") is None, path
            injected = page.evaluate(
                "() => document.querySelectorAll('img[src=x], svg[onload], iframe, a[href^=javascript]').length"
            )
            assert injected == 0, path
            context.close()
        # and the text itself is shown, literally, where it belongs
        context, page, _ = new_page(browser, server, DESKTOP, "en", host=True)
        page.goto(f"{server.base}/host")
        page.get_by_text(CORPUS[0] + " Elder Care").first.wait_for()
        context.close()
    finally:
        server.stop()
