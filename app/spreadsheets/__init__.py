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

Modules: `layout` (sheets, columns, settings), `styles` (cell and print formatting, shared with the
results workbook), `writing` (template and event workbooks), `example` (the template's example event),
`importing` (workbook and CSV import), `reader` (cells to event-file data, problems put back on their
cells), `preview` (`Problem`, `ImportPreview`), `bounds` (the limits of an upload, checked before the
work), `sandbox` (the server reads an upload in a child process with memory and CPU limits).

The names below are loaded from their module on first use (PEP 562): openpyxl takes about half a
second to import, which a server start (a restart mid-event too) should not wait for when no
spreadsheet is read or written.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .example import EXAMPLE_EVENT, example_event
    from .importing import import_projects_csv, import_workbook
    from .layout import (
        AWARDS,
        CATEGORIES,
        CRITERIA,
        EVENT,
        EVENT_COLUMNS,
        INDICATORS,
        JUDGES,
        LIST_SHEETS,
        MAX_ROWS,
        PROJECTS,
        README_TITLE,
        RECUSALS,
        SETTINGS,
        SHEETS,
        Column,
        Kind,
        Setting,
        SheetSpec,
    )
    from .preview import ImportPreview, Problem
    from .reader import NAME_SEPARATORS
    from .styles import BORDER, EXAMPLE_FONT, HEADER_FILL, THIN, body_cell, print_setup, put, set_widths, style_header
    from .writing import XLSX_MEDIA_TYPE, event_workbook, template_workbook

_WHERE: dict[str, str] = {  # name -> the module of this package that defines it
    "AWARDS": "layout",
    "BORDER": "styles",
    "CATEGORIES": "layout",
    "CRITERIA": "layout",
    "Column": "layout",
    "EVENT": "layout",
    "EVENT_COLUMNS": "layout",
    "EXAMPLE_EVENT": "example",
    "EXAMPLE_FONT": "styles",
    "HEADER_FILL": "styles",
    "INDICATORS": "layout",
    "ImportPreview": "preview",
    "JUDGES": "layout",
    "Kind": "layout",
    "LIST_SHEETS": "layout",
    "MAX_ROWS": "layout",
    "NAME_SEPARATORS": "reader",
    "PROJECTS": "layout",
    "Problem": "preview",
    "README_TITLE": "layout",
    "RECUSALS": "layout",
    "SETTINGS": "layout",
    "SHEETS": "layout",
    "Setting": "layout",
    "SheetSpec": "layout",
    "THIN": "styles",
    "XLSX_MEDIA_TYPE": "writing",
    "body_cell": "styles",
    "event_workbook": "writing",
    "example_event": "example",
    "import_projects_csv": "importing",
    "import_workbook": "importing",
    "print_setup": "styles",
    "put": "styles",
    "set_widths": "styles",
    "style_header": "styles",
    "template_workbook": "writing",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # found directly next time
    return value


__all__ = [
    "AWARDS",
    "BORDER",
    "CATEGORIES",
    "CRITERIA",
    "EVENT",
    "EVENT_COLUMNS",
    "EXAMPLE_EVENT",
    "EXAMPLE_FONT",
    "HEADER_FILL",
    "INDICATORS",
    "JUDGES",
    "LIST_SHEETS",
    "MAX_ROWS",
    "NAME_SEPARATORS",
    "PROJECTS",
    "README_TITLE",
    "RECUSALS",
    "SETTINGS",
    "SHEETS",
    "THIN",
    "XLSX_MEDIA_TYPE",
    "Column",
    "ImportPreview",
    "Kind",
    "Problem",
    "Setting",
    "SheetSpec",
    "body_cell",
    "event_workbook",
    "example_event",
    "import_projects_csv",
    "import_workbook",
    "print_setup",
    "put",
    "set_widths",
    "style_header",
    "template_workbook",
]
