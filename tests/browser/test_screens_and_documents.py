"""The board is legible at every screen size, and every printable document renders in the browser.

Legibility: at 1920×1080 and 1280×720 the key figures (project title, timer, judges' progress,
composite, leaderboard scores) are at least 1/30 of the screen height, and nothing overflows sideways,
also on a portrait phone. Documents: score sheets, the results page and the certificates render in
Chinese and English with no console error; a screenshot and a PDF of each go to the test artifacts.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE, new_page
from tests.browser.test_xss import run_in_thread
from tests.server import RunningServer

pytestmark = pytest.mark.browser

SIZES = [("1920x1080", 1920, 1080), ("1280x720", 1280, 720)]


async def run_two_projects(server: RunningServer, ceremony: bool) -> None:
    from tests.conftest import host_client, judge_client

    host = await host_client(server)
    for project, base in (("p1", 40), ("p2", 30)):
        await host.ok("start_project", {"project": project})
        await host.ok("timer", {"timer": "presentation", "action": "start"})
        await host.ok("open_scoring")
        for n, judge_id in enumerate(("j1", "j2", "j3", "j4", "j5")):
            judge = await judge_client(server, judge_id)
            scores = {"impact": base + n, "pitch": 20 + n}
            await judge.ok("submit_score", {"project": project, "scores": scores, "comment": f"注释 {judge_id}"})
            await judge.close()
        if project == "p1":
            await host.ok("close_scoring")
            await host.ok("reveal", {"project": project})
    if ceremony:
        await host.ok("close_scoring")
        await host.ok("reveal", {"project": "p2"})
        await host.ok("start_ceremony", {"skip": True, "remaining": 1})  # p3 never presented
        await host.ok("ceremony_step", {"direction": "next"})
    await host.close()


def font_px(page, selector: str) -> float:
    """The largest font size of the text inside the element: the figure itself, not its label."""
    return float(
        page.eval_on_selector(
            selector,
            "el => Math.max(...[el, ...el.querySelectorAll('*')]"
            ".filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))"
            ".map(e => parseFloat(getComputedStyle(e).fontSize)))",
        )
    )


def no_sideways_overflow(page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"))


def scene(server: RunningServer, name: str):
    from tests.conftest import host_client

    async def switch() -> None:
        host = await host_client(server)
        await host.ok("scene", {"scene": name})
        await host.close()

    return switch()


@pytest.mark.parametrize("label, width, height", SIZES)
def test_board_key_figures_are_legible(browser, mini_web, shots, label, width, height) -> None:
    run_in_thread(run_two_projects(mini_web, ceremony=False))  # p1 revealed, p2 presenting and scoring
    context, page, console = new_page(browser, mini_web, {"viewport": {"width": width, "height": height}}, "zh")
    page.goto(f"{mini_web.base}/board")
    minimum = height / 30 - 0.5
    page.locator('[data-testid="board-scene"][data-scene="presenting"]').wait_for()
    for selector in (
        '[data-testid="board-project-title"]',
        '[data-testid="board-timer"]',
        '[data-testid="board-progress"]',
    ):
        page.locator(selector).wait_for()
        assert font_px(page, selector) >= minimum, (selector, font_px(page, selector), minimum)
    assert no_sideways_overflow(page)
    page.screenshot(path=str(shots / f"legible-presenting-{label}.png"))

    run_in_thread(scene(mini_web, "result"))
    page.locator('[data-testid="board-scene"][data-scene="result"]').wait_for()
    assert font_px(page, '[data-testid="board-result-composite"]') >= minimum
    assert no_sideways_overflow(page)

    run_in_thread(scene(mini_web, "leaderboard"))
    page.locator('[data-testid="board-row-p1"]').wait_for()
    assert font_px(page, '[data-testid="board-row-p1"]') >= minimum
    assert no_sideways_overflow(page)
    page.screenshot(path=str(shots / f"legible-leaderboard-{label}.png"))
    assert console.errors == []
    context.close()


def test_board_on_a_portrait_phone(browser, mini_web, shots) -> None:
    run_in_thread(run_two_projects(mini_web, ceremony=False))
    context, page, console = new_page(browser, mini_web, PHONE, "zh")
    page.goto(f"{mini_web.base}/board?audience=1")
    page.locator('[data-testid="board-project-title"]').wait_for()
    assert no_sideways_overflow(page)
    page.screenshot(path=str(shots / "legible-audience-phone.png"), full_page=True)
    assert console.errors == []
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_printable_documents_render(browser, mini_web, shots, lang) -> None:
    run_in_thread(run_two_projects(mini_web, ceremony=True))
    documents = {
        "documents": "/host/documents",
        "scoresheets": "/host/print/scoresheets",
        "results": "/host/print/results",
        "certificates": "/host/print/certificates",
    }
    expected_text = {
        "scoresheets": ["Judge One", "注释 j1"],
        "results": ["Roof Team"],
        "certificates": ["Roof Team", "Lee"],
    }
    for name, path in documents.items():
        context, page, console = new_page(browser, mini_web, DESKTOP, lang, host=True)
        response = page.goto(f"{mini_web.base}{path}?lang={lang}")
        assert response is not None and response.status == 200, name
        page.wait_for_load_state("networkidle")
        text = page.locator("body").inner_text()
        for snippet in expected_text.get(name, []):
            assert snippet in text, (name, snippet)
        assert "<b>Roadshow</b>" not in page.content()  # the event title's markup stays text
        page.screenshot(path=str(shots / f"document-{name}-{lang}.png"), full_page=True)
        if name != "documents":
            page.emulate_media(media="print")
            pdf = page.pdf(path=str(shots / f"document-{name}-{lang}.pdf"), prefer_css_page_size=True)
            assert pdf[:4] == b"%PDF"
        assert console.errors == [], (name, console.errors)
        context.close()
