"""The setup area against the real server (app/routes/setup.py): edit the event as JSON, import a
spreadsheet with a preview. Nothing may change unless the answer is ok."""

from __future__ import annotations

import copy
import csv
import io
import re
from dataclasses import replace
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from app.eventfile import load_event_file, parse_event
from app.routes.setup import definition_to_toml, normalise
from app.spreadsheets import event_workbook
from tests.conftest import MINI_EVENT, cookie_header, host_client, judge_client
from tests.server import HTTP_TIMEOUT, RunningServer

MINI = load_event_file(MINI_EVENT)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def host_http(server: RunningServer) -> httpx.AsyncClient:
    """A host's browser: the session cookie, and an Origin of the server itself on every request."""
    return httpx.AsyncClient(base_url=server.base, headers=cookie_header(server) | {"Origin": server.base}, timeout=30)


async def current(http: httpx.AsyncClient) -> dict[str, Any]:
    response = await http.get("/host/setup/event.json")
    assert response.status_code == 200, response.text
    return response.json()


async def save(http: httpx.AsyncClient, definition: dict[str, Any], **extra: Any) -> httpx.Response:
    return await http.post("/host/setup/save", json={"definition": definition, **extra})


def upload(name: str, data: bytes, media_type: str = XLSX) -> dict[str, Any]:
    return {"files": {"file": (name, data, media_type)}}


# ---------------------------------------------------------------------------------------- access
async def test_non_hosts_are_refused(mini_server: RunningServer) -> None:
    async with httpx.AsyncClient(
        base_url=mini_server.base, headers={"Origin": mini_server.base}, timeout=HTTP_TIMEOUT
    ) as http:
        page = await http.get("/host/setup")
        assert page.status_code == 303 and page.headers["location"] == "/host/login"
        assert (await http.get("/host/setup/event.json")).status_code == 401
        refused = await http.post("/host/setup/save", json={"definition": {}})
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
        assert (await http.post("/host/setup/import", **upload("e.xlsx", b"PK"))).status_code == 401
        assert (await http.post("/host/setup/import/apply", json={"preview": "x"})).status_code == 401


async def test_the_page_renders_for_the_host_in_both_languages(mini_server: RunningServer) -> None:
    async with host_http(mini_server) as http:
        for lang in ("en", "zh"):
            page = await http.get(f"/host/setup?lang={lang}")
            assert page.status_code == 200
            html = page.text
            script = re.search(r'<script type="module" src="/static/v/[0-9a-f]+/setup\.js" nonce="([^"]+)"', html)
            assert script is not None  # the long-cached, versioned URL (app/assets.py)
            assert "onclick=" not in html and "<script>" not in html
            assert 'data-field="composite.panel_weight"' in html
            assert "/host/export/template.xlsx" in html and "/host/export/event.toml" in html
            nonce = script.group(1)
            assert f"'nonce-{nonce}'" in page.headers["content-security-policy"]
            assert '"sec_projects"' in html  # the page's own strings are handed over
        documents = await http.get("/host/documents")
        assert 'href="/host/setup"' in documents.text


async def test_cross_site_posts_are_refused(mini_server: RunningServer) -> None:
    before = None
    async with host_http(mini_server) as http:
        before = await current(http)
        definition = copy.deepcopy(before["definition"])
        definition["event"]["title"] = "Hijacked"
        for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
            answer = await http.post("/host/setup/save", json={"definition": definition}, headers=headers)
            assert answer.status_code == 403 and answer.json()["error"]["code"] == "cross_site"
            answer = await http.post("/host/setup/import", headers=headers, **upload("e.xlsx", event_workbook(MINI)))
            assert answer.status_code == 403
            answer = await http.post("/host/setup/import/apply", json={"preview": "x"}, headers=headers)
            assert answer.status_code == 403
        assert await current(http) == before


