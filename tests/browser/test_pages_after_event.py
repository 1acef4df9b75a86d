"""Every page, in both languages, once the event has run to its last stage (a project scored,
revealed, the ceremony started with the rest skipped and an award shown): no console error, no
uncaught exception, no CSP violation. tests/browser/test_pages_load.py covers the same pages before
anything happened; the states in between are walked by test_full_event.py and test_host_guards.py."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.browser.conftest import DESKTOP, PHONE, PROJECTOR, new_page
from tests.browser.test_full_event import DEMO, SHEETS
from tests.conftest import host_client, judge_client

pytestmark = pytest.mark.browser

CRITERIA = [c.id for c in DEMO.criteria]


def run(coroutine) -> None:
    # the sync Playwright API runs its own event loop in this thread: the protocol clients get another
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result(timeout=90)


async def through_the_ceremony(server) -> None:
    """p01 scored by three judges, closed and revealed; the ceremony skips the other 17 projects and
    shows its first award."""
    host = await host_client(server)
    judges = {j: await judge_client(server, j) for j in SHEETS["p01"]}
    await host.ok("start_project", {"project": "p01"})
    await host.ok("open_scoring")
    for judge, values in SHEETS["p01"].items():
        await judges[judge].ok("submit_score", {"project": "p01", "scores": dict(zip(CRITERIA, values, strict=True))})
    await host.ok("close_scoring")
    await host.ok("reveal", {"project": "p01"})
    await host.ok("start_ceremony", {"skip": True, "remaining": len(DEMO.projects) - 1})
    await host.ok("ceremony_step")
    for client in (host, *judges.values()):
        await client.close()


def test_every_page_after_the_ceremony_started(browser, demo_web) -> None:
    run(through_the_ceremony(demo_web))
    token = demo_web.judge_tokens()["j1"]
    pages = [
        ("board", "/board", PROJECTOR, False, '[data-testid="board-scene"][data-scene="ceremony"]'),
        ("audience", "/board?audience=1", PHONE, False, None),
        ("judge", f"/judge/{token}", PHONE, False, '[data-testid="end-screen"]'),
        ("host", "/host", DESKTOP, True, '[data-testid="ceremony-status"][data-step="1"]'),
        ("setup", "/host/setup", DESKTOP, True, None),
        ("documents", "/host/documents", DESKTOP, True, None),
        ("audit", "/host/audit", DESKTOP, True, None),
        ("links", "/host/links", DESKTOP, True, None),
    ]
    for lang in ("zh", "en"):  # one event for both languages: the walk through the protocol is the slow part
        for name, path, options, as_host, ready in pages:
            context, page, console = new_page(browser, demo_web, options, lang, host=as_host)
            sep = "&" if "?" in path else "?"
            response = page.goto(f"{demo_web.base}{path}{sep}lang={lang}")
            assert response is not None and response.status == 200, name
            if ready:
                page.locator(ready).wait_for()
            page.wait_for_load_state("networkidle")
            assert console.errors == [], f"{name} ({lang}): {console.errors}"
            context.close()
