"""Write an event as a workbook: the downloadable template (`template_workbook`, with an example row)
and an existing event in the same layout (`event_workbook`), with a README sheet, header notes,
drop-down lists and print setup. `import_workbook` reads either back to an equal Event."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.models import AWARD_KINDS, Event
from ..eventfile import MAX_SHORT_NAME
from ..eventfile_export import event_to_data
from .example import EXAMPLE_EVENT
from .layout import (
    AWARDS,
    CATEGORIES,
    EVENT,
    JUDGES,
    LIST_SHEETS,
    MAX_ROWS,
    PROJECTS,
    README_TITLE,
    RECUSALS,
    SETTINGS,
    SHEETS,
    Column,
    SheetSpec,
)
from .styles import EXAMPLE_FONT, body_cell, print_setup, put, set_widths, style_header

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        value = data.get(setting.table, {}).get(setting.field)
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
    """Drop-down lists: categories on Projects, award kinds, judge and project ids on Recusals; the
    short names' length limit on Projects (Excel refuses a longer one as it is typed)."""

    def letter(key: str) -> str | None:
        return next((get_column_letter(i) for i, c in enumerate(columns, start=1) if c.key == key), None)

    def ids_of(sheet: SheetSpec) -> str:
        return f"'{sheet.title}'!$A$2:$A${MAX_ROWS}"

    def rows(col: str) -> str:
        return f"{col}2:{col}{MAX_ROWS}"

    if spec is PROJECTS and (col := letter("category")):
        _validation_ref(ws, rows(col), ids_of(CATEGORIES))
    for key in ("short_title", "short_team") if spec is PROJECTS else ():
        if col := letter(key):
            _length_limit(ws, rows(col), MAX_SHORT_NAME)
    if spec is RECUSALS:
        for key, target in (("judge", JUDGES), ("project", PROJECTS)):
            if col := letter(key):
                _validation_ref(ws, rows(col), ids_of(target))
    if spec is AWARDS and (col := letter("kind")):
        _choices(ws, rows(col), AWARD_KINDS)


def _length_limit(ws: Worksheet, ref: str, limit: int) -> None:
    dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(limit), allow_blank=True)
    dv.error = f"At most {limit} characters / 最多 {limit} 个字符"
    dv.errorTitle = "Roadshow"
    ws.add_data_validation(dv)
    dv.add(ref)


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
    kinds = {
        "id": "编号 ID",
        "text": "文字 Text",
        "number": "数字 Number",
        "names": "姓名列表 Names",
        "flag": "true / false",
    }
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
