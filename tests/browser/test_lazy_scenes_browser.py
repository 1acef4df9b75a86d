"""A scene a phone loads late is there when the hall watches, even if its first download fails
(static/board/lazy.js, docs/performance.md "Page weight"): an audience phone that may vote gets the
people's-choice scene and its stylesheet only at the reveal; here the first request for each is dropped
(as a busy access point or a closed connection would) and the phone asks again, then shows the scene
with its styles."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE, new_page
from tests.server import RunningServer
from tests.test_votes_live import event_file

pytestmark = pytest.mark.browser


def tid(name: str) -> str:
    return f'[data-testid="{name}"]'


@pytest.fixture
def vote_web(tmp_path) -> RunningServer:
    server = RunningServer(tmp_path / "vote.db", event_file(tmp_path))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_late_scene_whose_download_fails_is_fetched_again_and_shown_styled(browser, vote_web) -> None:
    server = vote_web
    host_ctx, host, _ = new_page(browser, server, DESKTOP, lang="en", host=True)
    phone_ctx, phone, _ = new_page(browser, server, PHONE, lang="zh")
    requests: dict[str, list[str]] = {"vote.js": [], "board-vote.css": []}

    def drop_the_first(route) -> None:
        name = route.request.url.split("?")[0].rsplit("/", 1)[-1]
        requests[name].append(route.request.url)
        if len(requests[name]) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    phone.route("**/board/vote.js*", drop_the_first)
    phone.route("**/css/board-vote.css*", drop_the_first)
    host.goto(f"{server.base}/host")
    phone.goto(f"{server.base}/board?audience=1&lang=zh")
    host.locator(tid("vote-open")).click()
    phone.locator(f'{tid("vote-panel")}[data-state="open"]').wait_for()
    assert requests == {"vote.js": [], "board-vote.css": []}  # not part of the first load
    phone.locator(tid("vote-choice-p1")).click()
    phone.locator(f'{tid("vote-status")}[data-state="saved"]').wait_for()
    host.locator(f'{tid("vote-count")}[data-count="1"]').wait_for()
    host.locator(tid("vote-close")).click()
    host.locator(tid("vote-reveal")).click()
    host.locator(tid("confirm-ok")).click()

    phone.locator(tid("board-people-choice")).wait_for(timeout=20_000)
    assert phone.locator(tid("board-pc-p1")).get_attribute("data-votes") == "1"
    # each was asked for twice: the dropped request, then again under a new query
    assert [len(urls) for urls in requests.values()] == [2, 2]
    assert all("?retry=" in urls[1] for urls in requests.values())
    # the scene's own styles are in place (css/board-vote.css: the bars' list is a grid)
    assert phone.locator(".pc-list").evaluate("e => getComputedStyle(e).display") == "grid"
    phone_ctx.close()
    host_ctx.close()
