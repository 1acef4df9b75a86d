"""Would another rule have changed the ranking or the awards?

The results are recomputed under every panel rule the event file supports (docs/event-file.md §5):
mean, trimmed mean and median, each without and with z-score normalisation, by the very functions the
live results use (results.compute_results, results.rank, awards.compute_awards) with only the event's
`[scoring] rule` and `normalize` changed. A trimmed mean keeps the event's `trim` and
`trim_min_judges`, with `trim = 1` when the event's is 0 (else it would be the plain mean again).

For each rule: every project's overall rank, Kendall's tau-b between its ranking and the event rule's
(over the projects ranked under both), and every award change: a project (or, for a team_leaders
award, a leader) that wins under one rule and not under the other.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

# scipy.stats is imported inside the functions that use it: it takes ~2.5 s to import, and the
# server (and every test server) would otherwise pay that at start-up for a report made once.
from .awards import AwardResult, compute_awards
from .models import AGGREGATION_RULES, NORMALIZATIONS, Event
from .results import Standings, compute_results, rank
from .scoring import ScoreSheet


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    rule: str
    normalize: str
    is_event_rule: bool
    standings: Standings
    awards: list[AwardResult]


@dataclass(frozen=True, slots=True)
class AwardChange:
    award: str  # award id
    rule: str
    normalize: str
    project: str
    name: str  # the winner's name under whichever rule names them (team or leader)
    change: str  # "gains": wins under this rule, not the event's; "loses": the reverse


@dataclass(frozen=True, slots=True)
class RuleComparison:
    event_rule: RuleOutcome
    outcomes: list[RuleOutcome]  # every rule, the event's among them, in a fixed order
    tau: dict[tuple[str, str], float]  # (rule, normalize) -> Kendall's tau-b with the event's ranking
    changes: list[AwardChange]


def rule_event(event: Event, rule: str, normalize: str) -> Event:
    """The event with only its panel rule (and normalisation) changed."""
    scoring = event.scoring
    trim = scoring.trim if scoring.trim > 0 or rule != "trimmed_mean" else 1
    return dataclasses.replace(
        event,
        scoring=dataclasses.replace(scoring, rule=rule, normalize=normalize, trim=trim),  # type: ignore[arg-type]
    )


def outcome_under(
    event: Event,
    sheets: Mapping[tuple[str, str], ScoreSheet],
    recused: Collection[tuple[str, str]],
    order: Sequence[str],
    rule: str,
    normalize: str,
) -> RuleOutcome:
    variant = rule_event(event, rule, normalize)
    standings = rank(variant, compute_results(variant, sheets, recused), None, order)
    is_event_rule = (rule, normalize) == (event.scoring.rule, event.scoring.normalize)
    return RuleOutcome(rule, normalize, is_event_rule, standings, compute_awards(variant, standings, order))


def compare_rules(
    event: Event,
    sheets: Mapping[tuple[str, str], ScoreSheet],
    recused: Collection[tuple[str, str]],
    order: Sequence[str],
) -> RuleComparison:
    outcomes = [
        outcome_under(event, sheets, recused, order, rule, normalize)
        for normalize in NORMALIZATIONS
        for rule in AGGREGATION_RULES
    ]
    base = next(o for o in outcomes if o.is_event_rule)
    tau = {(o.rule, o.normalize): ranking_tau(base.standings, o.standings) for o in outcomes}
    changes = [change for o in outcomes if not o.is_event_rule for change in award_changes(base, o)]
    return RuleComparison(base, outcomes, tau, changes)


def ranks_of(standings: Standings) -> dict[str, int]:
    return {pid: r.rank for pid, r in standings.results.items() if r.rank is not None}


def ranking_tau(a: Standings, b: Standings) -> float:
    """Kendall's tau-b between two rankings over the projects ranked in both (NaN below 2 projects
    or when one ranking is all ties)."""
    from scipy import stats  # lazily: see the note at the imports

    ranks_a, ranks_b = ranks_of(a), ranks_of(b)
    common = [pid for pid in ranks_a if pid in ranks_b]
    if len(common) < 2:
        return math.nan
    first = [ranks_a[p] for p in common]
    second = [ranks_b[p] for p in common]
    if len(set(first)) < 2 or len(set(second)) < 2:
        return math.nan
    return float(stats.kendalltau(first, second).statistic)


def award_winners(award: AwardResult) -> dict[str, str]:
    """project id -> winner's name, for the awards decided from the ranking."""
    return {w.project: w.name for w in award.winners if w.project}


def award_changes(base: RuleOutcome, other: RuleOutcome) -> list[AwardChange]:
    """Who would win or lose each ranking award (top_projects, team_leaders) under `other`."""
    changes: list[AwardChange] = []
    for mine, theirs in zip(base.awards, other.awards, strict=True):
        if mine.kind not in ("top_projects", "team_leaders"):
            continue  # the honour roll does not depend on the scores
        before, after = award_winners(mine), award_winners(theirs)
        for pid, name in after.items():
            if pid not in before:
                changes.append(AwardChange(mine.id, other.rule, other.normalize, pid, name, "gains"))
        for pid, name in before.items():
            if pid not in after:
                changes.append(AwardChange(mine.id, other.rule, other.normalize, pid, name, "loses"))
    return changes
