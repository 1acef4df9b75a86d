"""Awards decided from the standings and the event's award rules.

- top_projects: walk the overall ranking; skip projects flagged `insufficient_panel`; take a project
  while its category has fewer than `max_per_category` winners (0 = no limit); stop at `count`, except
  that a project tied (same rank) with the last one taken is also taken, so a tie at the cut is never
  broken arbitrarily (the award then names more than `count` winners, and says so with `tie_at_cut`).
- team_leaders: the leaders of the teams that won the award named by `of`, in the same order (no
  place of their own: a leader is not ranked against the other leaders).
- honour_roll: the names listed on the rule, or else every project's volunteers, in running order,
  without duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import AwardRule, Event
from .results import Standings


@dataclass(slots=True)
class Winner:
    name: str  # the team (top_projects), the leader (team_leaders) or the volunteer
    project: str = ""  # project id, empty for honour-roll names not tied to a project
    project_title: str = ""
    team: str = ""
    category: str = ""
    rank: int | None = None  # the overall rank (which a per-category cap makes skip numbers)
    composite: float | None = None
    place: int | None = None  # the place within the award (1, 2, 2, 4 …); None where it means nothing


@dataclass(slots=True)
class AwardResult:
    id: str
    name: str
    kind: str
    winners: list[Winner] = field(default_factory=list)
    tie_at_cut: bool = False


def compute_awards(event: Event, standings: Standings) -> list[AwardResult]:
    decided: dict[str, AwardResult] = {}
    out: list[AwardResult] = []
    for rule in event.awards:
        if rule.kind == "top_projects":
            award = _top_projects(event, standings, rule)
        elif rule.kind == "team_leaders":
            award = _team_leaders(event, rule, decided.get(rule.of))
        else:
            award = _honour_roll(event, rule)
        decided[rule.id] = award
        out.append(award)
    return out


def _top_projects(event: Event, standings: Standings, rule: AwardRule) -> AwardResult:
    award = AwardResult(rule.id, rule.name, rule.kind)
    per_category: dict[str, int] = {}
    last_rank: int | None = None
    for pid in standings.overall:
        result = standings.results[pid]
        if result.rank is None or "insufficient_panel" in result.flags:
            continue
        full = len(award.winners) >= rule.count
        if full and result.rank != last_rank:
            break
        taken_in_category = per_category.get(result.category, 0)
        if rule.max_per_category and taken_in_category >= rule.max_per_category:
            continue
        if full:
            award.tie_at_cut = True
        project = event.project(pid)
        assert project is not None
        per_category[result.category] = taken_in_category + 1
        # Winners are numbered within the award: the sixth winner of a top-6 award with a category cap
        # is "6th", not its overall "7th"; winners tied overall share a place.
        place = len(award.winners) + 1
        if award.winners and result.rank == last_rank:
            place = award.winners[-1].place or place
        last_rank = result.rank
        award.winners.append(
            Winner(
                name=project.team,
                project=pid,
                project_title=project.title,
                team=project.team,
                category=project.category,
                rank=result.rank,
                composite=result.composite,
                place=place,
            )
        )
    return award


def _team_leaders(event: Event, rule: AwardRule, teams: AwardResult | None) -> AwardResult:
    award = AwardResult(rule.id, rule.name, rule.kind)
    for team_win in teams.winners if teams else []:
        project = event.project(team_win.project)
        if project is None or not project.leader:
            continue
        award.winners.append(
            Winner(
                name=project.leader,
                project=project.id,
                project_title=project.title,
                team=project.team,
                category=project.category,
                rank=team_win.rank,
                composite=team_win.composite,
            )
        )
    return award


def _honour_roll(event: Event, rule: AwardRule) -> AwardResult:
    award = AwardResult(rule.id, rule.name, rule.kind)
    seen: set[str] = set()
    if rule.names:
        for name in rule.names:
            if name not in seen:
                seen.add(name)
                award.winners.append(Winner(name=name))
        return award
    for pid in event.default_order():
        project = event.project(pid)
        assert project is not None
        for name in project.volunteers:
            if name not in seen:
                seen.add(name)
                award.winners.append(
                    Winner(
                        name=name,
                        project=pid,
                        project_title=project.title,
                        team=project.team,
                        category=project.category,
                    )
                )
    return award
