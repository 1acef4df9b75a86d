"""Geometry of the judging report's three pictures, drawn as SVG by templates/_judging_charts.html
(which escapes every label and translates the captions): the judge × project heat map of
deviations, the leniency bars with their intervals, and the rank-stability bars around each cut.

Only numbers leave here (coordinates, widths, colours); the text drawn is the report's own (names,
titles), autoescaped by Jinja. No script, no external resource: the pictures print as they show.
"""

from __future__ import annotations

from typing import Any

CELL_W, CELL_H = 58, 22
LABEL_W = 210
HEAD_H = 72
BAR_W = 360
ROW_H = 26


def _shade(ratio: float) -> str:
    """Red above the panel, blue below, white at 0; full colour at the outlier limit."""
    t = max(-1.0, min(1.0, ratio))
    fade = round(255 * (1 - abs(t) * 0.85))
    return f"rgb(255,{fade},{fade})" if t > 0 else f"rgb({fade},{fade},255)" if t < 0 else "rgb(255,255,255)"


def heat_map(report: dict[str, Any], judges: list[tuple[str, str]], projects: list[tuple[str, str]]) -> dict[str, Any]:
    """`judges`, `projects`: (id, label) in panel and running order."""
    limit = report["thresholds"]["outlier_points"] or 1.0
    deviation = {(d["project"], d["judge"]): d["deviation"] for d in report["deviations"]}
    flagged = {(o["project"], o["judge"]) for o in report["outliers"]}
    rows = []
    for r, (pid, title) in enumerate(projects):
        cells = []
        for c, (jid, _) in enumerate(judges):
            value = deviation.get((pid, jid))
            cells.append(
                {
                    "x": LABEL_W + c * CELL_W,
                    "value": value,
                    "fill": "rgb(235,235,235)" if value is None else _shade(value / limit),
                    "outlier": (pid, jid) in flagged,
                }
            )
        rows.append({"y": HEAD_H + r * CELL_H, "project": pid, "title": title, "cells": cells})
    columns = [{"x": LABEL_W + c * CELL_W + 10, "name": name} for c, (_, name) in enumerate(judges)]
    return {
        "width": LABEL_W + len(judges) * CELL_W + 4,
        "height": HEAD_H + len(projects) * CELL_H + 4,
        "cell_w": CELL_W,
        "head_y": HEAD_H - 8,
        "cell_h": CELL_H,
        "columns": columns,
        "rows": rows,
    }


def leniency_bars(report: dict[str, Any]) -> dict[str, Any]:
    judges = report["judges"]
    bound = report["thresholds"]["leniency_points"] or 1.0
    reach = max([bound, *(abs(v) for j in judges for v in (j["lower"], j["upper"], j["offset"]) if v is not None)])
    reach *= 1.1
    scale = (BAR_W / 2) / reach
    zero = LABEL_W + BAR_W / 2
    rows = []
    for n, j in enumerate(judges):
        offset = j["offset"] or 0.0
        row = {
            "y": 30 + n * ROW_H,
            "name": j["name"],
            "offset": j["offset"],
            "verdict": j["verdict"],
            "bar_x": zero + min(0.0, offset) * scale,
            "bar_w": abs(offset) * scale,
            "low_x": None if j["lower"] is None else zero + j["lower"] * scale,
            "high_x": None if j["upper"] is None else zero + j["upper"] * scale,
        }
        rows.append(row)
    return {
        "width": LABEL_W + BAR_W + 90,
        "height": 40 + len(judges) * ROW_H,
        "zero": zero,
        "bound_low": zero - bound * scale,
        "bound_high": zero + bound * scale,
        "bound": bound,
        "rows": rows,
    }


def stability_bars(award: dict[str, Any]) -> dict[str, Any]:
    rows = []
    cut_y = None
    for n, p in enumerate(award["projects"]):
        y = 30 + n * ROW_H
        if cut_y is None and not p["wins"] and n > 0:
            cut_y = y - 3
        share = p["bootstrap_share"] or 0.0
        loo = p["loo_share"]
        rows.append(
            {
                "y": y,
                "title": p["title"],
                "rank": p["rank"],
                "wins": p["wins"],
                "share": share,
                "bar_w": share * BAR_W,
                "loo_x": None if loo is None else LABEL_W + loo * BAR_W,
            }
        )
    return {
        "width": LABEL_W + BAR_W + 70,
        "height": 40 + len(rows) * ROW_H,
        "x0": LABEL_W,
        "full": BAR_W,
        "half_x": LABEL_W + BAR_W / 2,
        "cut_y": cut_y,
        "rows": rows,
    }
