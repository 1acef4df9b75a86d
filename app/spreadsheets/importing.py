"""Import a filled-in workbook (`import_workbook`) or a projects sheet saved as CSV on top of an
existing event (`import_projects_csv`). Nothing is written: each returns an `ImportPreview`."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.models import Event
from ..eventfile_export import event_to_data
from ..i18n import N_, Message
from .layout import INDICATORS, LIST_SHEETS, PROJECTS, SHEETS
from .preview import ImportPreview, Problem
from .reader import WorkbookReader, normal_name
from .styles import put


def import_workbook(data: bytes) -> ImportPreview:
    """Read a filled-in workbook. Nothing is written: the preview says what would be created."""
    preview = ImportPreview()
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)  # data_only: a formula's last computed value
    except Exception as exc:
        text = Message(
            N_("is not an .xlsx workbook ({error}); save it as .xlsx and retry"), {"error": type(exc).__name__}
        )
        preview.problems.append(Problem(None, None, None, text))
        return preview
    reader = WorkbookReader()
    found = {normal_name(name): wb[name] for name in wb.sheetnames}
    sheets: dict[str, Worksheet | None] = {}
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
    reader = WorkbookReader(csv_name=ws.title)
    data = event_to_data(base)
    indicator_ids = [i.id for i in base.indicators]
    data["projects"] = reader.read_list(ws, PROJECTS, (indicator_ids, {i.name: i.id for i in base.indicators}))
    return reader.finish(data, ImportPreview())