# ------------------------------------------------------------------------------------------ edit
async def test_event_json_is_the_event_file_data(mini_server: RunningServer) -> None:
    async with host_http(mini_server) as http:
        state = await current(http)
    assert state["scoring_started"] is False
    assert state["in_use"] == {"projects": [], "judges": []}
    assert parse_event(definition_to_toml(state["definition"])) == MINI
    assert len(state["base"]) == 32


async def test_a_valid_edit_is_saved_and_shown_everywhere(mini_server: RunningServer) -> None:
    async with host_http(mini_server) as http:
        state = await current(http)
        d = state["definition"]
        d["event"]["title"] = "  Edited Roadshow  "
        d["projects"][1]["title"] = "Elder Care Circle 2.0"
        d["projects"][1]["volunteers"] = "Vol C、Vol X\nVol Y, Vol Z"  # as typed in the page
        d["judges"][0]["name"] = "Judge Number One"
        d["projects"].append(
            {"id": "p4", "order": "4", "title": "Bike Kitchen", "team": "Spoke Team", "category": "green",
             "leader": "", "summary": "", "members": "", "indicators": {"sat": "77.5"}}
        )  # fmt: skip
        d["composite"]["panel_weight"] = 50  # weights 50 + 40: not 100, allowed
        answer = await save(http, d, base=state["base"])
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["ok"] is True
        assert body["definition"]["event"]["title"] == "Edited Roadshow"
        assert body["base"] != state["base"]

        results = (await http.get("/api/results")).json()
        assert results["event"]["title"] == "Edited Roadshow"
        assert "p4" in results["unranked"]

    host = await host_client(mini_server)
    try:
        projects = {p["id"]: p for p in host.view["projects"]}
        assert projects["p2"]["title"] == "Elder Care Circle 2.0"
        assert projects["p2"]["volunteers"] == ["Vol C", "Vol X", "Vol Y", "Vol Z"]
        assert projects["p4"]["title"] == "Bike Kitchen" and projects["p4"]["position"] == 4
        assert host.view["judges"][0]["name"] == "Judge Number One"
        assert host.view["event"]["panel_weight"] == 50
    finally:
        await host.close()
    # the new judge-less project is scorable: a judge sees it in the running order
    judge = await judge_client(mini_server, "j1")
    try:
        assert "p4" in [p["id"] for p in judge.view["projects"]]
    finally:
        await judge.close()


async def test_a_bad_edit_reports_every_problem_by_field_and_changes_nothing(mini_server: RunningServer) -> None:
    async with host_http(mini_server) as http:
        before = await current(http)
        d = copy.deepcopy(before["definition"])
        d["projects"][1]["category"] = "nowhere"
        d["criteria"][0]["max"] = 0
        d["projects"][2]["id"] = "p1"
        d["judges"][3]["name"] = ""
        d["projects"][0]["indicators"] = {"sat": "ninety"}
        answer = await save(http, d, base=before["base"])
        assert answer.status_code == 422
        body = answer.json()
        assert body["ok"] is False
        problems = {p["field"]: p["message"] for p in body["problems"]}
        assert "not one of the categories" in problems["projects[1].category"]
        assert problems["criteria[0].max"] == "must be greater than 0"
        assert problems["projects[2].id"] == "'p1' is used twice"
        assert problems["judges[3].name"] == "must not be empty"
        assert problems["projects[0].indicators.sat"] == "must be a number"
        assert await current(http) == before

        # a definition that is no event at all
        for junk in ({}, {"projects": "all of them"}, {"event": {"title": {"nested": [1, {"x": None}]}}}):
            answer = await save(http, junk)
            assert answer.status_code == 422 and answer.json()["problems"], junk
        for raw in (b"not json", b"[]", b'{"definition": 3}'):
            answer = await http.post("/host/setup/save", content=raw, headers={"content-type": "application/json"})
            assert answer.status_code == 400
        too_big = b'{"definition": {"event": {"title": "' + b"x" * (1024 * 1024) + b'"}}}'
        answer = await http.post("/host/setup/save", content=too_big, headers={"content-type": "application/json"})
        assert answer.status_code == 413
        assert await current(http) == before


