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
"""

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
