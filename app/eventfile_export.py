"""Write an Event back out as an event file (TOML, docs/event-file.md) that `parse_event` reads back
to an equal Event.

`event_to_data()` gives the same nested dict/list shape that `tomllib` produces for an event file;
`dump_toml()` writes such a dict as TOML text (the small subset the event file uses: tables, arrays of
tables, strings, numbers, booleans, lists of strings and inline tables of numbers). The spreadsheet
import (app/spreadsheets/) builds the same shape from a workbook and writes it with `dump_toml()`.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .domain.models import AudienceRules, Event
from .eventfile_round import event_round_data

# The order of the tables in a written file; `[[awards]]` stays last so a `team_leaders` award
# always follows the `top_projects` award it names.
TABLE_ORDER = (
    "event",
    "round",
    "timing",
    "scoring",
    "composite",
    "categories",
    "criteria",
    "indicators",
    "judges",
    "projects",
    "earlier_results",
    "recusals",
    "audience",
    "awards",
)
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def event_to_data(event: Event) -> dict[str, Any]:
    """The event as the dict an event file parses to. Optional values equal to their default are left
    out (an empty summary, no volunteers ...), so the written file stays short and readable."""
    data: dict[str, Any] = {
        "event": _drop_empty(
            {
                "title": event.title,
                "subtitle": event.subtitle,
                "date": event.date,
                "venue": event.venue,
                "organizer": event.organizer,
                "language": event.language,
                "logo": event.logo,
                "sponsors": event.sponsors,
            },
            keep={"title", "language"},
        ),
        "timing": {
            "presentation_minutes": seconds_to_minutes(event.timing.presentation_seconds),
            "qa_minutes": seconds_to_minutes(event.timing.qa_seconds),
            **(
                {"commentary_minutes": seconds_to_minutes(event.timing.commentary_seconds)}
                if event.timing.commentary_seconds
                else {}
            ),
        },
        "scoring": {
            "rule": event.scoring.rule,
            "trim": event.scoring.trim,
            "trim_min_judges": event.scoring.trim_min_judges,
            "normalize": event.scoring.normalize,
            "min_panel": event.scoring.min_panel,
            "decimals": event.scoring.decimals,
            "rounding": event.scoring.rounding,
            "publish_judge_scores": event.scoring.publish_judge_scores,
        },
        "composite": {"panel_weight": event.panel_weight},
        "categories": [{"id": c.id, "name": c.name} for c in event.categories],
        "criteria": [
            _drop_empty(
                {
                    "id": c.id,
                    "name": c.name,
                    "max": c.max,
                    "weight": c.weight,
                    "step": c.step,
                    "description": c.description,
                }
            )
            for c in event.criteria
        ],
        "indicators": [
            _drop_empty(
                {
                    "id": i.id,
                    "name": i.name,
                    "weight": i.weight,
                    "max": i.max,
                    "description": i.description,
                    "from_round": i.from_round,
                }
            )
            for i in event.indicators
        ],
        "judges": [
            _drop_empty(
                {
                    "id": j.id,
                    "name": j.name,
                    "title": j.title,
                    "affiliation": j.affiliation,
                    "portrait": j.portrait,
                }
            )
            for j in event.judges
        ],
        "projects": [
            _drop_empty(
                {
                    "id": p.id,
                    "order": p.order,
                    "category": p.category,
                    "title": p.title,
                    "team": p.team,
                    "leader": p.leader,
                    "summary": p.summary,
                    "members": list(p.members),
                    "volunteers": list(p.volunteers),
                    # in the event's indicator order, whatever order the dict was built in
                    "indicators": {i.id: p.indicators[i.id] for i in event.indicators if i.id in p.indicators},
                    "short_title": p.short_title,
                    "short_team": p.short_team,
                    "picture": p.picture,
                },
                keep={"id", "order", "category", "title", "team"},
            )
            for p in event.projects
        ],
        "recusals": [_drop_empty({"judge": r.judge, "project": r.project, "reason": r.reason}) for r in event.recusals],
        "awards": [_award(a) for a in event.awards],
    }
    if event.audience != AudienceRules():
        data["audience"] = _audience(event.audience)
    data |= event_round_data(event)
    return {k: v for k, v in data.items() if v != []}


def _audience(rules: AudienceRules) -> dict[str, Any]:
    """The `[audience]` table, defaults left out (weight only where the composite uses it)."""
    default = AudienceRules()
    out: dict[str, Any] = {}
    for key in ("enabled", "mode", "window", "use", "per_address_cap", "tickets"):
        if getattr(rules, key) != getattr(default, key):
            out[key] = getattr(rules, key)
    if rules.use == "composite":
        out["weight"] = rules.weight
    return out


def _award(a: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": a.id, "name": a.name, "kind": a.kind}
    if a.kind == "top_projects" or a.count:
        out["count"] = a.count
    if a.max_per_category:
        out["max_per_category"] = a.max_per_category
    if a.of:
        out["of"] = a.of
    if a.names:
        out["names"] = list(a.names)
    return out


def _drop_empty(table: dict[str, Any], keep: set[str] | frozenset[str] = frozenset({"id", "name"})) -> dict[str, Any]:
    return {k: v for k, v in table.items() if k in keep or v not in ("", [], {}, None)}


def seconds_to_minutes(seconds: int) -> float:
    """Minutes that the event file turns back into exactly `seconds` (it computes int(60 × minutes))."""
    minutes = seconds / 60
    while int(60 * minutes) < seconds:  # 60 × (s / 60) can land just below s in binary floating point
        minutes = math.nextafter(minutes, math.inf)
    return minutes


def event_to_toml(event: Event, header: str | None = None) -> str:
    """The event as event-file text. `header` (e.g. where it came from) is written as comments."""
    return dump_toml(event_to_data(event), header=header)


# ---------------------------------------------------------------------------------------------- TOML
def dump_toml(data: dict[str, Any], header: str | None = None) -> str:
    lines: list[str] = []
    if header:
        lines += [f"# {line}".rstrip() for line in header.splitlines()]
        lines.append("")
    keys = [k for k in TABLE_ORDER if k in data] + [k for k in data if k not in TABLE_ORDER]
    for key in keys:
        value = data[key]
        if isinstance(value, dict):
            lines.append(f"[{_key(key)}]")
            lines += [f"{_key(k)} = {_value(v)}" for k, v in value.items()]
            lines.append("")
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
            for entry in value:
                lines.append(f"[[{_key(key)}]]")
                lines += [f"{_key(k)} = {_value(v)}" for k, v in entry.items()]
                lines.append("")
        else:
            lines.insert(0, f"{_key(key)} = {_value(value)}")
    return "\n".join(lines).rstrip("\n") + "\n"


def _key(key: str) -> str:
    # ids may contain '.', which a bare key would read as a dotted (nested) key
    return key if _BARE_KEY.match(key) else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _float(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError("the event file holds finite numbers only")
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))  # 30.0 -> 30: read back as the same number
    text = repr(value)
    return text if any(c in text for c in ".eE") else text + ".0"


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _string(value: str) -> str:
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