async def test_a_save_over_a_newer_definition_is_refused(mini_server: RunningServer) -> None:
    async with host_http(mini_server) as http:
        first = await current(http)
        d = first["definition"]
        d["event"]["subtitle"] = "first tab"
        assert (await save(http, d, base=first["base"])).status_code == 200
        d["event"]["subtitle"] = "second tab, loaded before the first saved"
        answer = await save(http, d, base=first["base"])
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "changed_elsewhere"
        assert (await current(http))["definition"]["event"]["subtitle"] == "first tab"


async def test_once_scoring_started_the_rubric_is_locked_but_the_title_is_not(mini_server: RunningServer) -> None:
    host = await host_client(mini_server)
    judge = await judge_client(mini_server, "j1")
    await host.ok("start_project", {"project": "p1"})
    await host.ok("open_scoring")
    await judge.ok("submit_score", {"project": "p1", "scores": {"impact": 50, "pitch": 30}})
    await judge.close()
    await host.close()

    async with host_http(mini_server) as http:
        state = await current(http)
        assert state["scoring_started"] is True
        assert "p1" in state["in_use"]["projects"] and "j1" in state["in_use"]["judges"]

        rubric = copy.deepcopy(state["definition"])
        rubric["criteria"][0]["max"] = 70
        answer = await http.post("/host/setup/save?lang=en", json={"definition": rubric})
        assert answer.status_code == 409
        error = answer.json()["error"]
        assert error["code"] == "scoring_started"
        assert error["message"] == "Scoring has started, so the rubric can no longer be changed."
        assert await current(http) == state

        weights = (await current(http))["definition"]
        weights["indicators"][0]["weight"] = 45
        answer = await save(http, weights)
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "scoring_started"

        gone = (await current(http))["definition"]
        gone["projects"] = gone["projects"][1:]
        answer = await save(http, gone)
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "in_use"
        assert "p1" in answer.json()["error"]["message"]

        title = (await current(http))["definition"]
        title["event"]["title"] = "Renamed during the event"
        title["criteria"][0]["name"] = "Impact (renamed)"  # names are not locked
        answer = await save(http, title)  # but every edit now needs a reason
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "reason_required"
        answer = await save(http, title, reason="sponsor's name")
        assert answer.status_code == 200, answer.text
        assert (await http.get("/api/results")).json()["event"]["title"] == "Renamed during the event"

        # translated for a Chinese page
        rubric = (await current(http))["definition"]
        rubric["scoring"]["rule"] = "median"
        answer = await http.post("/host/setup/save?lang=zh", json={"definition": rubric})
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "scoring_started"


def test_normalise_turns_form_text_into_event_file_values() -> None:
    data = normalise(
        {
            "event": {"title": " T ", "subtitle": "", "_ui": 1},
            "timing": {"presentation_minutes": "6.5", "qa_minutes": ""},
            "criteria": [{"id": "c1", "name": "C", "max": " 30 ", "weight": "", "step": "0.5"}],
            "projects": [{"id": "p1", "members": "A、B\nC; D", "volunteers": [" E ", ""], "indicators": {"x": "9"}}],
        }
    )
    assert data["event"] == {"title": "T"}
    assert data["timing"] == {"presentation_minutes": 6.5}
    assert data["criteria"] == [{"id": "c1", "name": "C", "max": 30, "step": 0.5}]
    assert data["projects"][0]["members"] == ["A", "B", "C", "D"]
    assert data["projects"][0]["volunteers"] == ["E"]
    assert data["projects"][0]["indicators"] == {"x": 9}
    assert normalise({"criteria": [{"max": "forty"}]})["criteria"][0]["max"] == "forty"


