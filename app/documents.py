"""The paperwork around an event: the results workbook, CSV exports, and what the printable pages show.

Pure functions of the event state (and, for the score log, the journal entries); the routes in
app/routes/exports.py serve them to the host. Every number in the results workbook comes from the
same `standings_payload` that GET /api/results returns to the host, rounded the same way.

Text from the event file or from judges (titles, names, comments) is untrusted: the workbook stores it
as text, never as a formula, and the CSV files neutralise a leading = + - @ (spreadsheet formula
injection). The templates autoescape it.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .domain.models import Event
from .domain.state import EventState, awards_as_dicts
from .eventfile_export import seconds_to_minutes
from .i18n import N_
from .spreadsheets import BORDER, body_cell, print_setup, put, set_widths, style_header
from .store import JournalEntry
from .views import explained_row, standings_payload

DROPPED_FILL = PatternFill("solid", fgColor="D9D9D9")
DROPPED_FONT = Font(strike=True, color="7F7F7F")
RECUSED_FILL = PatternFill("solid", fgColor="FCE4D6")
RECUSED_FONT = Font(italic=True, color="833C0B")
TITLE_FONT = Font(bold=True, size=14)
NOTE_FONT = Font(color="595959")

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
}
FLAG_LABELS = {
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


def fmt_score(value: float | None) -> str:
    """A judge's score as written: 27.5, 30 (no trailing zeros)."""
    if value is None:
        return ""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def fmt_fixed(value: float | None, decimals: int) -> str:
    return "" if value is None else f"{value:.{decimals}f}"


def current_awards(state: EventState) -> tuple[list[dict[str, Any]], bool]:
    """The awards as frozen when the ceremony started (final=True), or else as they would be
    decided from the current standings (final=False: provisional)."""
    if state.ceremony is not None:
        return state.ceremony.awards, True
    return awards_as_dicts(state.awards()), False


def snapshot(state: EventState) -> EventState:
    """A copy of the state that later commands do not change, so a document can be built off the
    event loop (in a worker thread) while the event goes on. Scores and the event are immutable."""
    return EventState(
        event=state.event,
        order=list(state.order),
        status=dict(state.status),
        current=state.current,
        scene=state.scene,
        timers={},
        recused=set(state.recused),
        sheets=dict(state.sheets),
        revealed=list(state.revealed),
        ceremony=state.ceremony,  # its awards are frozen when the ceremony starts; only the step moves
    )


def sheet_status(state: EventState, result: dict[str, Any], project: str, judge: str) -> str:
    if (judge, project) in state.recused:
        return "recused"
    if judge in result.get("dropped", ()):
        return "dropped"
    return "counted"


