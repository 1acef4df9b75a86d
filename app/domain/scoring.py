"""Judge score sheets: validation, weighted totals, and the panel aggregation rules.

Formulas (also in docs/event-file.md):

- A judge's total for a project is the weighted sum  T = sum_c weight_c * score_c.
- Panel score by `rule`:
  - mean:          the arithmetic mean of the counted totals;
  - trimmed_mean:  when at least `trim_min_judges` judges counted, drop the `trim` highest and the
                   `trim` lowest totals, then take the mean; with fewer judges, the plain mean;
  - median:        the middle total (the mean of the two middle ones for an even count).
- Optional z-normalisation (normalize = "zscore") removes a lenient or harsh judge's bias before the
  rule is applied. For judge j with totals x_jp over the projects P_j they scored, mean m_j and
  population standard deviation s_j, and M and S the mean and population standard deviation of every
  counted total of every judge:
      x'_jp = M + S * (x_jp - m_j) / s_j      when |P_j| >= 2 and s_j > 0
      x'_jp = x_jp - m_j + M                  when |P_j| >= 2 and s_j = 0 (shift only)
      x'_jp = x_jp                            when |P_j| = 1 (nothing to learn from one score)
  and x' is clamped to [0, panel maximum].
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import fmean, median, pstdev
from typing import Any

from .errors import DomainError
from .models import Event, ScoringRules
from .text import MAX_COMMENT, clean_block

MAX_COMMENT_LENGTH = MAX_COMMENT
_STEP_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class ScoreSheet:
    """One judge's latest submission for one project (earlier versions stay in the log)."""

    project: str
    judge: str
    values: dict[str, float]
    total: float
    comment: str = ""
    at: float = 0.0
    version: int = 1


def validate_values(event: Event, values: Any) -> dict[str, float]:
    """Check a judge's criterion scores against the rubric; return them as floats.

    Every criterion must be present, numeric, within 0..max and on the rubric's step.
    """
    if not isinstance(values, Mapping):
        raise DomainError("bad_scores", "Scores must be an object of criterion: value.")
    unknown = sorted(str(k) for k in set(values) - {c.id for c in event.criteria})
    if unknown:
        raise DomainError("unknown_criterion", "Unknown criterion: {criterion}.", criterion=unknown[0])
    clean: dict[str, float] = {}
    for criterion in event.criteria:
        if criterion.id not in values:
            raise DomainError("missing_criterion", "A score for {criterion} is missing.", criterion=criterion.name)
        raw = values[criterion.id]
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise DomainError("not_a_number", "The score for {criterion} is not a number.", criterion=criterion.name)
        try:
            value = float(raw)
        except OverflowError:  # an integer beyond any float is certainly above the maximum
            value = math.inf
        if math.isnan(value) or (math.isinf(value) and isinstance(raw, float)):
            raise DomainError("not_a_number", "The score for {criterion} is not a number.", criterion=criterion.name)
        if value < 0:
            raise DomainError("below_zero", "The score for {criterion} is below 0.", criterion=criterion.name)
        if value > criterion.max + _STEP_TOLERANCE:
            raise DomainError(
                "above_max",
                "The score for {criterion} is above its maximum of {max}.",
                criterion=criterion.name,
                max=_fmt(criterion.max),
            )
        if criterion.step > 0:
            steps = value / criterion.step
            if abs(steps - round(steps)) > _STEP_TOLERANCE:
                raise DomainError(
                    "off_step",
                    "The score for {criterion} must be a multiple of {step}.",
                    criterion=criterion.name,
                    step=_fmt(criterion.step),
                )
        clean[criterion.id] = min(value, criterion.max)  # within the tolerance above: store the max itself
    return clean


def validate_comment(comment: Any) -> str:
    if comment is None:
        return ""
    if not isinstance(comment, str):
        raise DomainError("bad_comment", "The comment must be text.")
    comment = clean_block(comment)  # controls removed, NFC (docs/security.md, "Uploads and text")
    if len(comment) > MAX_COMMENT_LENGTH:
        raise DomainError(
            "comment_too_long", "The comment is longer than {limit} characters.", limit=MAX_COMMENT_LENGTH
        )
    return comment


def weighted_total(event: Event, values: Mapping[str, float]) -> float:
    return round(sum(c.weight * values[c.id] for c in event.criteria), 6)


@dataclass(frozen=True, slots=True)
class PanelOutcome:
    """The panel score of one project and which judges' totals produced it."""

    score: float | None
    counted: tuple[str, ...]  # judges whose totals entered the rule
    dropped: tuple[str, ...]  # judges whose totals the trimmed mean dropped
    method: str  # the rule actually applied ("mean" when too few judges to trim)


def aggregate(totals: Iterable[tuple[str, float]], rules: ScoringRules) -> PanelOutcome:
    """Apply the event's rule to (judge, total) pairs. Ties in trimming drop the later judge id
    among equal totals at the top and the earlier among equal totals at the bottom, so the choice is
    deterministic and documented."""
    pairs = sorted(totals, key=lambda jt: (jt[1], jt[0]))
    if not pairs:
        return PanelOutcome(None, (), (), rules.rule)
    judges = tuple(j for j, _ in pairs)
    values = [t for _, t in pairs]
    if rules.rule == "median":
        return PanelOutcome(median(values), judges, (), "median")
    if rules.rule == "trimmed_mean" and rules.trim > 0 and len(pairs) >= max(rules.trim_min_judges, 2 * rules.trim + 1):
        k = rules.trim
        kept = pairs[k : len(pairs) - k]
        dropped = pairs[:k] + pairs[len(pairs) - k :]
        return PanelOutcome(
            fmean(t for _, t in kept),
            tuple(j for j, _ in kept),
            tuple(j for j, _ in dropped),
            "trimmed_mean",
        )
    return PanelOutcome(fmean(values), judges, (), "mean")


def zscore_adjust(totals: Mapping[tuple[str, str], float], panel_max: float) -> dict[tuple[str, str], float]:
    """Normalise each judge's totals to the panel's overall spread (formula in the module doc).

    `totals` maps (project, judge) to the raw total of every counted sheet.
    """
    if not totals:
        return {}
    grand_mean = fmean(totals.values())
    grand_sd = pstdev(totals.values()) if len(totals) > 1 else 0.0
    by_judge: dict[str, list[float]] = {}
    for (_, judge), total in totals.items():
        by_judge.setdefault(judge, []).append(total)
    adjusted: dict[tuple[str, str], float] = {}
    for (project, judge), total in totals.items():
        own = by_judge[judge]
        if len(own) < 2:
            value = total
        else:
            own_mean, own_sd = fmean(own), pstdev(own)
            value = grand_mean + grand_sd * (total - own_mean) / own_sd if own_sd > 0 else total - own_mean + grand_mean
        adjusted[(project, judge)] = min(max(value, 0.0), panel_max)
    return adjusted


def _fmt(number: float) -> str:
    return f"{number:g}"
