"""The judging report (issue 15): panel agreement, judge calibration, outlying scores, the ranking
under every rule and how firmly each award was decided, as one JSON-ready dict.

Host only: GET /host/api/judging returns `judging_report(state)` (docs/protocol.md, "Judging
report"); the report page, its printable version and the results workbook's sheet show the same
dict. Computed on request from a snapshot of the state, never on a live change: the bootstrap is the
costly part (docs/performance.md). Formulas: docs/judging-statistics.md.

Statistics are floats rounded to STAT_DECIMALS; points (offsets, totals, margins) are rounded to the
event's decimals and rounding mode like every other number Roadshow shows. Undefined values (too
few judges or projects, no variance) are null.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction
from typing import Any

from ..domain.agreement import ICC_FORMS, complete_block, icc, kendall_w
from ..domain.calibration import (
    LENIENCY_SHARE,
    OUTLIER_MIN_OTHERS,
    OUTLIER_SDS,
    OUTLIER_SHARE,
    calibrate,
    find_outliers,
)
from ..domain.models import Event
from ..domain.rule_compare import award_winners, compare_rules, ranks_of
from ..domain.stability import rank_stability
from ..domain.state import EventState
from ..results_views import rounded

STAT_DECIMALS = 4


def _stat(value: float | None) -> float | None:
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return round(float(value), STAT_DECIMALS)


def _points(value: float | Fraction | None, event: Event) -> float | None:
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return None
    return rounded(Fraction(value) if isinstance(value, float) else value, event.scoring)


def _title(event: Event, pid: str) -> str:
    project = event.project(pid)
    return (project.short_title or project.title) if project else pid


def _judge_name(event: Event, jid: str) -> str:
    judge = event.judge(jid)
    return judge.name if judge else jid


def _counted_cells(state: EventState) -> dict[tuple[str, str], float]:
    return {(p, j): float(sheet.total) for (p, j), sheet in state.sheets.items() if (j, p) not in state.recused}


def _criterion_cells(state: EventState, criterion: str) -> dict[tuple[str, str], float]:
    return {
        (p, j): float(sheet.values[criterion])
        for (p, j), sheet in state.sheets.items()
        if (j, p) not in state.recused and criterion in sheet.values
    }


def _agreement(cells: dict[tuple[str, str], float], projects: list[str], judges: list[str]) -> dict[str, Any]:
    block = complete_block(cells, projects, judges)
    out: dict[str, Any] = {
        "projects": list(block.projects),
        "judges": list(block.judges),
        "left_out_projects": list(block.left_out_projects),
        "left_out_judges": list(block.left_out_judges),
        "icc": None,
        "kendall_w": None,
    }
    n, k = block.matrix.shape
    if n >= 2 and k >= 2:
        found = icc(block.matrix)
        out["icc"] = [
            {
                "form": form,
                "value": _stat(found[form].value),
                "lower": _stat(found[form].lower),
                "upper": _stat(found[form].upper),
                "f": _stat(found[form].f),
                "df1": _stat(found[form].df1),
                "df2": _stat(found[form].df2),
                "p": _stat(found[form].p),
            }
            for form in ICC_FORMS
        ]
        w = kendall_w(block.matrix)
        out["kendall_w"] = {"w": _stat(w.w), "chi2": _stat(w.chi2), "df": w.df, "p": _stat(w.p)}
    return out


def project_outliers(state: EventState, project: str | None = None) -> list[dict[str, Any]]:
    """The outlying single totals (calibration.find_outliers), of one project or all: what the close
    dialog shows the host before the reveal."""
    event = state.event
    cells = _counted_cells(state)
    found = find_outliers(cells, state.order, [j.id for j in event.judges], event.panel_max)
    return [
        {
            "project": o.project,
            "title": _title(event, o.project),
            "judge": o.judge,
            "judge_name": _judge_name(event, o.judge),
            "total": _points(o.total, event),
            "reference": _points(o.reference, event),
            "deviation": _points(o.deviation, event),
            "limit": _points(o.limit, event),
        }
        for o in found
        if project is None or o.project == project
    ]


def judging_report(state: EventState, resamples: int | None = None) -> dict[str, Any]:
    """`resamples`: bootstrap panels (None: the event's default, app/domain/stability.py)."""
    event = state.event
    projects = list(state.order)
    judges = [j.id for j in event.judges]
    cells = _counted_cells(state)
    agreement = _agreement(cells, projects, judges)
    agreement["criteria"] = []
    for criterion in event.criteria:
        per = _agreement(_criterion_cells(state, criterion.id), projects, judges)
        forms = {row["form"]: row for row in per["icc"] or []}
        agreement["criteria"].append(
            {
                "id": criterion.id,
                "name": criterion.name,
                "icc_2_1": forms.get("ICC(2,1)"),
                "icc_2_k": forms.get("ICC(2,k)"),
            }
        )
    calibration = calibrate(cells, projects, judges, event.panel_max)
    comparison = compare_rules(event, state.sheets, state.recused, state.order)
    stability = rank_stability(event, state.sheets, state.recused, state.results(), state.order, resamples)
    base_ranks = ranks_of(comparison.event_rule.standings)
    award_names = {a.id: a.name for a in event.awards}
    return {
        "event": {"title": event.title, "date": event.date},
        "generated_at": time.time(),
        "scored": {"projects": len({p for p, _ in cells}), "judges": len({j for _, j in cells}), "sheets": len(cells)},
        "thresholds": {
            "outlier_share": OUTLIER_SHARE,
            "outlier_points": _points(OUTLIER_SHARE * event.panel_max, event),
            "outlier_sds": OUTLIER_SDS,
            "outlier_min_others": OUTLIER_MIN_OTHERS,
            "leniency_share": LENIENCY_SHARE,
            "leniency_points": _points(LENIENCY_SHARE * event.panel_max, event),
        },
        "agreement": agreement,
        "within_sd": _points(calibration.within_sd, event),
        "judges": [
            {
                "judge": r.judge,
                "name": _judge_name(event, r.judge),
                "scored": r.scored,
                "compared": r.compared,
                "offset": _points(r.offset, event),
                "lower": _points(r.lower, event),
                "upper": _points(r.upper, event),
                "offset_z": _stat(r.offset_z),
                "lower_z": _stat(r.lower_z),
                "upper_z": _stat(r.upper_z),
                "spread": _points(r.spread, event),
                "rho": _stat(r.rho),
                "verdict": r.verdict,
            }
            for r in calibration.judges
            if r.scored
        ],
        "outliers": project_outliers(state),
        "deviations": [
            {"project": p, "judge": j, "deviation": _points(d, event)}
            for (p, j), d in sorted(
                calibration.deviations.items(), key=lambda kv: (projects.index(kv[0][0]), judges.index(kv[0][1]))
            )
        ],
        "rules": {
            "event_rule": {"rule": event.scoring.rule, "normalize": event.scoring.normalize},
            "rows": [
                {
                    "rule": o.rule,
                    "normalize": o.normalize,
                    "is_event_rule": o.is_event_rule,
                    "tau": _stat(comparison.tau[(o.rule, o.normalize)]),
                    "ranks": ranks_of(o.standings),
                    "rank_changes": sum(
                        1 for pid, r in ranks_of(o.standings).items() if base_ranks.get(pid) not in (None, r)
                    ),
                    "winners": {
                        a.id: list(award_winners(a)) for a in o.awards if a.kind in ("top_projects", "team_leaders")
                    },
                }
                for o in comparison.outcomes
            ],
            "changes": [
                {
                    "award": c.award,
                    "award_name": award_names.get(c.award, c.award),
                    "rule": c.rule,
                    "normalize": c.normalize,
                    "project": c.project,
                    "title": _title(event, c.project),
                    "name": c.name,
                    "change": c.change,
                }
                for c in comparison.changes
            ],
        },
        "stability": {
            "resamples": stability.resamples,
            "loo_panels": stability.loo_panels,
            "seed": stability.seed,
            "awards": [
                {
                    "award": a.award,
                    "name": award_names.get(a.award, a.award),
                    "margin": _points(a.margin, event),
                    "projects": [
                        {
                            "project": c.project,
                            "title": _title(event, c.project),
                            "rank": c.rank,
                            "wins": c.wins,
                            "loo_share": _stat(c.loo_share),
                            "bootstrap_share": _stat(c.bootstrap_share),
                        }
                        for c in a.projects
                    ],
                }
                for a in stability.awards
            ],
        },
    }
