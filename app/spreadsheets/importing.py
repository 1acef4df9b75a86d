"""Import a filled-in workbook (`import_workbook`) or a projects sheet saved as CSV on top of an
existing event (`import_projects_csv`). Nothing is written: each returns an `ImportPreview`."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from ..domain.models import Event
from ..domain.text import clean_line
from ..eventfile_export import event_to_data
from ..i18n import N_, Message
from .bounds import read_csv, workbook_refusal
from .layout import INDICATORS, LIST_SHEETS, PROJECTS, SHEETS
from .preview import ImportPreview, Problem
from .reader import Sheet, WorkbookReader, normal_name


def import_workbook(data: bytes) -> ImportPreview:
    """Read a filled-in workbook. Nothing is written: the preview says what would be created. The
    work is bounded before it is done (`bounds.workbook_refusal`, read-only, explicit row and column
    bounds); a file that is not a workbook, or breaks while it is read, is one problem, never a crash."""
    preview = ImportPreview()
    refusal = workbook_refusal(data)
    if refusal is not None:
        preview.problems.append(Problem(None, None, None, refusal))
        return preview
    try:
        # read_only: cells are streamed, never all held; data_only: a formula's last computed value
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        preview.problems.append(Problem(None, None, None, _unreadable(exc)))
        return preview
    try:
        return _read_workbook(wb)
    except Exception as exc:  # a member that breaks while it is streamed (bad XML, an entity, a bad CRC)
        preview.problems = [Problem(None, None, None, _unreadable(exc))]
        return preview
    finally:
        wb.close()


def _unreadable(exc: BaseException) -> Message:
    while exc.__cause__ is not None or exc.__context__ is not None:  # openpyxl wraps the parser's error
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return Message(N_("is not an .xlsx workbook ({error}); save it as .xlsx and retry"), {"error": type(exc).__name__})


def _read_workbook(wb: Workbook) -> ImportPreview:
    reader = WorkbookReader()
    found = {normal_name(name): wb[name] for name in wb.sheetnames}
    sheets: dict[str, Sheet | None] = {}
    for spec in SHEETS:
        ws = next(
            (found[n] for n in (normal_name(spec.title), normal_name(spec.zh), normal_name(spec.en)) if n in found),
            None,
        )
        if ws is None and spec.required:
            reader.problem(spec.title, None, None, "the workbook has no sheet '{sheet}'", sheet=spec.title)
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
    return reader.finish(data_out, ImportPreview())


def import_projects_csv(text: str, base: Event, name: str = "CSV") -> ImportPreview:
    """A projects sheet saved as CSV (UTF-8, with or without a BOM) replaces the projects of `base`;
    everything else (settings, categories, rubric, indicators, judges, awards) comes from `base`.
    Read within `bounds.read_csv`'s limits (rows, columns, cell length)."""
    text = text.removeprefix("\ufeff")
    title = re.sub(r"[\[\]:*?/\\']", "_", clean_line(name))[:31] or "CSV"
    sheet, problems = read_csv(text, title)
    if problems:  # the file is past a bound: nothing of it is checked further
        return ImportPreview(
            [Problem(title, row, get_column_letter(col) if col else None, msg) for row, col, msg in problems]
        )
    reader = WorkbookReader(csv_name=title)
    data = event_to_data(base)
    indicator_ids = [i.id for i in base.indicators]
    data["projects"] = reader.read_list(sheet, PROJECTS, (indicator_ids, {i.name: i.id for i in base.indicators}))
    if "earlier_results" in data:  # a later round's base: the earlier results of the projects kept (event-file §12)
        ids = {p.get("id") for p in data["projects"]}
        data["earlier_results"] = [e for e in data["earlier_results"] if e["project"] in ids]
        if not data["earlier_results"]:
            del data["earlier_results"]
    return reader.finish(data, ImportPreview())
