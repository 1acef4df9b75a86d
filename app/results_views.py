"""The results as each screen shows them: the ranked rows and their explanation, the revealed result,
the leaderboard, the ceremony's steps and the final lock (sections of app/views.py; the printed and
exported results use the same rows: app/documents/).

Every computed number leaves through `rounded` (rounded once, to the event's decimals, with its
rounding mode: app/domain/numbers.py).
"""

from __future__ import annotations

from typing import Any

from .domain.ceremony import companions, revealed_winners
from .domain.models import Event, ScoringRules
from .domain.numbers import NumberLike, apportion, from_units, shown, units
from .domain.results import ProjectResult, Standings
from .domain.state import EventState
from .round_views import carried_marked, project_path


def rounded(value: NumberLike | None, scoring: ScoringRules) -> float | None:
    """A computed number as it is shown and sent: rounded once to the event's decimals and mode."""
    return shown(value, scoring.decimals, scoring.rounding)


def _row(event: Event, r: ProjectResult) -> dict[str, Any]:
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
        "composite": rounded(r.composite, event.scoring),
        "panel": rounded(r.panel, event.scoring),
        "panel_max": event.panel_max,
    }


def _components(r: ProjectResult, scoring: ScoringRules) -> list[dict[str, Any]]:
    """The composite's breakdown. The shown contributions add up to the shown composite: they are
    apportioned by largest remainder (numbers.apportion), so each is its exact value rounded down or
    up, not necessarily to the nearer (docs/event-file.md §6)."""
    d = scoring.decimals
    contributions: list[int | None] = [None] * len(r.components)
    if r.composite is not None:
        total_units = units(r.composite, d, scoring.rounding)
        contributions = apportion([c.contribution for c in r.components], total_units, d)
    return [
        {
            "id": c.id,
            "name": c.name,
            "weight": c.weight,
            "value": rounded(c.value, scoring),
            "max": c.max,
            "score_100": rounded(c.score_100, scoring),
            "contribution": None if share is None else from_units(share, d),
        }
        for c, share in zip(r.components, contributions, strict=True)
    ]


def explained_row(
    event: Event,
    r: ProjectResult,
    revealed: bool,
    sheets: dict[str, dict[str, Any]] | None = None,
    judge_scores: bool = True,
) -> dict[str, Any]:
    """A result with its explanation. Without `judge_scores` (the public results while the event
    withholds them: `publish_judge_scores`) it names no judge and carries no judge's total."""
    s = event.scoring
    return _row(event, r) | {
        "components": carried_marked(event, _components(r, s)),
        "path": project_path(event, r.project),
        "method": r.method,
        "valid": len(r.totals),
        "counted": list(r.counted) if judge_scores else [],
        "dropped": list(r.dropped) if judge_scores else [],
        "recused": list(r.recused) if judge_scores else [],
        "totals": {j: rounded(t, s) for j, t in r.totals.items()} if judge_scores else {},
        "adjusted": {j: rounded(t, s) for j, t in r.adjusted.items()} if judge_scores else {},
        "flags": list(r.flags),
        "first_places": r.first_places,
        "revealed": revealed,
        "sheets": sheets or {},
    }


def standings_payload(
    state: EventState,
    standings: Standings,
    explained: bool,
    include_sheets: bool = False,
    judge_scores: bool = True,
) -> dict[str, Any]:
    event = state.event
    revealed = set(state.revealed)
    sheets_by_project: dict[str, dict[str, dict[str, Any]]] = {}
    if include_sheets:
        for (p, j), sheet in state.sheets.items():
            sheets_by_project.setdefault(p, {})[j] = sheet.values_as_numbers()
    rows: dict[str, dict[str, Any]] = {}  # one row per project, shared by the overall and category lists

    def row(pid: str) -> dict[str, Any]:
        if pid not in rows:
            r = standings.results[pid]
            if not explained:
                rows[pid] = _row(event, r)
            else:
                sheets = sheets_by_project.get(pid, {}) if include_sheets else None
                rows[pid] = explained_row(event, r, pid in revealed, sheets, judge_scores)
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
    return _row(state.event, r) | {
        "components": _components(r, state.event.scoring),
        "counted": len(r.counted),
        "dropped": len(r.dropped),
        "flags": list(r.flags),
        "anchor": state.reveal_anchor,
    }


def leaderboard_section(state: EventState) -> dict[str, Any]:
    return standings_payload(state, state.standings(revealed_only=True), explained=False)


def ceremony_section(state: EventState, reveal_all: bool = False) -> dict[str, Any] | None:
    """The ceremony as far as it has been revealed (the board), or whole (`reveal_all`: the host).

    The board receives only what has been revealed: per award the winners revealed so far (best
    first, as in the award), how many, whether the award is complete, and `tie_at_cut` only once it
    is complete; no placeholders, no winner count, no step count. So the hall cannot count the
    winners still to come or see a tie coming. `current.winner` indexes the revealed winners (-1
    for an award shown whole); `current.with` lists the winners revealed on the same step (a team's
    leader, app/domain/ceremony.py), indexed the same way. The host also gets every step."""
    ceremony = state.ceremony
    if ceremony is None:
        return None
    scoring = state.event.scoring
    shown_steps = ceremony.steps if reveal_all else ceremony.steps[: ceremony.step]
    revealed = revealed_winners(ceremony.awards, shown_steps)
    awards = []
    for index, award in enumerate(ceremony.awards):
        visible = sorted(revealed.get(index, set()))
        complete = len(visible) == len(award["winners"])
        winners = [_shown_winner(award["winners"][i], scoring) for i in visible]
        entry: dict[str, Any] = {"id": award["id"], "name": award["name"], "kind": award["kind"]}
        if reveal_all:
            entry |= {"tie_at_cut": award["tie_at_cut"], "winners": winners, "revealed": len(visible)}
            entry["total"] = len(award["winners"])
        else:
            entry |= {"winners": winners, "revealed": len(visible), "complete": complete}
            if complete:
                entry["tie_at_cut"] = award["tie_at_cut"]
        awards.append(entry)

    def placed(step: tuple[int, int]) -> dict[str, int]:
        award_index, winner_index = step
        if winner_index >= 0 and not reveal_all:  # the board's lists hold the revealed winners only
            winner_index = sorted(revealed[award_index]).index(winner_index)
        return {"award": award_index, "winner": winner_index}

    def described(step: tuple[int, int]) -> dict[str, Any]:
        return placed(step) | {"with": [placed(c) for c in companions(ceremony.awards, step)]}

    current = described(ceremony.steps[ceremony.step - 1]) if ceremony.step > 0 else None
    out: dict[str, Any] = {"step": ceremony.step, "awards": awards, "current": current}
    if reveal_all:
        out["total_steps"] = len(ceremony.steps)
        out["steps"] = [described(step) for step in ceremony.steps]
    return out


def _shown_winner(winner: dict[str, Any], scoring: ScoringRules) -> dict[str, Any]:
    """A frozen winner with its composite rounded as shown (ceremonies frozen before exact arithmetic
    hold the unrounded composite)."""
    return winner | {"composite": rounded(winner.get("composite"), scoring)}


def final_lock_section(state: EventState) -> dict[str, Any]:
    """The host's view of the final lock (app/domain/final_lock.py): locked once the ceremony has
    started; while reopened, which awards the standings now would change (the preview)."""
    return {
        "locked": state.ceremony is not None and state.reopened is None,
        "reopened": state.reopened,
        "changes": state.award_changes() if state.reopened is not None else [],
    }
