"""The setup area in a real browser: edit the event and see it on the host console; problems shown next
to their fields; the rubric locked once scoring started; a spreadsheet previewed, then used."""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from app.eventfile import load_event_file
from app.spreadsheets import event_workbook
from tests.browser.conftest import DESKTOP, new_page
from tests.browser.test_accessibility import AXE, serious_violations
from tests.conftest import MINI_EVENT, host_client, judge_client
from tests.server import RunningServer

pytestmark = pytest.mark.browser

MINI = load_event_file(MINI_EVENT)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def field(path: str) -> str:
    return f'[data-field="{path}"]'


def open_setup(browser, server: RunningServer, lang: str = "en"):
    context, page, console = new_page(browser, server, DESKTOP, lang, host=True)
    page.goto(f"{server.base}/host/setup?lang={lang}")
    page.wait_for_selector("#setup-form:not([hidden])")
    return context, page, console


def saved_definition(page) -> dict:
    origin = page.url.split("/host/", 1)[0]
    response = page.request.get(f"{origin}/host/setup/event.json")
    assert response.ok
    return response.json()["definition"]


def test_edit_the_event_and_see_it_on_the_host_console(browser, mini_web, shots) -> None:
    context, page, console = open_setup(browser, mini_web)
    page.fill(field("projects[1].title"), "Elder Care Circle 2.0")
    page.fill(field("judges[0].name"), "Judge Number One")
    page.fill(field("event.subtitle"), "Spring round")

    page.click('[data-testid="add-projects"]')
    # the new row gets the next id and order, and the focus is on its title
    assert page.input_value(field("projects[3].id")) == "p4"
    assert page.input_value(field("projects[3].order")) == "4"
    assert page.evaluate("document.activeElement.dataset.field") == "projects[3].title"
    page.keyboard.type("Bike Kitchen")
    page.fill(field("projects[3].team"), "Spoke Team")
    page.select_option(field("projects[3].category"), "care")
    page.fill(field("projects[3].indicators.sat"), "77.5")
    page.click('[data-toggle="3"]')
    page.fill(field("projects[3].volunteers"), "Vol P\u3001Vol Q\nVol R")
    assert page.is_visible('[data-testid="setup-dirty"]')

    # the weights: 60 + 40 = 100, then 50 + 40 is a warning, not an error
    assert "100" in page.inner_text('[data-testid="weights-sum"]')
    page.fill(field("composite.panel_weight"), "50")
    assert "90" in page.inner_text('[data-testid="weights-sum"]')
    assert "is-warn" in (page.get_attribute('[data-testid="weights-sum"]', "class") or "")

    page.click('[data-testid="setup-save"]')
    page.wait_for_selector('[data-testid="setup-status"]:has-text("Saved")')
    assert page.is_hidden('[data-testid="setup-dirty"]')
    assert page.is_hidden('[data-testid="setup-problems"]')
    page.screenshot(path=str(shots / "setup-saved.png"), full_page=True)

    saved = saved_definition(page)
    assert saved["projects"][3]["title"] == "Bike Kitchen"
    assert saved["projects"][3]["volunteers"] == ["Vol P", "Vol Q", "Vol R"]
    assert saved["composite"]["panel_weight"] == 50

    host = context.new_page()
    host.goto(f"{mini_web.base}/host?lang=en")
    order = host.locator('[data-testid="order-list"]')
    order.filter(has_text="Bike Kitchen").wait_for()
    order.filter(has_text="Elder Care Circle 2.0").wait_for()
    host.locator("text=Judge Number One").first.wait_for()
    board = context.new_page()
    board.goto(f"{mini_web.base}/board?lang=en")
    board.wait_for_load_state("networkidle")
    assert console.errors == []
    context.close()


