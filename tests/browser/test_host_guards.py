"""The host console's guards against event-day mistakes (issue 13), in a real browser, zh and en.

On one host laptop screen (1366×768): the action strip and the projector scenes are visible without
scrolling and the header does not overflow; the ceremony before every reveal needs the number of
skipped projects typed in (or a press-and-hold), and can be left again; a start that interrupts the
project on stage is confirmed (naming it) and undone with its running timer kept; closing scoring
names the judge whose phone is offline; the score queued on that phone is refused when it arrives,
shown to the host with its numbers and to the judge as not counted, and taken in by a correction
prefilled with it; a second host tab that closes scoring first turns the first tab's open dialog
into an explanation instead of an error.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, new_page
from tests.browser.test_full_event import DEMO, enter_scores, review_and_submit, tid, total

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
LATE_SHEET = [24, 25, 17, 8, 9]  # 83: queued on judge 2's phone while it was offline
ON_TIME_SHEET = [20, 21, 14, 7, 8]  # 70


def title(pid: str) -> str:
    project = DEMO.project(pid)
    assert project is not None
    return project.title


def judge_name(jid: str) -> str:
    judge = DEMO.judge(jid)
    assert judge is not None
    return judge.name


def in_viewport(page, selector: str) -> bool:
    return page.eval_on_selector(
        selector,
        "el => { const r = el.getBoundingClientRect();"
        " return r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }",
    )


def clock_seconds(page, name: str) -> int:
    text = page.locator(f"#timer-clock-{name}").inner_text()
    minutes, seconds = re.sub(r"[^0-9:]", "", text).split(":")
    return int(minutes) * 60 + int(seconds)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_host_guards(browser, demo_web, shots, lang) -> None:
    server = demo_web
    tokens = server.judge_tokens()
    host_ctx, host, console = new_page(browser, server, LAPTOP, lang, host=True)
    host.goto(f"{server.base}/host?lang={lang}")
    host.locator(f'{tid("conn-status")}[data-status="online"]').wait_for()
    count = len(DEMO.projects)

    # --- one screen: strip, primary step and scenes visible without scrolling; the header fits
    for selector in (tid("action-strip"), tid("primary-action"), tid("scene-leaderboard"), tid("judges-toggle")):
        assert in_viewport(host, selector), selector
    assert host.eval_on_selector(".host-bar", "el => el.scrollWidth <= el.clientWidth + 1")
    assert host.eval_on_selector(".strip", "el => el.scrollWidth <= el.clientWidth + 1")
    assert host.locator(tid("primary-action")).get_attribute("data-action") == "start_next"
    host.keyboard.press("?")
    host.locator(tid("shortcuts-sheet")).wait_for()
    host.keyboard.press("Escape")
    host.screenshot(path=str(shots / f"host-guards-{lang}-1-start.png"))

    # --- the ceremony is out of reach until the host skips the rest, typing how many
    start = host.locator(tid("start-ceremony"))
    assert start.get_attribute("data-remaining") == str(count)
    assert str(count) in start.inner_text()
    start.click()
    ok = host.locator(tid("confirm-ok"))
    assert ok.is_disabled()
    host.screenshot(path=str(shots / f"host-guards-{lang}-0-skip.png"))
    host.locator(tid("typed-input")).fill(str(count - 1))
    assert ok.is_disabled()
    host.locator(tid("typed-input")).fill(str(count))
    assert title("p01") in host.locator("#confirm-message").inner_text()
    ok.click()
    host.locator(f'{tid("ceremony-status")}[data-step="0"]').wait_for()
    host.locator(tid("leave-ceremony")).wait_for()
    assert host.locator(tid("scene-ceremony")).get_attribute("aria-pressed") == "true"
    host.locator(tid("leave-ceremony")).click()
    host.locator(tid("confirm-ok")).click()
    host.locator(f"{tid('start-ceremony')}:not([hidden])").wait_for()
    assert host.locator(tid("scene-ceremony")).is_disabled()
    # ... or by pressing and holding instead of typing: let go early and nothing happens (the fill
    # empties); hold Space on the focused button until it fills, and the ceremony starts
    start.click()
    hold = host.locator(tid("hold-confirm"))
    assert str(count) in hold.inner_text()
    hold.hover()
    host.mouse.down()
    host.locator(f'{tid("hold-confirm")}[data-holding="true"]').wait_for()
    host.wait_for_timeout(300)
    host.mouse.up()
    assert hold.get_attribute("data-progress") == "0" and host.locator("#confirm-dialog").is_visible()
    hold.focus()
    host.keyboard.down(" ")
    host.locator(tid("leave-ceremony")).wait_for()  # filled: confirmed, the ceremony has started
    host.keyboard.up(" ")
    host.locator(tid("leave-ceremony")).click()
    host.locator(tid("confirm-ok")).click()
    host.locator(f"{tid('start-ceremony')}:not([hidden])").wait_for()

    # --- a start, the timer runs; a mistaken second start is confirmed, then undone with the timer kept
    host.keyboard.press("s")  # nothing on stage: no question asked
    host.locator(tid("strip-now")).filter(has_text=title("p01")).wait_for()
    host.locator(tid("undo-bar")).wait_for()
    host.locator(tid("timer-presentation-start")).click()
    host.locator(f'{tid("timer-presentation")}[data-state="running"]').wait_for()
    host.wait_for_timeout(2200)
    assert host.locator(tid("start-next")).get_attribute("class").split().count("btn-primary") == 0  # quiet
    host.keyboard.press("s")  # the shortcut meets the same guard as the button
    message = host.locator("#confirm-message")
    message.wait_for()
    assert title("p01") in message.inner_text() and title("p02") in message.inner_text()
    host.locator(tid("confirm-ok")).click()
    host.locator(tid("strip-now")).filter(has_text=title("p02")).wait_for()
    assert clock_seconds(host, "presentation") == DEMO.timing.presentation_seconds  # p02: fresh clocks
    host.screenshot(path=str(shots / f"host-guards-{lang}-2-undo.png"))
    host.locator(tid("undo-start")).click()
    host.locator(tid("strip-now")).filter(has_text=title("p01")).wait_for()
    host.locator(f'{tid("timer-presentation")}[data-state="running"]').wait_for()
    assert clock_seconds(host, "presentation") <= DEMO.timing.presentation_seconds - 2  # p01's clock kept running
    assert host.locator(tid("order-item-p02")).get_attribute("data-status") == "pending"
    # per-row start lives in the row's menu, away from the reorder arrows
    assert not host.locator(tid("start-p03")).is_visible()
    host.locator(tid("row-menu-p03")).click()
    host.locator(tid("start-p03")).wait_for()
    host.keyboard.press("Escape")

    # --- close scoring with a judge whose phone is offline, holding a queued score
    host.locator(tid("primary-action")).click()  # open scoring (the one primary step)
    host.locator(f'{tid("order-item-p01")}[data-status="scoring"]').wait_for()
    j1_ctx, j1, _ = new_page(browser, server, PHONE, lang)
    j1.goto(f"{server.base}/judge/{tokens['j1']}?lang={lang}")
    j2_ctx, j2, _ = new_page(browser, server, PHONE, lang)
    j2.goto(f"{server.base}/judge/{tokens['j2']}?lang={lang}")
    for page in (j1, j2):
        page.locator(f"{tid('review')}:not([disabled])").wait_for()
    enter_scores(j1, ON_TIME_SHEET)
    review_and_submit(j1)
    j1.locator(tid("saved")).wait_for()
    j2_ctx.set_offline(True)
    j2.locator(f'{tid("conn-status")}:not([data-status="online"])').wait_for()
    enter_scores(j2, LATE_SHEET)
    review_and_submit(j2)
    j2.locator(f'{tid("saving")}[data-offline="true"]').wait_for()
    j2.close()  # the phone sleeps with the score in its outbox
    chip = host.locator(f'{tid("judge-chip-j2")}[data-status="disconnected"]')
    chip.wait_for(timeout=40_000)  # the server notices within its idle timeout
    host.locator(tid("missing-j2")).wait_for()
    host.screenshot(path=str(shots / f"host-guards-{lang}-3-offline-judge.png"))
    host.locator(tid("close-scoring")).click()
    text = host.locator("#confirm-message").inner_text()
    offline_word = "离线" if lang == "zh" else "offline"
    assert re.search(rf"{re.escape(judge_name('j2'))}[^\n]*{offline_word}", text), text
    assert judge_name("j1") not in text.split("\n", 1)[1]  # j1 submitted: not named as missing
    # a second host tab closes scoring first: this tab's open dialog says so instead of failing
    other = host_ctx.new_page()
    other.goto(f"{server.base}/host?lang={lang}")
    other.locator(tid("close-scoring")).click()
    other.locator(tid("confirm-ok")).click()
    host.locator(tid("confirm-stale")).wait_for()
    assert host.locator(tid("confirm-ok")).is_disabled()
    host.locator(tid("confirm-cancel")).click()
    host.locator(f'{tid("order-item-p01")}[data-status="closed"]').wait_for()
    assert host.locator(tid("toast")).is_hidden()  # no "Error: Scoring is not open"
    other.close()

    # --- the phone wakes up: its queued score is refused, and the host sees it with the numbers
    j2_ctx.set_offline(False)
    j2 = j2_ctx.new_page()
    j2.goto(f"{server.base}/judge/{tokens['j2']}?lang={lang}")
    refused = host.locator(tid("refused-j2-p01"))
    refused.wait_for(timeout=20_000)
    assert f"{total(LATE_SHEET):.2f}" in refused.inner_text() and judge_name("j2") in refused.inner_text()
    # ... and the judge is told the truth: not counted, tell the host (never "fix and resubmit")
    truth = j2.locator(tid("refused"))
    truth.wait_for(timeout=20_000)
    assert ("未计入" if lang == "zh" else "not counted") in truth.inner_text()
    assert f"{total(LATE_SHEET):g} / " in truth.inner_text()  # the numbers it tried to send
    host.screenshot(path=str(shots / f"host-guards-{lang}-4-refused.png"))
    host.locator(tid("take-in-j2-p01")).click()
    for criterion, value in zip([c.id for c in DEMO.criteria], LATE_SHEET, strict=True):
        assert float(host.locator(tid(f"correct-input-{criterion}")).input_value()) == value
    host.locator(tid("correct-reason")).fill("phone was offline" if lang == "en" else "手机离线")
    host.locator(tid("correct-ok")).click()
    refused.wait_for(state="detached")
    host.locator(tid("judge-row-j2")).filter(has_text=f"{total(LATE_SHEET):.2f}").wait_for()
    # the standings explain it: the corrected sheet counts
    host.locator(tid("standing-details-p01")).click()
    host.locator(tid("correct-j2-p01")).wait_for()
    assert f"{total(LATE_SHEET):.2f}" in host.locator("#explain-p01").inner_text()

    assert console.errors == []
    for ctx in (host_ctx, j1_ctx, j2_ctx):
        ctx.close()
