"""Unit tests for app/domain/advancement.py (who advances) and app/domain/next_round.py (the next
round's definition): every rule, the tie at the cut, projects without a result, refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.advancement import advance
from app.domain.errors import DomainError
from app.domain.next_round import Provenance, next_round_event
from tests.test_domain_results import make_event, project, ranked, same

# One judge each gives the panel score directly (mean of one). env: A 90, B 80, C 80, D 70, E unscored;
# edu: F 85, G 60, H 60. Overall: A 1, F 2, B 3, C 3, D 5, G 6, H 6; E unranked.
PROJECTS = [
    project("A"),
    project("B"),
    project("C"),
    project("D"),
    project("E"),
    project("F", "edu"),
    project("G", "edu"),
    project("H", "edu"),
]
SCORES = {"A": 90, "B": 80, "C": 80, "D": 70, "F": 85, "G": 60, "H": 60}


def standings():
    event = make_event(PROJECTS)
    _, st = ranked(event, {pid: same(t) for pid, t in SCORES.items()})
    return event, st


@pytest.mark.parametrize(
    ("count", "advanced", "tied"),
    [
        (1, ("A",), ()),
        (2, ("A", "F"), ()),
        # B and C share rank 3: a tie at the cut advances both (4 for N = 3)
        (3, ("A", "F", "B", "C"), ("B", "C")),
        (4, ("A", "F", "B", "C"), ()),  # exactly 4: no one beyond N
        (6, ("A", "F", "B", "C", "D", "G", "H"), ("G", "H")),
        (7, ("A", "F", "B", "C", "D", "G", "H"), ()),
    ],
)
def test_top_overall_takes_ranks_up_to_n_and_every_tie_at_the_cut(count, advanced, tied) -> None:
    _, st = standings()
    result = advance(st, "top_overall", count)
    assert result.advanced == advanced
    assert result.tied_at_cut == tied
    assert set(result.advanced) | set(result.left_out) == {p.id for p in PROJECTS}
    assert "E" in result.left_out and result.unranked == ("E",), "no result: never advances by a top rule"


@pytest.mark.parametrize(
    ("count", "advanced", "tied"),
    [
        (1, ("A", "F"), ()),
        # env: B and C tie for 2nd; edu: G and H tie for 2nd
        (2, ("A", "F", "B", "C", "G", "H"), ("B", "C", "G", "H")),
        (3, ("A", "F", "B", "C", "G", "H"), ()),
        (4, ("A", "F", "B", "C", "D", "G", "H"), ()),  # edu has 3: all of them
    ],
)
def test_top_per_category(count, advanced, tied) -> None:
    _, st = standings()
    result = advance(st, "top_per_category", count)
    assert result.advanced == advanced
    assert result.tied_at_cut == tied
    assert "E" not in result.advanced


@pytest.mark.parametrize(
    ("kind", "count", "code"),
    [
        ("top_overall", 0, "bad_count"),
        ("top_overall", -1, "bad_count"),
        ("top_overall", 8, "count_above_field"),  # 7 have a result
        ("top_per_category", 5, "count_above_field"),  # env has 4 with a result
        ("top_per_category", 0, "bad_count"),
        ("best_of", 3, "bad_rule"),
    ],
)
def test_impossible_counts_are_refused_with_their_code(kind, count, code) -> None:
    _, st = standings()
    with pytest.raises(DomainError) as caught:
        advance(st, kind, count)
    assert caught.value.code == code


def test_a_pick_needs_a_reason_and_known_distinct_ids() -> None:
    _, st = standings()
    result = advance(st, "pick", picks=("H", "E", "A"), reason="wild card of the jury")
    assert result.advanced == ("A", "H", "E"), "in the standing order, unranked last"
    assert result.tied_at_cut == ()
    for picks, reason, code in [
        (("A",), "", "reason_required"),
        (("A",), "   ", "reason_required"),
        (("A",), "x" * 501, "bad_reason"),
        ((), "why", "no_picks"),
        (("A", "Z"), "why", "unknown_project"),
        (("A", "A"), "why", "repeated_pick"),
    ]:
        with pytest.raises(DomainError) as caught:
            advance(st, "pick", picks=picks, reason=reason)
        assert caught.value.code == code, (picks, reason)


def test_the_next_round_keeps_the_advancing_projects_and_carries_the_composite() -> None:
    event, st = standings()
    result = advance(st, "top_overall", 3)
    provenance = Provenance("pre.db", 42, "0123456789abcdef")
    new = next_round_event(
        event,
        st,
        result,
        title="Final",
        round_name="Final",
        rule=("top_overall", 3, ""),
        provenance=provenance,
        carry_weight=Decimal(40),
        panel_weight=None,
        previous_round_name="Heats",
    )
    assert [p.id for p in new.projects] == ["A", "B", "C", "F"]
    assert new.panel_weight == 60.0
    [carried] = new.indicators
    assert (carried.weight, carried.max, carried.from_round) == (40.0, 100.0, "Heats")
    assert {p.id: p.indicators[carried.id] for p in new.projects} == {"A": 90.0, "B": 80.0, "C": 80.0, "F": 85.0}
    assert new.round is not None and new.round.index == 2 and new.round.previous is not None
    assert (new.round.previous.anchor_length, new.round.previous.file, new.round.previous.round) == (
        42,
        "pre.db",
        "Heats",
    )
    assert [(e.project, e.rank, e.tied, e.composite) for e in new.earlier_results] == [
        ("A", 1, False, 90.0),
        ("F", 2, False, 85.0),
        ("B", 3, True, 80.0),
        ("C", 3, True, 80.0),
    ]


@pytest.mark.parametrize(
    ("carry", "panel", "code"),
    [
        (Decimal(100), None, "bad_weight"),  # the panel would weigh nothing
        (Decimal(0), None, "bad_weight"),
        (Decimal(-5), Decimal(50), "bad_weight"),
        (Decimal("NaN"), None, "bad_weight"),
        (Decimal(40), Decimal(10001), "bad_weight"),
    ],
)
def test_weights_out_of_bounds_are_refused(carry, panel, code) -> None:
    event, st = standings()
    with pytest.raises(DomainError) as caught:
        next_round_event(
            event,
            st,
            advance(st, "top_overall", 2),
            title="Final",
            round_name="Final",
            rule=("top_overall", 2, ""),
            provenance=Provenance("pre.db", 1, "0123456789abcdef"),
            carry_weight=carry,
            panel_weight=panel,
        )
    assert caught.value.code == code


def test_a_picked_project_without_a_result_cannot_be_carried() -> None:
    event, st = standings()
    picked = advance(st, "pick", picks=("A", "E"), reason="E was ill on the day")
    kwargs = {
        "title": "Final",
        "round_name": "Final",
        "rule": ("pick", 0, "E was ill on the day"),
        "provenance": Provenance("pre.db", 1, "0123456789abcdef"),
        "panel_weight": None,
    }
    with pytest.raises(DomainError) as caught:
        next_round_event(event, st, picked, carry_weight=Decimal(40), **kwargs)  # type: ignore[arg-type]
    assert caught.value.code == "nothing_to_carry" and "E" in str(caught.value)
    new = next_round_event(event, st, picked, carry_weight=None, **kwargs)  # type: ignore[arg-type]
    assert [(e.project, e.rank, e.composite) for e in new.earlier_results] == [("A", 1, 90.0), ("E", None, None)]
    assert new.indicators == ()


def test_limits_of_a_pick_and_of_the_weights() -> None:
    event, st = standings()
    assert advance(st, "pick", picks=("A",), reason="r" * 500).advanced == ("A",)  # the reason at its limit
    with pytest.raises(DomainError) as caught:
        advance(st, "pick", picks=tuple(f"x{i}" for i in range(1001)), reason="why")
    assert caught.value.code == "too_many_picks"
    with pytest.raises(DomainError) as caught:
        advance(st, "pick", picks=tuple(f"x{i}" for i in range(1000)), reason="why")
    assert caught.value.code == "unknown_project", "1,000 names are read (and found unknown)"
    new = next_round_event(
        event,
        st,
        advance(st, "top_overall", 7),  # N = the field: everyone with a result
        title="t" * 200,
        round_name="r" * 40,
        rule=("top_overall", 7, ""),
        provenance=Provenance("pre.db", 1, "0123456789abcdef"),
        carry_weight=Decimal(10_000),
        panel_weight=Decimal(10_000),
    )
    assert (new.panel_weight, new.indicators[0].weight, len(new.projects)) == (10_000.0, 10_000.0, 7)
    for title, name, code in (("t" * 201, "r", "bad_title"), ("t", "r" * 41, "bad_round_name")):
        with pytest.raises(DomainError) as caught:
            next_round_event(
                event,
                st,
                advance(st, "top_overall", 1),
                title=title,
                round_name=name,
                rule=("top_overall", 1, ""),
                provenance=Provenance("pre.db", 1, "0123456789abcdef"),
                carry_weight=None,
                panel_weight=None,
            )
        assert caught.value.code == code
