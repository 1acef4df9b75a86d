"""Set up an event from a spreadsheet, and write one back out (docs/spreadsheets.md).

- `template_workbook()`: the downloadable .xlsx template: one sheet each for the event settings,
  categories, rubric, indicators, judges, projects, recusals and awards, with bilingual headers
  ("项目编号 / Project ID"), an example row, column widths, drop-down lists and a README sheet.
- `import_workbook(data)`: a filled-in workbook -> an `ImportPreview`: the event-file (TOML) text, the
  parsed Event, and every problem found, each with its sheet, row and column. The workbook becomes
  event-file text first and `app.eventfile.parse_event` checks it, so a workbook is held to exactly
  the rules of an event file; its problems are reported at the cell they come from. Importing writes
  nothing anywhere: the caller decides what to do with a clean preview.
- `import_projects_csv(text, base)`: a single projects sheet saved as CSV, on top of an existing event
  (everything but the projects comes from `base`).
- `event_workbook(event)`: an Event as a workbook in the same layout; importing it gives the same Event.

Pure functions of bytes/text and domain objects; openpyxl does the .xlsx work.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .domain.models import AGGREGATION_RULES, AWARD_KINDS, LANGUAGES, NORMALIZATIONS, Event
from .eventfile import EventFileError, parse_event
from .eventfile_export import dump_toml, event_to_data

Kind = Literal["id", "text", "number", "names"]
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 5000  # per sheet: far more than any roadshow; stops a runaway sheet from being read forever
NAME_SEPARATORS = re.compile(r"\s*[,，、;；\n]\s*")


# ------------------------------------------------------------------------------------------ layout
@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the event-file key
    zh: str
    en: str
    kind: Kind = "text"
    required: bool = False
    width: float = 16
    note_zh: str = ""
    note_en: str = ""

    @property
    def header(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass(frozen=True, slots=True)
class SheetSpec:
    key: str  # the event-file table ("projects")
    zh: str
    en: str
    columns: tuple[Column, ...]
    required: bool = True
    note_zh: str = ""
    note_en: str = ""

    @property
    def title(self) -> str:
        return f"{self.zh} {self.en}"

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


_ID_NOTE = ("英文字母、数字或 - _ .，最多 40 个字符，不能重复", "Letters, digits, - _ . (at most 40); unique")
_NAMES_NOTE = ("多个姓名用顿号、逗号或分号分隔", "Separate names with 、 , ; or a new line")

CATEGORIES = SheetSpec(
    "categories",
    "类别",
    "Categories",
    (
        Column("id", "类别编号", "Category ID", "id", True, 16, *_ID_NOTE),
        Column("name", "类别名称", "Category name", "text", True, 32, "显示名称", "Display name"),
    ),
    note_zh="项目的类别（赛道），至少一行。",
    note_en="Project categories (tracks); at least one row.",
)
CRITERIA = SheetSpec(
    "criteria",
    "评分细则",
    "Rubric",
    (
        Column("id", "评分项编号", "Criterion ID", "id", True, 16, *_ID_NOTE),
        Column("name", "评分项", "Criterion", "text", True, 24, "评委评分表上显示的名称", "Shown on the judges' sheet"),
        Column("max", "满分", "Max", "number", True, 10, "大于 0；评委打 0 至满分", "> 0; a judge scores 0 … max"),
        Column("weight", "权重", "Weight", "number", False, 10, "默认 1；评委总分 = Σ 权重 × 得分", "Default 1"),
        Column("step", "步长", "Step", "number", False, 10, "默认 1；0.5 表示可打半分", "Default 1; 0.5 allows halves"),
        Column("description", "评分说明", "Description", "text", False, 48, "给评委的评分指引", "Guidance for judges"),
    ),
    note_zh="评委现场评分的各项，至少一行。",
    note_en="The judges' rubric; at least one row.",
)
INDICATORS = SheetSpec(
    "indicators",
    "指标",
    "Indicators",
    (
        Column("id", "指标编号", "Indicator ID", "id", True, 16, *_ID_NOTE),
        Column("name", "指标名称", "Indicator", "text", True, 24, "结果明细中显示的名称", "Shown in the results"),
        Column("weight", "权重", "Weight", "number", True, 10, "在综合得分中的权重", "Weight in the composite"),
        Column("max", "满分", "Max", "number", False, 10, "默认 100", "Default 100"),
        Column("description", "说明", "Description", "text", False, 48, "数据来源", "Where the value comes from"),
    ),
    required=False,
    note_zh="前期评估指标（可选）。每个指标在项目表中要有一列，列标题写 名称 [编号]。",
    note_en="Pre-collected indicators (optional). Each needs a column on the Projects sheet headed 'name [id]'.",
)
JUDGES = SheetSpec(
    "judges",
    "评委",
    "Judges",
    (
        Column("id", "评委编号", "Judge ID", "id", True, 14, *_ID_NOTE),
        Column("name", "姓名", "Name", "text", True, 16),
        Column("title", "单位职务", "Affiliation", "text", False, 40, "显示在姓名下方", "Shown under the name"),
    ),
    note_zh="评委名单，按此顺序显示，至少一行。",
    note_en="The panel, in this order; at least one row.",
)
PROJECTS = SheetSpec(
    "projects",
    "项目",
    "Projects",
    (
        Column("id", "项目编号", "Project ID", "id", True, 12, *_ID_NOTE),
        Column(
            "order",
            "出场顺序",
            "Order",
            "number",
            False,
            10,
            "整数；留空则按行的顺序",
            "Whole number; blank = row order",
        ),
        Column("category", "类别编号", "Category", "id", True, 14, "类别表中的类别编号", "A Category ID"),
        Column("title", "项目名称", "Title", "text", True, 36),
        Column("team", "实施团队", "Team", "text", True, 30, "优秀团队奖颁给团队", "Named by a top-projects award"),
        Column(
            "leader", "团队负责人", "Leader", "text", False, 14, "优秀负责人奖颁给此人", "Named by a team-leaders award"
        ),
        Column("members", "团队成员", "Members", "names", False, 30, *_NAMES_NOTE),
        Column("volunteers", "志愿者", "Volunteers", "names", False, 24, *_NAMES_NOTE),
        Column("summary", "项目简介", "Summary", "text", False, 48),
    ),
    note_zh="路演项目，至少一行。每个指标一列（列标题：指标名称 [指标编号]），填 0 至该指标满分。",
    note_en="The projects; at least one row. One column per indicator (header: 'name [id]'), 0 … its max.",
)
RECUSALS = SheetSpec(
    "recusals",
    "回避",
    "Recusals",
    (
        Column("judge", "评委编号", "Judge ID", "id", True, 14, "评委表中的评委编号", "A Judge ID"),
        Column("project", "项目编号", "Project ID", "id", True, 14, "项目表中的项目编号", "A Project ID"),
        Column("reason", "回避原因", "Reason", "text", False, 40),
    ),
    required=False,
    note_zh="事先已知的回避（可选）：该评委不能为该项目打分。",
    note_en="Conflicts known in advance (optional): the judge cannot score the project.",
)
AWARDS = SheetSpec(
    "awards",
    "奖项",
    "Awards",
    (
        Column("id", "奖项编号", "Award ID", "id", True, 14, *_ID_NOTE),
        Column("name", "奖项名称", "Award name", "text", True, 24),
        Column(
            "kind",
            "类型",
            "Kind",
            "text",
            True,
            16,
            "top_projects 优秀团队 / team_leaders 优秀负责人 / honour_roll 荣誉榜",
            "top_projects / team_leaders / honour_roll",
        ),
        Column("count", "名额", "Count", "number", False, 10, "top_projects 必填", "Required for top_projects"),
        Column("max_per_category", "每类最多", "Max per category", "number", False, 12, "0 = 不限", "0 = no limit"),
        Column(
            "of",
            "依据奖项",
            "Of award",
            "id",
            False,
            14,
            "team_leaders：前面某个 top_projects 奖项的编号",
            "team_leaders: an earlier top_projects Award ID",
        ),
        Column(
            "names",
            "名单",
            "Names",
            "names",
            False,
            36,
            "honour_roll：留空 = 所有项目的志愿者",
            "honour_roll: blank = every project's volunteers",
        ),
    ),
    required=False,
    note_zh="奖项，按此顺序评定和颁发（可选）。",
    note_en="Award rules, decided and presented in this order (optional).",
)


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    table: str  # event | timing | scoring | composite
    zh: str
    en: str
    kind: Kind
    note_zh: str = ""
    note_en: str = ""
    choices: tuple[str, ...] = ()


SETTINGS: tuple[Setting, ...] = (
    Setting("title", "event", "活动名称", "Title", "text", "必填", "Required"),
    Setting("subtitle", "event", "副标题", "Subtitle", "text"),
    Setting("date", "event", "日期", "Date", "text", "如 2026-12-12", "e.g. 2026-12-12"),
    Setting("venue", "event", "地点", "Venue", "text"),
    Setting("organizer", "event", "主办单位", "Organizer", "text"),
    Setting("language", "event", "界面语言", "Language", "text", "zh 中文 / en 英文", "zh or en", LANGUAGES),
    Setting(
        "presentation_minutes", "timing", "陈述时间（分钟）", "Presentation minutes", "number", "默认 8", "Default 8"
    ),
    Setting(
        "qa_minutes", "timing", "问答时间（分钟）", "Q&A minutes", "number", "默认 4；0 = 无问答", "Default 4; 0 = none"
    ),
    Setting(
        "rule",
        "scoring",
        "汇总规则",
        "Aggregation rule",
        "text",
        "trimmed_mean 去掉最高最低分后平均 / mean 平均 / median 中位数",
        "trimmed_mean / mean / median",
        AGGREGATION_RULES,
    ),
    Setting("trim", "scoring", "去掉最高、最低分各几个", "Trim", "number", "默认 1", "Default 1"),
    Setting("trim_min_judges", "scoring", "至少几位评委才去分", "Trim from N judges", "number", "默认 5", "Default 5"),
    Setting(
        "normalize",
        "scoring",
        "标准分校正",
        "Normalisation",
        "text",
        "none 不校正 / zscore 标准分",
        "none / zscore",
        NORMALIZATIONS,
    ),
    Setting("min_panel", "scoring", "最少有效评委数", "Minimum panel", "number", "默认 3", "Default 3"),
    Setting("decimals", "scoring", "保留小数位", "Decimals", "number", "默认 2", "Default 2"),
    Setting(
        "panel_weight",
        "composite",
        "评委评分权重",
        "Panel weight",
        "number",
        "综合得分中的权重，默认 100",
        "Default 100",
    ),
)
_SETTING = {s.key: s for s in SETTINGS}
EVENT_COLUMNS = (
    Column("key", "键", "Key", "text", True, 22, "不要修改", "Do not change"),
    Column("label", "设置", "Setting", "text", False, 26),
    Column("value", "值", "Value", "text", True, 48),
    Column("note", "说明", "Notes", "text", False, 56),
)
EVENT = SheetSpec(
    "event",
    "活动",
    "Event",
    EVENT_COLUMNS,
    note_zh="活动信息与评分规则：每行一个设置，只填“值”一列。",
    note_en="The event and its scoring rules: one setting per row; fill in the Value column only.",
)
README_TITLE = "说明 README"
LIST_SHEETS: tuple[SheetSpec, ...] = (CATEGORIES, CRITERIA, INDICATORS, JUDGES, PROJECTS, RECUSALS, AWARDS)
SHEETS: tuple[SheetSpec, ...] = (EVENT, *LIST_SHEETS)
_INDICATOR_HEADER = re.compile(r"\[\s*([A-Za-z0-9_.-]{1,40})\s*\]\s*$")


# ------------------------------------------------------------------------------------------ problems
@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an imported workbook. `row` counts from 1 as the spreadsheet shows it
    (row 1 is the header); `column` is the column letter. Either may be None (a missing sheet)."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str
    header: str = ""  # the column's header, for the reader

    def __str__(self) -> str:
        where = self.sheet or "file"
        if self.column and self.row:
            where += f" {self.column}{self.row}"
        elif self.row:
            where += f" row {self.row}"
        elif self.column:
            where += f" column {self.column}"
        if self.header:
            where += f" ({self.header})"
        return f"{where}: {self.message}"


@dataclass(slots=True)
class ImportPreview:
    """What an import would create. `event` and `toml` are set only when there is no problem."""

    problems: list[Problem] = field(default_factory=list)
    event: Event | None = None
    toml: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and self.event is not None

    def summary(self) -> str:
        if self.event is None:
            return f"{len(self.problems)} problem(s)"
        e = self.event
        return (
            f"{e.title}: {len(e.projects)} projects, {len(e.categories)} categories, {len(e.judges)} judges, "
            f"{len(e.criteria)} criteria, {len(e.indicators)} indicators, {len(e.awards)} awards"
        )


# ------------------------------------------------------------------------------------------ styles
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FONT = Font(italic=True, color="1F4E79")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def put(cell: Cell, value: Any) -> Cell:
    """Set a cell. Text is always stored as text: openpyxl would store "=..." as a formula, and
    untrusted text (a comment, a title) must never run in someone's spreadsheet."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def style_header(ws: Worksheet, row: int = 1, height: float = 32) -> None:
    for cell in ws[row]:
        if cell.value is None:
            continue
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.row_dimensions[row].height = height


