"""The sections of the commentary scene and the break (app/domain/commentary.py), for app/views.py.

Privacy is decided here as much as in the domain: the board's `commentary` section carries only the
points the host chose that the speaking judge still shares; the host's `host_commentary` lists only
shared points to choose from; a judge's own `my_points` is the one place an unshared point appears.
"""

from __future__ import annotations

from typing import Any

from .domain.commentary import Point
from .domain.media import media_url
from .domain.state import EventState


def _point(project: str, p: Point) -> dict[str, Any]:
    return {"id": p.id, "project": project, "kind": p.kind, "text": p.text}


def _speaker(state: EventState, judge_id: str) -> dict[str, Any]:
    judge = state.event.judge(judge_id)
    if judge is None:  # removed by an edit since: the commentary names nobody
        return {"id": judge_id, "name": "", "title": "", "affiliation": "", "portrait": None}
    portrait = media_url(state, f"judge:{judge.id}")
    return {
        "id": judge.id,
        "name": judge.name,
        "title": judge.title,
        "affiliation": judge.affiliation,
        "portrait": portrait,
    }


def commentary_section(state: EventState) -> dict[str, Any] | None:
    """The commentary on the board, or None: the speaker, the project (None: the whole event), the
    speaking timer (None: no speaking time set) and the points shown."""
    c = state.commentary
    if c is None:
        return None
    project = state.event.project(c.project) if c.project else None
    return {
        "judge": _speaker(state, c.judge),
        "project": {"id": project.id, "title": project.title, "team": project.team} if project else None,
        "timer": c.timer.as_dict() if c.timer else None,
        "points": [_point(pid, p) for pid, p in state.shown_points()],
    }


def interlude_section(state: EventState) -> dict[str, Any]:
    """The break's countdown (the `break` scene): until when, how long, and its line of text."""
    b = state.interlude
    return {"break": {"until": b.until, "seconds": b.seconds, "message": b.message} if b else None}


def host_commentary_section(state: EventState) -> dict[str, Any]:
    """For the host: each judge's SHARED points (to choose from), and what is chosen now."""
    shared = {j.id: [_point(pid, p) for pid, p in state.points_of(j.id, None) if p.shared] for j in state.event.judges}
    c = state.commentary
    return {"shared": shared, "chosen": list(c.chosen) if c else []}


def my_points_section(state: EventState, judge: str) -> dict[str, list[dict[str, Any]]]:
    """A judge's own points, shared or not, by project."""
    out: dict[str, list[dict[str, Any]]] = {}
    for pid, p in state.points_of(judge, None):
        out.setdefault(pid, []).append(_point(pid, p) | {"shared": p.shared, "at": p.at})
    return out
