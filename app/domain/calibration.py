"""Judge calibration: who is lenient or severe, how widely each judge spreads, how each agrees with
the rest of the panel, and which single scores are far from the panel (a possible typing mistake).

Pure numerics on the judges' totals, `cells[(project, judge)] = total` (recused and missing pairs are
absent). Every rule and threshold is documented, with a worked example, in
docs/judging-statistics.md; the numbers below are the ones it states.

Outlier rule (checked first, so that one mistyped score neither makes its judge look harsh nor its
project look disputed):
    off_j  = median over the OTHER projects q ≠ p that j scored of (x_jq - median of the other
             judges' totals on q): the judge's habitual offset, robust to one wild score and never
             fed by the score under test; 0 while j has fewer than OFFSET_MIN_PROJECTS such projects
             (at the first projects of the day the raw totals are compared);
    y_ip   = x_ip - off_i                      (every total on p with its judge's offset removed);
    m, s   = median and 1.4826 × MAD of y_ip over the other judges i ≠ j on p;
    flag x_jp when at least OUTLIER_MIN_OTHERS other judges scored p and
             |y_jp - m| > max(OUTLIER_SHARE × panel maximum, OUTLIER_SDS × s).
Leniency of judge j (flagged scores left out on both sides):
    d_jp = x_jp - mean of the other judges' totals on p;  offset = mean d, 95% interval by Student's t;
    in z: offset / s_w with s_w the panel's pooled within-project standard deviation;
    flagged lenient (severe) when the interval lies wholly above (below) 0 and
    |offset| >= LENIENCY_SHARE × panel maximum.
Agreement: Spearman's rho between the judge's totals and the mean of the other judges' totals.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import median

# scipy.stats is imported inside the functions that use it: it takes ~2.5 s to import, and the
# server (and every test server) would otherwise pay that at start-up for a report made once.
import numpy as np

OUTLIER_SHARE = 0.15  # of the panel maximum: 15 points on a 100-point rubric
OUTLIER_SDS = 3.0  # robust standard deviations of the other judges' (offset-corrected) totals
OUTLIER_MIN_OTHERS = 3  # fewer other judges: no median worth comparing with
OFFSET_MIN_PROJECTS = 2  # a judge's habitual offset needs at least this many other projects
LENIENCY_SHARE = 0.05  # of the panel maximum: 5 points on a 100-point rubric
MAD_TO_SD = 1.4826  # the MAD of a normal sample times this estimates its standard deviation


@dataclass(frozen=True, slots=True)
class Outlier:
    project: str
    judge: str
    total: float
    reference: float  # the median of the other judges' offset-corrected totals, on this judge's scale
    deviation: float  # total - reference, in points
    limit: float  # the distance beyond which a total is flagged, in points


@dataclass(frozen=True, slots=True)
class JudgeCalibration:
    judge: str
    scored: int  # projects with a total of this judge
    compared: int  # of them, compared with at least one other judge and not flagged as an outlier
    offset: float  # mean points above (+) or below (-) the other judges on the same projects
    lower: float  # 95% interval of the offset
    upper: float
    offset_z: float  # offset in the panel's within-project standard deviations
    lower_z: float  # the interval in the same unit
    upper_z: float
    spread: float  # the standard deviation of the judge's own totals (n - 1)
    rho: float  # Spearman's rho with the mean of the other judges (leave-one-out consensus)
    verdict: str  # "lenient", "severe" or "" (within the documented bounds)


@dataclass(frozen=True, slots=True)
class Calibration:
    judges: list[JudgeCalibration]
    outliers: list[Outlier]
    within_sd: float  # pooled within-project standard deviation of the totals (outliers left out)
    deviations: dict[tuple[str, str], float]  # (project, judge): total - median of the other judges


def _others(cells: Mapping[tuple[str, str], float], project: str, judge: str, judges: Sequence[str]) -> list[float]:
    return [cells[(project, i)] for i in judges if i != judge and (project, i) in cells]


def judge_gaps(
    cells: Mapping[tuple[str, str], float], projects: Sequence[str], judges: Sequence[str]
) -> dict[str, dict[str, float]]:
    """judge -> {project: the judge's total minus the median of the other judges' totals there}."""
    return {
        j: {
            p: cells[(p, j)] - float(median(others))
            for p in projects
            if (p, j) in cells and (others := _others(cells, p, j, judges))
        }
        for j in judges
    }


def offset_without(gaps: Mapping[str, float], project: str) -> float:
    """The judge's habitual offset, from every project but `project` (0 with too few of them)."""
    rest = [gap for p, gap in gaps.items() if p != project]
    return float(median(rest)) if len(rest) >= OFFSET_MIN_PROJECTS else 0.0


