"""A whole event through the pages themselves, in a real browser, in Chinese and in English.

The host console on a desktop viewport, three judges on phone viewports (390×844, touch), the board at
1920×1080. No shortcuts through the API: every action is a click or a keystroke on a page.

Expected results are computed by hand from the demo event (app/demo/demo_event.toml): with three
judges the trimmed mean falls back to the plain mean (trim_min_judges = 5); the composite is
(60 × panel + 10 × each of the four indicators) / 100, the panel maximum being 100.
"""

from __future__ import annotations

import re

import pytest

from app.eventfile import load_event_file
from tests.browser.conftest import DESKTOP, PHONE, PROJECTOR, new_page
from tests.server import ROOT

pytestmark = pytest.mark.browser

DEMO = load_event_file(ROOT / "app" / "demo" / "demo_event.toml")
CRITERIA = [c.id for c in DEMO.criteria]  # completion/30, effect/30, innovation/20, sustainability/10, presentation/10

# Three projects; three judges each (j1, j2, j4: j3 is recused from p14 in the demo, not needed here).
SHEETS = {
    "p02": {
        "j1": [25, 26, 16, 8, 9],  # 84
        "j2": [20, 20, 10, 5, 5],  # 60, then amended to the line below
        "j4": [27, 27.5, 18, 9, 9.5],  # 91
    },
    "p01": {"j1": [22, 23, 15, 7, 8], "j2": [24, 25, 17, 8, 8], "j4": [26, 26, 16, 8, 9]},  # 75, 82, 85
    "p03": {"j1": [18, 20, 12, 6, 7], "j2": [20, 21, 13, 7, 7], "j4": [19, 19, 14, 6, 6]},  # 63, 68, 64
}
AMENDED_J2_P02 = [23, 24, 15, 8, 8]  # 78


def total(values: list[float]) -> float:
    return sum(values)


def expected_composite(project_id: str, totals: list[float]) -> float:
    panel = sum(totals) / len(totals)
    project = DEMO.project(project_id)
    assert project is not None
    indicators = project.indicators
    weighted = 60 * panel + sum(10 * indicators[i.id] for i in DEMO.indicators)
    return round(weighted / 100, 2)


def tid(name: str) -> str:
    return f'[data-testid="{name}"]'


def enter_scores(page, values: list[float], comment: str = "") -> None:
    for criterion, value in zip(CRITERIA, values, strict=True):
        field = page.locator(tid(f"score-{criterion}"))
        field.fill(str(value))
        field.press("Tab")
    if comment:
        page.locator(tid("comment")).fill(comment)
    page.locator(tid("total")).wait_for()
    shown = float(page.locator(tid("total")).get_attribute("data-value") or "nan")
    assert shown == pytest.approx(total(values))


def review_and_submit(page) -> None:
    page.locator(tid("review")).click()
    page.locator(tid("confirm-submit")).click()


