"""Spreadsheets in and out (app/spreadsheets/, app/eventfile_export.py, `roadshow import|export`).

Round trips: event -> TOML -> event and event -> .xlsx -> event give equal Events (demo and mini event).
Every broken workbook is reported with its sheet, row and column, and nothing is produced.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app.domain.models import Event, Indicator
from app.eventfile import load_event_file, parse_event
from app.eventfile_audience import AUDIENCE_KEYS as AUDIENCE_TABLE_KEYS
from app.eventfile_export import event_to_toml, seconds_to_minutes
from app.setup import demo_event_text
from app.spreadsheets import (
    EXAMPLE_EVENT,
    SETTINGS,
    Problem,
    event_workbook,
    import_projects_csv,
    import_workbook,
    template_workbook,
)
from tests.conftest import MINI_EVENT
from tests.server import ROOT
from tests.test_eventfile import templates_of, zh_catalog

DEMO = parse_event(demo_event_text())
MINI = load_event_file(MINI_EVENT)
EVENTS = {"demo": DEMO, "mini": MINI}


@pytest.mark.parametrize("name", EVENTS)
def test_toml_round_trip(name: str) -> None:
    event = EVENTS[name]
    text = event_to_toml(event, header="exported")
    assert parse_event(text) == event
    assert text.startswith("# exported\n")


@pytest.mark.parametrize("name", EVENTS)
def test_xlsx_round_trip(name: str) -> None:
    event = EVENTS[name]
    preview = import_workbook(event_workbook(event))
    assert preview.problems == []
    assert preview.ok and preview.event == event
    assert preview.toml is not None and parse_event(preview.toml) == event


def test_awkward_values_survive_both_round_trips() -> None:
    """Quotes, newlines and tabs (in a multi-line field: a name or a title takes neither), a leading
    '=', a dotted id, fractional minutes, numbers-as-text."""
    event = replace(
        MINI,
        title='=HYPERLINK("x") "quoted" \\ back slash',
        subtitle="＝full-width",
        indicators=(Indicator(id="sat.v2", name="Satisfaction", weight=40, max=120),),
        projects=tuple(
            replace(p, team="007", indicators={"sat.v2": 99.25}, members=("甲", "乙"), summary="=1+1\ntwo\tlines")
            for p in MINI.projects
        ),
        timing=replace(MINI.timing, presentation_seconds=395, qa_seconds=0),
    )
    assert parse_event(event_to_toml(event)) == event
    data = event_workbook(event)
    preview = import_workbook(data)
    assert preview.problems == [] and preview.event == event
    # text that looks like a formula is stored as text, never as a formula
    wb = load_workbook(io.BytesIO(data))
    cell = wb["活动 Event"]["C2"]
    assert cell.value == event.title and cell.data_type == "s"


def test_minutes_always_give_back_the_seconds() -> None:
    assert all(int(60 * seconds_to_minutes(s)) == s for s in range(0, 20000))


def test_template_is_a_valid_example_with_notes() -> None:
    data = template_workbook()
    preview = import_workbook(data)
    assert preview.ok and preview.event == EXAMPLE_EVENT
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [
        "说明 README",
        "活动 Event",
        "类别 Categories",
        "评分细则 Rubric",
        "指标 Indicators",
        "评委 Judges",
        "项目 Projects",
        "回避 Recusals",
        "奖项 Awards",
    ]
    projects = wb["项目 Projects"]
    assert projects["A1"].value == "项目编号 / Project ID"
    assert projects["A1"].comment is not None and "Required" in projects["A1"].comment.text
    assert projects["L1"].value == "居民满意度 [satisfaction]"
    assert projects.column_dimensions["D"].width > 20
    assert projects["A2"].value == "p01" and projects["A2"].font.i  # the example row, in italics
    readme = "\n".join(str(c.value) for row in wb["说明 README"].iter_rows() for c in row if c.value)
    assert "项目编号 / Project ID" in readme and "top_projects" in readme


def test_short_names_round_trip_through_the_template() -> None:
    """The template has the two short-name columns next to the names; filled in (20 characters is the
    limit, and fits), they import into the event, and the event writes them back to the same cells."""
    wb = load_workbook(io.BytesIO(event_workbook(MINI)))
    ws = wb["项目 Projects"]
    headers = [c.value for c in ws[1]]
    assert headers[3:7] == ["项目名称 / Title", "项目简称 / Short title", "实施团队 / Team", "团队简称 / Short team"]
    assert ws["E1"].comment is not None and "at most 20 characters" in ws["E1"].comment.text
    assert any(dv.type == "textLength" and "E2:E" in str(dv.sqref) for dv in ws.data_validations.dataValidation)
    ws["E2"].value, ws["G2"].value = "短" * 20, "Team one"
    ws["G3"].value = "  团队二 "
    out = io.BytesIO()
    wb.save(out)
    preview = import_workbook(out.getvalue())
    assert preview.problems == [] and preview.event is not None
    expected = replace(
        MINI,
        projects=(
            replace(MINI.projects[0], short_title="短" * 20, short_team="Team one"),
            replace(MINI.projects[1], short_team="团队二"),
            *MINI.projects[2:],
        ),
    )
    assert preview.event == expected
    again = load_workbook(io.BytesIO(event_workbook(preview.event)))["项目 Projects"]
    assert (again["E2"].value, again["G2"].value, again["G3"].value) == ("短" * 20, "Team one", "团队二")
    assert import_workbook(event_workbook(expected)).event == expected


# ------------------------------------------------------------------------------ broken workbooks
def mutated(event: Event, change: Callable[[Workbook], None]) -> bytes:
    wb = load_workbook(io.BytesIO(event_workbook(event)))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def set_cell(sheet: str, ref: str, value: object) -> Callable[[Workbook], None]:
    def change(wb: Workbook) -> None:
        wb[sheet][ref].value = value

    return change


BROKEN: dict[str, tuple[Callable[[Workbook], None], list[tuple[str | None, int | None, str | None, str]]]] = {
    "missing sheet": (
        lambda wb: wb.remove(wb["评委 Judges"]),
        [("评委 Judges", None, None, "no sheet '评委 Judges'")],
    ),
    "wrong header": (
        set_cell("项目 Projects", "D1", "Projekt"),
        [
            ("项目 Projects", 1, "D", "'Projekt' is not a column of this sheet"),
            ("项目 Projects", 1, None, "the column '项目名称 / Title' is missing"),
        ],
    ),
    "text in a number column": (
        set_cell("评分细则 Rubric", "C3", "四十分"),
        [("评分细则 Rubric", 3, "C", "'四十分' is not a number")],
    ),
    "text in an indicator column": (
        set_cell("项目 Projects", "L2", "n/a"),
        [("项目 Projects", 2, "L", "'n/a' is not a number")],
    ),
    "duplicate project id": (
        set_cell("项目 Projects", "A4", "p1"),
        [("项目 Projects", 4, "A", "'p1' is used twice (first in row 2)")],
    ),
    "unknown category": (
        set_cell("项目 Projects", "C3", "blue"),
        [("项目 Projects", 3, "C", "'blue' is not one of the categories (care, green)")],
    ),
    "missing required cells": (
        lambda wb: [set_cell("项目 Projects", "F3", None)(wb), set_cell("活动 Event", "C2", None)(wb)],
        [
            ("活动 Event", 2, "C", "is required"),
            ("项目 Projects", 3, "F", "is required"),
        ],
    ),
    "indicator above its max": (
        set_cell("项目 Projects", "L3", 101),
        [("项目 Projects", 3, "L", "101 is above the maximum of 100")],
    ),
    "unknown setting and bad language": (
        lambda wb: [set_cell("活动 Event", "A3", "subtitel")(wb), set_cell("活动 Event", "C7", "fr")(wb)],
        [
            ("活动 Event", 3, "A", "'subtitel' is not a known setting"),
            ("活动 Event", 7, "C", "must be one of zh, en"),
        ],
    ),
    "award refers to a later award": (
        set_cell("奖项 Awards", "F3", "vol"),
        [("奖项 Awards", 3, "F", "must name an earlier top_projects award")],
    ),
    "short title over 20 characters": (
        set_cell("项目 Projects", "E3", "二" * 21),
        [("项目 Projects", 3, "E", "must be at most 20 characters")],
    ),
    "no projects": (
        lambda wb: wb["项目 Projects"].delete_rows(2, 3),
        [("项目 Projects", None, None, "has no rows")],
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_broken_workbook_lists_every_problem_and_produces_nothing(case: str) -> None:
    change, expected = BROKEN[case]
    preview = import_workbook(mutated(MINI, change))
    assert not preview.ok
    assert preview.event is None and preview.toml is None
    found = [(p.sheet, p.row, p.column, p.message) for p in preview.problems]
    assert len(found) == len(expected), found
    for (sheet, row, column, message), problem in zip(expected, preview.problems, strict=True):
        assert (problem.sheet, problem.row, problem.column) == (sheet, row, column), found
        assert message in problem.message, found


def test_problem_reads_well() -> None:
    problem = Problem("项目 Projects", 4, "A", "'p1' is used twice", "项目编号 / Project ID")
    assert str(problem) == "项目 Projects A4 (项目编号 / Project ID): 'p1' is used twice"


def test_not_a_workbook() -> None:
    preview = import_workbook(b"PK\x03\x04 this is no workbook")
    assert not preview.ok and preview.problems[0].sheet is None
    assert "not an .xlsx workbook" in preview.problems[0].message


@pytest.mark.parametrize("case", BROKEN)
def test_every_import_problem_has_a_chinese_translation(case: str) -> None:
    """Every problem of the broken workbooks above is made of catalog templates, so none is shown
    in English on a Chinese page (the extraction side is checked in test_eventfile.py)."""
    catalog = zh_catalog()
    change, _expected = BROKEN[case]
    for problem in import_workbook(mutated(MINI, change)).problems:
        for template in templates_of(problem.text):
            assert catalog.get(template), template
        assert problem.translate("zh") != problem.message


def test_import_problems_in_chinese_keep_their_place_and_values() -> None:
    def change(wb: Workbook) -> None:
        set_cell("评分细则 Rubric", "C2", "四十")(wb)
        set_cell("项目 Projects", "C3", "blue")(wb)
        set_cell("项目 Projects", "A4", "p1")(wb)
        set_cell("活动 Event", "A3", "subtitel")(wb)

    problems = import_workbook(mutated(MINI, change)).problems
    zh = {(p.sheet, p.row, p.column): p.translate("zh") for p in problems}
    assert zh == {
        ("活动 Event", 3, "A"): "“subtitel”不是已知的设置项（是否拼写有误？）",
        ("评分细则 Rubric", 2, "C"): "“四十”不是数字",
        ("项目 Projects", 3, "C"): "“blue”不是已有的类别（care, green）",
        ("项目 Projects", 4, "A"): "“p1”重复使用（首次出现在第 2 行）",
    }
    by_cell = {(p.sheet, p.row, p.column): p for p in problems}
    duplicate = by_cell[("项目 Projects", 4, "A")]
    assert duplicate.message == "'p1' is used twice (first in row 2)"
    assert duplicate.where("zh") == duplicate.where("en") == "项目 Projects A4 (项目编号 / Project ID)"
    assert duplicate.report("zh") == "项目 Projects A4 (项目编号 / Project ID)：“p1”重复使用（首次出现在第 2 行）"

    no_rows = import_workbook(mutated(MINI, lambda wb: wb["项目 Projects"].delete_rows(2, 3))).problems
    assert [(p.where("zh"), p.translate("zh")) for p in no_rows] == [("项目 Projects", "没有任何行：请至少添加一行")]
    [junk] = import_workbook(b"PK\x03\x04 this is no workbook").problems
    assert junk.where("zh") == "文件" and junk.translate("zh").startswith("不是 .xlsx 工作簿（")


def test_lenient_where_it_is_safe() -> None:
    """Sheets and headers may be named in one language only; numbers typed as text are numbers;
    names split on Chinese and Western separators; a date cell becomes text; blank rows are skipped."""
    import datetime

    def change(wb: Workbook) -> None:
        wb["项目 Projects"].title = "Projects"
        ws = wb["Projects"]
        ws["A1"].value = "项目编号"
        ws["B1"].value = "order"
        ws["L2"].value = " 90 "
        ws["J2"].value = "Vol A，Vol B"
        ws.insert_rows(3)
        wb["活动 Event"]["C4"].value = datetime.datetime(2026, 12, 1)
        wb["活动 Event"]["C7"].value = "English"

    preview = import_workbook(mutated(MINI, change))
    assert preview.problems == [] and preview.event == MINI


def test_projects_csv_on_top_of_an_event() -> None:
    wb = load_workbook(io.BytesIO(event_workbook(MINI)))
    rows = [[c.value for c in row] for row in wb["项目 Projects"].iter_rows()]
    rows.append(["p4", 4, "care", "New =project", "", "New Team", "", "", "", "Vol D、Vol E", "", 70])
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if v is None else v for v in row] for row in rows])
    preview = import_projects_csv("\ufeff" + buffer.getvalue(), MINI)
    assert preview.problems == []
    assert preview.event is not None
    assert [p.id for p in preview.event.projects] == ["p1", "p2", "p3", "p4"]
    assert preview.event.project("p4").volunteers == ("Vol D", "Vol E")
    assert replace(preview.event, projects=MINI.projects) == MINI

    bad = buffer.getvalue().replace("care,New", "nowhere,New")
    problems = import_projects_csv(bad, MINI, name="projects").problems
    assert [(p.sheet, p.row, p.column) for p in problems] == [("projects", 5, "C")]


# ------------------------------------------------------------------------------ command line
def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def test_cli_import_writes_the_event_file_or_refuses(tmp_path: Path) -> None:
    (tmp_path / "good.xlsx").write_bytes(event_workbook(MINI))
    done = run("import", "good.xlsx", "--out", "event.toml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert load_event_file(tmp_path / "event.toml") == MINI
    assert run("check", "event.toml", cwd=tmp_path).returncode == 0
    again = run("import", "good.xlsx", "--out", "event.toml", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr

    (tmp_path / "bad.xlsx").write_bytes(mutated(MINI, set_cell("项目 Projects", "A4", "p1")))
    refused = run("import", "bad.xlsx", "--out", "bad.toml", cwd=tmp_path)
    assert refused.returncode == 2
    assert "项目 Projects A4 (项目编号 / Project ID): 'p1' is used twice" in refused.stderr
    assert not (tmp_path / "bad.toml").exists()
    chinese = run("import", "bad.xlsx", "--out", "bad.toml", "--lang", "zh", cwd=tmp_path)
    assert chinese.returncode == 2
    assert "bad.xlsx：1 个问题；未写入任何内容：" in chinese.stderr
    assert "项目 Projects A4 (项目编号 / Project ID)：“p1”重复使用（首次出现在第 2 行）" in chinese.stderr

    # a projects list as CSV, on top of an event file
    projects = load_workbook(tmp_path / "good.xlsx")["项目 Projects"]
    lines = [",".join("" if c.value is None else str(c.value) for c in row) for row in projects.iter_rows()]
    (tmp_path / "projects.csv").write_text("\n".join(lines[:3]) + "\n", encoding="utf-8-sig")
    assert run("import", "projects.csv", "--out", "x.toml", cwd=tmp_path).returncode == 2  # no --base
    done = run("import", "projects.csv", "--base", "event.toml", "--out", "two.toml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [p.id for p in load_event_file(tmp_path / "two.toml").projects] == ["p1", "p2"]


def test_cli_export_from_a_database(tmp_path: Path) -> None:
    assert run("init", str(MINI_EVENT), "--db", "mini.db", "--password", "pw-123", cwd=tmp_path).returncode == 0
    done = run(
        "export",
        "mini.db",
        "--xlsx",
        "e.xlsx",
        "--toml",
        "e.toml",
        "--results",
        "r.xlsx",
        "--scores",
        "s.csv",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert load_event_file(tmp_path / "e.toml") == MINI
    assert import_workbook((tmp_path / "e.xlsx").read_bytes()).event == MINI
    assert "总排名 Overall" in load_workbook(tmp_path / "r.xlsx").sheetnames
    assert (tmp_path / "s.csv").read_text(encoding="utf-8").startswith("\ufeffseq,time,kind")
    nothing = run("export", "mini.db", cwd=tmp_path)
    assert nothing.returncode == 2 and "nothing to export" in nothing.stderr


# ------------------------------------------------------------------ the audience vote (docs/event-file.md §11)
VOTE_EVENT = load_event_file(ROOT / "tests" / "data" / "vote_event.toml")
AUDIENCE_KEYS = [f"audience.{key}" for key in sorted(AUDIENCE_TABLE_KEYS)]
AUDIENCE_VARIANTS = {
    "award, tickets": replace(
        VOTE_EVENT, audience=replace(VOTE_EVENT.audience, tickets=True, per_address_cap=3, mode="one_per_category")
    ),
    "composite, stars per project": replace(
        VOTE_EVENT,
        awards=(),
        audience=replace(VOTE_EVENT.audience, mode="stars", window="per_project", use="composite", weight=0.1),
    ),
    "off": replace(VOTE_EVENT, awards=(), audience=replace(VOTE_EVENT.audience, enabled=False, mode="stars")),
}


@pytest.mark.parametrize("variant", AUDIENCE_VARIANTS)
def test_the_audience_vote_round_trips_through_the_workbook(variant: str) -> None:
    """event file -> workbook -> event file: the [audience] table comes back equal, and so does the file."""
    event = AUDIENCE_VARIANTS[variant]
    assert parse_event(event_to_toml(event)) == event
    preview = import_workbook(event_workbook(event))
    assert preview.problems == []
    assert preview.event == event and preview.event.audience == event.audience
    assert preview.toml is not None and event_to_toml(parse_event(preview.toml)) == event_to_toml(event)


def _setting_row(key: str) -> int:
    return 2 + [s.key for s in SETTINGS].index(key)


def test_the_audience_settings_are_rows_of_the_event_sheet_with_their_choices() -> None:
    event = AUDIENCE_VARIANTS["composite, stars per project"]
    ws = load_workbook(io.BytesIO(event_workbook(event)))["活动 Event"]
    values = {ws.cell(_setting_row(k), 1).value: ws.cell(_setting_row(k), 3).value for k in AUDIENCE_KEYS}
    assert values == {
        "audience.enabled": True,
        "audience.mode": "stars",
        "audience.window": "per_project",
        "audience.use": "composite",
        "audience.weight": 0.1,
        "audience.per_address_cap": None,  # the default, left blank
        "audience.tickets": None,
    }
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert lists[f"C{_setting_row('audience.mode')}"] == '"one_per_event,one_per_category,stars"'
    assert lists[f"C{_setting_row('audience.use')}"] == '"award,composite"'


@pytest.mark.parametrize(
    ("cells", "problem_key", "message"),
    [
        ({"audience.use": "composite", "audience.weight": 1.5}, "audience.weight", "must be above 0 and below 1"),
        ({"audience.weight": 0.2}, "audience.weight", 'only applies when use = "composite"'),
        ({"audience.window": "per_project"}, "audience.window", 'a per_project window needs mode = "stars"'),
        ({"audience.enabled": "maybe"}, "audience.enabled", "must be true or false"),
        ({"audience.per_address_cap": 10_001}, "audience.per_address_cap", "must be at most 10000"),
        ({"audience.mode": "twice"}, "audience.mode", "must be one of one_per_event, one_per_category, stars"),
    ],
)
def test_audience_problems_are_the_event_files_on_their_cell(cells: dict, problem_key: str, message: str) -> None:
    def change(wb: Workbook) -> None:
        for key, value in cells.items():
            set_cell("活动 Event", f"C{_setting_row(key)}", value)(wb)

    preview = import_workbook(mutated(VOTE_EVENT, change))
    assert not preview.ok and preview.event is None
    where = {(p.sheet, p.row, p.column): p for p in preview.problems}
    problem = where[("活动 Event", _setting_row(problem_key), "C")]  # on its cell (a refused flag: more follow)
    assert message in problem.message
    assert problem.translate("zh") != problem.message  # the event file's own translation


def test_true_and_false_are_read_as_excel_cells_or_words() -> None:
    for enabled, tickets in ((True, "是"), ("TRUE", "yes"), ("true", 1)):

        def change(wb: Workbook, enabled: object = enabled, tickets: object = tickets) -> None:
            set_cell("活动 Event", f"C{_setting_row('audience.enabled')}", enabled)(wb)
            set_cell("活动 Event", f"C{_setting_row('audience.tickets')}", tickets)(wb)

        preview = import_workbook(mutated(VOTE_EVENT, change))
        assert preview.ok, preview.problems
        assert preview.event is not None and preview.event.audience.enabled and preview.event.audience.tickets
