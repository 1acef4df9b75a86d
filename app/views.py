"""What each role sees: the state turned into JSON-ready sections (documented in docs/protocol.md).

Pure functions of the event state (plus judge presence for the host). The board and judges never
receive a score before it is revealed, and a judge never receives another judge's scores.

Every computed number leaves through `rounded` (app/results_views.py, with the ranked sections:
rounded once, to the event's decimals, with its rounding mode: app/domain/numbers.py); a judge's
criterion scores leave as the exact decimals they were given (ScoreSheet.values_as_numbers).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any, Literal

from .commentary_views import commentary_section, host_commentary_section, interlude_section, my_points_section
from .domain.awards import awards_as_dicts
from .domain.media import media_url
from .domain.models import Event
from .domain.numbers import shown
from .domain.state import EventState
from .domain.touched import EVERYTHING, Touched
from .results_views import (
    ceremony_section,
    final_lock_section,
    leaderboard_section,
    result_section,
    rounded,
    standings_payload,
)


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
            "commentary_seconds": event.timing.commentary_seconds,
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
                "picture": media_url(state, f"project:{p.id}"),
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
                # server time the judge's last phone went away; None while connected or never seen
                "offline_since": seen.get("offline_since"),
                "ever_connected": "connections" in seen,
                "activity": seen.get("activity", "idle"),
                "submitted": sheet is not None,
                "total": rounded(sheet.total, state.event.scoring) if sheet else None,
                "values": sheet.values_as_numbers() if sheet else None,
                "comment": sheet.comment if sheet else "",
                "version": sheet.version if sheet else 0,
                "recused": bool(pid) and (judge.id, pid) in state.recused,
            }
        )
    return out


def refused_section(state: EventState) -> list[dict[str, Any]]:
    """Scores that arrived after scoring closed and were not counted, until a correction takes them in
    (app/domain/stage.py): the host sees who, for which project, and the numbers."""
    return [
        {
            "project": pid,
            "judge": jid,
            "total": data["total"],
            "values": data["values"],
            "comment": data["comment"],
            "at": data["at"],
        }
        for (pid, jid), data in sorted(state.refused.items(), key=lambda item: item[1]["at"])
    ]


def my_scores_section(state: EventState, judge: str) -> dict[str, Any]:
    return {
        pid: {
            "values": s.values_as_numbers(),
            "total": rounded(s.total, state.event.scoring),
            "comment": s.comment,
            "at": s.at,
            "version": s.version,
        }
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


def vote_section(state: EventState) -> dict[str, Any]:
    """The audience vote for everyone: the window and the number of votes, never the tally before the
    host reveals it; the revealed tally (points rounded as shown) once revealed."""
    rules = state.event.audience
    if not rules.enabled:
        return {"enabled": False}
    window = state.vote
    revealed = None
    if window.revealed is not None:
        scoring = state.event.scoring
        revealed = {
            "ballots": window.revealed["ballots"],
            "voters": window.revealed["voters"],
            "projects": [
                {
                    "project": row["project"],
                    "votes": row["votes"],
                    "mean_stars": shown(Fraction(row["stars"], row["votes"]), 2, "half_up") if row["votes"] else None,
                    "points": rounded(Fraction(row["points"]), scoring),
                    "rank": row["rank"],
                }
                for row in window.revealed["projects"]
            ],
        }
    return {
        "enabled": True,
        "mode": rules.mode,
        "window": rules.window,
        "use": rules.use,
        "weight": rules.weight,
        "tickets": rules.tickets,
        "open": window.open,
        "project": window.project,
        "opened": list(window.opened),
        "count": state.ballots.count,
        "voters": state.ballots.voters(),
        "revealed": revealed,
    }


# ---------------------------------------------------------------------- sections and what they read
# Each section with the aspects of the state it reads (see Touched in app/domain/touched.py): after a
# change the live service recomputes only the sections that read something the change touched. The
# "event" aspect (a new definition) is read by every section. tests/test_views_incremental.py replays
# whole events and checks that recomputing only these gives exactly what recomputing all would.
_E = "event"
SHARED_SECTIONS: dict[str, tuple[frozenset[str], Callable[[EventState], Any]]] = {
    # the event's pictures come with it (a picture change touches everything: it is not in app/domain/touched.py)
    "event": (
        frozenset({_E}),
        lambda s: event_section(s.event) | {"logo": media_url(s, "logo"), "sponsors": media_url(s, "sponsors")},
    ),
    "projects": (frozenset({_E, "order", "status"}), projects_section),
    "current": (frozenset({_E, "order", "status"}), current_section),
    "timer": (frozenset({_E, "timers"}), timer_section),
    "scene": (frozenset({_E, "scene", "ceremony"}), scene_section),
    "progress": (frozenset({_E, "status", "sheets"}), progress_section),
    # Ranked sections read the running order too: it lists tied projects (docs/event-file.md §6).
    "result": (frozenset({_E, "revealed", "sheets", "order"}), result_section),
    "leaderboard": (frozenset({_E, "revealed", "sheets", "order"}), leaderboard_section),
    "ceremony": (frozenset({_E, "ceremony"}), ceremony_section),
    "commentary": (frozenset({_E, "commentary"}), commentary_section),
    "interlude": (frozenset({_E, "commentary"}), interlude_section),
    "vote": (frozenset({_E, "vote", "ballots"}), vote_section),
}
JUDGE_SHARED = ("event", "projects", "current", "timer", "scene", "progress")
JUDGE_OWN_SECTIONS: dict[str, tuple[frozenset[str], Callable[[EventState, str], Any]]] = {
    "me": (frozenset({_E, "order", "sheets"}), me_section),
    "my_scores": (frozenset({_E, "sheets"}), my_scores_section),
    "my_points": (frozenset({_E, "commentary", "order"}), my_points_section),
}
HOST_OWN_SECTIONS: dict[str, tuple[frozenset[str], Callable[[EventState, dict[str, dict[str, Any]]], Any]]] = {
    "judges": (frozenset({_E, "presence", "status", "sheets"}), judges_section),
    "standings": (
        frozenset({_E, "sheets", "revealed", "order"}),
        lambda s, _: standings_payload(s, s.standings(), explained=True, include_sheets=True),
    ),
    "awards_preview": (
        frozenset({_E, "sheets", "order"}),
        lambda s, _: awards_as_dicts(s.awards(), s.event.scoring),
    ),
    "host_ceremony": (frozenset({_E, "ceremony"}), lambda s, _: ceremony_section(s, reveal_all=True)),
    "final_lock": (frozenset({_E, "ceremony", "sheets"}), lambda s, _: final_lock_section(s)),
    "refused": (frozenset({_E, "refused"}), lambda s, _: refused_section(s)),
    "host_commentary": (frozenset({_E, "commentary", "order"}), lambda s, _: host_commentary_section(s)),
}


# After a command, the sections are recomputed in three parts (app/live.py, LiveEvent.refresh):
# "now", before the command's acknowledgement: the board's sections that do not rank anything (what
# the projector and the audience wait for; the judges and the host get the same objects);
# "own", a moment later: each role's own sections (the host's judges list, a judge's own scores);
# "later", in short steps after that: the sections that rank the results, once for every command
# handled in the meantime. Snapshots and the full views ("all") always include everything.
RANKED_SECTIONS = frozenset({"result", "leaderboard", "standings", "awards_preview", "final_lock"})
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
