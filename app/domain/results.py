"""Per-project results, the composite score and the rankings, each with its explanation.

Composite (100-point scale):
    panel_100 = 100 * panel / panel_max
    indicator_100 = 100 * value / indicator.max
    composite = sum_i weight_i * component_100_i / sum_i weight_i
over the live panel (weight `panel_weight`) and every pre-collected indicator. When the audience vote
enters the composite (`[audience] use = "composite"`, weight w) and the host has revealed it:
    composite = (1 - w) * the composite above + w * audience_100
with audience_100 the project's audience points (app/domain/votes.py); until the reveal the composite
is the panel's and the indicators' alone, and each result carries the flag `audience_pending`.

Every value here is exact (fractions, app/domain/numbers.py); the composite is the exact sum of
the exact contributions. Rounding happens once: for ranking (below) and when a number is shown.

Ranking (overall and per category), highest first, by these keys in turn:
    1. composite, rounded to the event's decimals with the event's rounding mode;
    2. panel score, rounded the same way;
    3. first places: how many judges gave this project their highest total of the event (every
       valid total counts, trimmed or not; a judge whose highest total is shared by several
       projects gives each of them a first place).
Projects still equal on all three share a rank ("1, 2, 2, 4"); `tied` marks them, and the live
running order decides only their listing order. Projects without any valid score are listed
unranked. The projects ranked are the ones asked for: the revealed ones for the public.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .models import Event
from .numbers import exact, exact_sum, units
from .scoring import ScoreSheet, aggregate, zscore_adjust


@dataclass(slots=True)
class Component:
    id: str  # "panel" or an indicator id
    name: str
    weight: float
    value: Fraction | None  # in its own unit (panel points, indicator points)
    max: float
    score_100: Fraction | None  # value on a 100-point scale
    contribution: Fraction | None  # weight * score_100 / total weight: its share of the composite


@dataclass(slots=True)
class ProjectResult:
    project: str
    category: str
    totals: dict[str, Fraction]  # the valid totals: judge -> raw weighted total (recused excluded)
    adjusted: dict[str, Fraction]  # judge -> total after normalisation (equals totals without it)
    counted: tuple[str, ...]  # judges whose totals the rule used (the valid ones less the dropped)
    dropped: tuple[str, ...]
    recused: tuple[str, ...]
    method: str
    panel: Fraction | None
    components: list[Component]
    composite: Fraction | None
    first_places: int = 0
    flags: list[str] = field(default_factory=list)
    rank: int | None = None
    tied: bool = False
    category_rank: int | None = None
    category_tied: bool = False


@dataclass(slots=True)
class Standings:
    results: dict[str, ProjectResult]
    overall: list[str]  # project ids, ranked first, then unranked in running order
    by_category: dict[str, list[str]]


def compute_results(
    event: Event,
    sheets: Mapping[tuple[str, str], ScoreSheet],
    recused: Collection[tuple[str, str]],
    audience: Mapping[str, Fraction] | None = None,
) -> dict[str, ProjectResult]:
    """Results for every project from the latest sheets. `sheets` maps (project, judge);
    `recused` holds (judge, project) pairs whose scores never count; `audience` is each project's
    revealed audience points when the vote enters the composite (None: not revealed yet)."""
    counted_totals = {
        (project, judge): sheet.total for (project, judge), sheet in sheets.items() if (judge, project) not in recused
    }
    rules = event.scoring
    adjusted_all = (
        zscore_adjust(counted_totals, event.panel_max) if rules.normalize == "zscore" else dict(counted_totals)
    )
    first_places = _first_places(counted_totals)
    results: dict[str, ProjectResult] = {}
    weight_total = exact_sum([exact(event.panel_weight), *(exact(i.weight) for i in event.indicators)]) or Fraction(1)
    panel_max = exact_sum([exact(c.max) * exact(c.weight) for c in event.criteria])
    panel_order = [j.id for j in event.judges]
    # Each component's factors, once: (id, name, weight, max, 100 / max, weight / Σ weight).
    parts = [_part("panel", "panel", event.panel_weight, panel_max, weight_total)] + [
        _part(i.id, i.name, i.weight, exact(i.max), weight_total) for i in event.indicators
    ]
    # Grouped by project in one pass each (keeping the sheets' order), not filtered once per project.
    totals_by_project: dict[str, dict[str, float]] = {}
    for (p, j), t in counted_totals.items():
        totals_by_project.setdefault(p, {})[j] = t
    adjusted_by_project: dict[str, dict[str, float]] = {}
    for (p, j), t in adjusted_all.items():
        adjusted_by_project.setdefault(p, {})[j] = t
    recused_by_project: dict[str, list[str]] = {}
    for j, p in recused:
        recused_by_project.setdefault(p, []).append(j)
    for project in event.projects:
        totals = totals_by_project.get(project.id, {})
        adjusted = adjusted_by_project.get(project.id, {})
        outcome = aggregate(adjusted.items(), rules, panel_order)
        recused_here = tuple(sorted(recused_by_project.get(project.id, ())))
        panel = outcome.score
        components = [_component(parts[0], panel)]
        for part, indicator in zip(parts[1:], event.indicators, strict=True):
            value = project.indicators.get(indicator.id)
            components.append(_component(part, None if value is None else exact(value)))
        composite = None
        if panel is not None:
            composite = exact_sum([c.contribution for c in components if c.contribution is not None])
        flags: list[str] = []
        if event.audience.enabled and event.audience.use == "composite":
            if audience is None:
                flags.append("audience_pending")
            else:
                components, composite = _with_audience(event, components, composite, audience.get(project.id))
        if not totals:
            flags.append("no_scores")
        elif len(totals) < rules.min_panel:  # the valid totals, before any trimming
            flags.append("insufficient_panel")
        results[project.id] = ProjectResult(
            project=project.id,
            category=project.category,
            totals=totals,
            adjusted=adjusted,
            counted=outcome.counted,
            dropped=outcome.dropped,
            recused=recused_here,
            method=outcome.method,
            panel=panel,
            components=components,
            composite=composite,
            first_places=first_places.get(project.id, 0),
            flags=flags,
        )
    return results


def rank(
    event: Event,
    results: Mapping[str, ProjectResult],
    only: Iterable[str] | None = None,
    order: Sequence[str] | None = None,
) -> Standings:
    """Rank `only` those projects (all of them when None) overall and within each category.

    `order` is the live running order (after the host's reorders; the event file's order when None):
    it lists tied and unranked projects. Ranks are written into fresh copies: the same results can be
    ranked for the host (everything scored) and for the board (only what has been revealed)."""
    chosen = set(results) if only is None else set(only) & set(results)
    order = event.default_order() if order is None else order
    ranked_results = {pid: _copy(results[pid]) for pid in order if pid in chosen}
    decimals, mode = event.scoring.decimals, event.scoring.rounding

    # The ranking keys, rounded once per project (the sorts below look them up).
    keys = {
        pid: (
            units(r.composite or Fraction(0), decimals, mode),
            units(r.panel or Fraction(0), decimals, mode),
            r.first_places,
        )
        for pid, r in ranked_results.items()
    }

    def key(r: ProjectResult) -> tuple[int, int, int]:
        return keys[r.project]

    scored = [r for r in ranked_results.values() if r.composite is not None]
    unscored = [r.project for r in ranked_results.values() if r.composite is None]
    overall = _assign(scored, key, "rank", "tied") + unscored
    by_category: dict[str, list[str]] = {}
    for category in event.categories:
        members = [r for r in scored if r.category == category.id]
        rest = [pid for pid in unscored if ranked_results[pid].category == category.id]
        by_category[category.id] = _assign(members, key, "category_rank", "category_tied") + rest
    return Standings(results=ranked_results, overall=overall, by_category=by_category)


def _assign(rows: list[ProjectResult], key, rank_attr: str, tied_attr: str) -> list[str]:
    # Stable sort keeps running order among full ties, so the listing is deterministic.
    rows = sorted(rows, key=key, reverse=True)
    keys = [key(r) for r in rows]
    for i, row in enumerate(rows):
        position = i + 1
        if i > 0 and keys[i] == keys[i - 1]:
            position = getattr(rows[i - 1], rank_attr)
        setattr(row, rank_attr, position)
        shared = (i > 0 and keys[i] == keys[i - 1]) or (i + 1 < len(rows) and keys[i] == keys[i + 1])
        setattr(row, tied_attr, shared)
    return [r.project for r in rows]


def _first_places(totals: Mapping[tuple[str, str], Fraction]) -> dict[str, int]:
    # Compared as integers over the common denominator (exact; cheaper than fractions).
    exact_totals = {key: exact(total) for key, total in totals.items()}
    common = math.lcm(*(t.denominator for t in exact_totals.values())) if exact_totals else 1
    scaled = {key: t.numerator * (common // t.denominator) for key, t in exact_totals.items()}
    best: dict[str, int] = {}
    for (_, judge), total in scaled.items():
        best[judge] = max(total, best[judge]) if judge in best else total
    counts: dict[str, int] = {}
    for (project, judge), total in scaled.items():
        if total == best[judge]:
            counts[project] = counts.get(project, 0) + 1
    return counts


_Part = tuple[str, str, float, Fraction, Fraction | None, Fraction]


def _part(cid: str, name: str, weight: float, maximum: Fraction, weight_total: Fraction) -> _Part:
    scale = 100 / maximum if maximum > 0 else None  # to a 100-point scale
    return (cid, name, weight, maximum, scale, exact(weight) / weight_total)


def _component(part: _Part, value: Fraction | None) -> Component:
    cid, name, weight, maximum, scale, share = part
    if value is None or scale is None:
        return Component(cid, name, weight, value, float(maximum), None, None)
    score_100 = value * scale
    return Component(cid, name, weight, value, float(maximum), score_100, score_100 * share)


def _with_audience(
    event: Event, components: list[Component], composite: Fraction | None, points: Fraction | None
) -> tuple[list[Component], Fraction | None]:
    """The components and composite with the audience's share `w`: every other share times (1 - w)."""
    w = exact(event.audience.weight)
    scaled = [
        Component(
            c.id,
            c.name,
            c.weight,
            c.value,
            c.max,
            c.score_100,
            None if c.contribution is None else c.contribution * (1 - w),
        )
        for c in components
    ]
    points = points if points is not None else Fraction(0)
    # named in the event's language, like the indicators the organiser named in the file
    name = "大众评审" if event.language == "zh" else "Audience vote"
    scaled.append(Component("audience", name, event.audience.weight, points, 100.0, points, points * w))
    if composite is None:
        return scaled, None
    return scaled, (1 - w) * composite + w * points


def _copy(r: ProjectResult) -> ProjectResult:
    return ProjectResult(
        project=r.project,
        category=r.category,
        totals=r.totals,
        adjusted=r.adjusted,
        counted=r.counted,
        dropped=r.dropped,
        recused=r.recused,
        method=r.method,
        panel=r.panel,
        components=r.components,
        composite=r.composite,
        first_places=r.first_places,
        flags=list(r.flags),
    )
