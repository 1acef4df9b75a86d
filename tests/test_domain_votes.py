"""Unit tests for app/domain/votes.py (the audience vote), the [audience] table and the vote's share of
the composite and the people's-choice award. Tables of cases; no web, no database."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest

from app.domain.awards import compute_awards
from app.domain.errors import DomainError
from app.domain.models import AudienceRules, AwardRule, Category, Criterion, Event, Judge, Project
from app.domain.state import Change, EventState
from app.domain.votes import VoteBook, VoteWindow, people_choice, read_ballot, tally, tally_as_dict
from app.eventfile import EventFileError, parse_event
from app.eventfile_export import event_to_toml


def make_event(audience: AudienceRules, awards: tuple[AwardRule, ...] = ()) -> Event:
    return Event(
        title="T",
        date="",
        categories=(Category("env", "Env"), Category("edu", "Edu")),
        criteria=(Criterion("overall", "Overall", max=100),),
        judges=(Judge("j1", "J1"),),
        projects=(
            Project("A", "A", "Team A", "", "env", 1),
            Project("B", "B", "Team B", "", "env", 2),
            Project("C", "C", "Team C", "", "edu", 3),
        ),
        audience=audience,
        awards=awards,
    )


EVENT = make_event(AudienceRules(enabled=True))
PER_CATEGORY = make_event(AudienceRules(enabled=True, mode="one_per_category"))
STARS = make_event(AudienceRules(enabled=True, mode="stars", window="per_project"))
OPEN = VoteWindow(open=True)


def book(*votes: tuple[str, str, str | int]) -> VoteBook:
    b = VoteBook()
    for voter, key, choice in votes:
        b.record(voter, key, choice)
    return b


# --------------------------------------------------------------------------- ballots
@pytest.mark.parametrize(
    ("event", "window", "choice", "key", "expected"),
    [
        (EVENT, OPEN, "A", None, ("event", "A")),
        (EVENT, OPEN, "C", None, ("event", "C")),
        (PER_CATEGORY, OPEN, "C", None, ("edu", "C")),
        (PER_CATEGORY, OPEN, "B", None, ("env", "B")),
        (STARS, VoteWindow(open=True, project="B"), 4, None, ("B", 4)),
        (STARS, VoteWindow(open=True, project="B"), 5, "B", ("B", 5)),
        (STARS, VoteWindow(open=True, project="B"), 1, "B", ("B", 1)),
    ],
)
def test_ballot_accepted(event, window, choice, key, expected) -> None:
    assert read_ballot(event, window, choice, key) == expected


@pytest.mark.parametrize(
    ("event", "window", "choice", "key", "code"),
    [
        (EVENT, VoteWindow(), "A", None, "voting_closed"),
        (EVENT, OPEN, "Z", None, "bad_vote"),
        (EVENT, OPEN, 3, None, "bad_vote"),
        (EVENT, OPEN, None, None, "bad_vote"),
        (make_event(AudienceRules()), OPEN, "A", None, "audience_off"),
        (STARS, VoteWindow(open=True, project="B"), 0, None, "bad_vote"),
        (STARS, VoteWindow(open=True, project="B"), 6, None, "bad_vote"),
        (STARS, VoteWindow(open=True, project="B"), True, None, "bad_vote"),
        (STARS, VoteWindow(open=True, project="B"), 4.5, None, "bad_vote"),
        (STARS, VoteWindow(open=True, project="B"), 4, "A", "voting_closed"),  # A's window is not open
        (STARS, VoteWindow(open=False), 4, "B", "voting_closed"),
    ],
)
def test_ballot_refused(event, window, choice, key, code) -> None:
    with pytest.raises(DomainError) as info:
        read_ballot(event, window, choice, key)
    assert info.value.code == code


# --------------------------------------------------------------------------- tally
@pytest.mark.parametrize(
    ("event", "votes", "expected"),
    [
        # (project, votes, points, rank) best first
        (EVENT, [], [("A", 0, 0, 1), ("B", 0, 0, 1), ("C", 0, 0, 1)]),
        (
            EVENT,
            [("v1", "event", "A"), ("v2", "event", "A"), ("v3", "event", "B"), ("v4", "event", "C")],
            [("A", 2, 100, 1), ("B", 1, 50, 2), ("C", 1, 50, 2)],
        ),
        # the latest vote of a voter counts: v1 moved from A to C
        (
            EVENT,
            [("v1", "event", "A"), ("v2", "event", "A"), ("v1", "event", "C")],
            [("A", 1, 100, 1), ("C", 1, 100, 1), ("B", 0, 0, 3)],
        ),
        # one per category: normalised within the category (C alone in edu gets 100 with one vote)
        (
            PER_CATEGORY,
            [("v1", "env", "A"), ("v2", "env", "A"), ("v3", "env", "B"), ("v1", "edu", "C")],
            [("A", 2, 100, 1), ("B", 1, 50, 2), ("C", 1, 100, 2)],
        ),
        # stars: 100 x mean / 5; ranked by mean, then by how many rated
        (
            STARS,
            [("v1", "A", 5), ("v2", "A", 3), ("v1", "B", 4), ("v2", "B", 4), ("v3", "B", 4), ("v1", "C", 4)],
            [("B", 3, 80, 1), ("A", 2, 80, 2), ("C", 1, 80, 3)],
        ),
        (STARS, [("v1", "A", 1), ("v1", "A", 2)], [("A", 1, 40, 1), ("B", 0, 0, 2), ("C", 0, 0, 2)]),
    ],
)
def test_tally(event, votes, expected) -> None:
    result = tally(event, book(*votes))
    got = [(t.project, t.votes, t.points, t.rank) for t in result.projects]
    assert got == [(p, v, Fraction(pts), r) for p, v, pts, r in expected]


def test_tally_points_are_exact_thirds() -> None:
    result = tally(EVENT, book(("v1", "event", "A"), ("v2", "event", "A"), ("v3", "event", "A"), ("v4", "event", "B")))
    points = {t.project: t.points for t in result.projects}
    assert points["B"] == Fraction(100, 3)
    assert tally_as_dict(result)["projects"][1]["points"] == "100/3"


@pytest.mark.parametrize(
    ("votes", "count", "winners"),
    [
        ([("v1", "event", "A"), ("v2", "event", "B"), ("v3", "event", "B")], 1, ["B"]),
        ([("v1", "event", "A"), ("v2", "event", "B")], 1, ["A", "B"]),  # tied at the cut: both win
        ([("v1", "event", "A"), ("v2", "event", "B"), ("v3", "event", "B")], 2, ["B", "A"]),
        ([("v1", "event", "A")], 3, ["A"]),  # no votes, no award
    ],
)
def test_people_choice(votes, count, winners) -> None:
    revealed = tally_as_dict(tally(EVENT, book(*votes)))
    assert [row["project"] for row in people_choice(revealed, count)] == winners
    assert people_choice(None, count) == []


# --------------------------------------------------------------------------- the window in the state
def state_for(event: Event) -> EventState:
    return EventState.new(event)


def run(state: EventState, command: str, args: dict | None = None) -> list[Change]:
    changes = state.decide("host", "", command, args or {}, 1.0)
    for c in changes:
        state.apply(c, 1.0)
    return changes


def test_window_open_close_reveal() -> None:
    state = state_for(EVENT)
    with pytest.raises(DomainError, match="closed") as info:
        run(state, "vote_close")
    assert info.value.code == "voting_closed"
    run(state, "vote_open")
    with pytest.raises(DomainError) as info:
        run(state, "vote_open")
    assert info.value.code == "vote_already_open"
    with pytest.raises(DomainError) as info:
        run(state, "vote_reveal")
    assert info.value.code == "close_vote_first"
    run(state, "vote_close")
    with pytest.raises(DomainError) as info:
        run(state, "vote_reveal")
    assert info.value.code == "no_votes"
    state.ballots.record("v1", "event", "B")
    [change] = run(state, "vote_reveal")
    assert change.kind == "vote_revealed"
    assert state.vote.revealed is not None and state.vote.revealed["projects"][0]["project"] == "B"


def test_vote_commands_refused_when_off_or_not_host() -> None:
    state = state_for(make_event(AudienceRules()))
    with pytest.raises(DomainError) as info:
        run(state, "vote_open")
    assert info.value.code == "audience_off"
    with pytest.raises(DomainError) as info:
        state_for(EVENT).decide("judge", "j1", "vote_open", {}, 1.0)
    assert info.value.code == "forbidden"


def test_per_project_window_needs_a_presented_project() -> None:
    state = state_for(STARS)
    with pytest.raises(DomainError) as info:
        run(state, "vote_open", {"project": "A"})
    assert info.value.code == "not_presented"
    run(state, "start_project", {"project": "A"})
    [change] = run(state, "vote_open")
    assert change.data == {"project": "A"} and state.vote.project == "A"


def test_composite_share_after_reveal() -> None:
    event = make_event(AudienceRules(enabled=True, use="composite", weight=0.1))
    state = state_for(event)
    run(state, "start_project", {"project": "A"})
    run(state, "open_scoring")
    state.apply(Change("score", {"project": "A", "judge": "j1", "values": {"overall": 80}, "total": 80}), 1.0)
    assert state.results()["A"].composite == 80
    assert "audience_pending" in state.results()["A"].flags
    run(state, "vote_open")
    state.ballots.record("v1", "event", "A")
    state.ballots.record("v2", "event", "B")
    state.ballots.record("v3", "event", "A")
    run(state, "vote_close")
    run(state, "vote_reveal")
    result = state.results()["A"]
    # (1 - 0.1) x 80 + 0.1 x 100
    assert result.composite == Fraction(82)
    assert [c.id for c in result.components] == ["panel", "audience"]
    assert result.components[1].contribution == 10
    assert "audience_pending" not in result.flags


def test_people_choice_award_from_revealed_tally() -> None:
    event = make_event(AudienceRules(enabled=True), awards=(AwardRule("pc", "People's choice", "people_choice"),))
    state = state_for(event)
    assert compute_awards(event, state.standings(), None, None)[0].winners == []
    run(state, "vote_open")
    for voter, choice in (("v1", "C"), ("v2", "C"), ("v3", "A")):
        state.ballots.record(voter, "event", choice)
    run(state, "vote_close")
    run(state, "vote_reveal")
    [award] = state.awards()
    assert [(w.project, w.name, w.place) for w in award.winners] == [("C", "Team C", 1)]


# --------------------------------------------------------------------------- the event file
BASE = """
[event]
title = "T"
[[categories]]
id = "c"
name = "C"
[[criteria]]
id = "x"
name = "X"
max = 10
[[judges]]
id = "j1"
name = "J"
[[projects]]
id = "p1"
title = "P"
team = "T"
category = "c"
"""


def test_audience_off_by_default() -> None:
    assert parse_event(BASE).audience == AudienceRules()


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("enabled = true", AudienceRules(enabled=True)),
        (
            'enabled = true\nmode = "stars"\nwindow = "per_project"\nuse = "composite"\nweight = 0.10',
            AudienceRules(enabled=True, mode="stars", window="per_project", use="composite", weight=0.1),
        ),
        (
            "enabled = true\nper_address_cap = 10000\ntickets = true",
            AudienceRules(True, per_address_cap=10000, tickets=True),
        ),
    ],
)
def test_audience_table_read_and_written_back(table: str, expected: AudienceRules) -> None:
    event = parse_event(BASE + "[audience]\n" + table + "\n")
    assert event.audience == expected
    assert parse_event(event_to_toml(event)).audience == expected


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ('enabled = "yes"', "audience.enabled"),
        ('mode = "loudest"', "audience.mode"),
        ('window = "per_project"', "audience.window"),  # needs stars
        ('use = "composite"', "audience.weight"),  # needs 0 < weight < 1
        ('use = "composite"\nweight = 1', "audience.weight"),
        ("weight = 0.1", "audience.weight"),  # only for the composite
        ("per_address_cap = 10001", "audience.per_address_cap"),
        ("per_address_cap = -1", "audience.per_address_cap"),
        ("votes = 3", "audience.votes"),
    ],
)
def test_audience_table_problems(table: str, field: str) -> None:
    with pytest.raises(EventFileError) as info:
        parse_event(BASE + "[audience]\n" + table + "\n")
    assert field in [f for f, _, _ in info.value.problems]


def test_people_choice_award_needs_the_vote() -> None:
    award = '\n[[awards]]\nid = "pc"\nname = "PC"\nkind = "people_choice"\n'
    with pytest.raises(EventFileError) as info:
        parse_event(BASE + award)
    assert "awards[0].kind" in [f for f, _, _ in info.value.problems]
    event = parse_event(BASE + "[audience]\nenabled = true\n" + award)
    assert event.awards[0].kind == "people_choice"
    assert replace(event.audience, enabled=True) == event.audience


def test_how_the_vote_counts_is_fixed_once_scoring_started_but_caps_and_tickets_are_not() -> None:
    from app.live import structure_changes

    assert structure_changes(EVENT, replace(EVENT, audience=replace(EVENT.audience, mode="one_per_category"))) == [
        "audience"
    ]
    assert structure_changes(EVENT, replace(EVENT, audience=replace(EVENT.audience, use="composite", weight=0.1))) == [
        "audience"
    ]
    assert (
        structure_changes(EVENT, replace(EVENT, audience=replace(EVENT.audience, per_address_cap=5, tickets=True)))
        == []
    )
