"""The results workbook: standings overall and by category, the composite breakdown, every judge's
scores, the totals matrix, the awards and the rules used, one printable sheet each.

Every number comes from the same `standings_payload` that GET /api/results returns to the host,
rounded the same way.
"""

from __future__ import annotations

import io
import time
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from ..audit_chain import Anchor
from ..domain.state import EventState
from ..results_views import explained_row, rounded, standings_payload
from ..spreadsheets.styles import print_setup
from .commentary import add_comments_sheet
from .formatting import FLAG_LABELS, KIND_LABELS, RULE_LABELS, STATUS_LABELS, fmt_score, local_time
from .judging_report import judging_report
from .rounds_path import path_text
from .rules import rules_rows
from .state_view import current_awards, sheet_status
from .workbook_judging import judging_sheet
from .workbook_tables import (
    DROPPED_FILL,
    DROPPED_FONT,
    RECUSED_FILL,
    RECUSED_FONT,
    legend_style,
    mark_cell,
    mark_row,
    table_start,
    write_row,
)
from .workbook_votes import add_vote_sheet


def results_workbook(state: EventState, generated_at: float | None = None, anchor: Anchor | None = None) -> bytes:
    """Standings overall and per category, the composite breakdown, every judge's score per criterion,
    the totals matrix with dropped scores marked, the awards, and the rules used. Formatted to print."""
    generated_at = time.time() if generated_at is None else generated_at
    event = state.event
    standings = state.standings()
    payload = standings_payload(state, standings, explained=True)
    all_rows = {r["project"]: r for r in payload["overall"]}
    for pid in payload["unranked"]:  # not scored yet: still listed, without numbers
        all_rows[pid] = explained_row(event, standings.results[pid], pid in state.revealed)
    listed = [*(r["project"] for r in payload["overall"]), *payload["unranked"]]
    d = event.scoring.decimals
    fixed = "0" if d == 0 else "0." + "0" * d
    subtitle = f"{event.date}  ·  生成于 / Generated {local_time(generated_at)}"
    if anchor is not None:  # on every sheet, under its title (docs/reliability.md, "The audit trail")
        subtitle += f"  ·  审计锚点 / Audit anchor: length {anchor.length}, head {anchor.head}"
    wb = Workbook()

    # -- overall
    ws = wb.active
    assert ws is not None
    ws.title = "总排名 Overall"
    indicators = list(event.indicators)
    headers = [
        "排名 / Rank",
        "并列 / Tied",
        "项目编号 / Project ID",
        "项目名称 / Title",
        "实施团队 / Team",
        "类别 / Category",
        "评委评分 / Panel score",
        *[f"{i.name} / {i.id}" for i in indicators],
        "综合得分 / Composite",
        "计入评委 / Counted",
        "去掉 / Dropped",
        "计分方法 / Method",
        "备注 / Flags",
        "已揭晓 / Revealed",
    ]
    widths = [8, 7, 12, 34, 28, 18, 12, *[12] * len(indicators), 12, 9, 9, 16, 20, 9]
    with_path = bool(event.round and event.earlier_results)  # a later round of a competition
    if with_path:
        headers.append("历程 / Path through the rounds")
        widths.append(48)
    first = table_start(ws, f"{event.title} — 总排名 / Overall standings", [subtitle], headers, widths)
    r = first
    for pid in listed:
        row = all_rows[pid]
        comps = {c["id"]: c for c in row["components"]}
        values = [
            row["rank"],
            "并列 tied" if row["tied"] else None,
            row["project"],
            row["title"],
            row["team"],
            row["category_name"],
            row["panel"],
            *[comps.get(i.id, {}).get("value") for i in indicators],
            row["composite"],
            len(row["counted"]),
            len(row["dropped"]),
            _rule_label(row["method"]) if row["counted"] else "",
            "; ".join(" / ".join(FLAG_LABELS.get(f, (f, f))) for f in row["flags"]),
            "是 Yes" if row["revealed"] else "",
            *([path_text(event, row)] if with_path else []),
        ]
        numbers = {6, *range(7, 7 + len(indicators)), 7 + len(indicators)}
        write_row(ws, r, values, {i: fixed for i in numbers})
        r += 1
    print_setup(ws, event.title, title_rows=f"{first - 1}:{first - 1}")

    # -- by category
    ws = wb.create_sheet("分类排名 By category")
    headers = [
        "类别 / Category",
        "类别排名 / Category rank",
        "并列 / Tied",
        "项目编号 / Project ID",
        "项目名称 / Title",
        "实施团队 / Team",
        "评委评分 / Panel score",
        "综合得分 / Composite",
        "总排名 / Overall rank",
    ]
    first = table_start(
        ws,
        f"{event.title} — 分类排名 / Standings by category",
        [subtitle],
        headers,
        [18, 10, 7, 12, 34, 28, 12, 12, 10],
    )
    r = first
    for category in event.categories:
        for row in payload["by_category"].get(category.id, []):
            values = [
                category.name,
                row["category_rank"],
                "并列 tied" if row["category_tied"] else None,
                row["project"],
                row["title"],
                row["team"],
                row["panel"],
                row["composite"],
                row["rank"],
            ]
            write_row(ws, r, values, {6: fixed, 7: fixed})
            r += 1
    print_setup(ws, event.title, title_rows=f"{first - 1}:{first - 1}")

    # -- composite breakdown
    ws = wb.create_sheet("综合得分 Composite")
    components = [("panel", "评委评分 Panel", event.panel_weight, event.panel_max)] + [
        (i.id, i.name, i.weight, i.max) for i in indicators
    ]
    total_weight = event.composite_weight_total or 1.0
    headers = ["项目编号 / Project ID", "项目名称 / Title"]
    for _cid, name, weight, maximum in components:
        share = 100 * weight / total_weight
        headers += [
            f"{name} 得分 / value (max {fmt_score(maximum)})",
            f"{name} 百分制 / of 100",
            f"{name} 贡献 / contribution ({share:.4g}%)",
        ]
    headers.append("综合得分 / Composite")
    notes = [
        subtitle,
        "综合得分 = Σ 权重 × 百分制得分 / Σ 权重；各项“贡献”相加即综合得分。"
        " Composite = Σ weight × score out of 100 / Σ weight; the contributions add up to the composite.",
    ]
    first = table_start(
        ws,
        f"{event.title} — 综合得分明细 / Composite breakdown",
        notes,
        headers,
        [12, 30, *[12] * (3 * len(components)), 12],
    )
    r = first
    for pid in listed:
        row = all_rows[pid]
        comps = {c["id"]: c for c in row["components"]}
        values: list[Any] = [row["project"], row["title"]]
        for cid, *_ in components:
            c = comps.get(cid, {})
            values += [c.get("value"), c.get("score_100"), c.get("contribution")]
        values.append(row["composite"])
        write_row(ws, r, values, {i: fixed for i in range(2, len(values))})
        r += 1
    print_setup(ws, event.title, title_rows=f"{first - 1}:{first - 1}")

    # -- every judge's score per criterion
    ws = wb.create_sheet("评委评分 Judge scores")
    zscore = event.scoring.normalize == "zscore"
    headers = [
        "项目编号 / Project ID",
        "项目名称 / Title",
        "评委编号 / Judge ID",
        "评委 / Judge",
        *[
            f"{c.name} / {c.id} (max {fmt_score(c.max)}{f' ×{fmt_score(c.weight)}' if c.weight != 1 else ''})"
            for c in event.criteria
        ],
        "总分 / Total",
        *(["校正后 / Normalised"] if zscore else []),
        "状态 / Status",
        "版本 / Version",
        "提交时间 / Submitted at",
        "评语 / Comment",
    ]
    widths = [12, 28, 10, 14, *[11] * len(event.criteria), 10, *([11] if zscore else []), 14, 8, 19, 40]
    legend = [
        subtitle,
        "灰底删除线 = 按去分规则去掉（不计入） / Grey, struck through = dropped by the trim rule (not counted)",
        "橙底斜体 = 回避（不计入） / Orange, italic = judge recused from the project (not counted)",
    ]
    first = table_start(ws, f"{event.title} — 评委评分 / Judges' scores", legend, headers, widths)
    legend_style(ws, 3, DROPPED_FILL, DROPPED_FONT)
    legend_style(ws, 4, RECUSED_FILL, RECUSED_FONT)
    r = first
    for pid in state.order:
        project = event.project(pid)
        assert project is not None
        row = all_rows.get(pid, {})
        for judge in event.judges:
            sheet = state.sheets.get((pid, judge.id))
            if sheet is None:
                continue
            status = sheet_status(state, row, pid, judge.id)
            adjusted = row.get("adjusted", {}).get(judge.id)
            given = sheet.values_as_numbers()
            values = [
                pid,
                project.title,
                judge.id,
                judge.name,
                *[given.get(c.id) for c in event.criteria],
                rounded(sheet.total, event.scoring),
                *([adjusted] if zscore else []),
                " / ".join(STATUS_LABELS[status]),
                sheet.version,
                local_time(sheet.at),
                sheet.comment,
            ]
            total_col = 4 + len(event.criteria)
            formats = {total_col: fixed} | ({total_col + 1: fixed} if zscore else {})
            write_row(ws, r, values, formats, wrap={len(values) - 1})
            mark_row(ws, r, len(values), status)
            r += 1
    print_setup(ws, event.title, title_rows=f"{first - 1}:{first - 1}")

    # -- totals matrix
    ws = wb.create_sheet("评委总分 Totals")
    headers = [
        "项目编号 / Project ID",
        "项目名称 / Title",
        *[f"{j.name} / {j.id}" for j in event.judges],
        "评委评分 / Panel score",
        "计分方法 / Method",
    ]
    first = table_start(
        ws,
        f"{event.title} — 评委总分 / Judges' totals",
        legend,
        headers,
        [12, 30, *[11] * len(event.judges), 12, 16],
    )
    legend_style(ws, 3, DROPPED_FILL, DROPPED_FONT)
    legend_style(ws, 4, RECUSED_FILL, RECUSED_FONT)
    r = first
    for pid in state.order:
        project = event.project(pid)
        assert project is not None
        row = all_rows.get(pid, {})
        values = [pid, project.title]
        statuses: list[str | None] = [None, None]
        for judge in event.judges:
            sheet = state.sheets.get((pid, judge.id))
            if (judge.id, pid) in state.recused:
                values.append(rounded(sheet.total, event.scoring) if sheet else "回避 recused")
                statuses.append("recused")
            elif sheet is None:
                values.append(None)
                statuses.append(None)
            else:
                values.append(rounded(sheet.total, event.scoring))
                statuses.append(sheet_status(state, row, pid, judge.id))
        values += [row.get("panel"), _rule_label(row["method"]) if row.get("counted") else ""]
        write_row(ws, r, values, {c: fixed for c in range(2, len(values) - 1)})
        for c, status in enumerate(statuses, start=1):
            if status in ("dropped", "recused"):
                mark_cell(ws.cell(r, c), status)
        r += 1
    print_setup(ws, event.title, title_rows=f"{first - 1}:{first - 1}")

    # -- awards
    ws = wb.create_sheet("奖项 Awards")
    awards, final = current_awards(state)
    status_line = (
        "已确定：颁奖开始时按当时排名评定并冻结 / Final: decided and frozen when the award ceremony started"
        if final
        else "预览：按当前排名评定，颁奖尚未开始，结果仍可能变化 / PROVISIONAL: as the awards would be decided "
        "from the current standings; the ceremony has not started, so they may still change"
    )
    headers = [
        "奖项 / Award",
        "类型 / Kind",
        "序号 / No.",
        "获奖者 / Winner",
        "项目编号 / Project ID",
        "项目名称 / Title",
        "实施团队 / Team",
        "排名 / Rank",
        "综合得分 / Composite",
    ]
    first = table_start(
        ws, f"{event.title} — 奖项 / Awards", [subtitle, status_line], headers, [20, 16, 7, 24, 12, 32, 28, 8, 12]
    )
    ws.cell(3, 1).font = Font(bold=True, color="C00000" if not final else "375623")
    r = first
    for award in awards:
        kind = " / ".join(KIND_LABELS.get(award["kind"], (award["kind"], award["kind"])))
        name = award["name"] + ("（含并列 / incl. tie at the cut）" if award.get("tie_at_cut") else "")
        if not award["winners"]:
            write_row(ws, r, [name, kind, None, "（无 / none）"], {})
            r += 1
        for n, w in enumerate(award["winners"], start=1):
            composite = rounded(w.get("composite"), event.scoring)
            values = [
                name,
                kind,
                n,
                w["name"],
                w.get("project"),
                w.get("project_title"),
                w.get("team"),
                w.get("rank"),
                composite,
            ]
            write_row(ws, r, values, {8: fixed})
            r += 1
    print_setup(ws, event.title, title_rows=f"{first - 1}:{first - 1}")

    add_comments_sheet(wb, state, subtitle)

    # -- the rules used
    ws = wb.create_sheet("规则 Rules")
    first = table_start(
        ws,
        f"{event.title} — 计分规则 / Rules used",
        [subtitle],
        ["项目 / Item", "设置 / Setting", "说明 / Explanation"],
        [26, 36, 80],
    )
    r = first
    for item, setting, explanation in rules_rows(event):
        write_row(ws, r, [item, setting, explanation], {}, wrap={1, 2})
        r += 1
    print_setup(ws, event.title, landscape=False, title_rows=f"{first - 1}:{first - 1}")

    judging_sheet(wb, state, judging_report(state), subtitle)  # issue 15: agreement, judges, rules, cuts
    add_vote_sheet(wb, state, subtitle)  # the audience vote, when the event has one

    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _rule_label(method: str) -> str:
    zh, en, _ = RULE_LABELS.get(method, (method, method, method))
    return f"{zh} / {en}"