def find_outliers(
    cells: Mapping[tuple[str, str], float], projects: Sequence[str], judges: Sequence[str], panel_max: float
) -> list[Outlier]:
    """Single totals far from the rest of the panel on the same project (rule in the module doc),
    in running order, then panel order."""
    gaps = judge_gaps(cells, projects, judges)
    floor = OUTLIER_SHARE * panel_max
    found: list[Outlier] = []
    for p in projects:
        offsets = {j: offset_without(gaps[j], p) for j in judges}
        for j in judges:
            if (p, j) not in cells:
                continue
            others = [cells[(p, i)] - offsets[i] for i in judges if i != j and (p, i) in cells]
            if len(others) < OUTLIER_MIN_OTHERS:
                continue
            centre = float(median(others))
            mad = float(median(abs(v - centre) for v in others))
            limit = max(floor, OUTLIER_SDS * MAD_TO_SD * mad)
            own = cells[(p, j)] - offsets[j]
            if abs(own - centre) > limit:
                reference = centre + offsets[j]
                found.append(Outlier(p, j, cells[(p, j)], reference, cells[(p, j)] - reference, limit))
    return found


def calibrate(
    cells: Mapping[tuple[str, str], float], projects: Sequence[str], judges: Sequence[str], panel_max: float
) -> Calibration:
    outliers = find_outliers(cells, projects, judges, panel_max)
    flagged = {(o.project, o.judge) for o in outliers}
    clean = {key: value for key, value in cells.items() if key not in flagged}
    within_sd = _pooled_within_sd(clean, projects, judges)
    deviations = {(p, j): gap for j, per in judge_gaps(cells, projects, judges).items() for p, gap in per.items()}
    rows = [_judge_row(j, cells, clean, projects, judges, panel_max, within_sd) for j in judges]
    return Calibration(rows, outliers, within_sd, deviations)


def _pooled_within_sd(cells: Mapping[tuple[str, str], float], projects: Sequence[str], judges: Sequence[str]) -> float:
    squares, freedom = 0.0, 0
    for p in projects:
        values = np.array([cells[(p, j)] for j in judges if (p, j) in cells], dtype=float)
        if len(values) >= 2:
            squares += float(((values - values.mean()) ** 2).sum())
            freedom += len(values) - 1
    return math.sqrt(squares / freedom) if freedom else math.nan


def _judge_row(
    judge: str,
    cells: Mapping[tuple[str, str], float],
    clean: Mapping[tuple[str, str], float],
    projects: Sequence[str],
    judges: Sequence[str],
    panel_max: float,
    within_sd: float,
) -> JudgeCalibration:
    from scipy import stats  # lazily: see the note at the imports

    own = [cells[(p, judge)] for p in projects if (p, judge) in cells]
    gaps = [
        clean[(p, judge)] - float(np.mean(others))
        for p in projects
        if (p, judge) in clean and (others := _others(clean, p, judge, judges))
    ]
    offset = float(np.mean(gaps)) if gaps else math.nan
    lower = upper = math.nan
    if len(gaps) >= 2:
        half = float(stats.t.ppf(0.975, len(gaps) - 1)) * float(np.std(gaps, ddof=1)) / math.sqrt(len(gaps))
        lower, upper = offset - half, offset + half
    verdict = ""
    if not math.isnan(lower) and abs(offset) >= LENIENCY_SHARE * panel_max:
        verdict = "lenient" if lower > 0 else "severe" if upper < 0 else ""
    pairs = [
        (cells[(p, judge)], float(np.mean(others)))
        for p in projects
        if (p, judge) in cells and (others := _others(cells, p, judge, judges))
    ]
    rho = math.nan
    if len(pairs) >= 3:
        mine, theirs = zip(*pairs, strict=True)
        if len(set(mine)) > 1 and len(set(theirs)) > 1:
            rho = float(stats.spearmanr(mine, theirs).statistic)
    return JudgeCalibration(
        judge=judge,
        scored=len(own),
        compared=len(gaps),
        offset=offset,
        lower=lower,
        upper=upper,
        offset_z=_in_z(offset, within_sd),
        lower_z=_in_z(lower, within_sd),
        upper_z=_in_z(upper, within_sd),
        spread=float(np.std(own, ddof=1)) if len(own) >= 2 else math.nan,
        rho=rho,
        verdict=verdict,
    )


def _in_z(points: float, within_sd: float) -> float:
    return points / within_sd if within_sd and not math.isnan(within_sd) else math.nan
