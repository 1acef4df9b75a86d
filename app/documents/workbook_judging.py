"""The results workbook's judging sheet (评审分析 Judging): the judging report's numbers as tables,
the same dict as GET /host/api/judging (app/documents/judging_report.py)."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from ..domain.state import EventState
from ..spreadsheets.styles import print_setup, put
from .workbook_tables import table_start, write_row

SHEET_TITLE = "评审分析 Judging"
RULES = {"mean": "平均 Mean", "trimmed_mean": "去极值平均 Trimmed mean", "median": "中位数 Median"}
NORMS = {"none": "原始分 raw", "zscore": "标准分 z-scores"}
VERDICTS = {"lenient": "偏松 lenient", "severe": "偏严 severe", "": ""}
CHANGES = {"gains": "获奖 would win", "loses": "落选 would not win"}


def judging_sheet(wb: Workbook, state: EventState, report: dict[str, Any], subtitle: str) -> None:
    event = state.event
    ws = wb.create_sheet(SHEET_TITLE)
    first = table_start(
        ws,
        f"{event.title} — 评审分析 / Judging report",
        [subtitle, "公式 / Formulas: docs/judging-statistics.md"],
        ["指标 / Statistic", "值 / Value", "95% 下限 / Lower", "95% 上限 / Upper", "F", "df1", "df2", "p"],
        [34, 12, 12, 12, 10, 8, 8, 10],
    )
    r = first
    agreement = report["agreement"]
    for row in agreement["icc"] or []:
        values = [row["form"], row["value"], row["lower"], row["upper"], row["f"], row["df1"], row["df2"], row["p"]]
        write_row(ws, r, values, {i: "0.000" for i in (1, 2, 3, 7)})
        r += 1
    if agreement["kendall_w"]:
        w = agreement["kendall_w"]
        write_row(ws, r, ["Kendall's W", w["w"], None, None, w["chi2"], w["df"], None, w["p"]], {1: "0.000"})
        r += 1
    r = _block(
        ws,
        r + 1,
        "评委 / Judges",
        [
            "评委 / Judge",
            "评分数 / Scored",
            "偏差 / Offset",
            "下限 / Lower",
            "上限 / Upper",
            "z",
            "标准差 / SD",
            "Spearman ρ",
            "提示 / Note",
        ],
        [
            [
                j["name"],
                j["scored"],
                j["offset"],
                j["lower"],
                j["upper"],
                j["offset_z"],
                j["spread"],
                j["rho"],
                VERDICTS[j["verdict"]],
            ]
            for j in report["judges"]
        ],
    )
    r = _block(
        ws,
        r + 1,
        "离群分 / Outlying scores",
        ["项目 / Project", "评委 / Judge", "总分 / Total", "参考 / Expected", "差 / Difference"],
        [[o["title"], o["judge_name"], o["total"], o["reference"], o["deviation"]] for o in report["outliers"]]
        or [["（无 / none）"]],
    )
    r = _block(
        ws,
        r + 1,
        "规则比较 / Rule comparison",
        ["规则 / Rule", "标准化 / Normalise", "Kendall τ", "名次变化 / Rank changes", "本场规则 / Event rule"],
        [
            [RULES[o["rule"]], NORMS[o["normalize"]], o["tau"], o["rank_changes"], "✓" if o["is_event_rule"] else ""]
            for o in report["rules"]["rows"]
        ],
    )
    r = _block(
        ws,
        r + 1,
        "获奖变化 / Award changes",
        ["奖项 / Award", "规则 / Rule", "标准化 / Normalise", "获奖者 / Winner", "项目 / Project", "变化 / Change"],
        [
            [c["award_name"], RULES[c["rule"]], NORMS[c["normalize"]], c["name"], c["title"], CHANGES[c["change"]]]
            for c in report["rules"]["changes"]
        ]
        or [["（各规则获奖者相同 / the same winners under every rule）"]],
    )
    stability = report["stability"]
    for award in stability["awards"]:
        r = _block(
            ws,
            r + 1,
            f"{award['name']} — 稳定性 / Stability (margin {award['margin']}; "
            f"{stability['resamples']} bootstrap, {stability['loo_panels']} leave-one-out, seed {stability['seed']})",
            ["项目 / Project", "排名 / Rank", "获奖 / Wins", "留一 / Leave-one-out", "重抽样 / Bootstrap"],
            [
                [p["title"], p["rank"], "✓" if p["wins"] else "", p["loo_share"], p["bootstrap_share"]]
                for p in award["projects"]
            ],
        )
    print_setup(ws, event.title, landscape=False, title_rows=f"{first - 1}:{first - 1}")


def _block(ws: Any, r: int, title: str, headers: list[str], rows: list[list[Any]]) -> int:
    """A titled table below the previous one; returns the next free row."""
    put(ws.cell(r, 1), title).font = Font(bold=True)
    r += 1
    write_row(ws, r, headers, {})
    for c in range(1, len(headers) + 1):
        ws.cell(r, c).font = Font(bold=True)
    r += 1
    for values in rows:
        write_row(ws, r, values, {})
        r += 1
    return r
