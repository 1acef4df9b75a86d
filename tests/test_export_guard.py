"""Every export against a corpus of hostile text: formula starts (ASCII and full-width) in names and
comments, and control characters already stored in an old database. Each CSV goes through the one
guard, each workbook keeps such text as text, and nothing answers 500 (docs/security.md, "Uploads
and text")."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import httpx
from openpyxl import load_workbook

from app.domain.text import looks_like_formula
from app.store import Store
from tests.conftest import MINI_EVENT, cookie_header, host_client, judge_client
from tests.server import RunningServer

FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=TAB()", "\r=CR()", "＝HYPERLINK(1)", "＋1", "－1", "＠A1"]
# what an older version stored unchecked: C0, DEL and C1 controls
STORED = "old\x00\x01\x0b\x1f\x7f\x85\x9f comment"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
CSV_EXPORTS = ["/host/export/scores.csv", "/host/export/event-inputs.csv", "/host/audit.csv"]
XLSX_EXPORTS = ["/host/export/results.xlsx", "/host/export/event.xlsx"]


def hostile_event(tmp_path: Path) -> Path:
    source = MINI_EVENT.read_text(encoding="utf-8")
    source = source.replace('team = "Roof Team"', 'team = "＝HYPERLINK(\\"x\\")"')
    source = source.replace('title = "Elder Care Circle"', 'title = "@SUM(1)"')
    path = tmp_path / "hostile.toml"
    path.write_text(source, encoding="utf-8")
    return path


async def test_every_export_guards_formulas_and_survives_stored_controls(tmp_path: Path) -> None:
    server = RunningServer(tmp_path / "hostile.db", hostile_event(tmp_path))
    server.start()
    try:
        host = await host_client(server)
        await host.ok("start_project", {"project": "p1"})
        await host.ok("open_scoring")
        for n, comment in enumerate(FORMULAS[:6], start=1):
            judge = await judge_client(server, f"j{n}")
            scores = {"impact": 40, "pitch": 30}
            await judge.ok("submit_score", {"project": "p1", "scores": scores, "comment": comment})
            await judge.close()
        await host.ok("close_scoring")
        await host.ok("recuse", {"judge": "j6", "project": "p1", "reason": FORMULAS[6]})
        await host.ok(
            "correct_score",
            {"judge": "j1", "project": "p1", "scores": {"impact": 41, "pitch": 30}, "reason": FORMULAS[7]},
        )
        await host.close()
    finally:
        server.stop()

    # an older version stored a comment unchecked: the journal holds it as it came
    async with Store.open(server.db_path) as store:
        last = [e for e in await store.journal() if e.kind == "score"][-1]
        data = dict(last.data) | {"comment": STORED}
        await store.append(last.actor, "score", data, command_id="old-version-1", connection="test")

    server.start()
    try:
        async with httpx.AsyncClient(base_url=server.base, headers=cookie_header(server), timeout=30) as http:
            for path in CSV_EXPORTS:
                response = await http.get(path)
                assert response.status_code == 200, path
                cells = [cell for row in csv.reader(io.StringIO(response.text.lstrip("\ufeff"))) for cell in row]
                assert not [c for c in cells if looks_like_formula(c)], path
                assert not [c for c in cells if CONTROL.search(c)], path
                if path.endswith("scores.csv"):
                    for comment in FORMULAS[:6]:
                        assert "'" + comment.strip() in cells
                    assert "old comment" in "".join(cells)
                if path.endswith("event-inputs.csv"):
                    assert '\'＝HYPERLINK("x")' in cells and "'@SUM(1)" in cells
            for path in XLSX_EXPORTS:
                response = await http.get(path)
                assert response.status_code == 200, path
                wb = load_workbook(io.BytesIO(response.content))
                texts = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
                formulas = [c for c in texts if looks_like_formula(c.value)]
                assert formulas, path
                assert all(c.data_type == "s" and c.quotePrefix for c in formulas), path
                assert not [c.value for c in texts if CONTROL.search(c.value)], path
                values = {c.value for c in texts}
                assert '＝HYPERLINK("x")' in values and "@SUM(1)" in values
                if path.endswith("results.xlsx"):
                    assert any("old comment" in v for v in values)
    finally:
        server.stop()
