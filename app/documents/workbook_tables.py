"""The results workbook's tables: a title with notes above the header row, bordered body rows with
number formats, and the marks for dropped (grey, struck through) and recused (orange, italic) scores.
Text is stored as text (`put`), never as a formula."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..spreadsheets.styles import BORDER, body_cell, put, set_widths, style_header

DROPPED_FILL = PatternFill("solid", fgColor="D9D9D9")
DROPPED_FONT = Font(strike=True, color="7F7F7F")
RECUSED_FILL = PatternFill("solid", fgColor="FCE4D6")
RECUSED_FONT = Font(italic=True, color="833C0B")
TITLE_FONT = Font(bold=True, size=14)
NOTE_FONT = Font(color="595959")


def table_start(
    ws: Worksheet, title: str, notes: Sequence[str], headers: Sequence[str], widths: Sequence[float]
) -> int:
    """Title in row 1, notes below, then the header row; returns the first data row."""
    put(ws.cell(1, 1), title).font = TITLE_FONT
    for n, note in enumerate(notes, start=2):
        put(ws.cell(n, 1), note).font = NOTE_FONT
    header_row = len(notes) + 3
    for c, header in enumerate(headers, start=1):
        put(ws.cell(header_row, c), header)
    style_header(ws, header_row, height=36)
    set_widths(ws, widths)
    ws.freeze_panes = ws.cell(header_row + 1, 3)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{header_row}"
    return header_row + 1


def write_row(ws: Worksheet, r: int, values: Sequence[Any], formats: dict[int, str], wrap: Iterable[int] = ()) -> None:
    """One bordered body row; `formats` maps a 0-based column to a number format, `wrap` lists the
    0-based columns whose text wraps. Numbers are right-aligned."""
    wrap = set(wrap)
    for c, value in enumerate(values):
        cell = ws.cell(r, c + 1)
        if value is not None:
            put(cell, value)
        body_cell(cell, wrap=c in wrap)
        if c in formats and isinstance(value, int | float):
            cell.number_format = formats[c]
        if isinstance(value, int | float):
            cell.alignment = Alignment(horizontal="right", vertical="top")


def mark_row(ws: Worksheet, r: int, width: int, status: str) -> None:
    """Mark the first `width` cells of row `r` as dropped or recused (any other status: unmarked)."""
    if status in ("dropped", "recused"):
        for c in range(1, width + 1):
            mark_cell(ws.cell(r, c), status)


def mark_cell(cell: Any, status: str) -> None:
    """Grey and struck through for a dropped score, orange and italic for a recused one."""
    cell.fill = DROPPED_FILL if status == "dropped" else RECUSED_FILL
    cell.font = DROPPED_FONT if status == "dropped" else RECUSED_FONT
    cell.border = BORDER


def legend_style(ws: Worksheet, row: int, fill: PatternFill, font: Font) -> None:
    """Show a legend line (column A of `row`) in the style it explains."""
    ws.cell(row, 1).fill = fill
    ws.cell(row, 1).font = font
