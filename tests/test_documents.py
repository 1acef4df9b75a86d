"""Host documents against the real server: exports, the results workbook, CSV files, printable pages.

The mini event is run as in tests/test_live_event.py (hand-computed there):
p1: j1 80, j2 70 -> 85, j3 90, j4 60, j5 75, j6 100 then recused -> counted j1 j2 j5, dropped j3 j4;
    panel 80.00, composite 84.00.  p2: six judges at 70 -> panel 70.00, composite 80.00.  p3: not scored.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from app.documents import csv_safe
from app.eventfile import load_event_file, parse_event
from app.spreadsheets import import_workbook
from tests.conftest import MINI_EVENT, cookie_header, host_client, judge_client
from tests.server import HTTP_TIMEOUT, RunningServer

EXPORTS = {
    "/host/export/template.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "/host/export/event.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "/host/export/event.toml": "application/toml",
    "/host/export/results.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "/host/export/scores.csv": "text/csv",
    "/host/export/event-inputs.csv": "text/csv",
}
PAGES = [
    "/host/documents",
    "/host/print/scoresheets",
    "/host/print/scoresheets/j1",
    "/host/print/results",
    "/host/print/certificates",
    "/host/print/judging",
]


def sheet(total: float) -> dict[str, float]:
    impact = min(60.0, total)
    return {"impact": impact, "pitch": total - impact}


async def run_mini_event(server: RunningServer, ceremony: bool = False) -> None:
    host = await host_client(server)
    judges = {j: await judge_client(server, j) for j in ("j1", "j2", "j3", "j4", "j5", "j6")}
    await host.ok("start_project", {"project": "p1"})
    await host.ok("open_scoring")
    for j, total in (("j1", 80), ("j2", 70), ("j3", 90), ("j4", 60), ("j5", 75), ("j6", 100)):
        comment = "=1+1 <b>bold</b>" if j == "j1" else f"total {total}"
        await judges[j].ok("submit_score", {"project": "p1", "scores": sheet(total), "comment": comment})
    await judges["j2"].ok("submit_score", {"project": "p1", "scores": sheet(85)})  # amended
    await host.ok("recuse", {"judge": "j6", "project": "p1", "reason": "advised this team"})
    await host.ok("close_scoring")
    await host.ok("reveal", {"project": "p1"})
    await host.ok("start_project", {"project": "p2"})
    await host.ok("open_scoring")
    for client in judges.values():
        await client.ok("submit_score", {"project": "p2", "scores": sheet(70)})
    await host.ok("close_scoring")
    if ceremony:
        await host.ok("reveal", {"project": "p2"})
        await host.ok("start_ceremony", {"skip": True, "remaining": 1})  # p3 never presented
    for client in (host, *judges.values()):
        await client.close()


def table(ws: Any, first_header: str) -> list[dict[str, Any]]:
    """The rows under the header row whose first cell is `first_header`, as dicts."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == first_header)
    headers = rows[start]
    return [dict(zip(headers, row, strict=False)) for row in rows[start + 1 :] if any(v is not None for v in row)]


# ------------------------------------------------------------------------------------------ access
async def test_every_document_refuses_non_hosts_and_renders_for_the_host(mini_server: RunningServer) -> None:
    host = cookie_header(mini_server)
    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as http:
        for path in [*EXPORTS, *PAGES]:
            anonymous = await http.get(path)
            assert anonymous.status_code == 303 and anonymous.headers["location"] == "/host/login", path
            forged = await http.get(path, headers={"Cookie": "roadshow_session=forged"})
            assert forged.status_code == 303, path
        for path, media_type in EXPORTS.items():
            response = await http.get(path, headers=host)
            assert response.status_code == 200, path
            assert response.headers["content-type"].startswith(media_type), path
            assert response.headers["content-disposition"].startswith("attachment; filename="), path
            assert response.headers["cache-control"] == "no-store"
        for path in PAGES:
            response = await http.get(path, headers=host)
            assert response.status_code == 200, path
            assert response.headers["content-type"].startswith("text/html")
            assert "content-security-policy" in response.headers
        missing = await http.get("/host/print/scoresheets/nobody", headers=host)
        assert missing.status_code == 404

    # the exported event reads back as the event that is running
    async with httpx.AsyncClient(base_url=mini_server.base, headers=host, timeout=HTTP_TIMEOUT) as http:
        toml = (await http.get("/host/export/event.toml")).text
        xlsx = (await http.get("/host/export/event.xlsx")).content
        template = (await http.get("/host/export/template.xlsx")).content
    mini = load_event_file(MINI_EVENT)
    assert parse_event(toml) == mini
    assert import_workbook(xlsx).event == mini
    assert import_workbook(template).ok