def confirm(host) -> None:
    host.locator(tid("confirm-ok")).click()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_whole_event_through_the_pages(browser, demo_web, shots, lang) -> None:
    server = demo_web
    tokens = server.judge_tokens()
    host_ctx, host, host_console = new_page(browser, server, DESKTOP, lang, host=True)
    board_ctx, board, board_console = new_page(browser, server, PROJECTOR, lang)
    judges = {}
    for j in ("j1", "j2", "j4"):
        ctx, page, console = new_page(browser, server, PHONE, lang)
        page.goto(f"{server.base}/judge/{tokens[j]}?lang={lang}")
        judges[j] = (ctx, page, console)

    host.goto(f"{server.base}/host?lang={lang}")
    board.goto(f"{server.base}/board?lang={lang}")
    host.locator(f'{tid("conn-status")}[data-status="online"]').wait_for()
    board.locator(f'{tid("board-scene")}[data-scene="welcome"]').wait_for()
    board.screenshot(path=str(shots / f"event-{lang}-01-board-welcome.png"))
    for _, page, _ in judges.values():
        page.locator(f'{tid("conn-status")}[data-status="online"]').wait_for()
    judges["j1"][1].screenshot(path=str(shots / f"event-{lang}-02-judge-waiting.png"))

    # The host moves p02 before p01 (before anything has started).
    host.locator(tid("move-up-p02")).click()
    first_item = host.locator(f'{tid("order-list")} [data-testid^="order-item-"]').first
    first_item.wait_for()
    host.wait_for_function(
        '() => document.querySelector(\'[data-testid="order-list"] [data-testid^="order-item-"]\')'
        ".dataset.testid === 'order-item-p02'"
    )

    revealed_totals: dict[str, list[float]] = {}
    for round_number, project_id in enumerate(["p02", "p01", "p03"], start=1):
        project = DEMO.project(project_id)
        assert project is not None
        host.locator(tid(f"row-menu-{project_id}")).click()  # starting out of turn: in the row's menu
        host.locator(tid(f"start-{project_id}")).click()
        board.locator(f'{tid("board-scene")}[data-scene="presenting"]').wait_for()
        board.locator(tid("board-project-title")).filter(has_text=project.title).wait_for()
        for _, page, _ in judges.values():
            page.locator(tid("project-title")).filter(has_text=project.title).wait_for()

        host.locator(tid("timer-presentation-start")).click()
        host.locator(f'{tid("timer-presentation")}[data-state="running"]').wait_for()
        board.locator(f'{tid("board-timer")}[data-timer="presentation"]').wait_for()
        host.locator(tid("open-scoring")).click()
        if round_number == 1:
            board.screenshot(path=str(shots / f"event-{lang}-03-board-presenting.png"))
            host.screenshot(path=str(shots / f"event-{lang}-04-host-scoring-open.png"))

        sheets = SHEETS[project_id]
        offline_judge = "j4" if round_number == 2 else None
        for judge_id, (ctx, page, _) in judges.items():
            page.locator(f"{tid('review')}:not([disabled])").wait_for()
            if judge_id == offline_judge:
                # The phone loses the network mid-score: typing continues, the score waits in the outbox.
                ctx.set_offline(True)
                page.locator(f'{tid("conn-status")}:not([data-status="online"])').wait_for()
                enter_scores(page, sheets[judge_id], comment="信号不好" if lang == "zh" else "bad signal")
                review_and_submit(page)
                page.locator(f'{tid("saving")}[data-offline="true"]').wait_for()
                assert page.locator(tid("saved")).count() == 0
                page.screenshot(path=str(shots / f"event-{lang}-06-judge-offline-not-saved.png"))
                continue
            enter_scores(page, sheets[judge_id])
            if round_number == 1 and judge_id == "j1":
                page.screenshot(path=str(shots / f"event-{lang}-05-judge-form.png"))
            review_and_submit(page)
            page.locator(tid("saved")).wait_for()
            if round_number == 1 and judge_id == "j1":
                page.screenshot(path=str(shots / f"event-{lang}-07-judge-saved.png"))

        totals = [total(sheets[j]) for j in ("j1", "j2", "j4")]
        if round_number == 1:
            # Judge 2 amends before scoring closes: the latest submission counts.
            page = judges["j2"][1]
            page.locator(tid("amend")).click()  # the saved sheet rests as a summary until reopened
            enter_scores(page, AMENDED_J2_P02)
            review_and_submit(page)
            page.locator(tid("saved")).wait_for()
            host.locator(f"{tid('judge-row-j2')}").filter(has_text=str(int(total(AMENDED_J2_P02)))).wait_for()
            totals[1] = total(AMENDED_J2_P02)
        if offline_judge:
            ctx, page, _ = judges[offline_judge]
            board.locator(f'{tid("board-progress")}[data-submitted="2"]').wait_for()
            ctx.set_offline(False)
            page.locator(tid("saved")).wait_for(timeout=30_000)

        host.locator(f'{tid("progress")}[data-submitted="3"]').wait_for()
        board.locator(f'{tid("board-progress")}[data-submitted="3"]').wait_for()
        assert "." not in (board.locator(tid("board-progress")).inner_text())  # counts, never scores

        host.locator(tid("close-scoring")).click()
        confirm(host)
        host.locator(tid("reveal")).click()
        confirm(host)
        board.locator(f'{tid("board-scene")}[data-scene="result"]').wait_for()
        composite = board.locator(tid("board-result-composite"))
        composite.wait_for()
        expected = expected_composite(project_id, totals)
        board.wait_for_function(
            "([sel, v]) => { const el = document.querySelector(sel);"
            " return el && Math.abs(parseFloat(el.dataset.value) - v) < 0.006; }",
            arg=[tid("board-result-composite"), expected],
        )
        revealed_totals[project_id] = totals
        if round_number == 1:
            board.wait_for_timeout(1500)  # let the count-up finish for the screenshot
            board.screenshot(path=str(shots / f"event-{lang}-08-board-result.png"))

    # The leaderboard on the board, in the order of the hand-computed composites.
    host.locator(tid("scene-leaderboard")).click()
    board.locator(f'{tid("board-scene")}[data-scene="leaderboard"]').wait_for()
    expected_order = sorted(revealed_totals, key=lambda p: expected_composite(p, revealed_totals[p]), reverse=True)
    for rank, project_id in enumerate(expected_order, start=1):
        board.locator(f'{tid(f"board-row-{project_id}")}[data-rank="{rank}"]').wait_for()
    board.wait_for_timeout(1200)
    board.screenshot(path=str(shots / f"event-{lang}-09-board-leaderboard.png"))
    host.screenshot(path=str(shots / f"event-{lang}-10-host-standings.png"))

    # The ceremony: each award revealed as the host advances.
    host.locator(tid("start-ceremony")).click()
    # 15 of the 18 projects were never presented: the host types how many the ceremony skips
    host.locator(tid("typed-input")).fill(str(len(DEMO.projects) - len(revealed_totals)))
    confirm(host)
    board.locator(f'{tid("board-scene")}[data-scene="ceremony"]').wait_for()
    # the status line can be drawn before the ceremony's steps reach the console (data-total="0" for a
    # moment; seen once on a loaded machine): wait until it has them
    status = host.locator(f'{tid("ceremony-status")}[data-total]:not([data-total="0"])')
    status.wait_for()
    steps = int(status.get_attribute("data-total") or "0")
    # top_projects: 6 at most, at most 2 per category, from the 3 scored → one step per team, its
    # leader on the same card; the leaders' recap in one step, then the honour roll in one step
    rule = DEMO.awards[0]
    taken: dict[str, int] = {}
    teams = []
    for project_id in expected_order:
        category = DEMO.project(project_id).category  # type: ignore[union-attr]
        if taken.get(category, 0) < rule.max_per_category and len(teams) < rule.count:
            taken[category] = taken.get(category, 0) + 1
            teams.append(project_id)
    assert steps == len(teams) + 2
    best = DEMO.project(expected_order[0])
    assert best is not None
    for step in range(1, steps + 1):
        if step == len(teams):  # the console says what the next key shows: the first team and its leader
            upnext = host.locator(tid("ceremony-upnext")).inner_text()
            assert best.team in upnext and best.leader in upnext, upnext
        host.locator(tid("ceremony-next")).click()
        host.locator(f'{tid("ceremony-status")}[data-step="{step}"]').wait_for()
        board.locator(f'{tid("board-ceremony")}[data-step="{step}"]').wait_for()
        if step == len(teams):  # the last excellent team revealed is the first place
            board.locator(tid("board-winner")).filter(has_text=best.team).wait_for()
            board.locator(tid("board-winner-leader")).filter(has_text=best.leader).wait_for()
            board.wait_for_timeout(800)
            board.screenshot(path=str(shots / f"event-{lang}-11-board-ceremony-winner.png"))
    roll = board.locator(tid("board-honour-roll"))
    roll.wait_for()
    assert best.volunteers[0] in roll.inner_text()
    board.screenshot(path=str(shots / f"event-{lang}-12-board-honour-roll.png"))

    # The judges saw only their own scores; language as chosen.
    for judge_id, (_, page, _) in judges.items():
        mine = page.locator(tid("my-scores"))
        assert page.locator(f'{tid("my-scores")} [data-testid^="my-score-"]').count() == 3, judge_id
        assert mine is not None
    saved_text = host.locator("html").get_attribute("lang")
    assert saved_text == ("zh-Hans" if lang == "zh" else "en")
    if lang == "zh":
        assert re.search(r"[\u4e00-\u9fff]", host.locator(tid("conn-status")).inner_text())
    else:
        assert "Connected" in host.locator(tid("conn-status")).inner_text()

    for console in (host_console, board_console, *(c for _, _, c in judges.values())):
        # The offline phone logs failed reconnection attempts while offline; nothing else may error.
        assert [e for e in console.errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
    for ctx in (host_ctx, board_ctx, *(c for c, _, _ in judges.values())):
        ctx.close()
