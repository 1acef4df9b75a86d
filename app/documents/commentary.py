"""The expert commentary in the paperwork: the workbook's Comments sheet and the chief judge's report.

The host's documents hold every comment point with whether its judge shared it and whether the board
showed it (like a score's comment, the host's paperwork is not public); the report lists each
commentary with the points the board showed, which were public.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from ..domain.state import EventState
from ..spreadsheets.styles import print_setup
from .formatting import local_time
from .workbook_tables import table_start, write_row

KIND_LABELS = {"highlight": ("亮点", "Highlight"), "suggestion": ("建议", "Suggestion")}


def _names(state: EventState) -> tuple[dict[str, str], dict[str, str]]:
    event = state.event
    return {j.id: j.name for j in event.judges}, {p.id: p.title for p in event.projects}


def point_rows(state: EventState) -> list[dict[str, Any]]:
    """Every judge's current comment points, by project in running order, then panel order."""
    judges, titles = _names(state)
    shown = {(r.judge, pid, point) for r in state.commentary_log for pid, point in r.shown}
    rows = []
    for pid in state.order:
        for judge in state.event.judges:
            for p in state.points.get((judge.id, pid), {}).values():
                rows.append(
                    {
                        "project": pid,
                        "title": titles.get(pid, pid),
                        "judge": judges.get(judge.id, judge.id),
                        "kind": p.kind,
                        "text": p.text,
                        "shared": p.shared,
                        "shown": (judge.id, pid, p.id) in shown,
                        "at": p.at,
                    }
                )
    return rows


def commentary_sessions(state: EventState) -> list[dict[str, Any]]:
    """Each commentary given, in order: the speaker, about what, when, and the texts the board showed
    (as they read now; a point deleted since is left out)."""
    judges, titles = _names(state)
    out = []
    for record in state.commentary_log:
        texts = []
        for pid, point in record.shown:
            p = state.points.get((record.judge, pid), {}).get(point)
            if p is not None:
                texts.append({"kind": p.kind, "text": p.text, "title": titles.get(pid, pid)})
        out.append(
            {
                "judge": judges.get(record.judge, record.judge),
                "about": titles.get(record.project, record.project) if record.project else None,
                "at": local_time(record.at),
                "shown": texts,
            }
        )
    return out


def add_comments_sheet(wb: Workbook, state: EventState, subtitle: str) -> None:
    """The workbook's Comments sheet: every comment point, shared or not, and whether the board showed it."""
    ws = wb.create_sheet("点评 Comments")
    headers = [
        "项目编号 / Project ID",
        "项目名称 / Title",
        "评委 / Judge",
        "类型 / Kind",
        "要点 / Point",
        "共享 / Shared",
        "大屏展示 / Shown on the board",
        "时间 / Time",
    ]
    first = table_start(
        ws, f"{state.event.title} — 专家点评 / Expert commentary", [subtitle], headers, [12, 30, 16, 10, 60, 9, 12, 18]
    )
    r = first
    for row in point_rows(state):
        kind = " / ".join(KIND_LABELS.get(row["kind"], (row["kind"], row["kind"])))
        values = [
            row["project"],
            row["title"],
            row["judge"],
            kind,
            row["text"],
            "是 Yes" if row["shared"] else "否 No",
            "是 Yes" if row["shown"] else "",
            local_time(row["at"]),
        ]
        write_row(ws, r, values, {}, wrap={4})
        r += 1
    print_setup(ws, state.event.title, title_rows=f"{first - 1}:{first - 1}")
