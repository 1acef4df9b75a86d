"""The judging report (issue 15) in a real browser, zh and en: the host opens it from the console,
sees the pictures and the flagged score, prints it with the audit anchor; closing scoring on a
project with a slip of the pen names it in the confirmation, and so does the reveal."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tests.browser.conftest import DESKTOP, new_page
from tests.server import RunningServer
from tests.test_judging_report import score_mini_event

pytestmark = pytest.mark.browser

HEADINGS = {"zh": ("评审分析报告", "揭晓前请核对"), "en": ("Judging report", "Check before the reveal")}


def _score(server: RunningServer) -> None:
    # The protocol clients are asyncio; sync Playwright owns this thread's loop, so they run in another.
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(score_mini_event(server, slip_on_open=True))
        except BaseException as exc:  # re-raised in the test's thread
            failure.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(120)
    assert not worker.is_alive() and not failure, failure


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_judging_report_and_close_dialog(browser, mini_web, shots, lang) -> None:
    server = mini_web
    _score(server)
    heading, check = HEADINGS[lang]
    context, page, console = new_page(browser, server, DESKTOP, lang, host=True)
    try:
        page.goto(f"{server.base}/host?lang={lang}")
        page.locator('[data-testid="conn-status"][data-status="online"]').wait_for()
        # Closing p2, where j6 gave 20 against about 70: the dialog asks to check it.
        page.locator('[data-testid="close-scoring"]').click()
        message = page.locator("#confirm-message")
        message.filter(has_text=check).wait_for()
        assert "20" in message.inner_text()
        page.screenshot(path=str(shots / f"judging-close-dialog-{lang}.png"))
        page.locator('[data-testid="confirm-ok"]').click()
        page.locator('[data-testid="order-item-p2"][data-status="closed"]').wait_for()
        # The reveal, which cannot be taken back, names the slip too (and is left undone here).
        page.locator('[data-testid="reveal"]').click()
        message.filter(has_text=check).wait_for()
        page.locator('[data-testid="confirm-cancel"]').click()

        with page.expect_navigation():
            page.locator('[data-testid="link-judging"]').click()
        assert page.locator("h1").inner_text() == heading
        for chart in ("heat-map", "leniency-bars", "stability-bars"):
            assert page.locator(f'[data-testid="{chart}"]').first.is_visible(), chart
        flagged = page.locator('[data-testid="outlier-row"]')
        assert sorted(flagged.nth(i).get_attribute("data-project") for i in range(flagged.count())) == ["p1", "p2"]
        assert page.locator(".outlier-cell").count() == 2
        page.screenshot(path=str(shots / f"judging-report-{lang}.png"), full_page=True)

        with page.expect_navigation():
            page.locator('[data-testid="judging-print"]').click()
        assert page.locator('[data-testid="chain-anchor"]').is_visible()
        page.emulate_media(media="print")
        page.screenshot(path=str(shots / f"judging-print-{lang}.png"), full_page=True)
        assert page.locator("h1").inner_text() == heading
        assert console.errors == []
    finally:
        context.close()