def set_widths(ws: Worksheet, widths: Iterable[float], start: int = 1) -> None:
    for index, width in enumerate(widths, start=start):
        ws.column_dimensions[get_column_letter(index)].width = width


def print_setup(ws: Worksheet, title: str = "", landscape: bool = True, title_rows: str | None = "1:1") -> None:
    """A4, fit to one page wide, header row repeated on every page, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows
    if title:
        ws.oddHeader.center.text = title.replace("&", "&&")[:200]
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.right.text = ws.title.replace("&", "&&")


def body_cell(cell: Cell, wrap: bool = False) -> None:
    cell.border = BORDER
    cell.alignment = Alignment(wrap_text=wrap, vertical="top")


# ------------------------------------------------------------------------------------------ export
def template_workbook() -> bytes:
    """The blank template: every sheet with its headers and one example row (blue italics)."""
    return _workbook(EXAMPLE_EVENT, example=True)


def event_workbook(event: Event) -> bytes:
    """An event in the template's layout; `import_workbook` reads it back to an equal Event."""
    return _workbook(event, example=False)


def _workbook(event: Event, example: bool) -> bytes:
    data = event_to_data(event)
    wb = Workbook()
    readme = wb.active
    assert readme is not None
    readme.title = README_TITLE
    _write_readme(readme, event, example)

    ws = wb.create_sheet(EVENT.title)
    _write_header(ws, EVENT.columns)
    for n, setting in enumerate(SETTINGS, start=2):
        value = data.get(setting.table, {}).get(setting.key)
        put(ws.cell(n, 1), setting.key).font = Font(color="808080")
        put(ws.cell(n, 2), f"{setting.zh} / {setting.en}")
        if value is not None:
            put(ws.cell(n, 3), value)
            if example:
                ws.cell(n, 3).font = EXAMPLE_FONT
        note = " / ".join(x for x in (setting.note_zh, setting.note_en) if x)
        put(ws.cell(n, 4), note).font = Font(color="595959")
        for c in range(1, 5):
            body_cell(ws.cell(n, c), wrap=c == 4)
        if setting.choices:
            _choices(ws, f"C{n}", setting.choices)
    ws.freeze_panes = "C2"
    print_setup(ws, EVENT.title)

    indicator_ids = [i.id for i in event.indicators]
    for spec in LIST_SHEETS:
        ws = wb.create_sheet(spec.title)
        columns = list(spec.columns)
        if spec is PROJECTS:
            columns += [
                Column(f"indicator:{i.id}", i.name, i.id, "number", True, 14, "0 至满分", "0 … max")
                for i in event.indicators
            ]
        _write_header(ws, columns, projects=spec is PROJECTS)
        for n, entry in enumerate(data.get(spec.key, []), start=2):
            for c, column in enumerate(columns, start=1):
                if column.key.startswith("indicator:"):
                    value = entry.get("indicators", {}).get(column.key.split(":", 1)[1])
                else:
                    value = entry.get(column.key)
                if isinstance(value, list):
                    value = "、".join(value)
                cell = ws.cell(n, c)
                if value not in (None, ""):
                    put(cell, value)
                body_cell(cell, wrap=column.width >= 30)
                if example:
                    cell.font = EXAMPLE_FONT
        for c, column in enumerate(columns, start=1):
            if column.kind in ("id", "text", "names"):
                ws.column_dimensions[get_column_letter(c)].number_format = "@"  # "001" stays "001"
        _list_validations(ws, spec, columns, indicator_ids)
        ws.freeze_panes = "B2"
        print_setup(ws, spec.title)
    wb.active = 1 if not example else 0
    return _save(wb)


