"""How documents write things: times, scores, and bilingual labels for the rules, award kinds, flags
and score statuses (the third item of a rule label is the translatable sentence for printed pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.numbers import as_number
from ..i18n import N_

RULE_LABELS = {
    "mean": ("平均分", "Mean", N_("Mean of the judges' totals")),
    "trimmed_mean": (
        "去掉最高、最低分后平均",
        "Trimmed mean",
        N_("Trimmed mean: the highest and lowest totals are dropped, the rest averaged"),
    ),
    "median": ("中位数", "Median", N_("Median of the judges' totals")),
}
NORMALIZE_LABELS = {
    "none": ("不校正（原始分）", "None (raw totals)", N_("None: the judges' raw totals are used")),
    "zscore": (
        "标准分校正",
        "Z-score",
        N_("Z-score: each judge's leniency or harshness is removed before combining"),
    ),
}
KIND_LABELS = {
    "top_projects": ("优秀项目/团队", "Top projects"),
    "team_leaders": ("优秀团队负责人", "Team leaders"),
    "honour_roll": ("荣誉榜", "Honour roll"),
    "people_choice": ("大众评审奖", "People's choice"),
}
FLAG_LABELS = {
    "audience_pending": ("大众评审待公布", "Audience vote not revealed yet"),
    "insufficient_panel": ("有效评委不足", "Fewer judges than the minimum panel"),
    "no_scores": ("未评分", "No scores"),
}
STATUS_LABELS = {
    "counted": ("计入", "counted"),
    "dropped": ("去掉", "dropped"),
    "recused": ("回避（不计）", "recused (not counted)"),
}


def local_time(at: float) -> str:
    return datetime.fromtimestamp(at).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def fmt_score(value: Any) -> str:
    """An exact input as written (a judge's score, a maximum, a weight): 27.5, 30 (no trailing zeros)."""
    if value is None:
        return ""
    return f"{as_number(value):.6f}".rstrip("0").rstrip(".")


def fmt_fixed(value: float | None, decimals: int) -> str:
    return "" if value is None else f"{value:.{decimals}f}"
