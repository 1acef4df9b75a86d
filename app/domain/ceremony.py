"""The award ceremony's reveal order: which winners each host step brings onto the stage.

The awards are the frozen dicts of `awards_as_dicts` (app/domain/awards.py). A step is
(award index, winner index), or (award index, -1) for an award shown whole in one step.

- Awards come in file order. A ranked award counts down from its last listed winner to the first;
  an honour roll comes whole in one step.
- A `team_leaders` award pairs with the `top_projects` award its `of` names (always an earlier one):
  each team is revealed together with its leader, on the same step (the leader is a *companion* of
  the team's step). The leader award then has one step of its own at its place in the order: a
  recap of all its winners at once (the leaders called up together), never a second one-by-one
  countdown. Ceremonies frozen before awards carried `of` have no pairs: each leader is its own step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Step = tuple[int, int]  # (award index, winner index or -1 for the whole award)
Awards = Sequence[dict[str, Any]]


def paired_awards(awards: Awards) -> dict[int, list[int]]:
    """top_projects award index -> the team_leaders awards revealed with it (their `of` names it)."""
    index_of = {award["id"]: i for i, award in enumerate(awards) if "id" in award}
    pairs: dict[int, list[int]] = {}
    for index, award in enumerate(awards):
        teams = index_of.get(award.get("of")) if award["kind"] == "team_leaders" else None
        if teams is not None and teams < index and awards[teams]["kind"] == "top_projects":
            pairs.setdefault(teams, []).append(index)
    return pairs


def ceremony_steps(awards: Awards) -> list[Step]:
    """The reveal order (see the module docstring)."""
    recaps = {leaders for paired in paired_awards(awards).values() for leaders in paired}
    steps: list[Step] = []
    for index, award in enumerate(awards):
        count = len(award["winners"])
        if award["kind"] == "honour_roll" or index in recaps:
            if count:
                steps.append((index, -1))
        else:
            steps.extend((index, w) for w in reversed(range(count)))
    return steps


def companions(awards: Awards, step: Step) -> list[Step]:
    """The winners a step reveals along with its own: the leader of the team it names, in each paired
    team_leaders award (none when the team has no leader)."""
    award_index, winner_index = step
    if winner_index < 0:
        return []
    project = awards[award_index]["winners"][winner_index].get("project")
    out: list[Step] = []
    for leaders in paired_awards(awards).get(award_index, []) if project else []:
        found = next((j for j, w in enumerate(awards[leaders]["winners"]) if w.get("project") == project), None)
        if found is not None:
            out.append((leaders, found))
    return out


def revealed_winners(awards: Awards, steps: Sequence[Step]) -> dict[int, set[int]]:
    """award index -> the winner indices the given steps have shown, companions included."""
    shown: dict[int, set[int]] = {}
    for step in steps:
        award_index, winner_index = step
        total = len(awards[award_index]["winners"])
        shown.setdefault(award_index, set()).update(range(total) if winner_index < 0 else [winner_index])
        for other, j in companions(awards, step):
            shown.setdefault(other, set()).add(j)
    return shown
