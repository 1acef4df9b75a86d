"""Who advances from one round of a competition to the next (docs/event-file.md, "Rounds").

Pure: given the previous round's standings (app/domain/results.py) and a rule, the ordered list of
advancing projects. Three rules:

- `top_overall N`: the projects ranked N or better overall;
- `top_per_category N`: in each category, the projects ranked N or better in that category;
- `pick`: the projects the host names, with a reason (required).

The tie rule: a tie at the cut advances every tied project. The ranking already breaks ties by its
documented keys (composite, then panel, then first places); projects still equal on all three share
a rank, and "ranked N or better" takes them all, so N = 8 may advance 9 or more. The extra ones are
listed in `tied_at_cut`, so the host sees them before confirming.

A project without a valid result (never scored, withdrawn) is unranked and never advances by a top
rule; it can only be picked. Every list is in the previous round's overall standing order (ranked
first, then the unranked in running order).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import DomainError
from .final_lock import clean_reason
from .results import Standings
from .text import MAX_REASON

ADVANCEMENT_KINDS: tuple[str, ...] = ("top_overall", "top_per_category", "pick")
MAX_ROUNDS = 20  # rounds in one competition (a round's index); docs/security.md
MAX_PICKS = 1000  # projects named by a pick (an event holds fewer); docs/security.md


@dataclass(frozen=True, slots=True)
class Advancement:
    advanced: tuple[str, ...]  # who goes through, in the previous round's overall standing
    left_out: tuple[str, ...]  # everyone else, same order
    tied_at_cut: tuple[str, ...]  # advanced beyond N because they share the rank at the cut
    unranked: tuple[str, ...]  # no valid result (among the left out unless picked)


def advance(
    standings: Standings, kind: str, count: int = 0, picks: tuple[str, ...] = (), reason: str = ""
) -> Advancement:
    """Apply the rule to the standings. DomainError (nothing decided) for a rule that cannot apply:
    an unknown kind, N below 1 or above the field, a pick without a reason, an unknown or repeated id."""
    results = standings.results
    order = list(standings.overall)
    unranked = tuple(pid for pid in order if results[pid].rank is None)
    if kind == "top_overall":
        chosen, tied = _top_overall(standings, count)
    elif kind == "top_per_category":
        chosen, tied = _top_per_category(standings, count)
    elif kind == "pick":
        chosen, tied = _pick(order, picks, reason), set()
    else:
        raise DomainError(
            "bad_rule", "The advancement rule must be one of {choices}.", choices=", ".join(ADVANCEMENT_KINDS)
        )
    return Advancement(
        advanced=tuple(pid for pid in order if pid in chosen),
        left_out=tuple(pid for pid in order if pid not in chosen),
        tied_at_cut=tuple(pid for pid in order if pid in tied),
        unranked=unranked,
    )


def _check_count(count: int, field: int, per_category: bool) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise DomainError("bad_count", "The number of projects to advance must be a whole number from 1.")
    if count > field and per_category:
        raise DomainError(
            "count_above_field",
            "Cannot advance {count} per category: no category has more than {field} projects with a result.",
            count=count,
            field=field,
        )
    if count > field:
        raise DomainError(
            "count_above_field",
            "Cannot advance {count}: only {field} projects have a result.",
            count=count,
            field=field,
        )


def _top_overall(standings: Standings, count: int) -> tuple[set[str], set[str]]:
    ranked = [pid for pid in standings.overall if standings.results[pid].rank is not None]
    _check_count(count, len(ranked), per_category=False)
    rank = {pid: standings.results[pid].rank or 0 for pid in ranked}
    chosen = {pid for pid in ranked if rank[pid] <= count}
    return chosen, _tied_at_cut(ranked, rank, chosen, count)


def _top_per_category(standings: Standings, count: int) -> tuple[set[str], set[str]]:
    per_category = {
        cat: [pid for pid in pids if standings.results[pid].category_rank is not None]
        for cat, pids in standings.by_category.items()
    }
    largest = max((len(pids) for pids in per_category.values()), default=0)
    _check_count(count, largest, per_category=True)
    chosen: set[str] = set()
    tied: set[str] = set()
    for pids in per_category.values():
        rank = {pid: standings.results[pid].category_rank or 0 for pid in pids}
        here = {pid for pid in pids if rank[pid] <= count}
        chosen |= here
        tied |= _tied_at_cut(pids, rank, here, count)
    return chosen, tied


def _tied_at_cut(ranked: list[str], rank: dict[str, int], chosen: set[str], count: int) -> set[str]:
    """When more than `count` go through, the projects sharing the last rank taken (the tie at the
    cut); none otherwise."""
    if len(chosen) <= count:
        return set()
    cut = max(rank[pid] for pid in chosen)
    return {pid for pid in ranked if pid in chosen and rank[pid] == cut}


def _pick(order: list[str], picks: tuple[str, ...], reason: str) -> set[str]:
    if not clean_reason(reason):
        raise DomainError("reason_required", "A pick needs a reason (at most {limit} characters).", limit=MAX_REASON)
    if not picks:
        raise DomainError("no_picks", "Name at least one project to advance.")
    if len(picks) > MAX_PICKS:
        raise DomainError("too_many_picks", "At most {limit} projects can be picked.", limit=MAX_PICKS)
    known = set(order)
    unknown = [p for p in picks if p not in known]
    if unknown:
        raise DomainError("unknown_project", "Not a project of this round: {ids}.", ids=", ".join(unknown[:10]))
    repeated = sorted({p for p in picks if picks.count(p) > 1})
    if repeated:
        raise DomainError("repeated_pick", "Picked twice: {ids}.", ids=", ".join(repeated[:10]))
    return set(picks)