def test_a_renamed_id_follows_where_it_is_used_and_a_removed_row_comes_back(browser, mini_web) -> None:
    """static/setup/edits.js: an id changed in its list is changed in the projects that use it; a removed
    row is offered back by the status line's Undo, at its place."""
    context, page, console = open_setup(browser, mini_web)
    page.click(field("categories[1].id"))
    page.fill(field("categories[1].id"), "elder")
    page.press(field("categories[1].id"), "Tab")
    assert page.input_value(field("projects[1].category")) == "elder"

    assert page.input_value(field("judges[1].id")) == "j2"
    page.click('[data-remove="judges"][data-index="1"]')
    status = page.locator('[data-testid="setup-status"]')
    assert "j2" in status.inner_text()
    assert page.input_value(field("judges[1].id")) == "j3"
    status.get_by_role("button").click()
    assert page.input_value(field("judges[1].id")) == "j2"
    assert status.get_by_role("button").count() == 0

    page.click('[data-testid="setup-save"]')
    page.wait_for_selector('[data-testid="setup-status"]:has-text("Saved")')
    saved = saved_definition(page)
    assert [c["id"] for c in saved["categories"]] == ["green", "elder"]
    assert saved["projects"][1]["category"] == "elder"
    assert [j["id"] for j in saved["judges"]] == ["j1", "j2", "j3", "j4", "j5", "j6"]
    assert console.errors == []
    context.close()


def test_a_cleared_maximum_is_shown_next_to_its_field_and_nothing_is_saved(browser, mini_web, shots) -> None:
    context, page, console = open_setup(browser, mini_web)
    max_input = page.locator(field("criteria[0].max"))
    max_input.fill("")
    max_input.press("Tab")
    message = page.locator(f"#msg-{max_input.get_attribute('id')}")
    message.wait_for()
    assert "Enter a number" in message.inner_text()
    assert max_input.get_attribute("aria-invalid") == "true"
    assert message.get_attribute("id") in (max_input.get_attribute("aria-describedby") or "")

    page.click('[data-testid="setup-save"]')
    summary = page.locator('[data-testid="setup-problems"]')
    summary.wait_for()
    assert "Rubric · Criterion 1 (impact) · Maximum" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "problems"
    page.screenshot(path=str(shots / "setup-problem.png"))
    summary.locator("button.linkish").first.click()
    assert page.evaluate("document.activeElement.dataset.field") == "criteria[0].max"
    assert saved_definition(page)["criteria"][0]["max"] == 60

    # fixing it clears the message and the summary
    max_input.fill("60")
    page.wait_for_selector(f"#msg-{max_input.get_attribute('id')}", state="detached")
    summary.wait_for(state="hidden")

    # a problem only the server finds is shown next to the field it names (projects[1] = the 2nd row)
    page.route(
        "**/host/setup/save",
        lambda route: route.fulfill(
            status=422,
            content_type="application/json",
            body='{"ok": false, "problems": [{"field": "projects[1].category", "line": 3,'
            ' "message": "\'care\' is not one of the categories (green)"}]}',
        ),
    )
    page.fill(field("event.title"), "Changed")
    page.click('[data-testid="setup-save"]')
    category = page.locator(field("projects[1].category"))
    page.wait_for_selector(f"#msg-{category.get_attribute('id')}")
    assert category.get_attribute("aria-invalid") == "true"
    assert "Projects · Project 2 (p2) · Category" in summary.inner_text()
    page.screenshot(path=str(shots / "setup-server-problem.png"))
    page.unroute("**/host/setup/save")
    assert console.errors == [] or all("422" in e for e in console.errors)
    context.close()


