"""The paperwork around an event: the results workbook, CSV exports, and what the printable pages show.

Pure functions of the event state (and, for the score log, the journal entries); the routes in
app/routes/exports.py serve them to the host. Every number in the results workbook comes from the
same `standings_payload` that GET /api/results returns to the host, rounded the same way.

Text from the event file or from judges (titles, names, comments) is untrusted: the workbook stores it
as text, never as a formula, and the CSV files neutralise a leading = + - @ (spreadsheet formula
injection). The templates autoescape it.

Modules: `workbook` (the results workbook), `workbook_tables` (its table layout and marks), `rules`
(the rules used, as rows), `csv_exports` (score log and event definition as CSV), `print_pages` (the
printable pages' view models), `formatting` (times, scores, labels), `state_view` (snapshot, awards),
`judging_report` (the judging report, issue 15), `judging_charts` (its SVG pictures' geometry) and
`workbook_judging` (its sheet in the results workbook).
"""

from .csv_exports import csv_safe, event_inputs_csv, scores_csv
from .formatting import (
    FLAG_LABELS,
    KIND_LABELS,
    NORMALIZE_LABELS,
    RULE_LABELS,
    STATUS_LABELS,
    fmt_fixed,
    fmt_score,
    local_time,
)
from .print_pages import ScoreSheetRow, certificates, judge_score_sheets, results_page
from .rules import rules_rows
from .state_view import current_awards, sheet_status, snapshot
from .workbook import results_workbook
from .workbook_tables import DROPPED_FILL, DROPPED_FONT, NOTE_FONT, RECUSED_FILL, RECUSED_FONT, TITLE_FONT

__all__ = [
    "DROPPED_FILL",
    "DROPPED_FONT",
    "FLAG_LABELS",
    "KIND_LABELS",
    "NORMALIZE_LABELS",
    "NOTE_FONT",
    "RECUSED_FILL",
    "RECUSED_FONT",
    "RULE_LABELS",
    "STATUS_LABELS",
    "TITLE_FONT",
    "ScoreSheetRow",
    "certificates",
    "csv_safe",
    "current_awards",
    "event_inputs_csv",
    "fmt_fixed",
    "fmt_score",
    "judge_score_sheets",
    "local_time",
    "results_page",
    "results_workbook",
    "rules_rows",
    "scores_csv",
    "sheet_status",
    "snapshot",
]