def _write_header(ws: Worksheet, columns: Iterable[Column], projects: bool = False) -> None:
    columns = list(columns)
    for c, column in enumerate(columns, start=1):
        header = f"{column.zh} [{column.en}]" if column.key.startswith("indicator:") else column.header
        cell = put(ws.cell(1, c), header)
        note = "\n".join(
            x
            for x in (
                ("必填" if column.required else "选填") + " · " + ("Required" if column.required else "Optional"),
                column.note_zh,
                column.note_en,
            )
            if x
        )
        cell.comment = Comment(note, "Roadshow", width=260, height=110)
    style_header(ws)
    set_widths(ws, [c.width for c in columns])


def _choices(ws: Worksheet, ref: str, choices: Iterable[str]) -> None:
    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
    dv.error, dv.errorTitle = "Choose a value from the list / 请从列表中选择", "Roadshow"
    ws.add_data_validation(dv)
    dv.add(ref)


def _list_validations(ws: Worksheet, spec: SheetSpec, columns: list[Column], indicator_ids: list[str]) -> None:
    """Drop-down lists: categories on Projects, award kinds, judge and project ids on Recusals."""

    def letter(key: str) -> str | None:
        return next((get_column_letter(i) for i, c in enumerate(columns, start=1) if c.key == key), None)

    def ids_of(sheet: SheetSpec) -> str:
        return f"'{sheet.title}'!$A$2:$A${MAX_ROWS}"

    def rows(col: str) -> str:
        return f"{col}2:{col}{MAX_ROWS}"

    if spec is PROJECTS and (col := letter("category")):
        _validation_ref(ws, rows(col), ids_of(CATEGORIES))
    if spec is RECUSALS:
        for key, target in (("judge", JUDGES), ("project", PROJECTS)):
            if col := letter(key):
                _validation_ref(ws, rows(col), ids_of(target))
    if spec is AWARDS and (col := letter("kind")):
        _choices(ws, rows(col), AWARD_KINDS)


