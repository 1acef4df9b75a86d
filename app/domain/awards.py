"""Awards decided from the standings and the event's award rules (docs/event-file.md §7).

- top_projects: walk the overall ranking (tied projects listed in the live running order) a rank at a
  time; skip projects flagged `insufficient_panel`; stop once `count` winners are taken. The projects
  sharing a rank are taken or skipped together, so a tie is never broken arbitrarily: a category
  still below its `max_per_category` (0 = no limit) when the rank is reached takes all of its tied
  projects, and a tied rank reached with places left is taken whole. Either way the award can name
  more than `count` winners, or a category more than its cap, and says so with `tie_at_cut`.
  Each top_projects award is decided from the whole ranking: one project can win several.
  Winners are numbered within the award (`place`): the projects of one rank share the place after the
  winners already taken (1, 2, 2, 4 …), so a per-category cap never makes the sixth winner "7th".
- team_leaders: the leaders of the teams that won the award named by `of`, in the same order (no
  place of their own: a leader is not ranked against the other leaders).
- people_choice: the projects the audience vote ranks best (app/domain/votes.py, its revealed tally),
  `count` places (1 when not given), every project tied at the cut included; none before the reveal.
- honour_roll: the names listed on the rule, or else every project's volunteers in the live running
  order; a name already on the roll is not listed again (the first occurrence keeps its place).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import groupby
from typing import Any

from .models import AwardRule, Event, Project, ScoringRules
from .numbers import shown
from .results import Standings
from .votes import people_choice


@dataclass(slots=True)
class Winner:
    name: str  # the team (top_projects), the leader (team_leaders) or the volunteer
    project: str = ""  # project id, empty for honour-roll names not tied to a project
    project_title: str = ""
    team: str = ""
    category: str = ""
    rank: int | None = None  # the overall rank (which a per-category cap makes skip numbers)
    composite: Fraction | None = None  # exact; rounded when it is shown
    place: int | None = None  # the place within the award (1, 2, 2, 4 …); None where it means nothing


@dataclass(slots=True)
class AwardResult:
    id: str
    name: str
    kind: str
    winners: list[Winner] = field(default_factory=list)
    tie_at_cut: bool = False
    of: str = ""  # team_leaders: the top_projects award whose teams it follows


def compute_awards(
    event: Event,
    standings: Standings,
    order: Sequence[str] | None = None,
    revealed_vote: dict[str, Any] | None = None,
) -> list[AwardResult]:
    """The awards in file order; `order` is the live running order (the file's when None), which
    `standings` must have been ranked with too; `revealed_vote` the audience vote's revealed tally."""
    order = event.default_order() if order is None else order
    decided: dict[str, AwardResult] = {}
    out: list[AwardResult] = []
    for rule in event.awards:
        if rule.kind == "top_projects":
            award = _top_projects(event, standings, rule)
        elif rule.kind == "people_choice":
            award = _people_choice(event, standings, rule, revealed_vote)
        elif rule.kind == "team_leaders":
            award = _team_leaders(event, rule, decided.get(rule.of))
        else:
            award = _honour_roll(event, rule, order)
        decided[rule.id] = award
        out.append(award)
    return out


def _top_projects(event: Event, standings: Standings, rule: AwardRule) -> AwardResult:
    award = AwardResult(rule.id, rule.name, rule.kind)
    eligible = [
        standings.results[pid]
        for pid in standings.overall
        if standings.results[pid].rank is not None and "insufficient_panel" not in standings.results[pid].flags
    ]
    per_category: dict[str, int] = {}
    for _, group in groupby(eligible, key=lambda r: r.rank):
        if len(award.winners) >= rule.count:
            break
        room = dict(per_category)  # the caps as they stand when this rank is reached
        taken = [r for r in group if not rule.max_per_category or room.get(r.category, 0) < rule.max_per_category]
        place = len(award.winners) + 1  # tied projects share the place after those already taken
        for result in taken:
            per_category[result.category] = per_category.get(result.category, 0) + 1
            project = event.project(result.project)
            assert project is not None
            winner = _winner(project, project.team, result.rank, result.composite)
            winner.place = place
            award.winners.append(winner)
        over_cap = rule.max_per_category and any(n > rule.max_per_category for n in per_category.values())
        if len(award.winners) > rule.count or over_cap:
            award.tie_at_cut = True
    return award


def _people_choice(event: Event, standings: Standings, rule: AwardRule, revealed: dict[str, Any] | None) -> AwardResult:
    award = AwardResult(rule.id, rule.name, rule.kind)
    rows = people_choice(revealed, rule.count or 1)
    for row in rows:
        project = event.project(row["project"])
        if project is None:
            continue
        result = standings.results.get(project.id)
        winner = _winner(project, project.team, None, result.composite if result else None)
        winner.place = int(row["rank"])
        award.winners.append(winner)
    award.tie_at_cut = len(award.winners) > (rule.count or 1)
    return award


def _team_leaders(event: Event, rule: AwardRule, teams: AwardResult | None) -> AwardResult:
    award = AwardResult(rule.id, rule.name, rule.kind, of=rule.of)
    for team_win in teams.winners if teams else []:
        project = event.project(team_win.project)
        if project is None or not project.leader:
            continue
        award.winners.append(_winner(project, project.leader, team_win.rank, team_win.composite))
    return award


def _winner(project: Project, name: str, rank: int | None = None, composite: Fraction | None = None) -> Winner:
    return Winner(
        name=name,
        project=project.id,
        project_title=project.title,
        team=project.team,
        category=project.category,
        rank=rank,
        composite=composite,
    )


def _honour_roll(event: Event, rule: AwardRule, order: Sequence[str]) -> AwardResult:
    award = AwardResult(rule.id, rule.name, rule.kind)
    seen: set[str] = set()
    if rule.names:
        for name in rule.names:
            if name not in seen:
                seen.add(name)
                award.winners.append(Winner(name=name))
        return award
    for pid in order:
        project = event.project(pid)
        if project is None:
            continue
        for name in project.volunteers:
            if name not in seen:
                seen.add(name)
                award.winners.append(_winner(project, name))
    return award


def awards_as_dicts(awards: list[AwardResult], scoring: ScoringRules) -> list[dict[str, Any]]:
    """The awards as JSON (the ceremony freezes this): each winner's composite rounded as shown."""
    return [
        {
            "id": a.id,
            "name": a.name,
            "kind": a.kind,
            "tie_at_cut": a.tie_at_cut,
            **({"of": a.of} if a.kind == "team_leaders" else {}),  # pairs it with its teams (ceremony.py)
            "winners": [
                {
                    "name": w.name,
                    "project": w.project,
                    "project_title": w.project_title,
                    "team": w.team,
                    "category": w.category,
                    "rank": w.rank,
                    "composite": shown(w.composite, scoring.decimals, scoring.rounding),
                    "place": w.place,
                }
                for w in a.winners
            ],
        }
        for a in awards
    ]