# ---------------------------------------------------------------------------------------- import
async def test_problems_come_in_the_pages_language(mini_server: RunningServer) -> None:
    """The same bad edit in Chinese and in English (?lang=, or the language cookie the page's link
    sets): only the message text is translated; fields, lines and the values quoted stay as they are."""
    async with host_http(mini_server) as http:
        before = await current(http)
        d = copy.deepcopy(before["definition"])
        d["projects"][1]["category"] = "<b>nowhere</b>"
        d["criteria"][0]["max"] = 0
        d["projects"][2]["id"] = "p1"
        d["scoring"]["rule"] = "max"
        d["projects"][0]["indicators"] = {"sat": 500}
        answers = {}
        for lang in ("zh", "en"):
            answer = await http.post(f"/host/setup/save?lang={lang}", json={"definition": d, "base": before["base"]})
            assert answer.status_code == 422
            answers[lang] = answer.json()["problems"]
        zh = {p["field"]: p["message"] for p in answers["zh"]}
        assert zh["projects[1].category"] == "“<b>nowhere</b>”不是已有的类别（care, green）"
        assert zh["criteria[0].max"] == "须大于 0"
        assert zh["projects[2].id"] == "“p1”重复使用"
        assert zh["scoring.rule"] == "须为以下之一：mean, trimmed_mean, median"
        assert zh["projects[0].indicators.sat"] == "500 超过了上限 100"
        en = {p["field"]: p["message"] for p in answers["en"]}
        assert en["projects[1].category"] == "'<b>nowhere</b>' is not one of the categories (care, green)"
        assert en["scoring.rule"] == "must be one of mean, trimmed_mean, median"
        assert en["projects[0].indicators.sat"] == "500 is above the maximum of 100"
        # the same problems, at the same fields and lines
        assert [(p["field"], p["line"]) for p in answers["zh"]] == [(p["field"], p["line"]) for p in answers["en"]]

        # the cookie the language switch sets gives the same (the mini event itself is in English)
        cookie = {"Cookie": http.headers["Cookie"] + "; roadshow_lang=zh"}
        answer = await http.post("/host/setup/save", json={"definition": d}, headers=cookie)
        assert {p["field"]: p["message"] for p in answer.json()["problems"]} == zh
        answer = await http.post("/host/setup/save", json={"definition": d})
        assert {p["field"]: p["message"] for p in answer.json()["problems"]} == en
        assert await current(http) == before


async def test_an_import_preview_comes_in_the_pages_language(mini_server: RunningServer) -> None:
    async with host_http(mini_server) as http:
        previews = {}
        for lang in ("zh", "en"):
            answer = await http.post(f"/host/setup/import?lang={lang}", **upload("broken.xlsx", broken_workbook()))
            assert answer.status_code == 200, answer.text
            previews[lang] = {(p["sheet"], p["row"], p["column"]): p for p in answer.json()["problems"]}
        zh, en = previews["zh"], previews["en"]
        assert zh.keys() == en.keys()
        assert zh[("评分细则 Rubric", 2, "C")]["message"] == "“forty”不是数字"
        assert zh[("项目 Projects", 3, "C")]["message"] == "“nowhere”不是已有的类别（care, green）"
        assert zh[("项目 Projects", 4, "A")]["message"] == "“p1”重复使用（首次出现在第 2 行）"
        assert zh[("项目 Projects", 4, "A")]["header"] == en[("项目 Projects", 4, "A")]["header"]
        assert en[("评分细则 Rubric", 2, "C")]["message"] == "'forty' is not a number"
        assert en[("项目 Projects", 4, "A")]["message"] == "'p1' is used twice (first in row 2)"

        # a problem with the file as a whole: its place is said in the page's language too
        answer = await http.post("/host/setup/import?lang=zh", **upload("fake.xlsx", b"hello"))
        [problem] = answer.json()["problems"]
        assert problem["where"] == "文件" and problem["message"].startswith("不是 .xlsx 工作簿（")
        answer = await http.post("/host/setup/import?lang=en", **upload("fake.xlsx", b"hello"))
        [problem] = answer.json()["problems"]
        assert problem["where"] == "file" and problem["message"].startswith("is not an .xlsx workbook (")


def broken_workbook() -> bytes:
    wb = load_workbook(io.BytesIO(event_workbook(MINI)))
    wb["评分细则 Rubric"]["C2"].value = "forty"
    projects = wb["项目 Projects"]
    projects["C3"].value = "nowhere"
    projects["A4"].value = "p1"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