async def test_documents_page_links_everything(mini_server: RunningServer) -> None:
    async with httpx.AsyncClient(
        base_url=mini_server.base, headers=cookie_header(mini_server), timeout=HTTP_TIMEOUT
    ) as http:
        page = (await http.get("/host/documents")).text
    for path in [*EXPORTS, *PAGES[1:]]:
        assert f'href="{path}"' in page, path
    assert 'href="/host/print/certificates?award=team"' in page


# ------------------------------------------------------------------------------------------ results
async def test_results_workbook_matches_the_api(mini_server: RunningServer) -> None:
    await run_mini_event(mini_server)
    async with httpx.AsyncClient(
        base_url=mini_server.base, headers=cookie_header(mini_server), timeout=HTTP_TIMEOUT
    ) as http:
        api = (await http.get("/api/results")).json()
        data = (await http.get("/host/export/results.xlsx")).content
    assert api["scope"] == "all"
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [
        "总排名 Overall",
        "分类排名 By category",
        "综合得分 Composite",
        "评委评分 Judge scores",
        "评委总分 Totals",
        "奖项 Awards",
        "点评 Comments",
        "规则 Rules",
        "评审分析 Judging",  # issue 15 (tests/test_judging_report.py)
    ]

    # overall standings: the same projects, ranks and numbers as the API (host scope)
    overall = [r for r in table(wb["总排名 Overall"], "排名 / Rank") if r["排名 / Rank"] is not None]
    assert [(r["项目编号 / Project ID"], r["排名 / Rank"]) for r in overall] == [
        (r["project"], r["rank"]) for r in api["overall"]
    ]
    for row, expected in zip(overall, api["overall"], strict=True):
        assert row["评委评分 / Panel score"] == expected["panel"]
        assert row["综合得分 / Composite"] == expected["composite"]
        assert row["计入评委 / Counted"] == len(expected["counted"])
        assert row["去掉 / Dropped"] == len(expected["dropped"])
        indicator = next(c for c in expected["components"] if c["id"] == "sat")
        assert row["Resident satisfaction / sat"] == indicator["value"]
    assert [(r["project"], r["composite"], r["panel"]) for r in api["overall"]] == [
        ("p1", 84.0, 80.0),
        ("p2", 80.0, 70.0),
    ]
    unranked = [
        r["项目编号 / Project ID"] for r in table(wb["总排名 Overall"], "排名 / Rank") if r["排名 / Rank"] is None
    ]
    assert unranked == api["unranked"] == ["p3"]

    # per category
    by_category = table(wb["分类排名 By category"], "类别 / Category")
    assert {
        (r["项目编号 / Project ID"], r["类别排名 / Category rank"], r["综合得分 / Composite"]) for r in by_category
    } == {(r["project"], r["category_rank"], r["composite"]) for rows in api["by_category"].values() for r in rows}

    # composite breakdown: every component's value, score out of 100 and contribution
    composite = {r["项目编号 / Project ID"]: r for r in table(wb["综合得分 Composite"], "项目编号 / Project ID")}
    for expected in api["overall"]:
        row = list(composite[expected["project"]].values())
        numbers = row[2:-1]
        api_numbers = [x for c in expected["components"] for x in (c["value"], c["score_100"], c["contribution"])]
        assert numbers == api_numbers
        assert row[-1] == expected["composite"]

    # every judge's total, dropped and recused scores marked
    totals = {r["项目编号 / Project ID"]: r for r in table(wb["评委总分 Totals"], "项目编号 / Project ID")}
    names = {"j1": "Judge One", "j2": "Judge Two", "j3": "Judge Three", "j4": "Judge Four", "j5": "Judge Five"}
    for expected in api["overall"]:
        row = totals[expected["project"]]
        for judge, total in expected["totals"].items():
            assert row[f"{names.get(judge, 'Judge Six')} / {judge}"] == total
    assert totals["p1"]["Judge Six / j6"] == 100  # shown, but recused: not in the API's counted totals
    assert "j6" not in api["overall"][0]["totals"] and api["overall"][0]["recused"] == ["j6"]

    scores = wb["评委评分 Judge scores"]
    detail = table(scores, "项目编号 / Project ID")
    p1 = {r["评委编号 / Judge ID"]: r for r in detail if r["项目编号 / Project ID"] == "p1"}
    assert {j: r["状态 / Status"].split(" / ")[1] for j, r in p1.items()} == {
        "j1": "counted",
        "j2": "counted",
        "j3": "dropped",
        "j4": "dropped",
        "j5": "counted",
        "j6": "recused (not counted)",
    }
    assert sorted(api["overall"][0]["dropped"]) == ["j3", "j4"]
    assert p1["j2"]["总分 / Total"] == 85 and p1["j2"]["版本 / Version"] == 2
    assert p1["j1"]["Impact / impact (max 60)"] == 60 and p1["j1"]["Pitch / pitch (max 40)"] == 20
    # struck through and greyed: the dropped rows; the legend explains it
    row_of = {c.value: c.row for c in scores["C"] if c.value in ("j3", "j1") and scores.cell(c.row, 1).value == "p1"}
    assert scores.cell(row_of["j3"], 7).font.strike and not scores.cell(row_of["j1"], 7).font.strike
    assert "dropped" in scores["A3"].value and scores["A3"].font.strike
    # an untrusted comment is stored as text, never as a formula
    comment = scores.cell(row_of["j1"], 11)
    assert comment.value == "=1+1 <b>bold</b>" and comment.data_type == "s"

    # awards: not final yet, and labelled so
    awards = wb["奖项 Awards"]
    assert "PROVISIONAL" in awards["A3"].value
    winners = table(awards, "奖项 / Award")
    assert [(w["奖项 / Award"], w["获奖者 / Winner"]) for w in winners] == [
        ("Excellent team", "Roof Team"),
        ("Excellent leader", "Lee"),
        ("Excellent volunteer", "Vol A"),
        ("Excellent volunteer", "Vol B"),
        ("Excellent volunteer", "Vol C"),
    ]
    rules = "\n".join(str(v) for row in wb["规则 Rules"].iter_rows(values_only=True) for v in row if v)
    assert "trimmed_mean" in rules and "60 (60%)" in rules and "first places" in rules

    # formatted to print: landscape A4, fit to width, the header row repeated and frozen
    ws = wb["总排名 Overall"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$4:$4" and ws.freeze_panes == "C5"


async def test_after_the_ceremony_starts_the_awards_are_final(mini_server: RunningServer) -> None:
    await run_mini_event(mini_server, ceremony=True)
    async with httpx.AsyncClient(
        base_url=mini_server.base, headers=cookie_header(mini_server), timeout=HTTP_TIMEOUT
    ) as http:
        api = (await http.get("/api/results")).json()
        data = (await http.get("/host/export/results.xlsx")).content
        certificates = (await http.get("/host/print/certificates")).text
        one_award = (await http.get("/host/print/certificates?award=vol")).text
        results_page = (await http.get("/host/print/results")).text
    wb = load_workbook(io.BytesIO(data))
    assert wb["奖项 Awards"]["A3"].value.startswith("已确定")
    winners = [(w["奖项 / Award"], w["获奖者 / Winner"]) for w in table(wb["奖项 Awards"], "奖项 / Award")]
    assert winners == [(a["name"], w["name"]) for a in api["awards"] for w in a["winners"]]
    # one certificate per winner: the team, its leader, each volunteer; no provisional mark
    assert certificates.count('class="certificate"') == 5
    assert "Provisional" not in certificates
    for name in ("Roof Team", "Lee", "Vol A", "Vol B", "Vol C", "Excellent volunteer"):
        assert name in certificates
    assert one_award.count('class="certificate"') == 3
    assert "final: decided when the ceremony started" in results_page


# ------------------------------------------------------------------------------------------ CSV
async def test_csv_exports_have_a_bom_and_neutralise_formulas(mini_server: RunningServer) -> None:
    await run_mini_event(mini_server)
    async with httpx.AsyncClient(
        base_url=mini_server.base, headers=cookie_header(mini_server), timeout=HTTP_TIMEOUT
    ) as http:
        scores = (await http.get("/host/export/scores.csv")).content.decode("utf-8")
        inputs = (await http.get("/host/export/event-inputs.csv")).content.decode("utf-8")
    assert scores.startswith("\ufeff") and inputs.startswith("\ufeff")
    body, anchor = scores.removeprefix("\ufeff").rstrip("\r\n").rsplit("\r\n", 1)
    assert anchor.startswith("# audit anchor: length ")  # the closing line (tests/test_audit_chain.py)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 13  # 6 + 1 amendment for p1, 6 for p2
    first = rows[0]
    assert first["comment"] == "'=1+1 <b>bold</b>"  # shown as text by a spreadsheet, never run
    assert first["judge_name"] == "Judge One" and first["kind"] == "score"
    assert first["score_impact"] == "60" and first["score_pitch"] == "20" and first["total"] == "80"
    assert first["command_id"] and first["time"][:2] == "20"
    j2 = [r for r in rows if r["judge"] == "j2" and r["project"] == "p1"]
    assert [(r["total"], r["version"], r["latest"]) for r in j2] == [("70", "1", "no"), ("85", "2", "yes")]

    defined = list(csv.reader(io.StringIO(inputs.removeprefix("\ufeff"))))
    assert defined[0] == ["section", "position", "id", "field", "value"]
    assert ["event", "", "", "title", 'Mini <b>Roadshow</b> & "quotes"'] in defined
    assert ["projects", "1", "p1", "volunteers", "Vol A、Vol B"] in defined
    assert ["projects", "1", "p1", "indicator:sat", "90"] in defined
    assert ["awards", "2", "leader", "of", "team"] in defined


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("plain 文本", "plain 文本"),
        ("", ""),
    ],
)
def test_csv_safe(value: str, expected: str) -> None:
    assert csv_safe(value) == expected


