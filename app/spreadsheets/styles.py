"""Cell and sheet formatting shared by every workbook Roadshow writes (the template, an event, the
results workbook in app/documents/): header style, borders, column widths, print setup, and `put`,
which stores text as text so that untrusted text never becomes a formula."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.text import for_export, looks_like_formula

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FONT = Font(italic=True, color="1F4E79")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def put(cell: Cell, value: Any) -> Cell:
    """Set a cell. Text is always stored as text: openpyxl would store "=..." as a formula, and
    untrusted text (a comment, a title) must never run in someone's spreadsheet. Text that looks like
    a formula (the one guard, `looks_like_formula`) also gets Excel's quote prefix, so it stays text
    when someone edits the cell; characters a workbook cannot hold are dropped (`for_export`), so
    stored text never makes an export fail."""
    if isinstance(value, str):
        value = for_export(value)
        cell.value = value
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
        return cell
    cell.value = value
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
        ws.oddHeader.center.text = for_export(title).replace("&", "&&")[:200]
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.right.text = ws.title.replace("&", "&&")


def body_cell(cell: Cell, wrap: bool = False) -> None:
    cell.border = BORDER
    cell.alignment = Alignment(wrap_text=wrap, vertical="top")
