"""What the printable pages show: each judge's score sheet, the results for the chief judge's
signature, and the award certificates. The templates render these and autoescape their text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..domain.media import media_url
from ..domain.state import EventState
from ..i18n import N_
from ..results_views import rounded, standings_payload
from ..round_views import round_section
from .commentary import commentary_sessions
from .formatting import NORMALIZE_LABELS, RULE_LABELS, fmt_fixed, fmt_score, local_time
from .rounds_path import path_text
from .state_view import current_awards


@dataclass(slots=True)
class ScoreSheetRow:
    position: int
    project: str
    title: str
    team: str
    scores: list[str]
    total: str
    comment: str
    submitted: str
    version: int
    recused: bool


def judge_score_sheets(state: EventState, judges: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One sheet per judge: every project the judge scored (running order), each criterion, total, comment."""
    event = state.event
    out = []
    for judge in event.judges:
        if judges is not None and judge.id not in judges:
            continue
        rows = []
        not_scored = []
        for position, pid in enumerate(state.order, start=1):
            project = event.project(pid)
            assert project is not None
            sheet = state.sheets.get((pid, judge.id))
            if sheet is None:
                if (judge.id, pid) not in state.recused:
                    not_scored.append(f"{position}. {project.title}")
                continue
            rows.append(
                ScoreSheetRow(
                    position=position,
                    project=pid,
                    title=project.title,
                    team=project.team,
                    scores=[fmt_score(sheet.values.get(c.id)) for c in event.criteria],
                    total=fmt_fixed(rounded(sheet.total, event.scoring), event.scoring.decimals),
                    comment=sheet.comment,
                    submitted=local_time(sheet.at),
                    version=sheet.version,
                    recused=(judge.id, pid) in state.recused,
                )
            )
        out.append({"judge": judge, "number": event.judges.index(judge) + 1, "rows": rows, "not_scored": not_scored})
    return out


def results_page(state: EventState) -> dict[str, Any]:
    """The standings, awards and rules for the chief judge's signature (host scope: everything scored)."""
    event = state.event
    d = event.scoring.decimals
    payload = standings_payload(state, state.standings(), explained=True)
    names = {j.id: j.name for j in event.judges}

    def row(r: dict[str, Any]) -> dict[str, Any]:
        comps = {c["id"]: c for c in r["components"]}
        return {
            "rank": r["rank"],
            "tied": r["tied"],
            "category_rank": r["category_rank"],
            "category_tied": r["category_tied"],
            "project": r["project"],
            "title": r["title"],
            "team": r["team"],
            "category_name": r["category_name"],
            "panel": fmt_fixed(r["panel"], d),
            "indicators": [fmt_score(comps.get(i.id, {}).get("value")) for i in event.indicators],
            "composite": fmt_fixed(r["composite"], d),
            "counted": len(r["counted"]),
            "dropped": [names.get(j, j) for j in r["dropped"]],
            "method": r["method"],
            "flags": r["flags"],
            "path": path_text(event, r),
        }

    awards, final = current_awards(state)
    unranked = []
    for pid in payload["unranked"]:
        p = event.project(pid)
        if p is not None:
            unranked.append({"project": pid, "title": p.title, "team": p.team})
    s = event.scoring
    return {
        "overall": [row(r) for r in payload["overall"]],
        "by_category": [
            {"category": c, "rows": [row(r) for r in payload["by_category"].get(c.id, [])]} for c in event.categories
        ],
        "unranked": unranked,
        "awards": awards,
        "awards_final": final,
        "rules": {
            "rule": RULE_LABELS[s.rule][2],
            "normalize": NORMALIZE_LABELS[s.normalize][2],
            "trim": s.trim,
            "trim_from": max(s.trim_min_judges, 2 * s.trim + 1),
            "is_trimmed": s.rule == "trimmed_mean" and s.trim > 0,
            "min_panel": s.min_panel,
            "decimals": s.decimals,
            "panel_max": fmt_score(event.panel_max),
            "weights": [(N_("Panel score"), event.panel_weight)] + [(i.name, i.weight) for i in event.indicators],
            "weight_total": event.composite_weight_total or 1.0,
        },
        "round": round_section(event),
        "has_path": bool(event.round and event.earlier_results),
        "scored": len(payload["overall"]),
        "project_count": len(event.projects),
        "commentary": commentary_sessions(state),
    }


def certificates(state: EventState, award_id: str | None = None) -> tuple[list[dict[str, Any]], bool]:
    """One certificate per winner of every award (or of `award_id`): excellent teams, their leaders,
    each volunteer on the honour roll. Second value: whether the awards are final."""
    event = state.event
    awards, final = current_awards(state)
    out = []
    for award in awards:
        if award_id and award["id"] != award_id:
            continue
        for w in award["winners"]:
            category = event.category(w.get("category") or "")
            if award["kind"] in ("top_projects", "people_choice"):
                detail = w.get("project_title") or ""
            elif award["kind"] == "team_leaders":
                detail = " · ".join(x for x in (w.get("team"), w.get("project_title")) if x)
            else:
                detail = w.get("team") or ""
            out.append(
                {
                    "award": award["name"],
                    "award_id": award["id"],
                    "kind": award["kind"],
                    "name": w["name"],
                    "detail": detail,
                    "category": category.name if category else "",
                    # issue 16: the event's logo on every certificate, a team's project picture on its own
                    "logo": media_url(state, "logo"),
                    "picture": media_url(state, f"project:{w['project']}")
                    if w.get("project") and award["kind"] != "honour_roll"
                    else None,
                }
            )
    return out, final