def _validation_ref(ws: Worksheet, ref: str, source: str) -> None:
    dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=False)
    ws.add_data_validation(dv)
    dv.add(ref)


def _write_readme(ws: Worksheet, event: Event, example: bool) -> None:
    lines: list[tuple[str, bool]] = [
        ("Roadshow 路演评审 · 活动导入表 / Event workbook", True),
        ("", False),
        (
            "用法：按各工作表填写，保存为 .xlsx，在主机控制台导入，或运行 roadshow import 文件.xlsx --out 活动.toml。"
            "导入前会检查全部内容，任何问题都会列出工作表、行和列；有问题时不会保存任何内容。",
            False,
        ),
        (
            "How to use: fill in the sheets, save as .xlsx, then import it (host console, or "
            "`roadshow import FILE.xlsx --out event.toml`). Everything is checked first; every problem is listed "
            "with its sheet, row and column, and nothing is saved until there are none.",
            False,
        ),
        (
            "第 1 行是标题行，请勿修改或删除；工作表名称也不要修改。蓝色斜体的第 2 行是示例，请改写或删除。"
            if example
            else "第 1 行是标题行，请勿修改或删除；工作表名称也不要修改。",
            False,
        ),
        (
            "Row 1 holds the headers: do not change or delete it, nor rename the sheets. "
            + ("Row 2 (blue italics) is an example: overwrite or delete it." if example else ""),
            False,
        ),
        ("编号（ID）只能用英文字母、数字和 - _ .；多个姓名用顿号、逗号或分号分隔。", False),
        ("IDs use letters, digits, - _ . only; separate several names with 、 , ; or new lines.", False),
        (
            "规则详见 docs/event-file.md 与 docs/spreadsheets.md。 Rules: docs/event-file.md, docs/spreadsheets.md.",
            False,
        ),
        ("", False),
    ]
    for n, (text, bold) in enumerate(lines, start=1):
        cell = put(ws.cell(n, 1), text)
        cell.font = Font(bold=bold, size=14 if n == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=6)
        if text and n > 1:
            ws.row_dimensions[n].height = 32
    start = len(lines) + 1
    headers = ["工作表 / Sheet", "列 / Column", "必填 / Required", "类型 / Type", "说明", "Notes"]
    for c, h in enumerate(headers, start=1):
        put(ws.cell(start, c), h)
    style_header(ws, start, 24)
    kinds = {"id": "编号 ID", "text": "文字 Text", "number": "数字 Number", "names": "姓名列表 Names"}
    n = start + 1
    for spec in SHEETS:
        put(ws.cell(n, 1), spec.title).font = Font(bold=True)
        put(ws.cell(n, 3), "是 Yes" if spec.required else "否 No")
        put(ws.cell(n, 5), spec.note_zh)
        put(ws.cell(n, 6), spec.note_en)
        n += 1
        rows: list[tuple[str, bool, str, str, str]]
        if spec is EVENT:
            rows = [
                (f"{s.key}: {s.zh} / {s.en}", s.key == "title", kinds[s.kind], s.note_zh, s.note_en) for s in SETTINGS
            ]
        else:
            rows = [(c.header, c.required, kinds[c.kind], c.note_zh, c.note_en) for c in spec.columns]
            if spec is PROJECTS:
                rows.append(
                    (
                        "指标名称 [指标编号] / name [id]",
                        bool(event.indicators),
                        kinds["number"],
                        "每个指标一列，0 至满分",
                        "One column per indicator, 0 … its max",
                    )
                )
        for column, required, kind, note_zh, note_en in rows:
            put(ws.cell(n, 2), column)
            put(ws.cell(n, 3), "是 Yes" if required else "")
            put(ws.cell(n, 4), kind)
            put(ws.cell(n, 5), note_zh)
            put(ws.cell(n, 6), note_en)
            for c in range(1, 7):
                body_cell(ws.cell(n, c), wrap=c >= 5)
            n += 1
    set_widths(ws, [20, 34, 12, 14, 46, 46])
    print_setup(ws, README_TITLE, title_rows=None)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------ import
