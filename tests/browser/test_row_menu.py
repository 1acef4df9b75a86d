"""A running-order row's menu stays open while live updates redraw the list (issue 13).

The host opens a row's "⋯" menu to start a project out of turn; a judge's score or another host
tab's reorder arriving at that moment redraws the running order. The menu must still be open with
its Start button under the pointer (it used to close, and the click landed on nothing).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.browser.conftest import new_page
from tests.browser.test_full_event import DEMO, tid
from tests.conftest import host_client
from tests.server import RunningServer

pytestmark = pytest.mark.browser


async def reorder_from_another_tab(server: RunningServer, order: list[str]) -> None:
    other = await host_client(server)
    try:
        await other.ok("reorder", {"order": order})
    finally:
        await other.close()


def test_an_open_row_menu_survives_a_live_redraw(browser, demo_web) -> None:
    server = demo_web
    _, host, _ = new_page(browser, server, {"viewport": {"width": 1366, "height": 768}}, "en", host=True)
    host.goto(f"{server.base}/host?lang=en")
    host.locator(f'{tid("conn-status")}[data-status="online"]').wait_for()
    order = [p.id for p in DEMO.projects]
    host.locator(tid("row-menu-p03")).click()
    start = host.locator(tid("start-p03"))
    start.wait_for(state="visible")

    # another host tab moves the last two projects: the list is redrawn from the new view
    moved = [*order[:-2], order[-1], order[-2]]
    with ThreadPoolExecutor(1) as pool:  # sync Playwright owns this thread's event loop
        pool.submit(asyncio.run, reorder_from_another_tab(server, moved)).result()
    host.wait_for_function(
        "id => document.querySelector('#order-list li:last-child')?.dataset.testid === 'order-item-' + id",
        arg=order[-2],
    )
    assert start.is_visible()  # the same menu, redrawn open
    start.click()
    host.locator(f'{tid("order-item-p03")}[data-status="presenting"]').wait_for()
    assert host.locator(tid("start-p03")).count() == 0 or not host.locator(tid("start-p03")).is_visible()
