"""The final lock on the host console, in a real browser: after the ceremony starts the panel says the
results are final; "Reopen results" asks for a reason; a correction shows which awards would change;
"Re-decide awards" applies them and locks again (app/domain/final_lock.py, static/host/final-lock.js)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.browser.conftest import DESKTOP, new_page
from tests.conftest import host_client, judge_client

pytestmark = pytest.mark.browser


def tid(name: str) -> str:
    return f'[data-testid="{name}"]'


def sheet(total: float) -> dict[str, float]:
    return {"impact": min(60.0, total), "pitch": max(0.0, total - 60.0)}


def run(coroutine) -> None:
    # the sync Playwright API runs its own event loop in this thread: the protocol clients get another
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result(timeout=60)


async def scored_with_ceremony(server) -> None:
    """p1 (composite 96) wins the one team award over p2 (68); the ceremony starts."""
    host = await host_client(server)
    judges = [await judge_client(server, j) for j in ("j1", "j2", "j3")]
    for project, total in (("p1", 100), ("p2", 50)):
        await host.ok("start_project", {"project": project})
        await host.ok("open_scoring")
        for judge in judges:
            await judge.ok("submit_score", {"project": project, "scores": sheet(total)})
        await host.ok("close_scoring")
        await host.ok("reveal", {"project": project})
    await host.ok("start_ceremony", {"skip": True, "remaining": 1})  # p3 never presented
    for client in (host, *judges):
        await client.close()


async def correct_p1_down(server) -> None:
    host = await host_client(server)
    for judge in ("j1", "j2", "j3"):
        await host.ok("correct_score", {"judge": judge, "project": "p1", "scores": sheet(0), "reason": "misread"})
    await host.close()


def test_reopen_preview_and_redecide_on_the_host_console(browser, mini_web, shots) -> None:
    run(scored_with_ceremony(mini_web))
    context, page, console = new_page(browser, mini_web, DESKTOP, host=True)
    page.goto(f"{mini_web.base}/host")
    panel = page.locator(tid("final-lock"))
    panel.wait_for(state="visible")
    assert panel.get_attribute("data-state") == "locked"
    assert "Final" in page.inner_text(tid("final-lock-status"))
    assert page.is_hidden(tid("redecide-awards"))

    page.click(tid("reopen-results"))
    page.click(tid("confirm-ok"))  # no reason: the dialog refuses
    assert page.is_visible(tid("reason-input"))
    page.fill(tid("reason-input"), "appeal by the Care Team")
    page.click(tid("confirm-ok"))
    page.wait_for_selector(f'{tid("final-lock")}[data-state="reopened"]')
    assert "appeal by the Care Team" in page.inner_text(tid("final-lock-status"))
    assert "No award would change" in page.inner_text(tid("final-lock-changes"))

    run(correct_p1_down(mini_web))
    page.wait_for_selector(f'{tid("final-lock-changes")} li[data-award="team"]')
    changes = page.inner_text(tid("final-lock-changes"))
    assert "Roof Team → Care Team" in changes and "Lee → Kim" in changes
    page.screenshot(path=str(shots / "host-final-lock-reopened.png"))

    page.click(tid("redecide-awards"))
    page.click(tid("confirm-ok"))
    page.wait_for_selector(f'{tid("final-lock")}[data-state="locked"]')
    assert console.errors == []
    context.close()