def import_workbook(data: bytes) -> ImportPreview:
    """Read a filled-in workbook. Nothing is written: the preview says what would be created."""
    preview = ImportPreview()
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)  # data_only: a formula's last computed value
    except Exception as exc:
        preview.problems.append(
            Problem(None, None, None, f"is not an .xlsx workbook ({type(exc).__name__}); save it as .xlsx and retry")
        )
        return preview
    reader = _Reader()
    found = {_norm(name): wb[name] for name in wb.sheetnames}
    sheets: dict[str, Worksheet | None] = {}
    for spec in SHEETS:
        ws = next((found[n] for n in (_norm(spec.title), _norm(spec.zh), _norm(spec.en)) if n in found), None)
        if ws is None and spec.required:
            reader.problem(spec.title, None, None, f"the workbook has no sheet '{spec.title}'")
        sheets[spec.key] = ws

    data_out: dict[str, Any] = {}
    event_ws = sheets["event"]
    if event_ws is not None:
        data_out.update(reader.read_settings(event_ws))
    indicators = reader.read_list(sheets["indicators"], INDICATORS) if sheets["indicators"] is not None else []
    if indicators:
        data_out["indicators"] = indicators
    indicator_ids = [str(i.get("id", "")) for i in indicators if i.get("id")]
    indicator_names = {str(i["name"]): str(i["id"]) for i in indicators if i.get("id") and i.get("name")}
    for spec in LIST_SHEETS:
        if spec is INDICATORS:
            continue
        ws = sheets[spec.key]
        if ws is None:
            continue
        extra = (indicator_ids, indicator_names) if spec is PROJECTS else None
        rows = reader.read_list(ws, spec, extra)
        if rows or spec.required:
            data_out[spec.key] = rows
    return reader.finish(data_out, preview)


