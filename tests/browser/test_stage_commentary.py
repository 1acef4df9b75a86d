"""On stage (issue 16), through the pages in a real browser, in Chinese and in English: a project
presents, two judges write comment points on their phones (one shared, one private), the host puts
each judge's commentary on the board and shows the shared point, then the result is revealed; the
livestream overlay (/overlay) is checked at every step. The private point never appears on the
board, the overlay or the host console.

Screenshots (test-artifacts/screenshots/stage-<lang>-*.png) feed the README (scripts/update-screenshots.sh).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE, PROJECTOR, new_page
from tests.browser.test_full_event import DEMO, confirm, enter_scores, review_and_submit, tid

pytestmark = pytest.mark.browser

SHEET = [
    25,
    26,
    16,
    8,
    9,
]  # 84 (demo rubric: completion/30, effect/30, innovation/20, sustainability/10, presentation/10)
TEXT = {
    "zh": {"shared": "居民全程参与设计，模式可复制", "private": "私下：预算偏紧，需核实"},
    "en": {"shared": "Residents co-design every step", "private": "PRIVATE: the budget looks thin"},
}


def add_point(page, text: str, kind: str, shared: bool) -> None:
    page.locator(tid(f"point-kind-{kind}")).click()
    page.locator(tid("point-text")).fill(text)
    if shared:
        page.locator(tid("point-shared")).check()
    page.locator(tid("point-add")).click()
    page.locator(f'{tid("points")} li[data-pending="false"]').filter(has_text=text).wait_for()


def overlay_kind(overlay, kind: str) -> None:
    overlay.locator(f'{tid("overlay")}[data-kind="{kind}"]').wait_for()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presentation_commentary_reveal_and_the_overlay(browser, demo_web, shots, lang) -> None:
    server = demo_web
    tokens = server.judge_tokens()
    text = TEXT[lang]
    _, host, host_console = new_page(browser, server, DESKTOP, lang, host=True)
    _, board, board_console = new_page(browser, server, PROJECTOR, lang)
    _, overlay, overlay_console = new_page(browser, server, PROJECTOR, lang)
    phones = {}
    for j in ("j1", "j2", "j4"):  # three judges score (the event's minimum panel); j1 and j2 comment
        _, page, console = new_page(browser, server, PHONE, lang)
        page.goto(f"{server.base}/judge/{tokens[j]}?lang={lang}")
        phones[j] = (page, console)
    host.goto(f"{server.base}/host?lang={lang}")
    board.goto(f"{server.base}/board?lang={lang}")
    overlay.goto(f"{server.base}/overlay?lang={lang}")
    host.locator(f'{tid("conn-status")}[data-status="online"]').wait_for()
    overlay_kind(overlay, "none")
    # transparent, no pointer, no scrolling
    style = overlay.evaluate(
        "() => { const s = getComputedStyle(document.body), r = getComputedStyle(document.documentElement);"
        " return [s.backgroundColor, r.backgroundColor, s.cursor, s.overflow, document.documentElement.scrollHeight]; }"
    )
    assert style[0] == "rgba(0, 0, 0, 0)" and style[1] == "rgba(0, 0, 0, 0)"
    assert style[2] == "none" and style[3] == "hidden" and style[4] <= 1080

    # --- presentation
    first = DEMO.project(DEMO.default_order()[0])
    assert first is not None
    host.locator(tid("start-next")).click()
    board.locator(tid("board-project-title")).filter(has_text=first.title).wait_for()
    overlay_kind(overlay, "presenting")
    overlay.locator(tid("overlay-title")).filter(has_text=first.title).wait_for()
    host.locator(tid("timer-presentation-start")).click()
    overlay.locator(f'{tid("overlay-clock")}[data-state="normal"]').wait_for()
    overlay.screenshot(path=str(shots / f"stage-{lang}-1-overlay-presenting.png"), omit_background=True)
    host.locator(tid("open-scoring")).click()
    for page, _ in phones.values():
        page.locator(f"{tid('review')}:not([disabled])").wait_for()
        enter_scores(page, SHEET)
        review_and_submit(page)
        page.locator(tid("saved")).wait_for()

    # --- two judges write points: j1 shares one, j2 keeps one private
    add_point(phones["j1"][0], text["shared"], "highlight", shared=True)
    add_point(phones["j2"][0], text["private"], "suggestion", shared=False)
    phones["j1"][0].locator(tid("points")).scroll_into_view_if_needed()
    phones["j1"][0].screenshot(path=str(shots / f"stage-{lang}-2-judge-points.png"))

    # --- commentary by j1: the host sees and chooses the shared point; it is on the board
    host.locator(tid("commentary-judge")).select_option("j1")
    host.locator(tid("commentary-start")).click()
    board.locator(f'{tid("board-scene")}[data-scene="commentary"]').wait_for()
    board.locator(f'{tid("board-commentary")}[data-judge="j1"]').wait_for()
    overlay_kind(overlay, "commentary")
    overlay.locator(tid("overlay-title")).filter(has_text=DEMO.judge("j1").name).wait_for()
    host.locator(f'{tid("commentary-points")} input[type="checkbox"]').first.check()
    board.locator(tid("board-commentary-point")).filter(has_text=text["shared"]).wait_for()
    host.locator(tid("commentary-timer-start")).click()
    board.locator(f'{tid("board-commentary-timer")}[data-state="normal"]').wait_for()
    board.screenshot(path=str(shots / f"stage-{lang}-3-board-commentary.png"))
    overlay.screenshot(path=str(shots / f"stage-{lang}-4-overlay-commentary.png"), omit_background=True)

    # --- commentary by j2: nothing of j2's is shared, so nothing to choose and nothing on the board
    host.locator(tid("commentary-judge")).select_option("j2")
    host.locator(tid("commentary-start")).click()
    board.locator(f'{tid("board-commentary")}[data-judge="j2"]').wait_for()
    assert host.locator(f'{tid("commentary-points")} input[type="checkbox"]').count() == 0
    assert board.locator(tid("board-commentary-point")).count() == 0
    for page in (board, overlay, host):
        assert text["private"] not in page.content()
    assert text["private"] in phones["j2"][0].content()  # still there for its judge
    host.locator(tid("commentary-end")).click()
    board.locator(f'{tid("board-scene")}[data-scene="presenting"]').wait_for()

    # --- reveal: the result on the board and the overlay
    host.locator(tid("close-scoring")).click()
    confirm(host)
    host.locator(tid("reveal")).click()
    confirm(host)
    board.locator(f'{tid("board-scene")}[data-scene="result"]').wait_for()
    overlay_kind(overlay, "result")
    overlay.locator(tid("overlay-title")).filter(has_text=first.title).wait_for()
    overlay.screenshot(path=str(shots / f"stage-{lang}-5-overlay-result.png"), omit_background=True)

    # --- the break and the thanks scene, from the strip's scene keys
    host.locator(tid("break-minutes")).fill("10")
    host.locator(tid("break-start")).click()
    board.locator(f'{tid("board-break")}[data-state="counting"]').wait_for()
    board.screenshot(path=str(shots / f"stage-{lang}-6-board-break.png"))
    overlay_kind(overlay, "none")
    host.locator("body").click(position={"x": 5, "y": 890})
    host.keyboard.press("8")
    board.locator(tid("board-thanks")).wait_for()

    # --- the ceremony: the overlay names the winner once the host reveals it (one project was scored,
    # so the first step is the one winner of the first award)
    host.locator(tid("start-ceremony")).click()
    host.locator(tid("typed-input")).fill(str(len(DEMO.projects) - 1))
    confirm(host)
    board.locator(f'{tid("board-scene")}[data-scene="ceremony"]').wait_for()
    overlay_kind(overlay, "none")  # nothing revealed yet: nothing to tell the stream
    host.locator(tid("ceremony-next")).click()
    overlay_kind(overlay, "winner")
    overlay.locator(tid("overlay-title")).filter(has_text=first.team).wait_for()
    assert "null" not in overlay.locator(tid("overlay-lower-third")).inner_text()
    overlay.screenshot(path=str(shots / f"stage-{lang}-7-overlay-winner.png"), omit_background=True)

    for console in (host_console, board_console, overlay_console, *(c for _, c in phones.values())):
        assert console.errors == []


def send(server, path: str, cmd: str, args: dict, headers: dict | None = None) -> None:
    """One command over a websocket of its own (sync: this module runs sync Playwright), acknowledged."""
    import orjson
    from websockets.sync.client import connect

    with connect(f"{server.ws_base}{path}", additional_headers=headers or {}, max_size=2**24) as ws:
        ws.send(orjson.dumps({"type": "cmd", "id": f"a11y-{cmd}-{len(args)}", "cmd": cmd, "args": args}).decode())
        while True:
            message = orjson.loads(ws.recv(timeout=10))
            if message.get("type") == "ack":
                assert message["ok"], message
                return


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_stage_scenes_have_no_serious_accessibility_violations(browser, demo_web, lang) -> None:
    """axe-core (as tests/browser/test_accessibility.py) on the commentary scene, the break, the judge's
    comment points, the host's commentary panel and the overlay."""
    from tests.browser.test_accessibility import AXE, serious_violations

    if not AXE.exists():
        pytest.skip("axe-core not installed (scripts/test.sh installs it with npm)")
    server = demo_web
    cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in server.host_cookies().items())}
    first = DEMO.default_order()[0]
    token = server.judge_tokens()["j1"]
    send(server, "/ws/host", "start_project", {"project": first}, cookie)
    point = {"project": first, "point": "a11y", "kind": "highlight", "text": TEXT[lang]["shared"], "shared": True}
    send(server, f"/ws/judge/{token}", "save_point", point)
    send(server, "/ws/host", "start_commentary", {"judge": "j1", "project": first}, cookie)
    send(server, "/ws/host", "commentary_points", {"points": ["a11y"]}, cookie)
    screens = [
        ("board-commentary", "/board", PROJECTOR, False, "board-commentary-point"),
        ("audience-commentary", "/board?audience=1", PHONE, False, "board-commentary-point"),
        ("judge-points", f"/judge/{token}", PHONE, False, "point-a11y"),
        ("host", "/host", DESKTOP, True, "commentary-point-a11y"),
        ("overlay", "/overlay", PROJECTOR, False, "overlay-lower-third"),
    ]
    problems: dict[str, list[str]] = {}
    for name, path, options, as_host, ready in screens:
        _, page, _ = new_page(browser, server, options | {"bypass_csp": True}, lang, host=as_host)
        sep = "&" if "?" in path else "?"
        page.goto(f"{server.base}{path}{sep}lang={lang}")
        page.locator(tid(ready)).first.wait_for()
        page.wait_for_timeout(600)  # the scene's fade
        if found := serious_violations(page):
            problems[name] = found
    send(server, "/ws/host", "start_break", {"seconds": 600, "message": "15:30"}, cookie)
    _, page, _ = new_page(browser, server, PROJECTOR | {"bypass_csp": True}, lang)
    page.goto(f"{server.base}/board?lang={lang}")
    page.locator(tid("board-break")).wait_for()
    page.wait_for_timeout(600)
    if found := serious_violations(page):
        problems["board-break"] = found
    assert problems == {}
