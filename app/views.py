"""What each role sees: the state turned into JSON-ready sections (documented in docs/protocol.md).

Pure functions of the event state (plus judge presence for the host). The board and judges never
receive a score before it is revealed, and a judge never receives another judge's scores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from .domain.models import Event
from .domain.results import ProjectResult, Standings
from .domain.state import EVERYTHING, EventState, Touched, awards_as_dicts


def _r(value: float | None, decimals: int) -> float | None:
    return None if value is None else round(value, decimals)


def event_section(event: Event) -> dict[str, Any]:
    return {
        "title": event.title,
        "subtitle": event.subtitle,
        "date": event.date,
        "venue": event.venue,
        "organizer": event.organizer,
        "language": event.language,
        "panel_max": event.panel_max,
        "panel_weight": event.panel_weight,
        "categories": [{"id": c.id, "name": c.name} for c in event.categories],
        "criteria": [
            {"id": c.id, "name": c.name, "max": c.max, "weight": c.weight, "step": c.step, "description": c.description}
            for c in event.criteria
        ],
        "indicators": [{"id": i.id, "name": i.name, "weight": i.weight, "max": i.max} for i in event.indicators],
        "timing": {
            "presentation_seconds": event.timing.presentation_seconds,
            "qa_seconds": event.timing.qa_seconds,
        },
        "scoring": {
            "rule": event.scoring.rule,
            "trim": event.scoring.trim,
            "trim_min_judges": event.scoring.trim_min_judges,
            "normalize": event.scoring.normalize,
            "min_panel": event.scoring.min_panel,
            "decimals": event.scoring.decimals,
        },
        "judge_count": len(event.judges),
    }


def projects_section(state: EventState) -> list[dict[str, Any]]:
    event = state.event
    out = []
    for position, pid in enumerate(state.order, start=1):
        p = event.project(pid)
        assert p is not None
        category = event.category(p.category)
        out.append(
            {
                "id": p.id,
                "title": p.title,
                "team": p.team,
                "leader": p.leader,
                "category": p.category,
                "category_name": category.name if category else p.category,
                "summary": p.summary,
                "short_title": p.short_title,
                "short_team": p.short_team,
                "members": list(p.members),
                "volunteers": list(p.volunteers),
                "position": position,
                "status": state.status[pid],
            }
        )
    return out


def current_section(state: EventState) -> dict[str, Any]:
    pid = state.current
    position = state.order.index(pid) + 1 if pid else None
    upcoming = [p for p in state.order if state.status[p] == "pending"]
    return {
        "project": pid,
        "status": state.status[pid] if pid else None,
        "position": position,
        "next": upcoming[0] if upcoming else None,
    }


def timer_section(state: EventState) -> dict[str, Any]:
    active = next((name for name, t in state.timers.items() if t.running), None)
    return {name: t.as_dict() for name, t in state.timers.items()} | {"active": active}


def scene_section(state: EventState) -> dict[str, Any]:
    return {
        "scene": state.scene,
        # tells a judge's phone that the scoring is over (its end screen), without the winners
        "ceremony": state.ceremony is not None,
        # the host's settings for the hall, followed by the projector (not by phones)
        "language": state.hall_language,
        "sound": state.hall_sound,
    }


def progress_section(state: EventState) -> dict[str, Any]:
    pid = state.current
    if pid is None:
        return {"project": None, "submitted": 0, "expected": 0}
    return {"project": pid, "submitted": len(state.submitted_judges(pid)), "expected": len(state.panel_for(pid))}


def _row(event: Event, r: ProjectResult, decimals: int) -> dict[str, Any]:
    p = event.project(r.project)
    assert p is not None
    category = event.category(p.category)
    return {
        "project": r.project,
        "title": p.title,
        "team": p.team,
        "short_title": p.short_title,
        "short_team": p.short_team,
        "category": p.category,
        "category_name": category.name if category else p.category,
        "rank": r.rank,
        "tied": r.tied,
        "category_rank": r.category_rank,
        "category_tied": r.category_tied,
        "composite": _r(r.composite, decimals),
        "panel": _r(r.panel, decimals),
        "panel_max": event.panel_max,
    }


def _components(r: ProjectResult, decimals: int) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "name": c.name,
            "weight": c.weight,
            "value": _r(c.value, decimals),
            "max": c.max,
            "score_100": _r(c.score_100, decimals),
            "contribution": _r(c.contribution, decimals),
        }
        for c in r.components
    ]


def explained_row(
    event: Event, r: ProjectResult, revealed: bool, sheets: dict[str, dict[str, float]] | None = None
) -> dict[str, Any]:
    d = event.scoring.decimals
    return _row(event, r, d) | {
        "components": _components(r, d),
        "method": r.method,
        "counted": list(r.counted),
        "dropped": list(r.dropped),
        "recused": list(r.recused),
        "totals": {j: _r(t, d) for j, t in r.totals.items()},
        "adjusted": {j: _r(t, d) for j, t in r.adjusted.items()},
        "flags": list(r.flags),
        "first_places": r.first_places,
        "revealed": revealed,
        "sheets": sheets or {},
    }


def standings_payload(
    state: EventState, standings: Standings, explained: bool, include_sheets: bool = False
) -> dict[str, Any]:
    event, d = state.event, state.event.scoring.decimals
    revealed = set(state.revealed)
    sheets_by_project: dict[str, dict[str, dict[str, float]]] = {}
    if include_sheets:
        for (p, j), sheet in state.sheets.items():
            sheets_by_project.setdefault(p, {})[j] = sheet.values
    rows: dict[str, dict[str, Any]] = {}  # one row per project, shared by the overall and category lists

    def row(pid: str) -> dict[str, Any]:
        if pid not in rows:
            r = standings.results[pid]
            if not explained:
                rows[pid] = _row(event, r, d)
            else:
                sheets = sheets_by_project.get(pid, {}) if include_sheets else None
                rows[pid] = explained_row(event, r, pid in revealed, sheets)
        return rows[pid]

    ranked = [pid for pid in standings.overall if standings.results[pid].rank is not None]
    return {
        "overall": [row(pid) for pid in ranked],
        "by_category": {
            cat: [row(pid) for pid in pids if standings.results[pid].category_rank is not None]
            for cat, pids in standings.by_category.items()
        },
        "unranked": [pid for pid in standings.overall if standings.results[pid].rank is None],
    }


def result_section(state: EventState) -> dict[str, Any] | None:
    if not state.revealed:
        return None
    pid = state.revealed[-1]
    standings = state.standings(revealed_only=True)
    r = standings.results[pid]
    d = state.event.scoring.decimals
    return _row(state.event, r, d) | {
        "components": _components(r, d),
        "counted": len(r.counted),
        "dropped": len(r.dropped),
        "flags": list(r.flags),
    }


def leaderboard_section(state: EventState) -> dict[str, Any]:
    return standings_payload(state, state.standings(revealed_only=True), explained=False)


def ceremony_section(state: EventState, reveal_all: bool = False) -> dict[str, Any] | None:
    ceremony = state.ceremony
    if ceremony is None:
        return None
    shown = ceremony.steps if reveal_all else ceremony.steps[: ceremony.step]
    revealed_winners: dict[int, set[int]] = {}
    for award_index, winner_index in shown:
        total = len(ceremony.awards[award_index]["winners"])
        indices = range(total) if winner_index < 0 else [winner_index]
        revealed_winners.setdefault(award_index, set()).update(indices)
    awards = []
    for index, award in enumerate(ceremony.awards):
        visible = revealed_winners.get(index, set())
        awards.append(
            {
                "id": award["id"],
                "name": award["name"],
                "kind": award["kind"],
                "tie_at_cut": award["tie_at_cut"],
                "winners": [w if i in visible else None for i, w in enumerate(award["winners"])],
                "revealed": len(visible),
                "total": len(award["winners"]),
            }
        )
    current = None
    if ceremony.step > 0:
        award_index, winner_index = ceremony.steps[ceremony.step - 1]
        current = {"award": award_index, "winner": winner_index}
    return {"step": ceremony.step, "total_steps": len(ceremony.steps), "awards": awards, "current": current}


def judges_section(state: EventState, presence: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    pid = state.current
    out = []
    for judge in state.event.judges:
        seen = presence.get(judge.id, {})
        sheet = state.sheets.get((pid, judge.id)) if pid else None
        out.append(
            {
                "id": judge.id,
                "name": judge.name,
                "title": judge.title,
                "connected": bool(seen.get("connections")),
                "activity": seen.get("activity", "idle"),
                "submitted": sheet is not None,
                "total": sheet.total if sheet else None,
                "values": sheet.values if sheet else None,
                "comment": sheet.comment if sheet else "",
                "version": sheet.version if sheet else 0,
                "recused": bool(pid) and (judge.id, pid) in state.recused,
            }
        )
    return out


def my_scores_section(state: EventState, judge: str) -> dict[str, Any]:
    return {
        pid: {"values": s.values, "total": s.total, "comment": s.comment, "at": s.at, "version": s.version}
        for (pid, jid), s in state.sheets.items()
        if jid == judge
    }


def me_section(state: EventState, judge: str) -> dict[str, Any]:
    j = state.event.judge(judge)
    assert j is not None
    return {
        "id": j.id,
        "name": j.name,
        "title": j.title,
        "recused": [pid for pid in state.order if (judge, pid) in state.recused],
    }


# ---------------------------------------------------------------------- sections and what they read
# Each section with the aspects of the state it reads (see Touched in app/domain/state.py): after a
# change the live service recomputes only the sections that read something the change touched. The
# "event" aspect (a new definition) is read by every section. tests/test_views_incremental.py replays
# whole events and checks that recomputing only these gives exactly what recomputing all would.
_E = "event"
SHARED_SECTIONS: dict[str, tuple[frozenset[str], Callable[[EventState], Any]]] = {
    "event": (frozenset({_E}), lambda s: event_section(s.event)),
    "projects": (frozenset({_E, "order", "status"}), projects_section),
    "current": (frozenset({_E, "order", "status"}), current_section),
    "timer": (frozenset({_E, "timers"}), timer_section),
    "scene": (frozenset({_E, "scene", "ceremony"}), scene_section),
    "progress": (frozenset({_E, "status", "sheets"}), progress_section),
    "result": (frozenset({_E, "revealed", "sheets"}), result_section),
    "leaderboard": (frozenset({_E, "revealed", "sheets"}), leaderboard_section),
    "ceremony": (frozenset({_E, "ceremony"}), ceremony_section),
}
JUDGE_SHARED = ("event", "projects", "current", "timer", "scene", "progress")
JUDGE_OWN_SECTIONS: dict[str, tuple[frozenset[str], Callable[[EventState, str], Any]]] = {
    "me": (frozenset({_E, "order", "sheets"}), me_section),
    "my_scores": (frozenset({_E, "sheets"}), my_scores_section),
}
HOST_OWN_SECTIONS: dict[str, tuple[frozenset[str], Callable[[EventState, dict[str, dict[str, Any]]], Any]]] = {
    "judges": (frozenset({_E, "presence", "status", "sheets"}), judges_section),
    "standings": (
        frozenset({_E, "sheets", "revealed"}),
        lambda s, _: standings_payload(s, s.standings(), explained=True, include_sheets=True),
    ),
    "awards_preview": (frozenset({_E, "sheets"}), lambda s, _: awards_as_dicts(s.awards())),
    "host_ceremony": (frozenset({_E, "ceremony"}), lambda s, _: ceremony_section(s, reveal_all=True)),
}


# After a command, the sections are recomputed in three parts (app/live.py, LiveEvent.refresh):
# "now", before the command's acknowledgement: the board's sections that do not rank anything (what
# the projector and the audience wait for; the judges and the host get the same objects);
# "own", a moment later: each role's own sections (the host's judges list, a judge's own scores);
# "later", in short steps after that: the sections that rank the results, once for every command
# handled in the meantime. Snapshots and the full views ("all") always include everything.
RANKED_SECTIONS = frozenset({"result", "leaderboard", "standings", "awards_preview"})
Part = Literal["all", "now", "own", "later"]


def _wanted(name: str, reads: frozenset[str], touched: Touched, part: Part, own: bool) -> bool:
    if not reads & touched.aspects:
        return False
    if part == "all":
        return True
    if name in RANKED_SECTIONS:
        return part == "later"
    return part == ("own" if own else "now")


def board_sections(state: EventState, touched: Touched = EVERYTHING, part: Part = "all") -> dict[str, Any]:
    """The board's sections that read something `touched` (all of them by default)."""
    return {
        name: build(state)
        for name, (reads, build) in SHARED_SECTIONS.items()
        if _wanted(name, reads, touched, part, own=False)
    }


def judge_sections(
    state: EventState,
    judge: str,
    shared: dict[str, Any] | None = None,
    touched: Touched = EVERYTHING,
    part: Part = "all",
) -> dict[str, Any]:
    """A judge's sections; `shared` is board_sections() for the same `touched` (computed once for all)."""
    shared = board_sections(state, touched, part) if shared is None else shared
    out = {name: shared[name] for name in JUDGE_SHARED if name in shared}
    if touched.judges is None or judge in touched.judges:
        for name, (reads, build) in JUDGE_OWN_SECTIONS.items():
            if _wanted(name, reads, touched, part, own=True):
                out[name] = build(state, judge)
    return out


def host_sections(
    state: EventState,
    presence: dict[str, dict[str, Any]],
    shared: dict[str, Any] | None = None,
    touched: Touched = EVERYTHING,
    part: Part = "all",
) -> dict[str, Any]:
    shared = board_sections(state, touched, part) if shared is None else shared
    out = dict(shared)
    for name, (reads, build) in HOST_OWN_SECTIONS.items():
        if _wanted(name, reads, touched, part, own=True):
            out[name] = build(state, presence)
    return out