def import_projects_csv(text: str, base: Event, name: str = "CSV") -> ImportPreview:
    """A projects sheet saved as CSV (UTF-8, with or without a BOM) replaces the projects of `base`;
    everything else (settings, categories, rubric, indicators, judges, awards) comes from `base`."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if first else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = re.sub(r"[\[\]:*?/\\']", "_", name)[:31] or "CSV"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value != "":
                put(ws.cell(r, c), value)
    reader = _Reader(csv_name=ws.title)
    data = event_to_data(base)
    indicator_ids = [i.id for i in base.indicators]
    data["projects"] = reader.read_list(ws, PROJECTS, (indicator_ids, {i.name: i.id for i in base.indicators}))
    return reader.finish(data, ImportPreview())


class _Reader:
    """Reads sheets into event-file data, remembering where each value came from."""

    def __init__(self, csv_name: str | None = None) -> None:
        self.problems: list[Problem] = []
        self.structural = False  # a missing sheet or a bad header: the rows cannot be checked fully
        self.csv_name = csv_name
        self.settings_rows: dict[str, int] = {}  # setting key -> row
        self.settings_sheet = EVENT.title
        self.settings_value_col = "C"
        # table -> (sheet title, [row of entry i], {key: (column letter, header)})
        self.places: dict[str, tuple[str, list[int], dict[str, tuple[str, str]]]] = {}
        self.flagged: set[tuple[str | None, int | None, str | None]] = set()
        self.values: dict[str, list[dict[str, Any]]] = {}

    def problem(self, sheet: str | None, row: int | None, column: str | None, message: str, header: str = "") -> None:
        self.problems.append(Problem(sheet, row, column, message, header))
        self.flagged.add((sheet, row, column))
        if row in (None, 1):
            self.structural = True

    # -- the event sheet: key | setting | value | notes
    def read_settings(self, ws: Worksheet) -> dict[str, Any]:
        self.settings_sheet = ws.title
        columns = self._header(ws, EVENT)
        out: dict[str, Any] = {}
        if columns is None:
            return out
        key_col, value_col = columns.get("key"), columns.get("value")
        if key_col is None or value_col is None:
            return out
        self.settings_value_col = get_column_letter(value_col)
        for r, row in self._rows(ws):
            raw_key = row[key_col - 1] if key_col - 1 < len(row) else None
            value = row[value_col - 1] if value_col - 1 < len(row) else None
            key = _text(raw_key)
            if key is None:
                if value not in (None, ""):
                    self.problem(
                        ws.title, r, get_column_letter(key_col), "has a value but no key", EVENT_COLUMNS[0].header
                    )
                continue
            key = key.strip().lower()
            setting = _SETTING.get(key)
            if setting is None:
                self.problem(
                    ws.title,
                    r,
                    get_column_letter(key_col),
                    f"'{key}' is not a known setting (misspelt?)",
                    EVENT_COLUMNS[0].header,
                )
                continue
            if key in self.settings_rows:
                self.problem(
                    ws.title,
                    r,
                    get_column_letter(key_col),
                    f"'{key}' is set twice (also row {self.settings_rows[key]})",
                    EVENT_COLUMNS[0].header,
                )
                continue
            self.settings_rows[key] = r
            if key == "language":
                value = _language(value)
            converted = self._convert(
                value, setting.kind, ws.title, r, get_column_letter(value_col), f"{setting.zh} / {setting.en}"
            )
            if converted is not None:
                out.setdefault(setting.table, {})[key] = converted
        return out

    # -- a list sheet: one entry per row
    def read_list(
        self, ws: Worksheet | None, spec: SheetSpec, indicators: tuple[list[str], dict[str, str]] | None = None
    ) -> list[dict[str, Any]]:
        if ws is None:
            return []
        columns = self._header(ws, spec, indicators)
        places: dict[str, tuple[str, str]] = {}
        rownums: list[int] = []
        entries: list[dict[str, Any]] = []
        self.places[spec.key] = (ws.title, rownums, places)
        self.values[spec.key] = entries
        if columns is None:
            return entries
        headers = {c.key: c.header for c in spec.columns}
        header_row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        for key, index in columns.items():
            places[key] = (get_column_letter(index), headers.get(key) or _text(header_row[index - 1]) or key)
        for r, row in self._rows(ws):
            entry: dict[str, Any] = {}
            for key, index in columns.items():
                raw = row[index - 1] if index - 1 < len(row) else None
                letter, header = places[key]
                if key.startswith("indicator:"):
                    value = self._convert(raw, "number", ws.title, r, letter, header)
                    if value is not None:
                        entry.setdefault("indicators", {})[key.split(":", 1)[1]] = value
                    continue
                column = spec.column(key)
                assert column is not None
                value = self._convert(raw, column.kind, ws.title, r, letter, header)
                if value is not None:
                    entry[key] = value
            if indicators is not None and indicators[0]:
                entry.setdefault("indicators", {})
            entries.append(entry)
            rownums.append(r)
        return entries

    def _rows(self, ws: Worksheet) -> Iterable[tuple[int, tuple[Any, ...]]]:
        last = min(ws.max_row, MAX_ROWS + 1)  # iter_rows beyond max_row would create empty cells
        for r, row in enumerate(ws.iter_rows(min_row=2, max_row=last, values_only=True), start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            yield r, row

    def _header(
        self, ws: Worksheet, spec: SheetSpec, indicators: tuple[list[str], dict[str, str]] | None = None
    ) -> dict[str, int] | None:
        """Map each column key to its (1-based) column index from the header row. Unknown headers and
        missing required columns are problems."""
        by_name: dict[str, Column] = {}
        for column in spec.columns:
            for name in (column.header, column.zh, column.en, column.key):
                by_name.setdefault(_norm(name), column)
        header_row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        if ws.max_row > MAX_ROWS + 1 and any(
            v not in (None, "") for row in ws.iter_rows(min_row=MAX_ROWS + 2, values_only=True) for v in row
        ):
            self.problem(ws.title, None, None, f"has more than {MAX_ROWS} rows: Roadshow reads at most {MAX_ROWS}")
        found: dict[str, int] = {}
        has_data = {c for _, row in self._rows(ws) for c, v in enumerate(row, start=1) if v not in (None, "")}
        expected = ", ".join(f"'{c.header}'" for c in spec.columns)
        ok = True
        for c, raw in enumerate(header_row, start=1):
            text = _text(raw)
            letter = get_column_letter(c)
            if text is None:
                if c in has_data:
                    self.problem(ws.title, 1, letter, "this column has values but no header")
                    ok = False
                continue
            column = by_name.get(_norm(text))
            key = column.key if column else None
            if key is None and indicators is not None:
                ids, names = indicators
                match = _INDICATOR_HEADER.search(text)
                wanted = match.group(1) if match else (text if text in ids else names.get(text))
                if wanted is not None:
                    if wanted not in ids:
                        self.problem(ws.title, 1, letter, f"'{wanted}' is not an indicator on the Indicators sheet")
                        ok = False
                        continue
                    key = f"indicator:{wanted}"
            if key is None:
                self.problem(ws.title, 1, letter, f"'{text}' is not a column of this sheet (expected {expected})")
                ok = False
                continue
            if key in found:
                self.problem(
                    ws.title, 1, letter, f"'{text}' appears twice (also column {get_column_letter(found[key])})"
                )
                ok = False
                continue
            found[key] = c
        for column in spec.columns:
            if column.required and column.key not in found:
                self.problem(ws.title, 1, None, f"the column '{column.header}' is missing")
                ok = False
        if indicators is not None:
            for ind in indicators[0]:
                if f"indicator:{ind}" not in found:
                    self.problem(
                        ws.title, 1, None, f"there is no column for the indicator '{ind}' (header: 'name [{ind}]')"
                    )
                    ok = False
        return found if ok else None

    def _convert(self, raw: Any, kind: Kind, sheet: str, row: int, column: str, header: str) -> Any:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if kind == "number":
            if isinstance(raw, bool):
                self.problem(sheet, row, column, f"'{raw}' is not a number", header)
                return None
            if isinstance(raw, int | float):
                return raw
            text = str(raw).strip()
            try:
                number = float(text)
            except ValueError:
                self.problem(sheet, row, column, f"'{_short(raw)}' is not a number", header)
                return None
            if number != number or number in (float("inf"), float("-inf")):
                self.problem(sheet, row, column, f"'{_short(raw)}' is not a number", header)
                return None
            return int(number) if number == int(number) and "." not in text and "e" not in text.lower() else number
        text = _text(raw)
        if text is None:
            return None
        if kind == "names":
            return [n for n in NAME_SEPARATORS.split(text) if n]
        return text

    # -- event-file text, checked by parse_event, its problems put back on the cells
    def finish(self, data: dict[str, Any], preview: ImportPreview) -> ImportPreview:
        preview.problems = self.problems
        if self.structural:
            return preview
        toml = dump_toml(data, header="Created from a spreadsheet by Roadshow (roadshow import).")
        try:
            event = parse_event(toml)
        except EventFileError as exc:
            for path, _line, message in exc.problems:
                problem = self._place(path, message)
                if (problem.sheet, problem.row, problem.column) not in self.flagged:
                    preview.problems.append(problem)
            if not preview.problems:  # cannot happen, but never report a bad file as clean
                preview.problems.append(Problem(None, None, None, str(exc)))
            return preview
        if preview.problems:
            return preview
        preview.event, preview.toml = event, toml
        return preview

    def _place(self, path: str, message: str) -> Problem:
        match = re.match(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?(?:\.(.+))?$", path)
        if not match:
            return Problem(None, None, None, f"{path}: {message}")
        table, index, key, sub = match.groups()
        message = _spreadsheet_message(message)
        if table in ("event", "timing", "scoring", "composite"):
            if self.csv_name is not None:
                return Problem(None, None, None, f"base event {path}: {message}")
            setting = _SETTING.get(key or "")
            label = f"{setting.zh} / {setting.en}" if setting else (key or table)
            row = self.settings_rows.get(key or "")
            if row is None:
                return Problem(
                    self.settings_sheet, None, None, f"{label}: {message} (there is no row with the key '{key}')"
                )
            return Problem(self.settings_sheet, row, self.settings_value_col, message, label)
        place = self.places.get(table)
        if place is None:
            return Problem(None, None, None, f"{'base event ' if self.csv_name else ''}{path}: {message}")
        sheet, rownums, columns = place
        if index is None:
            return Problem(sheet, None, None, message)
        row = rownums[int(index)] if int(index) < len(rownums) else None
        column_key = f"indicator:{sub.split('.')[0]}" if key == "indicators" and sub else key
        if key == "indicators" and not sub:
            wanted = re.search(r"'([^']+)'", message)
            column_key = f"indicator:{wanted.group(1)}" if wanted else None
        letter, header = columns.get(column_key or "", (None, ""))
        if key == "id" and message.endswith("is used twice"):
            value = self.values[table][int(index)].get("id")
            first = next((rownums[i] for i, e in enumerate(self.values[table]) if e.get("id") == value), None)
            if first is not None and first != row:
                message += f" (first in row {first})"
        return Problem(sheet, row, letter, message, header)


def _spreadsheet_message(message: str) -> str:
    """parse_event speaks of the TOML file; say the same in spreadsheet terms."""
    message = re.sub(r"is missing: add at least one \[\[\w+\]\] entry", "has no rows: add at least one", message)
    message = message.replace("is not a declared [[indicators]] id", "is not an indicator on the Indicators sheet")
    message = re.sub(r"must be written as \[\[\w+\]\] tables", "could not be read", message)
    return message


def _norm(name: Any) -> str:
    return re.sub(r"\s+", "", str(name)).lower() if name is not None else ""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, datetime.datetime):
        text = value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    elif isinstance(value, datetime.date | datetime.time):
        text = value.isoformat()
    elif isinstance(value, float) and value == int(value):
        text = str(int(value))  # an id typed as 12 comes back from Excel as 12.0
    else:
        text = str(value)
    text = text.strip()
    return text or None


def _short(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_LANGUAGE_WORDS = {
    "中文": "zh",
    "简体中文": "zh",
    "汉语": "zh",
    "chinese": "zh",
    "english": "en",
    "英文": "en",
    "英语": "en",
}


def _language(value: Any) -> Any:
    if isinstance(value, str):
        word = value.strip().lower()
        return _LANGUAGE_WORDS.get(word, word)
    return value


# ------------------------------------------------------------------------------------------ example
def example_event() -> Event:
    text = """