async def test_a_broken_workbook_is_previewed_with_its_problems_and_changes_nothing(mini_server: RunningServer) -> None:
    async with host_http(mini_server) as http:
        before = await current(http)
        answer = await http.post("/host/setup/import", **upload("broken.xlsx", broken_workbook()))
        assert answer.status_code == 200, answer.text
        preview = answer.json()
        assert preview["ok"] is False and preview["preview"] is None and preview["summary"] is None
        places = {(p["sheet"], p["row"], p["column"]) for p in preview["problems"]}
        assert ("评分细则 Rubric", 2, "C") in places
        assert ("项目 Projects", 3, "C") in places
        assert ("项目 Projects", 4, "A") in places
        for p in preview["problems"]:
            assert p["message"] and p["where"].startswith(p["sheet"])
        assert await current(http) == before

        # not a workbook at all, other types, too large
        answer = await http.post("/host/setup/import", **upload("fake.xlsx", b"hello"))
        assert answer.status_code == 200 and answer.json()["problems"][0]["sheet"] is None
        for name, data in (("event.pdf", b"%PDF-1.4"), ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest")):
            answer = await http.post("/host/setup/import", **upload(name, data, "application/octet-stream"))
            assert answer.status_code == 415 and answer.json()["error"]["code"] == "unsupported_type"
        answer = await http.post("/host/setup/import", **upload("big.xlsx", b"PK\x03\x04" + b"0" * (5 * 1024 * 1024)))
        assert answer.status_code == 413
        answer = await http.post("/host/setup/import", data={"nothing": "here"}, files={"other": ("x", b"x")})
        assert answer.status_code == 400 and answer.json()["error"]["code"] == "no_file"
        assert await current(http) == before


async def test_a_good_workbook_is_previewed_then_applied(mini_server: RunningServer) -> None:
    extra = replace(MINI.projects[2], id="p4", order=4, title="Bike Kitchen", team="Spoke Team", leader="Ro")
    event = replace(MINI, title="Imported Roadshow", projects=(*MINI.projects, extra))
    async with host_http(mini_server) as http:
        before = await current(http)
        answer = await http.post("/host/setup/import", **upload("next year.xlsx", event_workbook(event)))
        assert answer.status_code == 200, answer.text
        preview = answer.json()
        assert preview["ok"] is True and preview["problems"] == [] and preview["blocked"] is None
        summary = preview["summary"]
        assert summary["title"] == "Imported Roadshow"
        assert summary["counts"] == {
            "categories": 2, "projects": 4, "judges": 6, "criteria": 2, "indicators": 1, "awards": 3
        }  # fmt: skip
        assert [p["id"] for p in summary["projects"]] == ["p1", "p2", "p3", "p4"]
        assert summary["changes"]["projects_added"] == ["p4"]
        assert await current(http) == before  # a preview saves nothing

        answer = await http.post("/host/setup/import/apply", json={"preview": preview["preview"]})
        assert answer.status_code == 200, answer.text
        assert answer.json()["definition"]["event"]["title"] == "Imported Roadshow"
        after = await current(http)
        assert parse_event(definition_to_toml(after["definition"])) == event
        assert (await http.get("/api/results")).json()["event"]["title"] == "Imported Roadshow"

        again = await http.post("/host/setup/import/apply", json={"preview": preview["preview"]})
        assert again.status_code == 410 and again.json()["error"]["code"] == "preview_expired"


async def test_a_stale_preview_is_refused(mini_server: RunningServer) -> None:
    async with host_http(mini_server) as http:
        preview = (await http.post("/host/setup/import", **upload("e.xlsx", event_workbook(MINI)))).json()
        assert preview["ok"]
        d = (await current(http))["definition"]
        d["event"]["venue"] = "Town hall"
        assert (await save(http, d)).status_code == 200
        answer = await http.post("/host/setup/import/apply", json={"preview": preview["preview"]})
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "changed_elsewhere"
        assert (await current(http))["definition"]["event"]["venue"] == "Town hall"


async def test_a_projects_csv_replaces_only_the_projects(mini_server: RunningServer) -> None:
    wb = load_workbook(io.BytesIO(event_workbook(MINI)))
    rows = [["" if c.value is None else c.value for c in row] for row in wb["项目 Projects"].iter_rows()]
    rows.append(["p4", 4, "care", "Soup Run", "", "Soup Team", "", "", "", "Vol D、Vol E", "", 70])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    good = buffer.getvalue().encode("utf-8-sig")
    async with host_http(mini_server) as http:
        answer = await http.post("/host/setup/import", **upload("projects.csv", good, "text/csv"))
        preview = answer.json()
        assert preview["ok"] and preview["kind"] == "csv", preview
        assert preview["summary"]["counts"]["projects"] == 4
        assert (await http.post("/host/setup/import/apply", json={"preview": preview["preview"]})).status_code == 200
        assert [p["id"] for p in (await current(http))["definition"]["projects"]] == ["p1", "p2", "p3", "p4"]

        # Excel's plain "CSV" on a Chinese Windows is GBK; a wrong category is reported at its cell
        bad = buffer.getvalue().replace("care,Soup", "nowhere,Soup").encode("gb18030")
        preview = (await http.post("/host/setup/import", **upload("projects.csv", bad, "text/csv"))).json()
        assert preview["note"] and not preview["ok"]
        assert [(p["sheet"], p["row"], p["column"]) for p in preview["problems"]] == [("projects", 5, "C")]


async def test_an_import_that_would_remove_a_judged_project_is_blocked_in_the_preview(
    mini_server: RunningServer,
) -> None:
    host = await host_client(mini_server)
    await host.ok("start_project", {"project": "p1"})
    await host.close()
    event = replace(MINI, projects=MINI.projects[1:])
    async with host_http(mini_server) as http:
        preview = (await http.post("/host/setup/import", **upload("e.xlsx", event_workbook(event)))).json()
        assert preview["ok"] is True
        assert preview["blocked"]["code"] == "in_use" and "p1" in preview["blocked"]["message"]
        answer = await http.post("/host/setup/import/apply", json={"preview": preview["preview"]})
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "in_use"


@pytest.mark.parametrize("field", ["members", "volunteers"])
def test_names_typed_in_the_page_round_trip(field: str) -> None:
    data = {
        "event": {"title": "T"},
        "categories": [{"id": "a", "name": "A"}],
        "criteria": [{"id": "c", "name": "C", "max": "10"}],
        "judges": [{"id": "j", "name": "J"}],
        "projects": [{"id": "p", "title": "P", "team": "T", "category": "a", field: "甲、乙\n丙，丁"}],
    }
    event = parse_event(definition_to_toml(data))
    assert getattr(event.projects[0], field) == ("甲", "乙", "丙", "丁")


async def test_the_commentary_settings_are_edited_in_setup_and_kept(mini_server: RunningServer) -> None:
    """Issue 16: a judge's organisation and the commentary's speaking time, typed as text in the page."""
    async with host_http(mini_server) as http:
        state = await current(http)
        d = state["definition"]
        d["judges"][0]["affiliation"] = "云溪市社会组织服务中心"
        d["timing"]["commentary_minutes"] = "2.5"  # as typed
        answer = await save(http, d, base=state["base"])
        assert answer.status_code == 200, answer.text
        again = (await current(http))["definition"]
        assert again["judges"][0]["affiliation"] == "云溪市社会组织服务中心"
        assert again["timing"]["commentary_minutes"] == 2.5
        # a save that does not touch them keeps them
        answer = await save(http, again, base=(await current(http))["base"])
        assert answer.status_code == 200, answer.text
        assert (await current(http))["definition"]["timing"]["commentary_minutes"] == 2.5
    host = await host_client(mini_server)
    try:
        assert host.view["event"]["timing"]["commentary_seconds"] == 150
    finally:
        await host.close()
