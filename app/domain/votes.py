"""The audience vote (大众评审): the window the host controls, what a ballot may say, and the tally.

Pure: no web, no database. The rules are docs/event-file.md §`[audience]`:

- A voter is one phone (a signed voter id). A ballot is a voter's vote on one *key*: the whole event
  (`one_per_event`, key "event", choice a project id), a category (`one_per_category`, key the category
  id, choice a project of that category) or a project (`stars`, key the project id, choice 1-5).
- The latest vote of a voter on a key counts (a changed mind replaces the earlier vote); votes are
  kept in the order they were committed, so "latest" is the highest commit sequence.
- Each project's audience points (0-100, exact fractions):
    one_per_event:     100 x votes / the most votes of any project (0 when nobody voted)
    one_per_category:  100 x votes / the most votes of any project in its category
    stars:             100 x mean stars / 5 (0 for a project nobody rated)
- Ranking (people's choice): by votes (stars: mean stars, then the number of ratings), descending;
  equal values share the rank (1, 2, 2, 4); a people's-choice award takes every project tied at the cut.
- The host opens, closes and reveals the vote (`vote_open`, `vote_close`, `vote_reveal`). The reveal
  freezes the tally into the journal: the board and the results show that tally, never a running one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .errors import DomainError
from .facts import Change
from .models import Event

MAX_STARS = 5
EVENT_KEY = "event"  # the one ballot key of a one_per_event vote
VOTE_COMMANDS: frozenset[str] = frozenset({"vote_open", "vote_close", "vote_reveal"})
VOTE_FACTS: frozenset[str] = frozenset({"vote_opened", "vote_closed", "vote_revealed"})


@dataclass(slots=True)
class VoteWindow:
    """Whether the audience may vote now, and on what; the tally at the latest reveal."""

    open: bool = False
    project: str | None = None  # per_project windows: the project being rated
    opened: list[str] = field(default_factory=list)  # per_project: projects whose window was opened
    revealed: dict[str, Any] | None = None  # the tally frozen by the latest reveal (tally_as_dict)

    def decide(
        self, event: Event, command: str, args: dict[str, Any], current: str | None, started: set[str]
    ) -> list[Change]:
        """The host's vote command -> facts. `current` is the presenting project, `started` the
        projects that have been on stage (a per-project vote opens only after its presentation began)."""
        rules = event.audience
        if not rules.enabled:
            raise DomainError("audience_off", "The audience vote is not enabled for this event.")
        if command == "vote_open":
            if self.open:
                raise DomainError("vote_already_open", "The audience vote is already open.")
            if rules.window == "end":
                return [Change("vote_opened", {"project": None})]
            pid = args.get("project", current)
            if not isinstance(pid, str) or event.project(pid) is None:
                raise DomainError("unknown_project", "There is no such project.")
            if pid not in started:
                raise DomainError("not_presented", "This project has not presented yet.")
            return [Change("vote_opened", {"project": pid})]
        if command == "vote_close":
            if not self.open:
                raise DomainError("voting_closed", "Voting is closed.")
            return [Change("vote_closed", {"project": self.project})]
        raise AssertionError(command)  # vote_reveal needs the votes: see reveal()

    def reveal(self, event: Event, book: VoteBook) -> list[Change]:
        if not event.audience.enabled:
            raise DomainError("audience_off", "The audience vote is not enabled for this event.")
        if self.open:
            raise DomainError("close_vote_first", "Close the audience vote before revealing it.")
        if not book.count:
            raise DomainError("no_votes", "Nobody has voted yet.")
        return [Change("vote_revealed", {"tally": tally_as_dict(tally(event, book))})]

    def apply(self, kind: str, data: dict[str, Any]) -> None:
        if kind == "vote_opened":
            self.open, self.project = True, data.get("project")
            if self.project and self.project not in self.opened:
                self.opened.append(self.project)
        elif kind == "vote_closed":
            self.open, self.project = False, None
        elif kind == "vote_revealed":
            self.revealed = data["tally"]

    def as_dict(self) -> dict[str, Any]:
        return {"open": self.open, "project": self.project, "opened": list(self.opened)}


def read_ballot(event: Event, window: VoteWindow, choice: Any, key: Any = None) -> tuple[str, str | int]:
    """Check a vote against the rules and the open window: (ballot key, choice), or DomainError.

    one_per_event: `choice` is a project id. one_per_category: `choice` is a project id; its category is
    the key. stars: `choice` is 1-5 for the project `key` (the open project when not given)."""
    rules = event.audience
    if not rules.enabled:
        raise DomainError("audience_off", "The audience vote is not enabled for this event.")
    if not window.open:
        raise DomainError("voting_closed", "Voting is closed.")
    if rules.mode == "stars":
        pid = window.project if key is None else key
        if not isinstance(pid, str) or event.project(pid) is None:
            raise DomainError("bad_vote", "That is not a project you can vote for.")
        if window.project is not None and pid != window.project:
            raise DomainError("voting_closed", "Voting is closed.")
        if isinstance(choice, bool) or not isinstance(choice, int) or not 1 <= choice <= MAX_STARS:
            raise DomainError("bad_vote", "Give 1 to {maximum} stars.", maximum=MAX_STARS)
        return pid, choice
    project = event.project(choice) if isinstance(choice, str) else None
    if project is None:
        raise DomainError("bad_vote", "That is not a project you can vote for.")
    if window.project is not None and project.id != window.project:
        raise DomainError("voting_closed", "Voting is closed.")
    return (EVENT_KEY if rules.mode == "one_per_event" else project.category), project.id


@dataclass(slots=True)
class VoteBook:
    """The latest vote of every voter on every key, folded in commit order."""

    latest: dict[tuple[str, str], str | int] = field(default_factory=dict)
    _keys_by_voter: dict[str, int] = field(default_factory=dict)

    def record(self, voter: str, key: str, choice: str | int) -> None:
        if (voter, key) not in self.latest:
            self._keys_by_voter[voter] = self._keys_by_voter.get(voter, 0) + 1
        self.latest[(voter, key)] = choice

    @property
    def count(self) -> int:
        """Votes that count now: one per voter and key."""
        return len(self.latest)

    def voters(self) -> int:
        return len(self._keys_by_voter)


@dataclass(frozen=True, slots=True)
class ProjectTally:
    project: str
    votes: int  # ballots naming the project (stars: ratings given)
    stars: int = 0  # the sum of the stars (stars mode)
    points: Fraction = Fraction(0)  # 0-100, see the module docstring
    rank: int = 0

    @property
    def mean_stars(self) -> Fraction | None:
        return Fraction(self.stars, self.votes) if self.votes else None


@dataclass(frozen=True, slots=True)
class Tally:
    mode: str
    ballots: int  # votes that count (one per voter and key)
    voters: int
    projects: tuple[ProjectTally, ...]  # ranked, best first; ties in running-order-free id order


def tally(event: Event, book: VoteBook) -> Tally:
    mode = event.audience.mode
    votes = {p.id: 0 for p in event.projects}
    stars = {p.id: 0 for p in event.projects}
    for (_, key), choice in book.latest.items():
        if mode == "stars":
            if key in votes and isinstance(choice, int):
                votes[key] += 1
                stars[key] += choice
        elif isinstance(choice, str) and choice in votes:
            votes[choice] += 1
    points = _points(event, votes, stars)
    value = {pid: _rank_value(mode, votes[pid], stars[pid]) for pid in votes}
    order = sorted(votes, key=lambda pid: (-value[pid][0], -value[pid][1], pid))
    ranked: list[ProjectTally] = []
    for index, pid in enumerate(order):
        tied = index and value[pid] == value[order[index - 1]]
        rank = ranked[-1].rank if tied else index + 1
        ranked.append(ProjectTally(pid, votes[pid], stars[pid], points[pid], rank))
    return Tally(mode, book.count, book.voters(), tuple(ranked))


def _rank_value(mode: str, votes: int, stars: int) -> tuple[Fraction, int]:
    if mode == "stars":
        return (Fraction(stars, votes) if votes else Fraction(0), votes)
    return (Fraction(votes), 0)


def _points(event: Event, votes: dict[str, int], stars: dict[str, int]) -> dict[str, Fraction]:
    mode = event.audience.mode
    if mode == "stars":
        return {pid: Fraction(100 * stars[pid], MAX_STARS * votes[pid]) if votes[pid] else Fraction(0) for pid in votes}
    if mode == "one_per_event":
        top = {p.category: max(votes.values(), default=0) for p in event.projects}
    else:
        top = {}
        for p in event.projects:
            top[p.category] = max(top.get(p.category, 0), votes[p.id])
    return {
        p.id: Fraction(100 * votes[p.id], top[p.category]) if top[p.category] else Fraction(0) for p in event.projects
    }


def tally_as_dict(result: Tally) -> dict[str, Any]:
    """JSON for the journal (the reveal) and the board: points as exact fractions' text "n/d"."""
    return {
        "mode": result.mode,
        "ballots": result.ballots,
        "voters": result.voters,
        "projects": [
            {
                "project": t.project,
                "votes": t.votes,
                "stars": t.stars,
                "points": f"{t.points.numerator}/{t.points.denominator}",
                "rank": t.rank,
            }
            for t in result.projects
        ],
    }


def revealed_points(revealed: dict[str, Any] | None) -> dict[str, Fraction] | None:
    """Each project's audience points from a revealed tally (None: not revealed yet)."""
    if revealed is None:
        return None
    return {row["project"]: Fraction(row["points"]) for row in revealed["projects"]}


def people_choice(revealed: dict[str, Any] | None, count: int) -> list[dict[str, Any]]:
    """The revealed tally's best `count` rows (ties at the cut all included), best first; none before
    the reveal and none for a project nobody voted for."""
    if revealed is None:
        return []
    rows = [row for row in revealed["projects"] if row["votes"] > 0]
    if not rows or count < 1:
        return []
    cut = rows[min(count, len(rows)) - 1]["rank"]
    return [row for row in rows if row["rank"] <= cut]