[event]
title = "2026年度社区微创投项目终期评审路演"
subtitle = "小项目·大治理"
date = "2026-12-12"
venue = "社区党群服务中心 三楼多功能厅"
organizer = "幸福街道办事处"
language = "zh"
[timing]
presentation_minutes = 6
qa_minutes = 3
[scoring]
rule = "trimmed_mean"
trim = 1
trim_min_judges = 5
normalize = "none"
min_panel = 3
decimals = 2
[composite]
panel_weight = 60
[[categories]]
id = "env"
name = "环境治理"
[[criteria]]
id = "completion"
name = "项目完成度"
max = 30
step = 0.5
description = "是否按计划完成各项服务活动"
[[indicators]]
id = "satisfaction"
name = "居民满意度"
weight = 40
description = "第三方问卷调查得分"
[[judges]]
id = "j1"
name = "林慧芳"
title = "社会组织服务中心 主任"
[[projects]]
id = "p01"
order = 1
category = "env"
title = "绿色家园·垃圾分类进楼栋"
team = "桂园社区环保志愿服务队"
leader = "王丽娟"
members = ["陆志刚", "蒋春兰"]
volunteers = ["于海燕", "石振东"]
summary = "楼栋长+志愿者定时督导垃圾分类"
indicators = { satisfaction = 92.5 }
[[awards]]
id = "teams"
name = "优秀团队"
kind = "top_projects"
count = 3
[[awards]]
id = "leaders"
name = "优秀团队负责人"
kind = "team_leaders"
of = "teams"
[[awards]]
id = "volunteers"
name = "优秀志愿者"
kind = "honour_roll"
"""
    return parse_event(text)


EXAMPLE_EVENT = example_event()
