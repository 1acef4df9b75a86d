"""How firmly each award was decided: the awards recomputed on resampled panels.

- Leave one judge out: for each judge who scored, the awards without that judge's sheets.
- Bootstrap over judges: BOOTSTRAP_DEFAULT resamples (BOOTSTRAP_ZSCORE when the event normalises
  with z-scores, whose exact square roots make a panel about 4 times dearer; at most BOOTSTRAP_MAX) of
  as many judges as scored, drawn with replacement by a generator seeded with BOOTSTRAP_SEED, so the same scores always
  give the same shares. A judge drawn twice counts twice (their sheets enter under two labels).

Each resample is decided by the event's own rule (scoring.aggregate, scoring.zscore_adjust), ranking
(results.rank) and award rules (awards.compute_awards). Only the composite is not recomputed from
scratch: the indicators do not change with the panel, so a resample replaces the panel's share of
the composite, `panel × (100 / panel maximum) × panel_weight / Σ weights`, and keeps the rest.

For every top_projects award and every project near its cut (the last WINDOW winners and the first
WINDOW eligible projects after them, and any project that wins in some resamples and not in others):
the share of resamples in which it wins. The margin at the cut is the composite of the lowest winner
minus that of the best eligible non-winner (negative when a per-category cap passed over a project
ranked higher).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .awards import compute_awards
from .models import Event
from .numbers import exact, exact_sum
from .results import ProjectResult, _first_places, rank
from .scoring import ScoreSheet, aggregate, zscore_adjust

BOOTSTRAP_DEFAULT = 200
BOOTSTRAP_ZSCORE = 100
BOOTSTRAP_MAX = 1000
BOOTSTRAP_SEED = 20261203
WINDOW = 2


@dataclass(frozen=True, slots=True)
class CutProject:
    project: str
    rank: int | None  # overall rank under the event's rule
    wins: bool  # wins under the event's rule with the full panel
    loo_share: float  # share of leave-one-judge-out panels in which it wins
    bootstrap_share: float  # share of bootstrap panels in which it wins


@dataclass(frozen=True, slots=True)
class AwardStability:
    award: str
    margin: Fraction | None  # composite points between the last winner and the best non-winner
    projects: list[CutProject]


@dataclass(frozen=True, slots=True)
class Stability:
    resamples: int  # bootstrap panels drawn
    loo_panels: int  # leave-one-out panels (one per judge who scored)
    seed: int
    awards: list[AwardStability]


def _counted(
    sheets: Mapping[tuple[str, str], ScoreSheet], recused: Collection[tuple[str, str]]
) -> dict[str, dict[str, Fraction]]:
    """judge -> {project: total} of the sheets that count."""
    by_judge: dict[str, dict[str, Fraction]] = {}
    for (project, judge), sheet in sheets.items():
        if (judge, project) not in recused:
            by_judge.setdefault(judge, {})[project] = sheet.total
    return by_judge


class _Panels:
    """Decides the top_projects awards for any panel of judges (repeats allowed), with what does not
    depend on the panel worked out once."""

    def __init__(
        self,
        event: Event,
        base: Mapping[str, ProjectResult],
        by_judge: Mapping[str, Mapping[str, Fraction]],
        order: Sequence[str],
    ) -> None:
        self.event, self.base, self.by_judge, self.order = event, base, by_judge, order
        weight_total = exact_sum([exact(event.panel_weight), *(exact(i.weight) for i in event.indicators)])
        panel_max = exact_sum([exact(c.max) * exact(c.weight) for c in event.criteria])
        self.share = 100 / panel_max * exact(event.panel_weight) / weight_total if panel_max else Fraction(0)
        # The indicators' part of each composite: the same whoever sits on the panel.
        self.rest = {
            pid: exact_sum([c.contribution for c in r.components[1:] if c.contribution is not None])
            for pid, r in base.items()
        }
        self.panel_order = [j.id for j in event.judges]

    def winners(self, panel: Sequence[str]) -> dict[str, set[str]]:
        """award id -> winning project ids, with `panel` (judge ids, repeats allowed) as the judges."""
        event, rules = self.event, self.event.scoring
        totals: dict[tuple[str, str], Fraction] = {}
        seen: dict[str, int] = {}
        for judge in panel:
            seen[judge] = seen.get(judge, 0) + 1
            label = judge if seen[judge] == 1 else f"{judge}~{seen[judge]}"
            for project, total in self.by_judge.get(judge, {}).items():
                totals[(project, label)] = total
        adjusted = zscore_adjust(totals, event.panel_max) if rules.normalize == "zscore" else totals
        per_project: dict[str, list[tuple[str, Fraction]]] = {}
        for (project, label), value in adjusted.items():
            per_project.setdefault(project, []).append((label, value))
        first = _first_places(totals)  # the ranking's third key (results.py), for this panel
        results: dict[str, ProjectResult] = {}
        for pid, result in self.base.items():
            pairs = per_project.get(pid, [])
            outcome = aggregate(pairs, rules, self.panel_order)
            composite = None if outcome.score is None else outcome.score * self.share + self.rest[pid]
            flags = ["no_scores"] if not pairs else ["insufficient_panel"] if len(pairs) < rules.min_panel else []
            results[pid] = dataclasses.replace(
                result, panel=outcome.score, composite=composite, first_places=first.get(pid, 0), flags=flags
            )
        standings = rank(event, results, None, self.order)
        awards = compute_awards(event, standings, self.order)
        return {a.id: {w.project for w in a.winners} for a in awards if a.kind == "top_projects"}


def default_resamples(event: Event) -> int:
    return BOOTSTRAP_ZSCORE if event.scoring.normalize == "zscore" else BOOTSTRAP_DEFAULT


def rank_stability(
    event: Event,
    sheets: Mapping[tuple[str, str], ScoreSheet],
    recused: Collection[tuple[str, str]],
    base: Mapping[str, ProjectResult],
    order: Sequence[str],
    resamples: int | None = None,
    seed: int = BOOTSTRAP_SEED,
) -> Stability:
    """`base`: the results under the event's rule with the full panel (state.results()); `resamples`:
    the bootstrap panels to draw (None: the event's default, `default_resamples`)."""
    resamples = default_resamples(event) if resamples is None else max(0, min(int(resamples), BOOTSTRAP_MAX))
    by_judge = _counted(sheets, recused)
    judges = [j.id for j in event.judges if j.id in by_judge]
    panels = _Panels(event, base, by_judge, order)
    full = panels.winners(judges)
    loo = [panels.winners([j for j in judges if j != out]) for out in judges] if len(judges) >= 2 else []
    rng = random.Random(seed)
    draws = [rng.choices(judges, k=len(judges)) for _ in range(resamples)] if judges else []
    boot = [panels.winners(panel) for panel in draws]
    standings = rank(event, base, None, order)
    awards = []
    for award_id, winners in full.items():
        eligible = [
            pid
            for pid in standings.overall
            if standings.results[pid].rank is not None and "insufficient_panel" not in standings.results[pid].flags
        ]
        winning = [pid for pid in eligible if pid in winners]
        losing = [pid for pid in eligible if pid not in winners]

        def share(panels: list[dict[str, set[str]]], pid: str, award: str = award_id) -> float:
            return sum(pid in p[award] for p in panels) / len(panels) if panels else float("nan")

        near = set(winning[-WINDOW:]) | set(losing[:WINDOW])
        near |= {pid for pid in eligible if 0 < share(boot, pid) < 1 or 0 < share(loo, pid) < 1}
        margin = None
        if winning and losing:
            lowest = min(standings.results[pid].composite or Fraction(0) for pid in winning)
            margin = lowest - (standings.results[losing[0]].composite or Fraction(0))
        rows = [
            CutProject(pid, standings.results[pid].rank, pid in winners, share(loo, pid), share(boot, pid))
            for pid in eligible
            if pid in near
        ]
        awards.append(AwardStability(award_id, margin, rows))
    return Stability(resamples=len(boot), loo_panels=len(loo), seed=seed, awards=awards)
