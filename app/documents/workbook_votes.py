"""The results workbook's audience-vote sheet (大众评审): the tally the host revealed, or a note that it
has not been revealed (the running tally is never written down before the reveal)."""

from __future__ import annotations

from fractions import Fraction

from openpyxl import Workbook

from ..domain.numbers import shown
from ..domain.state import EventState
from ..spreadsheets.styles import print_setup
from .workbook_tables import table_start, write_row

MODE_LABELS = {
    "one_per_event": "每人一票 / One vote per phone",
    "one_per_category": "每类一票 / One vote per category",
    "stars": "1–5 星评分 / 1–5 stars per project",
}


def add_vote_sheet(wb: Workbook, state: EventState, subtitle: str) -> None:
    event = state.event
    rules = event.audience
    if not rules.enabled:
        return
    ws = wb.create_sheet("大众评审 Audience vote")
    revealed = state.vote.revealed
    use = (
        f"计入综合得分 {rules.weight:.0%} / {rules.weight:.0%} of the composite"
        if rules.use == "composite"
        else "单独评奖 / A separate award"
    )
    notes = [subtitle, f"{MODE_LABELS[rules.mode]}  ·  {use}"]
    if revealed is None:
        notes.append("尚未公布 / Not revealed yet")
    else:
        voters, ballots = revealed["voters"], revealed["ballots"]
        notes.append(f"已公布：{voters} 人，{ballots} 票 / Revealed: {voters} voters, {ballots} votes")
    headers = [
        "排名 / Rank",
        "项目编号 / Project ID",
        "项目名称 / Title",
        "实施团队 / Team",
        "票数 / Votes",
        "平均星级 / Mean stars",
        "大众评审得分 / Audience points",
    ]
    first = table_start(ws, f"{event.title} — 大众评审 / Audience vote", notes, headers, [8, 12, 34, 28, 10, 12, 14])
    d = event.scoring.decimals
    fixed = "0" if d == 0 else "0." + "0" * d
    r = first
    for row in (revealed or {}).get("projects", []):
        project = event.project(row["project"])
        mean = (
            shown(Fraction(row["stars"], row["votes"]), 2, "half_up")
            if rules.mode == "stars" and row["votes"]
            else None
        )
        points = shown(Fraction(row["points"]), d, event.scoring.rounding)
        values = [
            row["rank"],
            row["project"],
            project.title if project else "",
            project.team if project else "",
            row["votes"],
            mean,
            points,
        ]
        write_row(ws, r, values, {5: "0.00", 6: fixed})
        r += 1
    print_setup(ws, event.title, landscape=False, title_rows=f"{first - 1}:{first - 1}")