def test_once_scoring_started_the_rubric_and_weights_are_locked(browser, mini_web, shots) -> None:
    async def score() -> None:
        host = await host_client(mini_web)
        judge = await judge_client(mini_web, "j1")
        await host.ok("start_project", {"project": "p1"})
        await host.ok("open_scoring")
        await judge.ok("submit_score", {"project": "p1", "scores": {"impact": 50, "pitch": 30}})
        await judge.close()
        await host.close()

    # the sync Playwright API runs its own event loop in this thread: the protocol clients get another
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, score()).result(timeout=60)
    context, page, console = open_setup(browser, mini_web)
    assert page.is_visible('[data-testid="lock-banner"]')
    for path in ("criteria[0].max", "criteria[0].weight", "criteria[0].id", "composite.panel_weight",
                 "indicators[0].weight", "scoring.rule", "scoring.decimals"):  # fmt: skip
        assert page.is_disabled(field(path)), path
    for path in ("criteria[0].name", "event.title", "projects[2].title", "judges[1].name"):
        assert page.is_enabled(field(path)), path
    assert page.is_disabled('[data-testid="add-criteria"]')
    assert page.is_disabled('[data-remove="projects"][data-index="0"]')  # p1 took part
    assert page.is_disabled(field("projects[0].id"))
    assert page.is_enabled('[data-remove="projects"][data-index="2"]')
    page.screenshot(path=str(shots / "setup-locked.png"))

    page.fill(field("event.title"), "Renamed on the day")
    # once scoring started, an edit needs a reason (journalled with what changed)
    assert page.is_visible('[data-testid="edit-reason"]')
    page.click('[data-testid="setup-save"]')
    page.wait_for_selector('[data-testid="setup-status"]:has-text("Not saved")')
    page.fill('[data-testid="edit-reason"]', "sponsor asked for the new name")
    page.click('[data-testid="setup-save"]')
    page.wait_for_selector('[data-testid="setup-status"]:has-text("Saved at")')
    assert page.input_value('[data-testid="edit-reason"]') == ""
    assert saved_definition(page)["event"]["title"] == "Renamed on the day"
    # the browser logs the refused save (409, reason required) as a failed resource; nothing else
    assert [e for e in console.errors if "409 (Conflict)" not in e] == []
    assert len(console.errors) == 1
    context.close()


def _broken(event_bytes: bytes) -> bytes:
    wb = load_workbook(io.BytesIO(event_bytes))
    wb["评分细则 Rubric"]["C2"].value = "forty"
    wb["项目 Projects"]["C3"].value = "nowhere"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_import_a_workbook_with_a_preview(browser, mini_web, shots, tmp_path: Path) -> None:
    context, page, console = open_setup(browser, mini_web)
    page.set_input_files(
        '[data-testid="import-file"]',
        files=[{"name": "broken.xlsx", "mimeType": XLSX, "buffer": _broken(event_workbook(MINI))}],
    )
    page.click('[data-testid="import-check"]')
    problems = page.locator('[data-testid="import-problems"]')
    problems.wait_for()
    text = problems.inner_text()
    assert "评分细则 Rubric" in text and "C2" in text and "C3" in text
    assert page.locator('[data-testid="import-apply"]').count() == 0
    page.locator("#sec-import").screenshot(path=str(shots / "setup-import-problems.png"))

    extra = replace(MINI.projects[2], id="p4", order=4, title="Soup Run", team="Soup Team")
    good = event_workbook(replace(MINI, title="Imported Roadshow", projects=(*MINI.projects, extra)))
    page.set_input_files('[data-testid="import-file"]', files=[{"name": "good.xlsx", "mimeType": XLSX, "buffer": good}])
    page.click('[data-testid="import-check"]')
    page.locator('[data-testid="import-apply"]').wait_for()
    counts = page.inner_text('[data-testid="import-counts"]')
    assert "4" in counts
    assert "p4" in page.inner_text('[data-testid="import-result"]')
    page.locator("#sec-import").screenshot(path=str(shots / "setup-import-preview.png"))
    assert saved_definition(page)["event"]["title"] != "Imported Roadshow"  # nothing saved yet

    page.click('[data-testid="import-apply"]')
    expect(page.locator(field("event.title"))).to_have_value("Imported Roadshow")
    assert page.input_value(field("projects[3].title")) == "Soup Run"
    assert saved_definition(page)["event"]["title"] == "Imported Roadshow"
    assert console.errors == []
    context.close()