# ================================================================================== results workbook
def results_workbook(state: EventState, generated_at: float | None = None) -> bytes:
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
        "有效评委 / Counted",
        "去掉 / Dropped",
        "计分方法 / Method",
        "备注 / Flags",
        "已揭晓 / Revealed",
    ]
    widths = [8, 7, 12, 34, 28, 18, 12, *[12] * len(indicators), 12, 9, 9, 16, 20, 9]
    first = _table_start(ws, f"{event.title} — 总排名 / Overall standings", [subtitle], headers, widths)
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
        ]
        numbers = {6, *range(7, 7 + len(indicators)), 7 + len(indicators)}
        _write_row(ws, r, values, {i: fixed for i in numbers})
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
    first = _table_start(
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
            _write_row(ws, r, values, {6: fixed, 7: fixed})
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
    first = _table_start(
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
        _write_row(ws, r, values, {i: fixed for i in range(2, len(values))})
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
    first = _table_start(ws, f"{event.title} — 评委评分 / Judges' scores", legend, headers, widths)
    _legend_style(ws, 3, DROPPED_FILL, DROPPED_FONT)
    _legend_style(ws, 4, RECUSED_FILL, RECUSED_FONT)
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
            values = [
                pid,
                project.title,
                judge.id,
                judge.name,
                *[sheet.values.get(c.id) for c in event.criteria],
                sheet.total,
                *([adjusted] if zscore else []),
                " / ".join(STATUS_LABELS[status]),
                sheet.version,
                local_time(sheet.at),
                sheet.comment,
            ]
            total_col = 4 + len(event.criteria)
            _write_row(ws, r, values, {total_col + 1: fixed} if zscore else {}, wrap={len(values) - 1})
            _mark(ws, r, len(values), status)
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
    first = _table_start(
        ws,
        f"{event.title} — 评委总分 / Judges' totals",
        legend,
        headers,
        [12, 30, *[11] * len(event.judges), 12, 16],
    )
    _legend_style(ws, 3, DROPPED_FILL, DROPPED_FONT)
    _legend_style(ws, 4, RECUSED_FILL, RECUSED_FONT)
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
                values.append(sheet.total if sheet else "回避 recused")
                statuses.append("recused")
            elif sheet is None:
                values.append(None)
                statuses.append(None)
            else:
                values.append(sheet.total)
                statuses.append(sheet_status(state, row, pid, judge.id))
        values += [row.get("panel"), _rule_label(row["method"]) if row.get("counted") else ""]
        _write_row(ws, r, values, {len(values) - 2: fixed})
        for c, status in enumerate(statuses, start=1):
            if status in ("dropped", "recused"):
                _mark_cell(ws.cell(r, c), status)
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
    first = _table_start(
        ws, f"{event.title} — 奖项 / Awards", [subtitle, status_line], headers, [20, 16, 7, 24, 12, 32, 28, 8, 12]
    )
    ws.cell(3, 1).font = Font(bold=True, color="C00000" if not final else "375623")
    r = first
    for award in awards:
        kind = " / ".join(KIND_LABELS.get(award["kind"], (award["kind"], award["kind"])))
        name = award["name"] + ("（含并列 / incl. tie at the cut）" if award.get("tie_at_cut") else "")
        if not award["winners"]:
            _write_row(ws, r, [name, kind, None, "（无 / none）"], {})
            r += 1
        for n, w in enumerate(award["winners"], start=1):
            composite = None if w.get("composite") is None else round(w["composite"], d)
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
            _write_row(ws, r, values, {8: fixed})
            r += 1
    print_setup(ws, event.title, title_rows=f"{first - 1}:{first - 1}")

    # -- the rules used
    ws = wb.create_sheet("规则 Rules")
    first = _table_start(
        ws,
        f"{event.title} — 计分规则 / Rules used",
        [subtitle],
        ["项目 / Item", "设置 / Setting", "说明 / Explanation"],
        [26, 36, 80],
    )
    r = first
    for item, setting, explanation in rules_rows(event):
        _write_row(ws, r, [item, setting, explanation], {}, wrap={1, 2})
        r += 1
    print_setup(ws, event.title, landscape=False, title_rows=f"{first - 1}:{first - 1}")

    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rules_rows(event: Event) -> list[tuple[str, str, str]]:
    """The rules as (item, setting, explanation) rows, bilingual, for the workbook."""
    s = event.scoring
    rule_zh, rule_en, _ = RULE_LABELS[s.rule]
    norm_zh, norm_en, _ = NORMALIZE_LABELS[s.normalize]
    total_weight = event.composite_weight_total or 1.0
    trim_from = max(s.trim_min_judges, 2 * s.trim + 1)
    rows = [
        ("活动 / Event", event.title, " · ".join(x for x in (event.date, event.venue, event.organizer) if x)),
        (
            "评委总分 / A judge's total",
            f"满分 / max {fmt_score(event.panel_max)}",
            "评委总分 = Σ 权重 × 各项得分 / A judge's total = Σ weight × score per criterion",
        ),
    ]
    for c in event.criteria:
        rows.append(
            (
                f"评分项 / Criterion: {c.name}",
                f"0–{fmt_score(c.max)}, 步长 step {fmt_score(c.step)}, 权重 weight {fmt_score(c.weight)}",
                c.description,
            )
        )
    rows += [
        (
            "汇总规则 / Aggregation rule",
            f"{rule_zh} / {rule_en} ({s.rule})",
            "评委评分由有效评委的总分按此规则汇总；回避评委的分数从不计入。 The panel score combines the totals of the "
            "judges who counted by this rule; a recused judge's score never counts.",
        ),
        (
            "去分 / Trim",
            f"{s.trim} 高 + {s.trim} 低 / {s.trim} highest + {s.trim} lowest",
            f"有效评委不少于 {trim_from} 位时去掉；否则取平均。并列时，最高分中去掉评委编号较后者，"
            f"最低分中去掉较前者。 Applied when at least {trim_from} judges counted; "
            "otherwise the plain mean. Among equal totals the later judge id is dropped at the top, the earlier at "
            "the bottom."
            if s.rule == "trimmed_mean"
            else "不适用 / not used by this rule",
        ),
        ("标准分校正 / Normalisation", f"{norm_zh} / {norm_en} ({s.normalize})", ""),
        (
            "最少有效评委 / Minimum panel",
            str(s.min_panel),
            "少于此数的项目被标记，且不能获得优秀项目类奖项。 A project with fewer judges is flagged and cannot win a "
            "top-projects award.",
        ),
        (
            "小数位 / Decimals",
            str(s.decimals),
            "结果按此精度显示和排名。 Results are shown and ranked at this precision.",
        ),
        (
            "综合得分权重 / Composite weight: 评委评分 Panel",
            f"{fmt_score(event.panel_weight)} ({100 * event.panel_weight / total_weight:.4g}%)",
            f"评委评分换算为百分制：100 × 评委评分 / {fmt_score(event.panel_max)} / "
            f"Panel score on 100: 100 × panel / {fmt_score(event.panel_max)}",
        ),
    ]
    for i in event.indicators:
        rows.append(
            (
                f"综合得分权重 / Composite weight: {i.name}",
                f"{fmt_score(i.weight)} ({100 * i.weight / total_weight:.4g}%)",
                f"满分 / max {fmt_score(i.max)}; 100 × 值 / {fmt_score(i.max)}. {i.description}".strip(),
            )
        )
    rows += [
        (
            "综合得分 / Composite",
            "Σ 权重 × 百分制得分 / Σ 权重",
            "Composite = Σ weight × score out of 100 / Σ weight",
        ),
        (
            "排名 / Ranking",
            "1. 综合得分 composite  2. 评委评分 panel  3. 第一名票数 first places",
            "依次比较（按保留的小数位）；三项都相同则并列同名次（如 1, 2, 2, 4）。 Compared in turn, rounded to the "
            "decimals; projects equal on all three share a rank (1, 2, 2, 4). First places: how many judges gave the "
            "project their highest total of the event.",
        ),
        (
            "陈述 / 问答时间 Timing",
            f"{seconds_to_minutes(event.timing.presentation_seconds):g} + "
            f"{seconds_to_minutes(event.timing.qa_seconds):g} min",
            "",
        ),
    ]
    for a in event.awards:
        kind_zh, kind_en = KIND_LABELS[a.kind]
        detail = {
            "top_projects": f"前 {a.count} 名 / top {a.count}"
            + (
                f"; 每类最多 {a.max_per_category} / at most {a.max_per_category} per category"
                if a.max_per_category
                else ""
            )
            + "; 名额处并列者一并获奖 / a tie at the cut wins together",
            "team_leaders": f"“{a.of}” 获奖团队的负责人 / leaders of the teams that won '{a.of}'",
            "honour_roll": "名单 / listed names" if a.names else "各项目的志愿者 / every project's volunteers",
        }[a.kind]
        rows.append((f"奖项 / Award: {a.name}", f"{kind_zh} / {kind_en}", detail))
    rows.append(("评委 / Judges", "、".join(j.name for j in event.judges), ""))
    return rows


def _rule_label(method: str) -> str:
    zh, en, _ = RULE_LABELS.get(method, (method, method, method))
    return f"{zh} / {en}"


def _table_start(
    ws: Worksheet, title: str, notes: Sequence[str], headers: Sequence[str], widths: Sequence[float]
) -> int:
    """Title in row 1, notes below, then the header row; returns the first data row."""
    put(ws.cell(1, 1), title).font = TITLE_FONT
    for n, note in enumerate(notes, start=2):
        put(ws.cell(n, 1), note).font = NOTE_FONT
    header_row = len(notes) + 3
    for c, header in enumerate(headers, start=1):
        put(ws.cell(header_row, c), header)
    style_header(ws, header_row, height=36)
    set_widths(ws, widths)
    ws.freeze_panes = ws.cell(header_row + 1, 3)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{header_row}"
    return header_row + 1


def _write_row(ws: Worksheet, r: int, values: Sequence[Any], formats: dict[int, str], wrap: Iterable[int] = ()) -> None:
    wrap = set(wrap)
    for c, value in enumerate(values):
        cell = ws.cell(r, c + 1)
        if value is not None:
            put(cell, value)
        body_cell(cell, wrap=c in wrap)
        if c in formats and isinstance(value, int | float):
            cell.number_format = formats[c]
        if isinstance(value, int | float):
            cell.alignment = Alignment(horizontal="right", vertical="top")


def _mark(ws: Worksheet, r: int, width: int, status: str) -> None:
    if status in ("dropped", "recused"):
        for c in range(1, width + 1):
            _mark_cell(ws.cell(r, c), status)


def _mark_cell(cell: Any, status: str) -> None:
    cell.fill = DROPPED_FILL if status == "dropped" else RECUSED_FILL
    cell.font = DROPPED_FONT if status == "dropped" else RECUSED_FONT
    cell.border = BORDER


def _legend_style(ws: Worksheet, row: int, fill: PatternFill, font: Font) -> None:
    ws.cell(row, 1).fill = fill
    ws.cell(row, 1).font = font


# ================================================================================== CSV
def csv_safe(value: Any) -> str:
    """Spreadsheet formula injection: a text cell starting with = + - @ (or a tab / carriage return,
    which some spreadsheets skip before looking) is prefixed with ' so it shows as text, never runs."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [_csv_number(v) if isinstance(v, int | float) and not isinstance(v, bool) else csv_safe(v) for v in row]
        )
    return "\ufeff" + buffer.getvalue()  # BOM: Excel then reads the UTF-8 (Chinese) text correctly


def _csv_number(value: float) -> str:
    return fmt_score(float(value)) if isinstance(value, float) else str(value)


def scores_csv(event: Event, entries: Iterable[JournalEntry]) -> str:
    """Every score submission and host correction from the journal, oldest first, with its time and
    command id. `latest` marks the submission that is in force (a later one replaces an earlier)."""
    entries = [e for e in entries if e.kind in ("score", "correction")]
    last: dict[tuple[str, str], int] = {}
    for e in entries:
        last[(str(e.data.get("project")), str(e.data.get("judge")))] = e.seq
    versions: dict[tuple[str, str], int] = {}
    header = [
        "seq",
        "time",
        "kind",
        "actor",
        "project",
        "project_title",
        "judge",
        "judge_name",
        *[f"score_{c.id}" for c in event.criteria],
        "total",
        "comment",
        "reason",
        "version",
        "latest",
        "command_id",
        "connection",
    ]
    rows = []
    for e in entries:
        pid, jid = str(e.data.get("project")), str(e.data.get("judge"))
        versions[(pid, jid)] = versions.get((pid, jid), 0) + 1
        project, judge = event.project(pid), event.judge(jid)
        values = e.data.get("values", {})
        rows.append(
            [
                e.seq,
                f"{datetime.fromtimestamp(e.at).astimezone().strftime('%Y-%m-%d %H:%M:%S.%f')[:-3]}",
                e.kind,
                e.actor,
                pid,
                project.title if project else "",
                jid,
                judge.name if judge else "",
                *[float(values[c.id]) if c.id in values else "" for c in event.criteria],
                float(e.data.get("total", 0.0)),
                e.data.get("comment", ""),
                e.data.get("reason", ""),
                versions[(pid, jid)],
                "yes" if last[(pid, jid)] == e.seq else "no",
                e.command_id or "",
                e.connection or "",
            ]
        )
    return _csv(header, rows)


def event_inputs_csv(event: Event) -> str:
    """The event definition as rows: section, position, id, field, value (one value per row)."""
    rows: list[list[Any]] = []

    def add(section: str, position: int | str, ident: str, values: dict[str, Any]) -> None:
        for key, value in values.items():
            if isinstance(value, list | tuple):
                value = "、".join(value)
            rows.append([section, position, ident, key, value])

    add(
        "event",
        "",
        "",
        {
            "title": event.title,
            "subtitle": event.subtitle,
            "date": event.date,
            "venue": event.venue,
            "organizer": event.organizer,
            "language": event.language,
        },
    )
    add(
        "timing",
        "",
        "",
        {
            "presentation_minutes": seconds_to_minutes(event.timing.presentation_seconds),
            "qa_minutes": seconds_to_minutes(event.timing.qa_seconds),
        },
    )
    s = event.scoring
    add(
        "scoring",
        "",
        "",
        {
            "rule": s.rule,
            "trim": s.trim,
            "trim_min_judges": s.trim_min_judges,
            "normalize": s.normalize,
            "min_panel": s.min_panel,
            "decimals": s.decimals,
        },
    )
    add("composite", "", "", {"panel_weight": event.panel_weight, "panel_max": event.panel_max})
    for n, c in enumerate(event.categories, start=1):
        add("categories", n, c.id, {"name": c.name})
    for n, c in enumerate(event.criteria, start=1):
        add(
            "criteria",
            n,
            c.id,
            {"name": c.name, "max": c.max, "weight": c.weight, "step": c.step, "description": c.description},
        )
    for n, i in enumerate(event.indicators, start=1):
        add("indicators", n, i.id, {"name": i.name, "weight": i.weight, "max": i.max, "description": i.description})
    for n, j in enumerate(event.judges, start=1):
        add("judges", n, j.id, {"name": j.name, "title": j.title})
    for n, p in enumerate(event.projects, start=1):
        add(
            "projects",
            n,
            p.id,
            {
                "order": p.order,
                "category": p.category,
                "title": p.title,
                "team": p.team,
                "leader": p.leader,
                "members": list(p.members),
                "volunteers": list(p.volunteers),
                "summary": p.summary,
            }
            | {f"indicator:{i.id}": p.indicators.get(i.id) for i in event.indicators},
        )
    for n, rec in enumerate(event.recusals, start=1):
        add("recusals", n, "", {"judge": rec.judge, "project": rec.project, "reason": rec.reason})
    for n, a in enumerate(event.awards, start=1):
        add(
            "awards",
            n,
            a.id,
            {
                "name": a.name,
                "kind": a.kind,
                "count": a.count,
                "max_per_category": a.max_per_category,
                "of": a.of,
                "names": list(a.names),
            },
        )
    return _csv(["section", "position", "id", "field", "value"], rows)


# ================================================================================== printable pages
@dataclass(slots=True)
class ScoreSheetRow:
    position: int
    project: str
    title: str
    team: str
    scores: list[str]
    total: str
    comment: str
    submitted: str
    version: int
    recused: bool


def judge_score_sheets(state: EventState, judges: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One sheet per judge: every project the judge scored (running order), each criterion, total, comment."""
    event = state.event
    out = []
    for judge in event.judges:
        if judges is not None and judge.id not in judges:
            continue
        rows = []
        not_scored = []
        for position, pid in enumerate(state.order, start=1):
            project = event.project(pid)
            assert project is not None
            sheet = state.sheets.get((pid, judge.id))
            if sheet is None:
                if (judge.id, pid) not in state.recused:
                    not_scored.append(f"{position}. {project.title}")
                continue
            rows.append(
                ScoreSheetRow(
                    position=position,
                    project=pid,
                    title=project.title,
                    team=project.team,
                    scores=[fmt_score(sheet.values.get(c.id)) for c in event.criteria],
                    total=fmt_score(sheet.total),
                    comment=sheet.comment,
                    submitted=local_time(sheet.at),
                    version=sheet.version,
                    recused=(judge.id, pid) in state.recused,
                )
            )
        out.append({"judge": judge, "number": event.judges.index(judge) + 1, "rows": rows, "not_scored": not_scored})
    return out


def results_page(state: EventState) -> dict[str, Any]:
    """The standings, awards and rules for the chief judge's signature (host scope: everything scored)."""
    event = state.event
    d = event.scoring.decimals
    payload = standings_payload(state, state.standings(), explained=True)
    names = {j.id: j.name for j in event.judges}

    def row(r: dict[str, Any]) -> dict[str, Any]:
        comps = {c["id"]: c for c in r["components"]}
        return {
            "rank": r["rank"],
            "tied": r["tied"],
            "category_rank": r["category_rank"],
            "category_tied": r["category_tied"],
            "project": r["project"],
            "title": r["title"],
            "team": r["team"],
            "category_name": r["category_name"],
            "panel": fmt_fixed(r["panel"], d),
            "indicators": [fmt_score(comps.get(i.id, {}).get("value")) for i in event.indicators],
            "composite": fmt_fixed(r["composite"], d),
            "counted": len(r["counted"]),
            "dropped": [names.get(j, j) for j in r["dropped"]],
            "method": r["method"],
            "flags": r["flags"],
        }

    awards, final = current_awards(state)
    unranked = []
    for pid in payload["unranked"]:
        p = event.project(pid)
        if p is not None:
            unranked.append({"project": pid, "title": p.title, "team": p.team})
    s = event.scoring
    return {
        "overall": [row(r) for r in payload["overall"]],
        "by_category": [
            {"category": c, "rows": [row(r) for r in payload["by_category"].get(c.id, [])]} for c in event.categories
        ],
        "unranked": unranked,
        "awards": awards,
        "awards_final": final,
        "rules": {
            "rule": RULE_LABELS[s.rule][2],
            "normalize": NORMALIZE_LABELS[s.normalize][2],
            "trim": s.trim,
            "trim_from": max(s.trim_min_judges, 2 * s.trim + 1),
            "is_trimmed": s.rule == "trimmed_mean" and s.trim > 0,
            "min_panel": s.min_panel,
            "decimals": s.decimals,
            "panel_max": fmt_score(event.panel_max),
            "weights": [(N_("Panel score"), event.panel_weight)] + [(i.name, i.weight) for i in event.indicators],
            "weight_total": event.composite_weight_total or 1.0,
        },
        "scored": len(payload["overall"]),
        "project_count": len(event.projects),
    }


def certificates(state: EventState, award_id: str | None = None) -> tuple[list[dict[str, Any]], bool]:
    """One certificate per winner of every award (or of `award_id`): excellent teams, their leaders,
    each volunteer on the honour roll. Second value: whether the awards are final."""
    event = state.event
    awards, final = current_awards(state)
    out = []
    for award in awards:
        if award_id and award["id"] != award_id:
            continue
        for w in award["winners"]:
            category = event.category(w.get("category") or "")
            if award["kind"] == "top_projects":
                detail = w.get("project_title") or ""
            elif award["kind"] == "team_leaders":
                detail = " · ".join(x for x in (w.get("team"), w.get("project_title")) if x)
            else:
                detail = w.get("team") or ""
            out.append(
                {
                    "award": award["name"],
                    "award_id": award["id"],
                    "kind": award["kind"],
                    "name": w["name"],
                    "detail": detail,
                    "category": category.name if category else "",
                }
            )
    return out, final
