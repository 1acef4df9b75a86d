"""Panel agreement: intraclass correlations (ICC) and Kendall's coefficient of concordance (W).

Pure numerics on a projects × judges matrix of totals (rows: the targets judged, columns: the judges);
the formulas, with a worked example, are in docs/judging-statistics.md.

- ICC, the six forms of Shrout & Fleiss (1979) from one two-way analysis of variance, with the 95%
  confidence intervals of McGraw & Wong (1996) (F distribution from scipy.stats). ICC(2,1) and
  ICC(2,k) (two-way random effects, absolute agreement) are the ones the report leads with: the judges
  are a sample of the judges who could have sat, and a lenient judge is a disagreement.
- Kendall's W on each judge's ranking of the projects (average ranks for equal totals), with the
  correction for ties and the chi-square approximation of its p-value (df = n - 1).

Missing cells (a recusal, a judge who missed a project) cannot enter either statistic, which need a
complete matrix: `complete_block` first leaves out the judges who scored fewer than half of the
scored projects, then every project one of the remaining judges did not score (listwise deletion).
The report states how many of each were left out; nothing is imputed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# scipy.stats is imported inside the functions that use it: it takes ~2.5 s to import, and the
# server (and every test server) would otherwise pay that at start-up for a report made once.
import numpy as np

ICC_FORMS: tuple[str, ...] = ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)")
CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class IccResult:
    form: str  # one of ICC_FORMS
    value: float
    lower: float  # the 95% confidence interval
    upper: float
    f: float  # the F test of "no agreement beyond chance" (ICC = 0)
    df1: float
    df2: float
    p: float


@dataclass(frozen=True, slots=True)
class KendallW:
    w: float
    chi2: float
    df: int
    p: float
    tie_sum: float  # Σ (t³ - t) over every group of equal totals within a judge


@dataclass(frozen=True, slots=True)
class CompleteBlock:
    """The complete part of a projects × judges table that ICC and W are computed on."""

    projects: tuple[str, ...]
    judges: tuple[str, ...]
    matrix: np.ndarray  # len(projects) × len(judges), no missing cell
    left_out_projects: tuple[str, ...]
    left_out_judges: tuple[str, ...]


def complete_block(
    cells: Mapping[tuple[str, str], float], projects: Sequence[str], judges: Sequence[str]
) -> CompleteBlock:
    """`cells` maps (project, judge) to a total; absent pairs are missing (recused or not scored).

    Projects nobody scored are not "left out": they are simply not part of the judging yet."""
    scored = [p for p in projects if any((p, j) in cells for j in judges)]
    kept_judges = [j for j in judges if 2 * sum((p, j) in cells for p in scored) >= len(scored) and scored]
    left_out_judges = tuple(j for j in judges if j not in kept_judges and any((p, j) in cells for p in scored))
    kept_projects = [p for p in scored if all((p, j) in cells for j in kept_judges)]
    left_out_projects = tuple(p for p in scored if p not in kept_projects)
    matrix = np.array([[float(cells[(p, j)]) for j in kept_judges] for p in kept_projects], dtype=float)
    matrix = matrix.reshape(len(kept_projects), len(kept_judges))
    return CompleteBlock(tuple(kept_projects), tuple(kept_judges), matrix, left_out_projects, left_out_judges)


def icc(matrix: np.ndarray) -> dict[str, IccResult]:
    """The six ICC forms of an n targets × k judges matrix (n >= 2, k >= 2), keyed by ICC_FORMS.

    Mean squares of the two-way ANOVA: rows (targets) MSR, columns (judges) MSC, residual MSE, and
    within targets MSW = (SSC + SSE) / (n (k - 1)). Without any residual variance (every judge gave
    the same totals) the consistency ICCs are 1 and the F tests and intervals undefined (NaN)."""
    x = np.asarray(matrix, dtype=float)
    n, k = x.shape
    if n < 2 or k < 2:
        raise ValueError("ICC needs at least 2 targets and 2 judges")
    grand = x.mean()
    ss_rows = k * float(((x.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((x.mean(axis=0) - grand) ** 2).sum())
    ss_total = float(((x - grand) ** 2).sum())
    ss_error = ss_total - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_error / ((n - 1) * (k - 1))
    msw = (ss_cols + ss_error) / (n * (k - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            **_f_based(msr, msw, n, k, n * (k - 1), "ICC(1,1)", "ICC(1,k)"),
            **_two_way_random(msr, msc, mse, n, k),
            **_f_based(msr, mse, n, k, (n - 1) * (k - 1), "ICC(3,1)", "ICC(3,k)"),
        }


def _quantile(df1: float, df2: float) -> float:
    from scipy import stats  # lazily: see the note at the imports

    return float(stats.f.ppf(1 - (1 - CONFIDENCE) / 2, df1, df2))


def _div(a: float, b: float) -> float:
    return a / b if b else math.nan


def _f_based(
    msr: float, ms_error: float, n: int, k: int, df2: int, single_form: str, average_form: str
) -> dict[str, IccResult]:
    """ICC(1,·) (ms_error = MSW, df2 = n (k - 1)) and ICC(3,·) (ms_error = MSE, df2 = (n - 1)(k - 1)):
    both intervals follow from the F ratio MSR / ms_error and its quantiles (McGraw & Wong 1996)."""
    from scipy import stats  # lazily: see the note at the imports

    df1 = n - 1
    f = _div(msr, ms_error)
    p = float(stats.f.sf(f, df1, df2)) if not math.isnan(f) else math.nan
    f_low, f_high = f / _quantile(df1, df2), f * _quantile(df2, df1)
    single = _div(msr - ms_error, msr + (k - 1) * ms_error)
    average = _div(msr - ms_error, msr)
    low_1, high_1 = _div(f_low - 1, f_low + k - 1), _div(f_high - 1, f_high + k - 1)
    return {
        single_form: IccResult(single_form, single, low_1, high_1, f, df1, df2, p),
        average_form: IccResult(average_form, average, 1 - _div(1, f_low), 1 - _div(1, f_high), f, df1, df2, p),
    }


def _two_way_random(msr: float, msc: float, mse: float, n: int, k: int) -> dict[str, IccResult]:
    """ICC(2,1) and ICC(2,k): the interval uses Satterthwaite's approximate degrees of freedom `v`
    for the denominator (McGraw & Wong 1996, Table 7, case 2A)."""
    from scipy import stats  # lazily: see the note at the imports

    df1, df2 = n - 1, (n - 1) * (k - 1)
    f = _div(msr, mse)
    p = float(stats.f.sf(f, df1, df2)) if not math.isnan(f) else math.nan
    single = _div(msr - mse, msr + (k - 1) * mse + k * (msc - mse) / n)
    average = _div(msr - mse, msr + (msc - mse) / n)
    lower = upper = math.nan
    if not math.isnan(single) and single < 1:
        a = k * single / (n * (1 - single))
        b = 1 + k * single * (n - 1) / (n * (1 - single))
        v = _div((a * msc + b * mse) ** 2, (a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
        if v > 0:
            f_low, f_high = _quantile(n - 1, v), _quantile(v, n - 1)
            spread = k * msc + (k * n - k - n) * mse
            lower = _div(n * (msr - f_low * mse), f_low * spread + n * msr)
            upper = _div(n * (f_high * msr - mse), spread + n * f_high * msr)
    return {
        "ICC(2,1)": IccResult("ICC(2,1)", single, lower, upper, f, df1, df2, p),
        "ICC(2,k)": IccResult(
            "ICC(2,k)", average, _spearman_brown(lower, k), _spearman_brown(upper, k), f, df1, df2, p
        ),
    }


def _spearman_brown(single: float, k: int) -> float:
    """The reliability of the mean of k judges from that of one (how ICC(2,k)'s bounds follow)."""
    return _div(k * single, 1 + (k - 1) * single)


def kendall_w(matrix: np.ndarray) -> KendallW:
    """Kendall's W of n projects (rows) ranked by m judges (columns), corrected for ties:

    W = 12 S / (m² (n³ - n) - m Σ T),  S = Σ_i (R_i - m (n + 1) / 2)²,  T = Σ (t³ - t) per judge,
    chi² = m (n - 1) W with n - 1 degrees of freedom."""
    from scipy import stats  # lazily: see the note at the imports

    x = np.asarray(matrix, dtype=float)
    n, m = x.shape
    if n < 2 or m < 2:
        raise ValueError("Kendall's W needs at least 2 projects and 2 judges")
    ranks = np.column_stack([stats.rankdata(x[:, j]) for j in range(m)])
    rank_sums = ranks.sum(axis=1)
    s = float(((rank_sums - m * (n + 1) / 2) ** 2).sum())
    tie_sum = 0.0
    for j in range(m):
        _, counts = np.unique(x[:, j], return_counts=True)
        tie_sum += float((counts**3 - counts).sum())
    denominator = m * m * (n**3 - n) - m * tie_sum
    w = 12 * s / denominator if denominator > 0 else math.nan
    chi2 = m * (n - 1) * w
    p = float(stats.chi2.sf(chi2, n - 1)) if not math.isnan(chi2) else math.nan
    return KendallW(w, chi2, n - 1, p, tie_sum)
