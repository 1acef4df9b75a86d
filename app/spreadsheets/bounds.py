"""How much work an uploaded file may cause, checked before the work is done (docs/security.md,
"Uploads and text"; docs/spreadsheets.md).

- a workbook is a zip: its members are counted and their declared sizes checked before openpyxl opens
  it (Python's zipfile never inflates a member past its declared size, so the declared size is a real
  bound); openpyxl then reads it read-only, every sheet within explicit row and column bounds, with
  defusedxml refusing XML entity tricks;
- a CSV becomes `CsvSheet` (only its non-empty rows, trimmed), never a workbook in memory.

`app/spreadsheets/sandbox.py` adds the last bound for the server: the parse runs in a child process
with memory and CPU limits, one at a time.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from ..domain.text import clean_line
from ..i18n import N_, Message
from .layout import MAX_ROWS

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # the file as uploaded (or read by `roadshow import`)
MAX_COLUMNS = 64  # columns read from a sheet (the widest sheet, Projects, has 10 + one per indicator)
MAX_CELL_CHARS = 10_000  # one CSV cell (Excel's own limit is 32,767)
MAX_ZIP_MEMBERS = 500  # files inside a workbook (a real one has 10-40)
MAX_MEMBER_BYTES = 20 * 1024 * 1024  # one file inside a workbook, uncompressed
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # all of them together, uncompressed
MAX_RATIO = 100  # uncompressed / compressed, for a member over RATIO_FROM_BYTES
RATIO_FROM_BYTES = 1024 * 1024

_MIB = 1024 * 1024


def workbook_refusal(data: bytes) -> Message | None:
    """Why `data` will not be opened as a workbook, or None. Reads only the zip's directory."""
    if len(data) > MAX_UPLOAD_BYTES:
        return Message(N_("the file is larger than {mb} MB"), {"mb": MAX_UPLOAD_BYTES // _MIB})
    import openpyxl  # on first use (app/spreadsheets/__init__.py)

    if not openpyxl.DEFUSEDXML:  # a dependency (pyproject.toml); never parse a workbook without it
        return Message(N_("workbooks cannot be read safely here: the defusedxml package is missing"))
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        return Message(
            N_("is not an .xlsx workbook ({error}); save it as .xlsx and retry"), {"error": type(exc).__name__}
        )
    if len(members) > MAX_ZIP_MEMBERS:
        return Message(
            N_("holds {count} files inside; a workbook Roadshow reads holds at most {limit}"),
            {"count": len(members), "limit": MAX_ZIP_MEMBERS},
        )
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > MAX_MEMBER_BYTES:
            return Message(
                N_("'{member}' inside the workbook unpacks to more than {mb} MB"),
                {"member": clean_line(member.filename)[:80], "mb": MAX_MEMBER_BYTES // _MIB},
            )
        if member.file_size > RATIO_FROM_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            return Message(
                N_("'{member}' inside the workbook is compressed more than {ratio} to 1 (a zip bomb?)"),
                {"member": clean_line(member.filename)[:80], "ratio": MAX_RATIO},
            )
    if total > MAX_UNZIPPED_BYTES:
        return Message(N_("the workbook unpacks to more than {mb} MB"), {"mb": MAX_UNZIPPED_BYTES // _MIB})
    return None


class CsvSheet:
    """A CSV file read within bounds, with the one method of an openpyxl worksheet that the reader
    uses (`iter_rows`). Only non-empty rows are kept, each without its empty trailing cells."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: dict[int, tuple[str, ...]] = {}  # row number (from 1) -> cells

    def iter_rows(
        self, min_row: int = 1, max_row: int | None = None, max_col: int = MAX_COLUMNS, values_only: bool = True
    ) -> Iterator[tuple[Any, ...]]:
        last = max(self.rows, default=0) if max_row is None else max_row
        for r in range(min_row, last + 1):
            row = self.rows.get(r, ())[:max_col]
            yield tuple(v if v != "" else None for v in row) + (None,) * (max_col - len(row))


def read_csv(text: str, title: str) -> tuple[CsvSheet, list[tuple[int | None, int | None, Message]]]:
    """The sheet, and what is wrong with the file as (row, column, message): a row past `MAX_ROWS`
    data rows, a cell past `MAX_COLUMNS` columns or longer than `MAX_CELL_CHARS`. Blank rows cost
    nothing; reading stops at the first problem of each kind."""
    sheet = CsvSheet(title)
    problems: list[tuple[int | None, int | None, Message]] = []
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if first else ","
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    r = 0
    try:
        for r, row in enumerate(rows, start=1):
            while row and not row[-1].strip():
                row.pop()
            if not row:
                continue
            if r > MAX_ROWS + 1:
                text_ = "has more than {limit} rows: Roadshow reads at most {limit}"  # the reader's own message
                problems.append((None, None, Message(text_, {"limit": MAX_ROWS})))
                break
            if len(row) > MAX_COLUMNS:
                text_ = N_("has more than {limit} columns: Roadshow reads at most {limit}")
                problems.append((r, MAX_COLUMNS + 1, Message(text_, {"limit": MAX_COLUMNS})))
                break
            long = next((c for c, v in enumerate(row, start=1) if len(v) > MAX_CELL_CHARS), None)
            if long is not None:
                text_ = N_("this cell is longer than {limit} characters")
                problems.append((r, long, Message(text_, {"limit": MAX_CELL_CHARS})))
                break
            sheet.rows[r] = tuple(row)
    except csv.Error as exc:  # a cell past csv's own field limit (128 KiB), a stray quote, a NUL
        message = Message(N_("this row cannot be read as CSV ({error})"), {"error": clean_line(str(exc))[:80]})
        problems.append((r + 1, None, message))  # the record after the last one read
    return sheet, problems