# ------------------------------------------------------------------------------------------ pages
async def test_printable_pages_escape_untrusted_text(mini_server: RunningServer) -> None:
    await run_mini_event(mini_server)
    # the judging print computes the whole report (its bootstrap): seconds on a loaded machine, so no
    # 5-s client default here; this test is about escaping, not speed (bench/judging_cost.py is)
    async with httpx.AsyncClient(base_url=mini_server.base, headers=cookie_header(mini_server), timeout=60) as http:
        pages = {path: (await http.get(path)).text for path in PAGES}
        zh = (await http.get("/host/print/scoresheets/j1?lang=zh")).text
    for path, html in pages.items():
        assert "Mini &lt;b&gt;Roadshow&lt;/b&gt; &amp; &#34;quotes&#34;" in html, path
        assert "<b>Roadshow</b>" not in html, path
        assert "<script>alert" not in html, path
    sheets = pages["/host/print/scoresheets"]
    assert sheets.count('class="sheet"') == 6  # one page per judge
    assert "&lt;script&gt;alert(&#39;p1&#39;)&lt;/script&gt;Green Roofs" in sheets
    assert "=1+1 &lt;b&gt;bold&lt;/b&gt;" in sheets  # the judge's comment, as text
    assert "Judge signature" in sheets and "Date" in sheets
    one = pages["/host/print/scoresheets/j1"]
    assert one.count('class="sheet"') == 1 and "Judge One" in one and "Judge Two" not in one
    assert "recused (not counted)" in pages["/host/print/scoresheets"]  # j6's p1 sheet
    results = pages["/host/print/results"]
    assert "Chief judge signature" in results and "84.00" in results and "80.00" in results
    assert "provisional" in results and "Repair Café" in results  # p3, not scored yet
    certificates = pages["/host/print/certificates"]
    assert certificates.count('class="certificate"') == 5 and "Provisional" in certificates
    assert 'lang="zh-Hans"' in zh
