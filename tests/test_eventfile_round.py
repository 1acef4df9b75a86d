"""The `[round]` table and `[[earlier_results]]` of the event file (app/eventfile_round.py): read,
validated with the field and line of each problem, bounded, and written back by the export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.domain.advancement import MAX_ROUNDS
from app.eventfile import EventFileError, parse_event
from app.eventfile_export import event_to_toml
from app.spreadsheets import event_workbook, import_projects_csv

MINI = (Path(__file__).parent / "data" / "mini_event.toml").read_text(encoding="utf-8")

ROUND = """
[round]
competition = "Spring Cup"
name = "Final"
index = 3

[round.previous]
event = "Spring Cup semi"
round = "Semi"
file = "semi.db"
anchor_length = 812
anchor_head = "0123456789abcdef"
advanced_by = "top_overall"
count = 2

[[earlier_results]]
project = "p1"
round = "Heats"
index = 1
rank = 3
tied = true
composite = 86.2

[[earlier_results]]
project = "p1"
round = "Semi"
index = 2
rank = 1
composite = 90.25
"""


def with_round(text: str = ROUND) -> str:
    return MINI.replace('[[indicators]]\nid = "sat"', '[[indicators]]\nfrom_round = "Semi"\nid = "sat"', 1) + text


def test_a_round_reads_and_round_trips() -> None:
    event = parse_event(with_round())
    assert event.round is not None and (event.round.name, event.round.index, event.round.competition) == (
        "Final",
        3,
        "Spring Cup",
    )
    previous = event.round.previous
    assert previous is not None and (previous.file, previous.anchor_length, previous.anchor_head) == (
        "semi.db",
        812,
        "0123456789abcdef",
    )
    assert [(e.round, e.index, e.rank, e.tied, e.composite) for e in event.earlier_results] == [
        ("Heats", 1, 3, True, 86.2),
        ("Semi", 2, 1, False, 90.25),
    ]
    assert event.indicators[0].from_round == "Semi"
    assert parse_event(event_to_toml(event)) == event


def test_an_event_without_rounds_has_none() -> None:
    event = parse_event(MINI)
    assert event.round is None and event.earlier_results == ()
    assert "[round]" not in event_to_toml(event)


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("index = 3\n\n", f"index = {MAX_ROUNDS + 1}\n\n", "round.index", f"must be at most {MAX_ROUNDS}"),
        ("index = 3\n\n", "index = 1\n\n", "round.index", "must be at least 2 when the round has a previous round"),
        ('name = "Final"', 'name = "' + "x" * 41 + '"', "round.name", "is longer than 40 characters"),
        ('anchor_head = "0123456789abcdef"', 'anchor_head = "xyz"', "round.previous.anchor_head", "hexadecimal"),
        ("anchor_length = 812", "anchor_length = -1", "round.previous.anchor_length", "must be at least 0"),
        ('advanced_by = "top_overall"', 'advanced_by = "luck"', "round.previous.advanced_by", "must be one of"),
        ('advanced_by = "top_overall"\ncount = 2', 'advanced_by = "pick"', "round.previous.reason", "is required"),
        ("count = 2\n", "count = 0\n", "round.previous.count", "must be at least 1 for a top rule"),
        (
            'project = "p1"\nround = "Heats"',
            'project = "p9"\nround = "Heats"',
            "earlier_results[0].project",
            "not a project id",
        ),
        (
            "index = 1\nrank = 3",
            "index = 3\nrank = 3",
            "earlier_results[0].index",
            "must be below this round's index (3)",
        ),
        ("composite = 86.2", "composite = 100.5", "earlier_results[0].composite", "above the maximum"),
        ("tied = true", 'tied = "yes"', "earlier_results[0].tied", "must be true or false"),
        ("rank = 1\n", "rank = 0\n", "earlier_results[1].rank", "must be at least 1"),
        ('round = "Semi"\nindex = 2', 'round = "Semi"\nindex = 1', "earlier_results[1].index", "already has a result"),
        ("competition = ", "colour = ", "round.colour", "is not a known key"),
    ],
)
def test_round_problems_name_the_field(old: str, new: str, field: str, message: str) -> None:
    text = with_round(ROUND.replace(old, new, 1))
    assert text != with_round(), "the case changes the file"
    with pytest.raises(EventFileError) as caught:
        parse_event(text)
    found = {f: m for f, _, m in caught.value.problems}
    assert field in found and message in found[field], caught.value.problems


def test_earlier_results_need_a_round_and_are_bounded() -> None:
    rows = "\n".join(f'[[earlier_results]]\nproject = "p1"\nround = "R"\nindex = {i}\n' for i in range(1, 3))
    with pytest.raises(EventFileError) as caught:
        parse_event(MINI + rows)  # no [round]
    assert ("earlier_results", "needs a [round] table (the round these results came before)") in [
        (f, m) for f, _, m in caught.value.problems
    ]
    limit = 3 * MAX_ROUNDS  # three projects in the mini event
    many = "\n".join('[[earlier_results]]\nproject = "p1"\nround = "R"\nindex = 1\n' for _ in range(limit + 1))
    with pytest.raises(EventFileError) as caught:
        parse_event(MINI + '[round]\nname = "Final"\nindex = 2\n' + many)
    assert ("earlier_results", f"lists more than {limit} results") in [(f, m) for f, _, m in caught.value.problems]


def test_values_at_their_limits_are_accepted() -> None:
    at_limit = (
        ROUND.replace("index = 3\n\n", f"index = {MAX_ROUNDS}\n\n", 1)
        .replace('name = "Final"', 'name = "' + "决" * 40 + '"', 1)
        .replace("anchor_length = 812", f"anchor_length = {2**53}")
        .replace('anchor_head = "0123456789abcdef"', 'anchor_head = "' + "a" * 64 + '"')
        .replace('advanced_by = "top_overall"\ncount = 2', 'advanced_by = "pick"\nreason = "' + "r" * 500 + '"')
        .replace("composite = 86.2", "composite = 100")
    )
    event = parse_event(with_round(at_limit))
    assert event.round is not None and event.round.index == MAX_ROUNDS and len(event.round.name) == 40
    assert event.round.previous is not None and len(event.round.previous.reason) == 500
    rows = "\n".join(
        f'[[earlier_results]]\nproject = "p{p}"\nround = "R"\nindex = {i}\n' for p in (1, 2, 3) for i in range(1, 21)
    )
    with pytest.raises(EventFileError) as caught:  # 60 = 3 × 20 rows: not too many (index 20 is not below 20)
        parse_event(MINI + f'[round]\nname = "Final"\nindex = {MAX_ROUNDS}\n' + rows)
    assert {f for f, _, _ in caught.value.problems} == {
        "earlier_results[19].index",
        "earlier_results[39].index",
        "earlier_results[59].index",
    }


def test_a_projects_csv_on_a_later_round_keeps_the_path_of_the_projects_kept() -> None:
    base = parse_event(with_round())
    wb = load_workbook(io.BytesIO(event_workbook(base)))
    rows = [["" if c.value is None else c.value for c in row] for row in wb["项目 Projects"].iter_rows()]

    def csv_of(keep: set[str]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer).writerows([r for r in rows if r[0] in keep or not str(r[0]).startswith("p")])
        return buffer.getvalue()

    kept = import_projects_csv(csv_of({"p1", "p3"}), base)
    assert kept.problems == [] and kept.event is not None
    assert kept.event.earlier_results == base.earlier_results and kept.event.round == base.round
    without = import_projects_csv(csv_of({"p2", "p3"}), base)
    assert without.problems == [] and without.event is not None and without.event.earlier_results == ()
