"""The path of a project through the rounds of a competition, as one line for the printed results and
the workbook: "初赛 #3 (86.20) → 半决赛 #1 (90.25) → 决赛 #1". The earlier steps come from the frozen
`[[earlier_results]]` (app/round_views.py `project_path`), the last is the project's rank in this round."""

from __future__ import annotations

from typing import Any

from ..domain.models import Event
from .formatting import fmt_fixed

TIED_MARK = "="  # after a shared rank: "#3="


def path_text(event: Event, row: dict[str, Any]) -> str:
    """The path of the explained result `row` (results_views.explained_row); "" for an event that is not a
    later round. A step without a rank (a project picked without a result) shows "–"."""
    if event.round is None or not row.get("path"):
        return ""
    decimals = event.scoring.decimals
    steps = [
        f"{step['round']} {_rank(step['rank'], step['tied'])}"
        + (f" ({fmt_fixed(step['composite'], decimals)})" if step["composite"] is not None else "")
        for step in row["path"]
    ]
    steps.append(f"{event.round.name} {_rank(row.get('rank'), bool(row.get('tied')))}")
    return " → ".join(steps)


def _rank(rank: int | None, tied: bool) -> str:
    return "–" if rank is None else f"#{rank}{TIED_MARK if tied else ''}"
