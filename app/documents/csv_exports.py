"""CSV exports: the score log from the journal (`scores_csv`) and the event definition
(`event_inputs_csv`). UTF-8 with a BOM for Excel; a text cell that starts like a formula is
neutralised (`csv_safe`, which is `app.domain.text.csv_cell`, the guard of every CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from ..audit_chain import Anchor
from ..domain.models import Event
from ..domain.text import csv_cell
from ..eventfile_export import seconds_to_minutes
from ..results_views import rounded
from ..store import JournalEntry
from .formatting import fmt_score

# the one formula-injection guard (app/domain/text.py), under the name this package has exported
csv_safe = csv_cell


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]], anchor: Anchor | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [_csv_number(v) if isinstance(v, int | float) and not isinstance(v, bool) else csv_safe(v) for v in row]
        )
    if anchor is not None:  # the audit chain's anchor as a closing comment line (docs/reliability.md)
        buffer.write(f"# {anchor.describe()}\r\n")
    return "\ufeff" + buffer.getvalue()  # BOM: Excel then reads the UTF-8 (Chinese) text correctly


def _csv_number(value: float) -> str:
    return fmt_score(value) if isinstance(value, float) else str(value)


def scores_csv(event: Event, entries: Iterable[JournalEntry], anchor: Anchor | None = None) -> str:
    """Every score submission and host correction from the journal, oldest first, with its time and
    command id. `latest` marks the submission that is in force (a later one replaces an earlier)."""
    entries = [e for e in entries if e.kind in ("score", "correction")]
    last: dict[tuple[str, str], int] = {}
    for e in entries:
        last[(str(e.data.get("project")), str(e.data.get("judge")))] = e.seq
    versions: dict[tuple[str, str], int] = {}
    header = [
        "seq",
        "time",
        "kind",
        "actor",
        "project",
        "project_title",
        "judge",
        "judge_name",
        *[f"score_{c.id}" for c in event.criteria],
        "total",
        "comment",
        "reason",
        "version",
        "latest",
        "command_id",
        "connection",
    ]
    rows = []
    for e in entries:
        pid, jid = str(e.data.get("project")), str(e.data.get("judge"))
        versions[(pid, jid)] = versions.get((pid, jid), 0) + 1
        project, judge = event.project(pid), event.judge(jid)
        values = e.data.get("values", {})
        rows.append(
            [
                e.seq,
                f"{datetime.fromtimestamp(e.at).astimezone().strftime('%Y-%m-%d %H:%M:%S.%f')[:-3]}",
                e.kind,
                e.actor,
                pid,
                project.title if project else "",
                jid,
                judge.name if judge else "",
                *[float(values[c.id]) if c.id in values else "" for c in event.criteria],
                rounded(e.data.get("total", 0), event.scoring),  # as every computed number is shown
                e.data.get("comment", ""),
                e.data.get("reason", ""),
                versions[(pid, jid)],
                "yes" if last[(pid, jid)] == e.seq else "no",
                e.command_id or "",
                e.connection or "",
            ]
        )
    return _csv(header, rows, anchor)


def event_inputs_csv(event: Event, anchor: Anchor | None = None) -> str:
    """The event definition as rows: section, position, id, field, value (one value per row)."""
    rows: list[list[Any]] = []

    def add(section: str, position: int | str, ident: str, values: dict[str, Any]) -> None:
        for key, value in values.items():
            if isinstance(value, list | tuple):
                value = "、".join(value)
            rows.append([section, position, ident, key, value])

    add(
        "event",
        "",
        "",
        {
            "title": event.title,
            "subtitle": event.subtitle,
            "date": event.date,
            "venue": event.venue,
            "organizer": event.organizer,
            "language": event.language,
        },
    )
    add(
        "timing",
        "",
        "",
        {
            "presentation_minutes": seconds_to_minutes(event.timing.presentation_seconds),
            "qa_minutes": seconds_to_minutes(event.timing.qa_seconds),
        },
    )
    s = event.scoring
    add(
        "scoring",
        "",
        "",
        {
            "rule": s.rule,
            "trim": s.trim,
            "trim_min_judges": s.trim_min_judges,
            "normalize": s.normalize,
            "min_panel": s.min_panel,
            "decimals": s.decimals,
        },
    )
    add("composite", "", "", {"panel_weight": event.panel_weight, "panel_max": event.panel_max})
    for n, c in enumerate(event.categories, start=1):
        add("categories", n, c.id, {"name": c.name})
    for n, c in enumerate(event.criteria, start=1):
        add(
            "criteria",
            n,
            c.id,
            {"name": c.name, "max": c.max, "weight": c.weight, "step": c.step, "description": c.description},
        )
    for n, i in enumerate(event.indicators, start=1):
        add("indicators", n, i.id, {"name": i.name, "weight": i.weight, "max": i.max, "description": i.description})
    for n, j in enumerate(event.judges, start=1):
        add("judges", n, j.id, {"name": j.name, "title": j.title})
    for n, p in enumerate(event.projects, start=1):
        add(
            "projects",
            n,
            p.id,
            {
                "order": p.order,
                "category": p.category,
                "title": p.title,
                "team": p.team,
                "leader": p.leader,
                "members": list(p.members),
                "volunteers": list(p.volunteers),
                "summary": p.summary,
            }
            | {f"indicator:{i.id}": p.indicators.get(i.id) for i in event.indicators},
        )
    for n, rec in enumerate(event.recusals, start=1):
        add("recusals", n, "", {"judge": rec.judge, "project": rec.project, "reason": rec.reason})
    for n, a in enumerate(event.awards, start=1):
        add(
            "awards",
            n,
            a.id,
            {
                "name": a.name,
                "kind": a.kind,
                "count": a.count,
                "max_per_category": a.max_per_category,
                "of": a.of,
                "names": list(a.names),
            },
        )
    return _csv(["section", "position", "id", "field", "value"], rows, anchor)