def test_import_problems_are_shown_in_chinese_with_the_values_as_text(browser, mini_web) -> None:
    """On a Chinese page the server's problems are in Chinese; a value quoted from the file is shown as
    text, never as markup."""
    context, page, console = open_setup(browser, mini_web, "zh")
    wb = load_workbook(io.BytesIO(event_workbook(MINI)))
    wb["评分细则 Rubric"]["C2"].value = "<img src=x data-testid=injected>"
    buffer = io.BytesIO()
    wb.save(buffer)
    page.set_input_files(
        '[data-testid="import-file"]',
        files=[{"name": "broken.xlsx", "mimeType": XLSX, "buffer": buffer.getvalue()}],
    )
    page.click('[data-testid="import-check"]')
    problems = page.locator('[data-testid="import-problems"]')
    problems.wait_for()
    assert "“<img src=x data-testid=injected>”不是数字" in problems.inner_text()
    assert page.locator('[data-testid="injected"]').count() == 0
    assert console.errors == []
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_setup_page_has_no_serious_accessibility_violations(browser, mini_web, lang) -> None:
    if not AXE.exists():
        pytest.skip("axe-core not installed (scripts/test.sh installs it with npm)")
    context, page, _ = new_page(browser, mini_web, DESKTOP | {"bypass_csp": True}, lang, host=True)
    page.goto(f"{mini_web.base}/host/setup?lang={lang}")
    page.wait_for_selector("#setup-form:not([hidden])")
    page.click('[data-toggle="0"]')  # one project's extra fields open too
    page.fill(field("criteria[0].max"), "")
    page.click('[data-testid="setup-save"]')  # with a problem shown
    page.locator('[data-testid="setup-problems"]').wait_for()
    assert serious_violations(page) == []
    context.close()


AUDIENCE_WORDS = {
    "zh": {"heading": "大众评审", "weight": "必须大于 0 且小于 1", "summary": "大众评审 · 权重", "saved": "已于"},
    "en": {
        "heading": "Audience vote",
        "weight": "must be above 0 and below 1",
        "summary": "Audience vote · Weight",
        "saved": "Saved",
    },
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_audience_vote_is_set_in_setup(browser, mini_web, shots, lang) -> None:
    """Issue 14: the `[audience]` table from the page, with the event file's rules and messages."""
    words = AUDIENCE_WORDS[lang]
    context, page, console = open_setup(browser, mini_web, lang)
    section = page.locator('[data-testid="setup-audience"]')
    assert section.locator("h2").inner_text() == words["heading"]
    # off: its settings wait until it is on; the weight only counts in the composite
    assert page.input_value(field("audience.enabled")) == "false"
    assert page.is_disabled(field("audience.mode")) and page.is_disabled(field("audience.tickets"))
    page.select_option(field("audience.enabled"), "true")
    assert page.is_enabled(field("audience.mode")) and page.is_disabled(field("audience.weight"))
    page.select_option(field("audience.use"), "composite")
    assert page.is_enabled(field("audience.weight"))

    weight = page.locator(field("audience.weight"))
    weight.fill("1.5")
    page.click('[data-testid="setup-save"]')
    message = page.locator(f"#msg-{weight.get_attribute('id')}")
    message.wait_for()
    assert words["weight"] in message.inner_text()
    assert words["summary"] in page.locator('[data-testid="setup-problems"]').inner_text()
    assert "audience" not in saved_definition(page)  # nothing saved

    weight.fill("0.1")
    page.select_option(field("audience.mode"), "stars")
    page.select_option(field("audience.window"), "per_project")
    page.fill(field("audience.per_address_cap"), "30")
    page.select_option(field("audience.tickets"), "true")
    page.click('[data-testid="setup-save"]')
    page.wait_for_selector(f'[data-testid="setup-status"]:has-text("{words["saved"]}")')
    section.screenshot(path=str(shots / f"setup-audience-{lang}.png"))
    assert saved_definition(page)["audience"] == {
        "enabled": True,
        "mode": "stars",
        "window": "per_project",
        "use": "composite",
        "weight": 0.1,
        "per_address_cap": 30,
        "tickets": True,
    }
    # a people's-choice award is offered, and the page shows what was saved after a reload
    page.reload()
    page.wait_for_selector("#setup-form:not([hidden])")
    assert page.input_value(field("audience.use")) == "composite"
    assert page.input_value(field("audience.weight")) == "0.1"
    assert page.locator(f'{field("awards[0].kind")} option[value="people_choice"]').count() == 1
    assert console.errors == [] or all("422" in e for e in console.errors)
    context.close()
