"""Read sheets into event-file data, remembering the cell each value came from.

`WorkbookReader` checks headers and converts cells (ids, text, numbers, name lists); its `finish`
writes the data as event-file text, has `app.eventfile.parse_event` check it, and puts each problem
that finds back on the sheet, row and column it comes from.

Each problem's text is an `i18n.Message` (English template, named parameters), translated where it is
shown. Templates are literals in `problem(...)` calls (scripts/i18n.sh: `-k problem:4`) or marked N_.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.text import clean_line
from ..eventfile import EventFileError, parse_event
from ..eventfile_export import dump_toml
from ..i18n import N_, Message
from .bounds import MAX_COLUMNS, CsvSheet
from .layout import EVENT, EVENT_COLUMNS, MAX_ROWS, SETTING_BY_FIELD, SETTING_BY_KEY, SETTINGS, Column, Kind, SheetSpec
from .preview import ImportPreview, Problem

Sheet = Worksheet | ReadOnlyWorksheet | CsvSheet  # what the reader reads: only title and iter_rows
_BLANK = (None,) * MAX_COLUMNS

NAME_SEPARATORS = re.compile(r"\s*[,，、;；\n]\s*")
SETTING_TABLES = frozenset(s.table for s in SETTINGS)  # the tables set on the Event sheet
# a true/false setting (the audience vote): Excel's TRUE/FALSE cells come as bool; these words as text
_FLAG_WORDS = {"true": True, "false": False, "yes": True, "no": False, "是": True, "否": False, "1": True, "0": False}
_INDICATOR_HEADER = re.compile(r"\[\s*([A-Za-z0-9_.-]{1,40})\s*\]\s*$")


class WorkbookReader:
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

    def problem(
        self,
        sheet: str | None,
        row: int | None,
        column: str | None,
        template: str,
        header: str = "",
        /,
        **params: Any,
    ) -> None:
        """`template` is English with {named} placeholders filled from `params` where it is shown
        (positional-only arguments, so a placeholder may be called `row` or `column`)."""
        self.problems.append(Problem(sheet, row, column, Message(template, params), header))
        self.flagged.add((sheet, row, column))
        if row in (None, 1):
            self.structural = True

    # -- the event sheet: key | setting | value | notes
    def read_settings(self, ws: Sheet) -> dict[str, Any]:
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
            setting = SETTING_BY_KEY.get(key)
            if setting is None:
                self.problem(
                    ws.title,
                    r,
                    get_column_letter(key_col),
                    "'{key}' is not a known setting (misspelt?)",
                    EVENT_COLUMNS[0].header,
                    key=key,
                )
                continue
            if key in self.settings_rows:
                self.problem(
                    ws.title,
                    r,
                    get_column_letter(key_col),
                    "'{key}' is set twice (also row {row})",
                    EVENT_COLUMNS[0].header,
                    key=key,
                    row=self.settings_rows[key],
                )
                continue
            self.settings_rows[key] = r
            if key == "language":
                value = _language(value)
            converted = self._convert(
                value, setting.kind, ws.title, r, get_column_letter(value_col), f"{setting.zh} / {setting.en}"
            )
            if converted is not None:
                out.setdefault(setting.table, {})[setting.field] = converted
        return out

    # -- a list sheet: one entry per row
    def read_list(
        self, ws: Sheet | None, spec: SheetSpec, indicators: tuple[list[str], dict[str, str]] | None = None
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
        header_row = _header_row(ws)
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

    def _rows(self, ws: Sheet) -> Iterable[tuple[int, tuple[Any, ...]]]:
        # explicit bounds, always: a sheet's declared size (one cell at XFD1048576) is not a promise
        rows = ws.iter_rows(min_row=2, max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
        for r, row in enumerate(rows, start=2):
            if row == _BLANK or all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            yield r, row

    def _too_big(self, ws: Sheet) -> None:
        """A value below the rows Roadshow reads, or a header right of its columns, is a problem (never
        silently dropped). A workbook's declared size (its `<dimension ref>`) past the bounds is one
        problem, found before any row is read; otherwise the rows below are scanned within
        `MAX_COLUMNS`, and the header row to its end."""
        if isinstance(ws, ReadOnlyWorksheet):
            rows, columns = ws.max_row or 0, ws.max_column or 0  # as declared; openpyxl read only that
            if rows > MAX_ROWS + 1 or columns > MAX_COLUMNS:
                self.problem(
                    ws.title,
                    None,
                    None,
                    "reaches cell {cell}: Roadshow reads at most {rows} rows below the header and {columns} "
                    "columns; delete what lies below or right of the table, or copy the table to a new sheet",
                    cell=f"{get_column_letter(min(columns, 16384) or 1)}{rows}",
                    rows=MAX_ROWS,
                    columns=MAX_COLUMNS,
                )
                return
        below = ws.iter_rows(min_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True)
        if any(row != _BLANK and any(v not in (None, "") for v in row) for row in below):
            self.problem(
                ws.title, None, None, "has more than {limit} rows: Roadshow reads at most {limit}", limit=MAX_ROWS
            )
        if isinstance(ws, CsvSheet):
            return  # bounds.read_csv checked its width
        right = ws.iter_rows(min_row=1, max_row=1, min_col=MAX_COLUMNS + 1, values_only=True)
        if any(v not in (None, "") for row in right for v in row):
            self.problem(
                ws.title, 1, None, "has more than {limit} columns: Roadshow reads at most {limit}", limit=MAX_COLUMNS
            )

    def _header(
        self, ws: Sheet, spec: SheetSpec, indicators: tuple[list[str], dict[str, str]] | None = None
    ) -> dict[str, int] | None:
        """Map each column key to its (1-based) column index from the header row. Unknown headers and
        missing required columns are problems."""
        by_name: dict[str, Column] = {}
        for column in spec.columns:
            for name in (column.header, column.zh, column.en, column.key):
                by_name.setdefault(normal_name(name), column)
        header_row = _header_row(ws)
        self._too_big(ws)
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
            column = by_name.get(normal_name(text))
            key = column.key if column else None
            if key is None and indicators is not None:
                ids, names = indicators
                match = _INDICATOR_HEADER.search(text)
                wanted = match.group(1) if match else (text if text in ids else names.get(text))
                if wanted is not None:
                    if wanted not in ids:
                        self.problem(
                            ws.title,
                            1,
                            letter,
                            "'{indicator}' is not an indicator on the Indicators sheet",
                            indicator=wanted,
                        )
                        ok = False
                        continue
                    key = f"indicator:{wanted}"
            if key is None:
                self.problem(
                    ws.title,
                    1,
                    letter,
                    "'{name}' is not a column of this sheet (expected {expected})",
                    name=text,
                    expected=expected,
                )
                ok = False
                continue
            if key in found:
                self.problem(
                    ws.title,
                    1,
                    letter,
                    "'{name}' appears twice (also column {column})",
                    name=text,
                    column=get_column_letter(found[key]),
                )
                ok = False
                continue
            found[key] = c
        for column in spec.columns:
            if column.required and column.key not in found:
                self.problem(ws.title, 1, None, "the column '{name}' is missing", name=column.header)
                ok = False
        if indicators is not None:
            for ind in indicators[0]:
                if f"indicator:{ind}" not in found:
                    self.problem(
                        ws.title,
                        1,
                        None,
                        "there is no column for the indicator '{indicator}' (header: 'name [{indicator}]')",
                        indicator=ind,
                    )
                    ok = False
        return found if ok else None

    def _convert(self, raw: Any, kind: Kind, sheet: str, row: int, column: str, header: str) -> Any:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if kind == "number":
            if isinstance(raw, bool):
                self.problem(sheet, row, column, "'{value}' is not a number", header, value=str(raw))
                return None
            if isinstance(raw, int | float):
                return raw
            text = str(raw).strip()
            try:
                number = float(text)
            except ValueError:
                self.problem(sheet, row, column, "'{value}' is not a number", header, value=_short(raw))
                return None
            if number != number or number in (float("inf"), float("-inf")):
                self.problem(sheet, row, column, "'{value}' is not a number", header, value=_short(raw))
                return None
            return int(number) if number == int(number) and "." not in text and "e" not in text.lower() else number
        text = _text(raw)
        if text is None:
            return None
        if kind == "flag":  # Excel's TRUE/FALSE, or a word; anything else goes on to the event file's check
            return _FLAG_WORDS.get(text.lower(), text)
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
            for found in exc.details:
                problem = self._place(found.field, found.message)
                if (problem.sheet, problem.row, problem.column) not in self.flagged:
                    preview.problems.append(problem)
            if not preview.problems:  # cannot happen, but never report a bad file as clean
                preview.problems.append(Problem(None, None, None, Message.verbatim(str(exc))))
            return preview
        if preview.problems:
            return preview
        preview.event, preview.toml = event, toml
        return preview

    def _place(self, path: str, message: Message) -> Problem:
        match = re.match(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?(?:\.(.+))?$", path)
        if not match:
            return Problem(None, None, None, Message(N_("{field}: {message}"), {"field": path, "message": message}))
        table, index, key, sub = match.groups()
        message = _spreadsheet_message(message)
        if table in SETTING_TABLES:
            if self.csv_name is not None:
                return Problem(None, None, None, _base_event(path, message))
            setting = SETTING_BY_FIELD.get((table, key or ""))
            label = f"{setting.zh} / {setting.en}" if setting else (key or table)
            row = self.settings_rows.get(setting.key if setting else key or "")
            if row is None:
                text = Message(
                    N_("{label}: {message} (there is no row with the key '{key}')"),
                    {"label": label, "message": message, "key": key},
                )
                return Problem(self.settings_sheet, None, None, text)
            return Problem(self.settings_sheet, row, self.settings_value_col, message, label)
        place = self.places.get(table)
        if place is None:
            if self.csv_name:
                return Problem(None, None, None, _base_event(path, message))
            return Problem(None, None, None, Message(N_("{field}: {message}"), {"field": path, "message": message}))
        sheet, rownums, columns = place
        if index is None:
            return Problem(sheet, None, None, message)
        row = rownums[int(index)] if int(index) < len(rownums) else None
        column_key = f"indicator:{sub.split('.')[0]}" if key == "indicators" and sub else key
        if key == "indicators" and not sub:
            wanted = message.params.get("indicator")  # "has no value for '{indicator}'"
            column_key = f"indicator:{wanted}" if wanted else None
        letter, header = columns.get(column_key or "", (None, ""))
        if key == "id" and message.template == "'{value}' is used twice":
            value = self.values[table][int(index)].get("id")
            first = next((rownums[i] for i, e in enumerate(self.values[table]) if e.get("id") == value), None)
            if first is not None and first != row:
                message = Message(N_("{message} (first in row {row})"), {"message": message, "row": first})
        return Problem(sheet, row, letter, message, header)


def _base_event(path: str, message: Message) -> Message:
    """A problem in the base event of a CSV import (not in the CSV itself)."""
    return Message(N_("base event {field}: {message}"), {"field": path, "message": message})


# parse_event speaks of the TOML file; a workbook says the same in spreadsheet terms
_IN_SPREADSHEET_TERMS = {
    "is missing: add at least one [[{table}]] entry": N_("has no rows: add at least one"),
    "is not a declared [[indicators]] id": N_("is not an indicator on the Indicators sheet"),
    "must be written as [[{table}]] tables": N_("could not be read"),
}


def _spreadsheet_message(message: Message) -> Message:
    """parse_event speaks of the TOML file; say the same in spreadsheet terms."""
    template = _IN_SPREADSHEET_TERMS.get(message.template)
    return Message(template) if template else message


def normal_name(name: Any) -> str:
    """A sheet or column name as compared on import: no whitespace, lower case."""
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


def _header_row(ws: Sheet) -> tuple[Any, ...]:
    return next(ws.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True), ())


def _short(value: Any, limit: int = 40) -> str:
    text = clean_line(str(value))  # quoted in a problem: printed on a terminal, shown on a page
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
